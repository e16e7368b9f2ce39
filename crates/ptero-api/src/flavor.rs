//! Which panel and Wings a client talks to: Pterodactyl 1.11, Pterodactyl 1.12 or Pelican,
//! and the limits that follow from each (CONTRACT-2026.md; the sandbox's README cites the
//! source file of every row).
//!
//! Facts only, no I/O: the sandbox behaves by them, the origin and the app stay inside
//! them, and `ptero-origin check` names what a panel's answers reveal.

use std::fmt;
use std::str::FromStr;

use crate::key::KeyKind;

/// A throttle on one route: `count` requests per `period_secs`, counted per user or per
/// server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionLimit {
    pub count: u32,
    pub period_secs: u64,
    pub per: LimitScope,
}

/// Whose requests an [`ActionLimit`] counts together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitScope {
    User,
    /// Every user of the server together.
    Server,
}

/// Backups the panel lets a server start per period (`config/backups.php` `throttles`:
/// 2 per 600 s, `BACKUP_THROTTLE_LIMIT` / `_PERIOD`), counting deleted ones: the same in
/// every flavour. The third answers 429 "Only 2 backups may be generated within a 600
/// second span of time." with `Retry-After`.
pub const BACKUP_THROTTLE: (u32, u64) = (2, 600);

/// A panel release line with its Wings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Flavor {
    /// Pterodactyl panel 1.11 and Wings 1.11: no websocket limits.
    Pterodactyl111,
    /// Pterodactyl panel 1.12 and Wings 1.12 (the 2026 security releases).
    #[default]
    Pterodactyl112,
    /// Pelican, the fork: 1.12's limits plus its own keys and routes.
    Pelican,
}

/// Who issued a key: the two projects prefix keys differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Pterodactyl,
    Pelican,
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Family::Pterodactyl => "Pterodactyl",
            Family::Pelican => "Pelican",
        })
    }
}

impl Family {
    /// The prefix of the keys this family issues for `api`.
    pub fn prefix(self, api: KeyUse) -> &'static str {
        match (self, api) {
            (Family::Pterodactyl, KeyUse::ClientApi) => "ptlc_",
            (Family::Pterodactyl, KeyUse::ApplicationApi) => "ptla_",
            (Family::Pelican, KeyUse::ClientApi) => "pacc_",
            (Family::Pelican, KeyUse::ApplicationApi) => "papp_",
        }
    }

    /// Where a user of this family's panel creates a key for `api`.
    pub fn where_to_create(self, api: KeyUse) -> &'static str {
        match (self, api) {
            (Family::Pterodactyl, KeyUse::ClientApi) => "Account → API Credentials",
            (Family::Pterodactyl, KeyUse::ApplicationApi) => "Admin → Application API",
            (Family::Pelican, KeyUse::ClientApi) => "your profile's API Keys tab",
            (Family::Pelican, KeyUse::ApplicationApi) => "Admin → API Keys",
        }
    }
}

/// The API a key is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyUse {
    /// `/api/client`: a user's client (account) key.
    ClientApi,
    /// `/api/application`: an administrator's application key.
    ApplicationApi,
}

impl fmt::Display for KeyUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyUse::ClientApi => "client API",
            KeyUse::ApplicationApi => "application API",
        })
    }
}

/// The inbound frame limit of Wings 1.12 and Pelican Wings (`conn.SetReadLimit(4096)`): a
/// longer frame makes Wings close the socket (1009, message too big).
pub const WINGS_FRAME_LIMIT: usize = 4096;
/// Open websockets Wings 1.12 allows per server, all users together; the next upgrade
/// gets HTTP 400 [`TOO_MANY_SOCKETS`].
pub const WINGS_SOCKETS_PER_SERVER: usize = 30;
/// Wings' answer to one socket too many.
pub const TOO_MANY_SOCKETS: &str = "Too many open websocket connections.";
/// Websocket tokens the 1.12 / Pelican panel hands out per server per minute, shared by
/// every user of the server.
pub const WEBSOCKET_TOKENS_PER_MINUTE: u32 = 5;

impl Flavor {
    pub const ALL: [Flavor; 3] = [
        Flavor::Pterodactyl111,
        Flavor::Pterodactyl112,
        Flavor::Pelican,
    ];

