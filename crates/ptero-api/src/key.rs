//! Panel API keys: parsing what a person pasted, with a precise diagnosis, and a key type
//! whose `Debug` and `Display` never show the secret.
//!
//! A key is 48 characters: a 16-character identifier (prefix included) and a 32-character
//! secret, letters and digits only. Pterodactyl prefixes client keys `ptlc_` and
//! application keys `ptla_`; Pelican uses `pacc_` and `papp_`; keys made before 1.x have
//! no prefix.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

use crate::flavor::{Family, KeyUse};

/// Characters in a whole key.
pub const KEY_LENGTH: usize = 48;
/// Characters in the identifier, prefix included.
pub const IDENTIFIER_LENGTH: usize = 16;
/// Characters in the secret.
pub const SECRET_LENGTH: usize = KEY_LENGTH - IDENTIFIER_LENGTH;

/// Which API a key was made for, read from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// `ptlc_`: a user's client key.
    Client,
    /// `ptla_`: an administrator's application key.
    Application,
    /// `pacc_`: a Pelican client key.
    PelicanClient,
    /// `papp_`: a Pelican application key.
    PelicanApplication,
    /// No prefix: a key from before 1.x; its kind cannot be told.
    Legacy,
}

impl KeyKind {
    const PREFIXED: [KeyKind; 4] = [
        KeyKind::Client,
        KeyKind::Application,
        KeyKind::PelicanClient,
        KeyKind::PelicanApplication,
    ];

    /// The prefix, `None` for legacy keys.
    pub fn prefix(self) -> Option<&'static str> {
        match self {
            KeyKind::Client => Some("ptlc_"),
            KeyKind::Application => Some("ptla_"),
            KeyKind::PelicanClient => Some("pacc_"),
            KeyKind::PelicanApplication => Some("papp_"),
            KeyKind::Legacy => None,
        }
    }

    /// Whether this kind is an application (admin) key.
    pub fn is_application(self) -> bool {
        matches!(self, KeyKind::Application | KeyKind::PelicanApplication)
    }

    /// The API this kind is for; `None` for legacy keys, which could be either.
    pub fn use_for(self) -> Option<KeyUse> {
        match self {
            KeyKind::Client | KeyKind::PelicanClient => Some(KeyUse::ClientApi),
            KeyKind::Application | KeyKind::PelicanApplication => Some(KeyUse::ApplicationApi),
            KeyKind::Legacy => None,
        }
    }

    /// Who issues this kind; `None` for legacy keys.
    pub fn family(self) -> Option<Family> {
        match self {
            KeyKind::Client | KeyKind::Application => Some(Family::Pterodactyl),
            KeyKind::PelicanClient | KeyKind::PelicanApplication => Some(Family::Pelican),
            KeyKind::Legacy => None,
        }
    }

    /// The kind of key `family` issues for `api`.
    pub fn of(family: Family, api: KeyUse) -> Self {
        match (family, api) {
            (Family::Pterodactyl, KeyUse::ClientApi) => KeyKind::Client,
            (Family::Pterodactyl, KeyUse::ApplicationApi) => KeyKind::Application,
            (Family::Pelican, KeyUse::ClientApi) => KeyKind::PelicanClient,
            (Family::Pelican, KeyUse::ApplicationApi) => KeyKind::PelicanApplication,
        }
    }

    /// "an application key", "a Pelican client key", …
    fn noun(self) -> &'static str {
        match self {
            KeyKind::Client => "a client key",
            KeyKind::Application => "an application key",
            KeyKind::PelicanClient => "a Pelican client key",
            KeyKind::PelicanApplication => "a Pelican application key",
            KeyKind::Legacy => "a key without prefix",
        }
    }

    /// "a Pterodactyl client key (ptlc_)", "a Pelican application key (papp_)", …
    fn noun_with_origin(self) -> String {
        match self {
            KeyKind::Client | KeyKind::Application => format!("a Pterodactyl {self}"),
            _ => format!("a {self}"),
        }
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyKind::Client => "client key (ptlc_)",
            KeyKind::Application => "application key (ptla_)",
            KeyKind::PelicanClient => "Pelican client key (pacc_)",
            KeyKind::PelicanApplication => "Pelican application key (papp_)",
            KeyKind::Legacy => "key without prefix",
        })
    }
}

