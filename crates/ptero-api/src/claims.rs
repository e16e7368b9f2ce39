//! JWT claim sets, so the hosting site, the origin, the card and the sandbox agree by
//! construction: the hand-off token ([`HandoffClaims`]), the PteroCA SSO token
//! ([`SsoClaims`]) and the Wings websocket token ([`WingsTokenClaims`]). Signing and
//! verifying live elsewhere; this module owns the shapes and the time checks.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::resources::PowerSignal;

/// Path of the PteroCA addon's SSO endpoint on the panel.
pub const SSO_AUTHORIZE_PATH: &str = "/pteroca/authorize";
/// Form field the addon reads the SSO token from.
pub const SSO_FORM_FIELD: &str = "pteroca_sso_token";
/// Lifetime of an SSO token, in seconds.
pub const SSO_LIFETIME_SECS: u64 = 60;
/// How long the origin's one-time SSO link (`/sso/{ticket}`) may be opened and confirmed.
pub const SSO_TICKET_LIFETIME_SECS: u64 = 30;

/// What a hand-off token lets the viewer do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Start,
    Stop,
    Restart,
    Kill,
    Console,
    Sso,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Start,
        Action::Stop,
        Action::Restart,
        Action::Kill,
        Action::Console,
        Action::Sso,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Restart => "restart",
            Action::Kill => "kill",
            Action::Console => "console",
            Action::Sso => "sso",
        }
    }

    /// The action a power signal needs.
    pub fn for_signal(signal: PowerSignal) -> Self {
        match signal {
            PowerSignal::Start => Action::Start,
            PowerSignal::Stop => Action::Stop,
            PowerSignal::Restart => Action::Restart,
            PowerSignal::Kill => Action::Kill,
        }
    }

    /// Reads a space-separated list such as `"start stop console"`; duplicates are kept
    /// once, in order. Every unknown word is reported.
    pub fn parse_list(list: &str) -> Result<Vec<Action>, UnknownActions> {
        let mut actions = Vec::new();
        let mut unknown = Vec::new();
        for word in list.split_whitespace() {
            match word.parse::<Action>() {
                Ok(action) if !actions.contains(&action) => actions.push(action),
                Ok(_) => {}
                Err(_) => unknown.push(word.to_owned()),
            }
        }
        if unknown.is_empty() {
            Ok(actions)
        } else {
            Err(UnknownActions(unknown))
        }
    }

    /// The space-separated form of a list.
    pub fn join(actions: &[Action]) -> String {
        actions
            .iter()
            .map(|action| action.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = UnknownActions;

    fn from_str(word: &str) -> Result<Self, Self::Err> {
        Action::ALL
            .into_iter()
            .find(|action| action.as_str() == word)
            .ok_or_else(|| UnknownActions(vec![word.to_owned()]))
    }
}

/// Words that are not actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownActions(pub Vec<String>);

impl fmt::Display for UnknownActions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown action(s) {:?}: use start, stop, restart, kill, console or sso",
            self.0
        )
    }
}

impl std::error::Error for UnknownActions {}

/// Reads `actions` as a JSON list or as one space-separated string.
fn actions_list_or_words<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Action>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        List(Vec<Action>),
        Words(String),
    }
    match Raw::deserialize(deserializer)? {
        Raw::List(list) => Ok(list),
        Raw::Words(words) => Action::parse_list(&words).map_err(serde::de::Error::custom),
    }
}

/// `aud`: one string, or a list (RFC 7519 allows both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience(pub Vec<String>);

impl Audience {
    pub fn one(audience: impl Into<String>) -> Self {
        Self(vec![audience.into()])
    }

    /// Whether `expected` is one of the audiences (exact comparison).
    pub fn contains(&self, expected: &str) -> bool {
        self.0.iter().any(|audience| audience == expected)
    }
}

impl Serialize for Audience {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => serializer.serialize_str(one),
            many => many.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        Ok(Audience(match Raw::deserialize(deserializer)? {
            Raw::One(one) => vec![one],
            Raw::Many(many) => many,
        }))
    }
}

/// A token that is not valid at the given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeError {
    /// `exp` has passed.
    Expired { exp: u64, now: u64 },
    /// `nbf` is still ahead.
    NotYetValid { nbf: u64, now: u64 },
    /// `iat` is ahead of the clock by more than the leeway.
    IssuedInFuture { iat: u64, now: u64 },
    /// `exp - iat` is longer than allowed.
    LivesTooLong { lifetime: u64, max: u64 },
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeError::Expired { exp, now } => write!(
                f,
                "the token expired {} seconds ago: ask the site for a new one",
                now.saturating_sub(*exp)
            ),
            TimeError::NotYetValid { nbf, now } => write!(
                f,
                "the token is not valid for another {} seconds: check the clocks of the site and this server",
                nbf.saturating_sub(*now)
            ),
            TimeError::IssuedInFuture { iat, now } => write!(
                f,
                "the token was issued {} seconds in the future: check the clocks of the site and this server",
                iat.saturating_sub(*now)
            ),
            TimeError::LivesTooLong { lifetime, max } => write!(
                f,
                "the token lives {lifetime} seconds, more than the {max} allowed: issue shorter-lived tokens"
            ),
        }
    }
}

impl std::error::Error for TimeError {}