    /// The name `--flavor` takes: `pterodactyl-1.11`, `pterodactyl-1.12`, `pelican`.
    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::Pterodactyl111 => "pterodactyl-1.11",
            Flavor::Pterodactyl112 => "pterodactyl-1.12",
            Flavor::Pelican => "pelican",
        }
    }

    /// Who issues this panel's keys.
    pub fn family(self) -> Family {
        match self {
            Flavor::Pelican => Family::Pelican,
            _ => Family::Pterodactyl,
        }
    }

    /// The default client API limit per user per minute (`APP_API_CLIENT_RATELIMIT`):
    /// 720 on 1.11; 256 on later 1.12 releases and Pelican (1.12.0 shipped 120).
    pub fn client_rate_limit(self) -> u32 {
        match self {
            Flavor::Pterodactyl111 => 720,
            _ => 256,
        }
    }

    /// The default application API limit per user per minute.
    pub fn application_rate_limit(self) -> u32 {
        match self {
            Flavor::Pterodactyl111 => 240,
            _ => 256,
        }
    }

    /// Websocket tokens per server per minute, when the panel limits them.
    pub fn websocket_tokens_per_minute(self) -> Option<u32> {
        self.limits_websockets()
            .then_some(WEBSOCKET_TOKENS_PER_MINUTE)
    }

    /// Open sockets per server, when Wings limits them.
    pub fn sockets_per_server(self) -> Option<usize> {
        self.limits_websockets().then_some(WINGS_SOCKETS_PER_SERVER)
    }

    /// The longest inbound frame Wings reads, when it limits them.
    pub fn frame_limit(self) -> Option<usize> {
        self.limits_websockets().then_some(WINGS_FRAME_LIMIT)
    }

    /// Whether Wings rate-limits inbound messages (and says `throttled`).
    pub fn throttles_messages(self) -> bool {
        self.limits_websockets()
    }

    /// Whether Wings closes a suspended server's socket with 4409.
    pub fn closes_suspended(self) -> bool {
        self.limits_websockets()
    }

    /// The limit on `POST /servers/{s}/files/pull`: 1.11 throttles it per user, 10 per
    /// 5 minutes (`throttle:10,5`); 1.12 and Pelican per server, all users together, 5
    /// per 10 minutes (`ResourceLimit::FilePull`). Either way after the server-access
    /// checks and before the permission check, answered 429 "Too Many Attempts.".
    pub fn file_pull_limit(self) -> ActionLimit {
        match self {
            Flavor::Pterodactyl111 => ActionLimit {
                count: 10,
                period_secs: 300,
                per: LimitScope::User,
            },
            _ => ActionLimit {
                count: 5,
                period_secs: 600,
                per: LimitScope::Server,
            },
        }
    }

    /// The limit on `POST /servers/{s}/backups/{uuid}/restore`: none on 1.11; 3 per 15
    /// minutes per server on 1.12 and Pelican (`ResourceLimit::BackupRestore`).
    pub fn backup_restore_limit(self) -> Option<ActionLimit> {
        self.limits_websockets().then_some(ActionLimit {
            count: 3,
            period_secs: 900,
            per: LimitScope::Server,
        })
    }

    /// Whether the server's description is set apart from its name (Pelican's
    /// `POST /settings/description`, permission `settings.description`); Pterodactyl's
    /// rename takes both.
    pub fn describes_apart(self) -> bool {
        self == Flavor::Pelican
    }

    /// Whether the panel's websocket tokens carry `scope` and Wings requires
    /// `websocket` in it.
    pub fn scoped_tokens(self) -> bool {
        self.limits_websockets()
    }

    /// Whether every panel answer says `X-Frame-Options: DENY`.
    pub fn denies_framing(self) -> bool {
        self.limits_websockets()
    }

    fn limits_websockets(self) -> bool {
        self != Flavor::Pterodactyl111
    }

    /// What a panel's answers reveal, as well as it can be told: `X-Frame-Options`
    /// (absent before 1.12), the key's prefix (only Pelican issues `pacc_`/`papp_`) and
    /// a websocket token's `jti` (Pterodactyl: md5, 32 hex; Pelican: sha256, 64).
    pub fn detect(evidence: &Evidence) -> Detected {
        let pelican = evidence
            .key_kind
            .is_some_and(|kind| kind.family() == Some(Family::Pelican))
            || evidence.token_jti_len == Some(64);
        let flavor = if pelican {
            Flavor::Pelican
        } else if evidence.frame_options_deny || evidence.token_scope {
            Flavor::Pterodactyl112
        } else {
            Flavor::Pterodactyl111
        };
        let release = match (flavor, evidence.client_rate_limit) {
            (Flavor::Pterodactyl112, Some(120)) => Some("1.12.0 (its client limit of 120)"),
            (Flavor::Pterodactyl112, Some(256)) => Some("1.12.1 or later (client limit 256)"),
            _ => None,
        };
        Detected { flavor, release }
    }
}