/// Why a pasted key cannot be a panel key. Positions count characters from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    Empty,
    /// `Bearer ptlc_…` was pasted whole.
    BearerPrefix,
    /// A space, tab or line break inside the key.
    Whitespace {
        position: usize,
    },
    /// `xxxx_` that no panel issues.
    UnknownPrefix {
        prefix: String,
    },
    /// A character outside `A-Z a-z 0-9` (after the prefix).
    BadCharacter {
        position: usize,
        found: char,
    },
    TooShort {
        len: usize,
    },
    TooLong {
        len: usize,
    },
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Empty => f.write_str(
                "no key was given: paste the 48-character key the panel showed when it was created",
            ),
            KeyError::BearerPrefix => f.write_str(
                "the key starts with \"Bearer \": paste only the key itself, without the word Bearer",
            ),
            KeyError::Whitespace { position } => write!(
                f,
                "the key has a space or line break at character {position}: paste it again as one piece"
            ),
            KeyError::UnknownPrefix { prefix } => write!(
                f,
                "the key starts with {prefix:?}, which no panel issues: keys start with ptlc_ (client) or ptla_ (application), pacc_ or papp_ on Pelican, or have no prefix"
            ),
            KeyError::BadCharacter { position, found } => write!(
                f,
                "character {position} of the key is {found:?}, which never appears in a panel key: copy the key again from the panel, not a masked or shortened copy"
            ),
            KeyError::TooShort { len } => write!(
                f,
                "{len} characters: the key looks truncated; copy it again whole (a panel key has {KEY_LENGTH})"
            ),
            KeyError::TooLong { len } if *len == 2 * KEY_LENGTH => write!(
                f,
                "{len} characters: that is two keys pasted together; paste only one (a panel key has {KEY_LENGTH})"
            ),
            KeyError::TooLong { len } => write!(
                f,
                "{len} characters is too long for a panel key ({KEY_LENGTH}): remove the extra characters"
            ),
        }
    }
}

impl std::error::Error for KeyError {}

/// The key kind does not fit the API (or the panel) it is used on. Each says which key
/// to use instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrongKeyKind {
    /// An application key on the Client API.
    ApplicationKeyOnClientApi { kind: KeyKind },
    /// A client key where an application key belongs.
    ClientKeyOnApplicationApi { kind: KeyKind },
    /// A key of one project on the other's panel (`ptlc_` on Pelican, `pacc_` on
    /// Pterodactyl): that panel never issued it.
    OtherFamily {
        kind: KeyKind,
        panel: Family,
        api: KeyUse,
    },
}

impl fmt::Display for WrongKeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            WrongKeyKind::ApplicationKeyOnClientApi { kind } => {
                let family = kind.family().unwrap_or(Family::Pterodactyl);
                write!(
                    f,
                    "this is {}; the client API needs a {} client key: create one under {} in the panel",
                    kind.noun(),
                    family.prefix(KeyUse::ClientApi),
                    family.where_to_create(KeyUse::ClientApi)
                )
            }
            WrongKeyKind::ClientKeyOnApplicationApi { kind } => {
                let family = kind.family().unwrap_or(Family::Pterodactyl);
                write!(
                    f,
                    "this is {}; the application API needs an application key ({}…): create one under {} with read and write on users",
                    kind.noun(),
                    family.prefix(KeyUse::ApplicationApi),
                    family.where_to_create(KeyUse::ApplicationApi)
                )
            }
            WrongKeyKind::OtherFamily { kind, panel, api } => write!(
                f,
                "this is {}, but the panel is {panel}, whose {api} keys start with {}: create one under {} in the panel",
                kind.noun_with_origin(),
                panel.prefix(api),
                panel.where_to_create(api)
            ),
        }
    }
}

impl std::error::Error for WrongKeyKind {}

/// A well-formed panel API key.
#[derive(Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct ApiKey {
    key: String,
    kind: KeyKind,
}

