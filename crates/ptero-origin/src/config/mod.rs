//! The origin's configuration: one TOML file (`ptero-origin.toml`), every key overridable
//! by `PTERO_ORIGIN__SECTION__KEY`, secrets only from the environment or files.
//!
//! Loading is in three steps: read the file into a TOML table ([`overlay`] refuses inline
//! secrets and lays environment variables over it), deserialize the raw shape
//! ([`raw`]), then resolve files and keys into the checked [`Config`] ([`resolve`]).

pub mod alerts;
pub mod edit;
mod overlay;
mod raw;
mod resolve;
mod secret;

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ptero_api::{Action, ApiKey, Origin, OriginAllowList, PanelUrl};

use crate::store::StoreKind;

pub use overlay::ENV_PREFIX;
pub use resolve::SiteKey;
pub use secret::Secret;

/// The checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// This origin's public address: the `aud` of hand-off tokens, and its own origin.
    pub public_url: Origin,
    pub panel: PanelConfig,
    /// Embedding sites allowed to call the API.
    pub allowed_origins: OriginAllowList,
    /// Hosting sites by their `iss`.
    pub sites: BTreeMap<String, Site>,
    pub static_files: StaticConfig,
    pub limits: Limits,
    pub stream: StreamConfig,
    pub session_ttl: Duration,
    /// How often the file's mtime is checked for a changed allow-list (`None`: never).
    pub reload_interval: Option<Duration>,
    /// The file this came from (for reloads), when any.
    pub path: Option<PathBuf>,
    /// Where sessions, used jtis, tickets, the audit log and sealed keys live.
    pub store: StoreKind,
    /// How much of the audit log is kept, in every store.
    pub audit_retention: AuditRetention,
    /// The PteroCA addon's SSO (`None`: not set up; the route says so).
    pub sso: Option<SsoConfig>,
    /// The key that seals per-user client keys at rest (required by `per_user`).
    pub encryption_key: Option<EncryptionKey>,
    /// Where `/metrics`, `/readyz` and `/healthz` are served: never on the public
    /// listener (only `/healthz` is there too).
    pub ops_listen: SocketAddr,
    /// Alert targets and rules (`[alerts]`).
    pub alerts: alerts::AlertsConfig,
}

/// The panel and the origin's keys there.
#[derive(Debug, Clone)]
pub struct PanelConfig {
    pub url: PanelUrl,
    pub client_key: ApiKey,
    /// An application key (`ptla_`): finds viewers' panel users, manages per-user keys.
    pub application_key: Option<ApiKey>,
    pub key_mode: KeyMode,
}

/// Whose client key acts for a viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMode {
    /// The origin's own `client_key` for every viewer.
    Shared,
    /// A key of the viewer's own panel user, provisioned through the application API.
    PerUser,
}

/// The audit log's bounds: at most `keep` entries, none older than `max_age`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditRetention {
    pub keep: usize,
    pub max_age: Duration,
}

/// The PteroCA addon's SSO settings.
#[derive(Debug, Clone)]
pub struct SsoConfig {
    /// The addon's shared HS256 secret.
    pub secret: Secret,
    /// `iss` of the SSO token: the site URL the addon expects.
    pub issuer: String,
    /// How long a viewer's panel user id is remembered.
    pub user_cache: Duration,
}

/// 32 bytes that seal per-user client keys. `Debug` redacts them.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptionKey(pub [u8; 32]);

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EncryptionKey(<redacted>)")
    }
}

/// One hosting site.
#[derive(Debug, Clone)]
pub struct Site {
    /// Its `[sites.NAME]`.
    pub name: String,
    /// The `iss` its tokens carry.
    pub issuer: String,
    pub key: SiteKey,
    /// What its tokens may grant at most.
    pub actions: Vec<Action>,
    /// Which servers its tokens may name at all.
    pub scope: SiteScope,
    /// Whether the site checks its customers' emails, so that an `email` claim may
    /// identify a panel user (SSO, per-user keys). Without it only `external_id` does.
    pub emails_verified: bool,
    /// The `external_id`s its tokens may name start with this: the panel's external ids
    /// are one namespace for every site, so each site gets its own part of it.
    pub external_id_prefix: Option<String>,
    /// Whether SSO may sign into a panel root administrator (off: never).
    pub sso_admins: bool,
    /// Whether its back end may exchange tokens itself (`POST /v1/session` without an
    /// `Origin`); sessions without an origin then work from no browser page.
    pub backend_exchange: bool,
    /// Show its viewers how many players a running server has (asked of the game).
    pub players: bool,
    /// With `players`, the game's MOTD and version too.
    pub player_details: bool,
}

