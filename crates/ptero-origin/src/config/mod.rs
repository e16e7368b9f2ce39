//! The origin's configuration: one TOML file (`ptero-origin.toml`), every key overridable
//! by `PTERO_ORIGIN__SECTION__KEY`, secrets only from the environment or files.
//!
//! Loading is in three steps: read the file into a TOML table ([`overlay`] refuses inline
//! secrets and lays environment variables over it), deserialize the raw shape
//! ([`raw`]), then resolve files and keys into the checked [`Config`] ([`resolve`]).

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
    /// The PteroCA addon's SSO (`None`: not set up; the route says so).
    pub sso: Option<SsoConfig>,
    /// The key that seals per-user client keys at rest (required by `per_user`).
    pub encryption_key: Option<EncryptionKey>,
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
    /// The `iss` its tokens carry.
    pub issuer: String,
    pub key: SiteKey,
    /// What its tokens may grant at most.
    pub actions: Vec<Action>,
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

    /// Only the allow-list of `path` (for reloads), with the environment laid over it.
    pub fn load_allow_list(path: &Path) -> Result<OriginAllowList, ConfigError> {
        Ok(Self::load(path)?.allowed_origins)
    }
}

#[cfg(test)]
mod tests;