impl ApiKey {
    /// Reads a pasted key: surrounding whitespace is trimmed; everything else must be
    /// exactly a key.
    pub fn parse(input: &str) -> Result<Self, KeyError> {
        let key = input.trim();
        if key.is_empty() {
            return Err(KeyError::Empty);
        }
        if key
            .split_whitespace()
            .next()
            .is_some_and(|first| first.eq_ignore_ascii_case("bearer"))
        {
            return Err(KeyError::BearerPrefix);
        }
        if let Some(index) = key.chars().position(char::is_whitespace) {
            return Err(KeyError::Whitespace {
                position: index + 1,
            });
        }

        let kind = Self::kind_of(key)?;
        let skip = kind.prefix().map_or(0, str::len);
        let bad = key
            .chars()
            .enumerate()
            .skip(skip)
            .find(|(_, c)| !c.is_ascii_alphanumeric());
        // A bad character beyond the 48th is reported as excess length instead: that is
        // usually a second key (its `_`) or trailing junk, and "too long" says what to do.
        if let Some((index, found)) = bad.filter(|(index, _)| *index < KEY_LENGTH) {
            return Err(KeyError::BadCharacter {
                position: index + 1,
                found,
            });
        }
        match key.chars().count() {
            KEY_LENGTH => Ok(ApiKey {
                key: key.to_owned(),
                kind,
            }),
            len if len < KEY_LENGTH => Err(KeyError::TooShort { len }),
            len => Err(KeyError::TooLong { len }),
        }
    }

    fn kind_of(key: &str) -> Result<KeyKind, KeyError> {
        let Some(head) = key.get(..5) else {
            return Ok(KeyKind::Legacy);
        };
        if let Some(kind) = KeyKind::PREFIXED
            .into_iter()
            .find(|kind| kind.prefix() == Some(head))
        {
            return Ok(kind);
        }
        // `_` is one byte, so four alphanumerics before it fill the other four bytes.
        let looks_prefixed =
            head.ends_with('_') && head.chars().take(4).all(|c| c.is_ascii_alphanumeric());
        if looks_prefixed {
            return Err(KeyError::UnknownPrefix {
                prefix: head.to_owned(),
            });
        }
        Ok(KeyKind::Legacy)
    }

    /// Joins an identifier and a secret (as the addon's create answer gives them).
    pub fn from_parts(identifier: &str, secret: &str) -> Result<Self, KeyError> {
        Self::parse(&format!("{}{}", identifier.trim(), secret.trim()))
    }

    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The first 16 characters: public, shown in the panel's key list.
    pub fn identifier(&self) -> &str {
        self.key.get(..IDENTIFIER_LENGTH).unwrap_or_default()
    }

    /// The whole key, to send. Never log it.
    pub fn expose_secret(&self) -> &str {
        &self.key
    }

    /// The `Authorization` header value: `Bearer <key>`.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.key)
    }

    /// Whether the Client API accepts this kind of key.
    pub fn check_client_api(&self) -> Result<(), WrongKeyKind> {
        self.check_use(KeyUse::ClientApi, None)
    }

    /// Whether this key belongs on `api` of a panel whose keys `panel` issues (`None`:
    /// either project's). Legacy keys without a prefix cannot be told and pass.
    pub fn check_use(&self, api: KeyUse, panel: Option<Family>) -> Result<(), WrongKeyKind> {
        let kind = self.kind;
        match (api, kind.use_for()) {
            (KeyUse::ClientApi, Some(KeyUse::ApplicationApi)) => {
                return Err(WrongKeyKind::ApplicationKeyOnClientApi { kind })
            }
            (KeyUse::ApplicationApi, Some(KeyUse::ClientApi)) => {
                return Err(WrongKeyKind::ClientKeyOnApplicationApi { kind })
            }
            _ => {}
        }
        match (panel, kind.family()) {
            (Some(panel), Some(family)) if panel != family => {
                Err(WrongKeyKind::OtherFamily { kind, panel, api })
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("kind", &self.kind)
            .field("identifier", &self.identifier())
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}…", self.identifier())
    }
}

impl FromStr for ApiKey {
    type Err = KeyError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl TryFrom<String> for ApiKey {
    type Error = KeyError;

    fn try_from(input: String) -> Result<Self, Self::Error> {
        Self::parse(&input)
    }
}