/// What `ptero-origin check` saw of a panel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// `X-Frame-Options: DENY` on an API answer.
    pub frame_options_deny: bool,
    /// `X-RateLimit-Limit` of an authenticated answer.
    pub client_rate_limit: Option<u32>,
    /// The kind of the key that worked.
    pub key_kind: Option<KeyKind>,
    /// Length of a websocket token's `jti`, when one was read.
    pub token_jti_len: Option<usize>,
    /// Whether that token had a `scope` claim.
    pub token_scope: bool,
}

/// [`Flavor::detect`]'s answer: the flavour, and the release when the limits tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    pub flavor: Flavor,
    pub release: Option<&'static str>,
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Flavor::Pterodactyl111 => "Pterodactyl 1.11",
            Flavor::Pterodactyl112 => "Pterodactyl 1.12",
            Flavor::Pelican => "Pelican",
        })
    }
}

/// A flavour name nobody knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFlavor(pub String);

impl fmt::Display for UnknownFlavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a panel flavour: use pterodactyl-1.11, pterodactyl-1.12 or pelican",
            self.0
        )
    }
}

impl std::error::Error for UnknownFlavor {}

impl FromStr for Flavor {
    type Err = UnknownFlavor;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let name = input.trim().to_ascii_lowercase();
        match name.as_str() {
            "pterodactyl-1.11" | "1.11" => Ok(Flavor::Pterodactyl111),
            "pterodactyl-1.12" | "1.12" | "pterodactyl" => Ok(Flavor::Pterodactyl112),
            "pelican" => Ok(Flavor::Pelican),
            _ => Err(UnknownFlavor(input.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_say_what_exists() {
        for flavor in Flavor::ALL {
            assert_eq!(flavor.as_str().parse(), Ok(flavor));
        }
        let error = "pterodactyl-2".parse::<Flavor>().unwrap_err();
        assert!(error.to_string().contains("pterodactyl-1.12"));
        assert_eq!(Flavor::default(), Flavor::Pterodactyl112);
    }

    #[test]
    fn only_1_11_has_no_websocket_limits() {
        assert_eq!(Flavor::Pterodactyl111.websocket_tokens_per_minute(), None);
        assert_eq!(Flavor::Pterodactyl111.frame_limit(), None);
        for flavor in [Flavor::Pterodactyl112, Flavor::Pelican] {
            assert_eq!(flavor.websocket_tokens_per_minute(), Some(5));
            assert_eq!(flavor.sockets_per_server(), Some(30));
            assert_eq!(flavor.frame_limit(), Some(4096));
            assert_eq!(flavor.client_rate_limit(), 256);
        }
    }

    #[test]
    fn detection_reads_headers_keys_and_tokens() {
        let detect = |evidence: Evidence| Flavor::detect(&evidence).flavor;
        assert_eq!(detect(Evidence::default()), Flavor::Pterodactyl111);
        let framed = Evidence {
            frame_options_deny: true,
            client_rate_limit: Some(120),
            ..Evidence::default()
        };
        assert_eq!(
            Flavor::detect(&framed).release,
            Some("1.12.0 (its client limit of 120)")
        );
        assert_eq!(detect(framed.clone()), Flavor::Pterodactyl112);
        let pelican_key = Evidence {
            key_kind: Some(KeyKind::PelicanClient),
            ..framed.clone()
        };
        assert_eq!(detect(pelican_key), Flavor::Pelican);
        let pelican_token = Evidence {
            token_jti_len: Some(64),
            key_kind: Some(KeyKind::Client),
            ..framed
        };
        assert_eq!(detect(pelican_token), Flavor::Pelican);
    }
}
