//! The file's shape, as written: every key optional where a default exists.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use toml::Table;

use super::ConfigError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default = "default_listen")]
    pub listen: String,
    pub public_url: Option<String>,
    pub panel: Option<RawPanel>,
    #[serde(default)]
    pub origins: RawOrigins,
    #[serde(default)]
    pub sites: BTreeMap<String, RawSite>,
    #[serde(default, rename = "static")]
    pub static_files: RawStatic,
    #[serde(default)]
    pub limits: RawLimits,
    #[serde(default)]
    pub stream: RawStream,
    #[serde(default)]
    pub session: RawSession,
    #[serde(default)]
    pub store: RawStore,
    pub sso: Option<RawSso>,
    pub keys: Option<RawKeys>,
    #[serde(default)]
    pub ops: RawOps,
    pub alerts: Option<super::alerts::RawAlerts>,
}

/// The operations listener: `/metrics`, `/readyz`, `/healthz`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawOps {
    pub listen: String,
}

impl Default for RawOps {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:9464".to_owned(),
        }
    }
}

fn default_listen() -> String {
    "127.0.0.1:8090".to_owned()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPanel {
    pub url: Option<String>,
    /// Only from the environment (`PTERO_ORIGIN__PANEL__CLIENT_KEY`).
    pub client_key: Option<String>,
    pub client_key_file: Option<PathBuf>,
    /// Only from the environment (`PTERO_ORIGIN__PANEL__APPLICATION_KEY`).
    pub application_key: Option<String>,
    pub application_key_file: Option<PathBuf>,
    /// `shared` (the origin's key for everyone) or `per_user`.
    #[serde(default = "default_key_mode")]
    pub key_mode: String,
}

fn default_key_mode() -> String {
    "shared".to_owned()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawStore {
    /// `sqlite` (one instance, the default), `memory` (one instance, nothing kept) or
    /// `redis` (several instances sharing `redis_url`).
    pub kind: String,
    pub path: PathBuf,
    pub redis_url: Option<String>,
    /// Audit entries kept at most.
    pub audit_keep: usize,
    /// Audit entries older than this many days are dropped.
    pub audit_days: u64,
}

impl Default for RawStore {
    fn default() -> Self {
        Self {
            kind: "sqlite".to_owned(),
            path: PathBuf::from("ptero-origin.db"),
            redis_url: None,
            audit_keep: 10_000,
            audit_days: 90,
        }
    }
}

/// The PteroCA addon's SSO.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSso {
    /// The site URL the addon expects as `iss`.
    pub issuer: Option<String>,
    /// Only from the environment (`PTERO_ORIGIN__SSO__SECRET`).
    pub secret: Option<String>,
    pub secret_file: Option<PathBuf>,
    /// How long a viewer's panel user id is remembered.
    #[serde(default = "default_lookup_cache")]
    pub user_cache_secs: u64,
}

fn default_lookup_cache() -> u64 {
    300
}

/// Encryption of per-user client keys at rest.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKeys {
    /// Only from the environment (`PTERO_ORIGIN__KEYS__ENCRYPTION_KEY`): 32 bytes, base64.
    pub encryption_key: Option<String>,
    pub encryption_key_file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOrigins {
    #[serde(default)]
    pub allowed: Vec<String>,
    /// Seconds between checks of the file for a changed list; 0 turns polling off.
    #[serde(default = "default_reload")]
    pub reload_interval_secs: u64,
}

fn default_reload() -> u64 {
    2
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    /// The `iss` of its tokens.
    pub issuer: Option<String>,
    #[serde(default = "default_algorithm")]
    pub algorithm: String,
    /// Only from the environment (`PTERO_ORIGIN__SITES__<NAME>__SECRET`).
    pub secret: Option<String>,
    pub secret_file: Option<PathBuf>,
    pub public_key_file: Option<PathBuf>,
    #[serde(default = "default_actions")]
    pub actions: Vec<String>,
    /// Server identifiers its tokens may name (absent: any, within `owners`).
    #[serde(default)]
    pub servers: Vec<String>,
    /// Panel user ids whose servers its tokens may name (absent: any).
    #[serde(default)]
    pub owners: Vec<u64>,
    #[serde(default)]
    pub emails_verified: bool,
    /// The panel `external_id`s this site may name start with this (its namespace).
    pub external_id_prefix: Option<String>,
    #[serde(default)]
    pub sso_admins: bool,
    #[serde(default)]
    pub backend_exchange: bool,
    /// Player counts on its cards (off by default).
    #[serde(default)]
    pub players: bool,
    /// The game's MOTD and version beside them.
    #[serde(default)]
    pub player_details: bool,
}

fn default_algorithm() -> String {
    "HS256".to_owned()
}

fn default_actions() -> Vec<String> {
    vec!["start".to_owned(), "stop".to_owned(), "restart".to_owned()]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStatic {
    #[serde(default = "default_app_dir")]
    pub app_dir: PathBuf,
    #[serde(default = "default_card_dir")]
    pub card_dir: PathBuf,
}

impl Default for RawStatic {
    fn default() -> Self {
        Self {
            app_dir: default_app_dir(),
            card_dir: default_card_dir(),
        }
    }
}

fn default_app_dir() -> PathBuf {
    PathBuf::from("dist")
}

fn default_card_dir() -> PathBuf {
    PathBuf::from("dist/card")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawLimits {
    pub request_timeout_secs: u64,
    pub body_bytes: usize,
    pub proxy_per_minute: u32,
    pub command_chars: usize,
    /// A request head must arrive within this (a connection that sends nothing too).
    pub header_read_timeout_secs: u64,
    /// A peer whose socket stays full this long (it stopped reading) is cut.
    pub write_timeout_secs: u64,
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
    pub streams_per_session: usize,
    pub streams_per_ip: usize,
    pub session_per_minute: u32,
    pub ip_per_minute: u32,
    pub exchange_per_minute: u32,
    pub power_per_minute: u32,
    pub command_per_minute: u32,
    pub sso_per_minute: u32,
    pub proxy_ip_per_minute: u32,
    pub proxy_key_per_minute: u32,
    /// Upstream requests per minute with the origin's key; 0: half the panel's own
    /// limit as it announces it (`X-RateLimit-Limit`).
    pub upstream_per_minute: u32,
    /// Read the client's address from `X-Forwarded-For` (behind a proxy you run).
    pub trust_forwarded_for: bool,
}

impl Default for RawLimits {
    fn default() -> Self {
        Self {
            request_timeout_secs: 15,
            body_bytes: 64 * 1024,
            proxy_per_minute: 0,
            command_chars: 512,
            header_read_timeout_secs: 10,
            write_timeout_secs: 30,
            max_connections: 10_000,
            max_connections_per_ip: 256,
            streams_per_session: 4,
            streams_per_ip: 64,
            session_per_minute: 120,
            ip_per_minute: 600,
            exchange_per_minute: 120,
            power_per_minute: 10,
            command_per_minute: 20,
            sso_per_minute: 6,
            proxy_ip_per_minute: 300,
            proxy_key_per_minute: 240,
            upstream_per_minute: 0,
            trust_forwarded_for: false,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawStream {
    pub poll_interval_ms: u64,
    pub viewer_buffer: usize,
    pub max_backoff_secs: u64,
    pub token_interval_ms: u64,
}

impl Default for RawStream {
    fn default() -> Self {
        Self {
            poll_interval_ms: 5_000,
            viewer_buffer: 64,
            max_backoff_secs: 60,
            token_interval_ms: 60_000,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSession {
    pub ttl_secs: u64,
}

impl Default for RawSession {
    fn default() -> Self {
        Self { ttl_secs: 15 * 60 }
    }
}

impl RawConfig {
    pub fn from_table(table: Table) -> Result<Self, ConfigError> {
        toml::Value::Table(table)
            .try_into()
            .map_err(|error: toml::de::Error| ConfigError::Invalid {
                key: "ptero-origin.toml".to_owned(),
                problem: error.message().to_owned(),
            })
    }
}
