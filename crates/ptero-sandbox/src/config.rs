//! What a sandbox run can be tuned with: the flavour it emulates, listen address, seed,
//! delays, token lifetime, rate limits, CORS and the nodes' allowed origins.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use ptero_api::Flavor;

/// Sandbox settings. `Default` is the real panel's behaviour on a random loopback port;
/// tests shorten the delays.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The panel and Wings it behaves like (Pterodactyl 1.12 unless chosen): limits,
    /// error bodies, close codes, key prefixes, routes and token claims. Set it with
    /// [`SandboxConfig::flavored`], which also sets the flavour's rate limits.
    pub flavor: Flavor,
    /// Chooses what varies (stats, file sizes and times, node signing keys); identities
    /// stay those of [`crate::seed`].
    pub seed: u64,
    /// The panel's listen address (`127.0.0.1:0` picks a free port). Each node's Wings
    /// listens on the same IP, on its own free port.
    pub listen: SocketAddr,
    /// Time `starting` and `stopping` last.
    pub power_delay: Duration,
    /// Lifetime of websocket tokens (the panel's is 10 minutes).
    pub ws_token_lifetime: Duration,
    /// How often Wings checks a socket's token for `token expiring` (Wings: 30 s); never
    /// longer than half of `ws_token_lifetime`.
    pub token_check_interval: Duration,
    /// Client API requests per minute per user (`APP_API_CLIENT_RATELIMIT`: 720 on 1.11,
    /// 256 on 1.12 and Pelican).
    pub rate_limit_per_minute: u32,
    /// Application API requests per minute per user (240 on 1.11, 256 on 1.12 and Pelican).
    pub app_rate_limit_per_minute: u32,
    /// Websocket tokens per server per minute (`APP_API_WEBSOCKET_RATELIMIT`: none on
    /// 1.11, 5 on 1.12 and Pelican).
    pub websocket_tokens_per_minute: Option<u32>,
    /// `APP_CORS_ALLOWED_ORIGINS`: exact origins allowed on `/api/client`; empty = no
    /// CORS headers at all (the panel's default).
    pub cors_origins: Vec<String>,
    /// Every node's Wings `allowed_origins`, besides the panel URL (`*` allows all).
    pub node_allowed_origins: Vec<String>,
    /// Interval of Wings' `stats` frames while a server runs.
    pub stats_interval: Duration,
    /// How long the panel caches `/resources` per server (20 s in the panel).
    pub resources_cache_ttl: Duration,
    /// Per-user limit of client keys the application API creates (nextscale addon: 5).
    pub max_keys_per_user: usize,
    /// Servers seeded beside the fixed world (Alice's, running, on FRA), for dashboard
    /// benchmarks: `Bench 001`, `Bench 002`, …
    pub extra_servers: usize,
    /// Answer the games' status queries (Minecraft Java and Bedrock, Source A2S) on each
    /// server's primary allocation, moved to a free loopback port ([`crate::games`]).
    pub games: bool,
    /// The panel's backup throttle (`BACKUP_THROTTLE_LIMIT` per `BACKUP_THROTTLE_PERIOD`;
    /// 2 per 10 minutes); `None` turns it off (period 0).
    pub backup_throttle: Option<(u32, Duration)>,
    /// Wings' `api.upload_limit` in MiB (100).
    pub upload_limit_mib: u64,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self::flavored(Flavor::default())
    }
}

impl SandboxConfig {
    /// The real panel's behaviour in `flavor`, on a random loopback port.
    pub fn flavored(flavor: Flavor) -> Self {
        Self {
            flavor,
            seed: 1,
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            power_delay: Duration::from_secs(3),
            ws_token_lifetime: Duration::from_secs(600),
            token_check_interval: Duration::from_secs(30),
            rate_limit_per_minute: flavor.client_rate_limit(),
            app_rate_limit_per_minute: flavor.application_rate_limit(),
            websocket_tokens_per_minute: flavor.websocket_tokens_per_minute(),
            cors_origins: Vec::new(),
            node_allowed_origins: Vec::new(),
            stats_interval: Duration::from_secs(1),
            resources_cache_ttl: Duration::from_secs(20),
            max_keys_per_user: crate::seed::MAX_KEYS_PER_USER,
            extra_servers: 0,
            games: false,
            backup_throttle: Some((
                ptero_api::flavor::BACKUP_THROTTLE.0,
                Duration::from_secs(ptero_api::flavor::BACKUP_THROTTLE.1),
            )),
            upload_limit_mib: 100,
        }
    }

    /// Settings for fast tests: 100 ms power transitions (and backups, restores,
    /// reinstalls), 50 ms stats, 100 ms token checks, no `/resources` cache.
    pub fn fast() -> Self {
        Self::fast_flavored(Flavor::default())
    }

    /// [`SandboxConfig::fast`] in `flavor`.
    pub fn fast_flavored(flavor: Flavor) -> Self {
        Self {
            power_delay: Duration::from_millis(100),
            stats_interval: Duration::from_millis(50),
            token_check_interval: Duration::from_millis(100),
            resources_cache_ttl: Duration::ZERO,
            ..Self::flavored(flavor)
        }
    }
}