/// The servers a site's tokens may grant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteScope {
    /// Listed server identifiers (empty: no list).
    pub servers: Vec<ptero_api::ServerId>,
    /// Panel user ids whose servers (owned, or shared as a subuser) it may grant
    /// (empty: no list).
    pub owners: Vec<u64>,
}

impl SiteScope {
    /// Whether any server is allowed (no list set).
    pub fn is_open(&self) -> bool {
        self.servers.is_empty() && self.owners.is_empty()
    }
}

/// Where the app and the card are served from.
#[derive(Debug, Clone)]
pub struct StaticConfig {
    pub app_dir: PathBuf,
    pub card_dir: PathBuf,
}

/// Tower-layer limits and the pass-through's rate.
#[derive(Debug, Clone)]
pub struct Limits {
    pub request_timeout: Duration,
    pub body_bytes: usize,
    pub proxy_per_minute: u32,
    pub command_chars: usize,
    pub header_read_timeout: Duration,
    pub write_timeout: Duration,
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
    pub streams_per_session: usize,
    pub streams_per_ip: usize,
    pub throttle: ThrottleConfig,
    /// Upstream requests per minute with the origin's own key (`None`: half of what the
    /// panel announces).
    pub upstream_per_minute: Option<u32>,
}

/// The token buckets of [`crate::throttle`], per minute (bursts are half of each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Every `/v1/*` request, per session.
    pub session_per_minute: u32,
    /// Every `/v1/*` request, per client IP.
    pub ip_per_minute: u32,
    /// `POST /v1/session`, per client IP.
    pub exchange_per_minute: u32,
    pub power_per_minute: u32,
    pub command_per_minute: u32,
    pub sso_per_minute: u32,
    /// The pass-through, per client IP and per API key.
    pub proxy_ip_per_minute: u32,
    pub proxy_key_per_minute: u32,
    pub trust_forwarded_for: bool,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            session_per_minute: 120,
            ip_per_minute: 600,
            exchange_per_minute: 120,
            power_per_minute: 10,
            command_per_minute: 20,
            sso_per_minute: 6,
            proxy_ip_per_minute: 300,
            proxy_key_per_minute: 240,
            trust_forwarded_for: false,
        }
    }
}

/// Upstream polling of watched servers.
#[derive(Debug, Clone)]
pub struct StreamConfig {
    pub poll_interval: Duration,
    /// Events a viewer may fall behind before it is dropped.
    pub viewer_buffer: usize,
    pub max_backoff: Duration,
    /// Websocket token requests per watched server are at least this far apart
    /// (Pterodactyl 1.12 hands out 5 a minute per server to everyone together).
    pub token_interval: Duration,
    /// How often a running server's game is asked for its players (`None`: never; set
    /// when some site shows player counts).
    pub players_every: Option<Duration>,
}

/// A checked `redis://` address. It may carry a password, so `Debug` shows only
/// [`RedisUrl::shown`].
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl {
    pub url: Secret,
    /// `host:port/db`, for logs and readiness answers.
    pub shown: String,
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedisUrl({})", self.shown)
    }
}

/// Why the configuration cannot be used. Each says what to change.
#[derive(Debug)]
pub enum ConfigError {
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    Syntax {
        path: String,
        error: String,
    },
    InlineSecret {
        key: String,
        env: String,
    },
    Invalid {
        key: String,
        problem: String,
    },
    Missing {
        key: String,
        hint: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            ConfigError::Syntax { path, error } => write!(f, "{path} is not valid TOML: {error}"),
            ConfigError::InlineSecret { key, env } => write!(
                f,
                "`{key}` is a secret and may not be written in the file: remove it and set the environment variable {env}, or point `{key}_file` at a file that holds it"
            ),
            ConfigError::Invalid { key, problem } => write!(f, "`{key}`: {problem}"),
            ConfigError::Missing { key, hint } => write!(f, "`{key}` is missing: {hint}"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads `path` and the process environment.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: path.to_owned(),
            error,
        })?;
        let mut config = Self::from_toml(&text, &path.display().to_string(), std::env::vars())?;
        config.path = Some(path.to_owned());
        Ok(config)
    }

    /// Reads a TOML text with the given environment (tests pass their own).
    pub fn from_toml(
        text: &str,
        source: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let table = overlay::read(text, source, env)?;
        let raw = raw::RawConfig::from_table(table)?;
        resolve::resolve(raw)
    }
}

#[cfg(test)]
mod tests;