/// Checks `iat`/`nbf`/`exp` against `now` (unix seconds) with `leeway` seconds for clock
/// skew, and the lifetime against `max_lifetime`.
pub fn check_times(
    now: u64,
    leeway: u64,
    iat: u64,
    nbf: Option<u64>,
    exp: u64,
    max_lifetime: u64,
) -> Result<(), TimeError> {
    if now >= exp.saturating_add(leeway) {
        return Err(TimeError::Expired { exp, now });
    }
    if let Some(nbf) = nbf {
        if now.saturating_add(leeway) < nbf {
            return Err(TimeError::NotYetValid { nbf, now });
        }
    }
    if iat > now.saturating_add(leeway) {
        return Err(TimeError::IssuedInFuture { iat, now });
    }
    let lifetime = exp.saturating_sub(iat);
    if lifetime > max_lifetime {
        return Err(TimeError::LivesTooLong {
            lifetime,
            max: max_lifetime,
        });
    }
    Ok(())
}

/// The hosting site's hand-off JWT to the origin: who is viewing, which servers they may
/// see, and what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffClaims {
    /// The hosting site.
    pub iss: String,
    /// The origin server.
    pub aud: Audience,
    /// The viewer's id on the hosting site.
    pub sub: String,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    pub iat: u64,
    /// Single use: the origin remembers it until `exp`.
    pub jti: String,
    /// Server identifiers (short id or UUID) the viewer may see.
    pub servers: Vec<String>,
    /// A list, or one space-separated string when read.
    #[serde(deserialize_with = "actions_list_or_words")]
    pub actions: Vec<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The panel user's `external_id`, to resolve the user for SSO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

impl HandoffClaims {
    /// Whether the token grants `action`.
    pub fn allows(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }

    /// Whether the token names `server` (exact, case-insensitive hex).
    pub fn covers(&self, server: &str) -> bool {
        self.servers
            .iter()
            .any(|listed| listed.eq_ignore_ascii_case(server))
    }

    /// Time checks (see [`check_times`]).
    pub fn check_times(&self, now: u64, leeway: u64, max_lifetime: u64) -> Result<(), TimeError> {
        check_times(now, leeway, self.iat, self.nbf, self.exp, max_lifetime)
    }
}

/// The PteroCA addon's SSO JWT (HS256, shared secret): what the origin mints and the
/// sandbox verifies. The addon itself reads only `user.id`; ptero-web checks the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoClaims {
    /// The site's URL.
    pub iss: String,
    /// The panel URL.
    pub aud: Audience,
    pub iat: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    pub exp: u64,
    pub jti: String,
    pub user: SsoUser,
}

impl SsoClaims {
    /// Time checks (see [`check_times`]), at most [`SSO_LIFETIME_SECS`] long.
    pub fn check_times(&self, now: u64, leeway: u64) -> Result<(), TimeError> {
        check_times(now, leeway, self.iat, self.nbf, self.exp, SSO_LIFETIME_SECS)
    }
}

/// `user` of the SSO token: the panel user id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoUser {
    pub id: u64,
}

/// The panel's websocket JWT for Wings (HS256 with the node's token): what the sandbox
/// mints. Wings checks the signature, `exp`, `server_uuid` and `permissions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WingsTokenClaims {
    /// The panel's `APP_URL`.
    pub iss: String,
    /// `["https://node:port"]`.
    pub aud: Audience,
    pub jti: String,
    pub iat: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    pub exp: u64,
    pub server_uuid: String,
    /// As in `user_permissions`: `*`, `websocket.connect`, `control.console`, …
    pub permissions: Vec<String>,
    pub user_uuid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_id: Option<String>,
    /// Pterodactyl 1.12 and Pelican: what the token is for, space-separated
    /// (`websocket`, `file-download`, `file-upload`, `backup-download`, `transfer`);
    /// their Wings refuses a websocket token without `websocket`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl WingsTokenClaims {
    /// Whether `scope` names `wanted` (Wings splits it on spaces).
    pub fn has_scope(&self, wanted: &str) -> bool {
        self.scope
            .as_deref()
            .is_some_and(|scope| scope.split(' ').any(|one| one == wanted))
    }

    /// Whether the token grants `permission`, as Wings decides (`*` grants all but
    /// `admin.*`).
    pub fn can(&self, permission: &str) -> bool {
        self.permissions
            .iter()
            .any(|p| p == permission || (p == "*" && !permission.starts_with("admin.")))
    }
}

/// The claims of Wings' signed URLs (`/download/file`, `/upload/file`,
/// `/download/backup`): minted by the panel with the node's key for 15 minutes (panel
/// `FileController::download`, `FileUploadController`, `DownloadLinkService`), one use
/// each (Wings remembers `unique_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WingsUrlClaims {
    pub iss: String,
    pub aud: Audience,
    pub jti: String,
    pub iat: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    pub exp: u64,
    pub server_uuid: String,
    /// Downloads: the file, as the panel got it (`rawurldecode`d).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_path: Option<String>,
    /// Backup downloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_uuid: Option<String>,
    pub user_uuid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<u64>,
    pub unique_id: String,
    /// 1.12 and Pelican: `file-download`, `file-upload` or `backup-download`; their
    /// Wings answers 404 to a token without the route's scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl WingsUrlClaims {
    /// Whether `scope` names `wanted`.
    pub fn has_scope(&self, wanted: &str) -> bool {
        self.scope
            .as_deref()
            .is_some_and(|scope| scope.split(' ').any(|one| one == wanted))
    }
}

/// How long the panel's signed URLs live (`addMinutes(15)`).
pub const SIGNED_URL_LIFETIME_SECS: u64 = 15 * 60;
