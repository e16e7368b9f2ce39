//! `ptero-sandbox`: run the Pterodactyl panel + Wings emulator standalone.
//!
//! ```sh
//! cargo run -p ptero-sandbox -- --listen 127.0.0.1:8080 --power-delay-ms 1500 --flavor pelican
//! ```
//! Prints the panel URL, each node's Wings URL and the seeded keys, then serves until
//! Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use ptero_api::Flavor;
use ptero_sandbox::{seed, Sandbox, SandboxConfig};
use tracing_subscriber::EnvFilter;

const AFTER_HELP: &str = "\
Flavours (--flavor): pterodactyl-1.11 (no websocket limits, 720/min client API),
  pterodactyl-1.12 (the default: 256/min, 5 websocket tokens per server per minute,
  30 sockets per server, throttled events, 4 KiB frames, close 4409 when suspended,
  scoped tokens, X-Frame-Options: DENY), pelican (1.12's limits, pacc_/papp_ keys,
  Pelican's routes and token claims). crates/ptero-sandbox/README.md lists every difference.
Endpoints:
  /api/client/...                 Client API (Bearer ptlc_ key, Accept: application/json)
  /api/application/...            users, servers, users/{id}/api-keys, nodes/{id}/allocations/free, pteroca/version
  POST /pteroca/authorize         PteroCA SSO (form field pteroca_sso_token, HS256 with the SSO secret)
  /                               the sandbox panel page: who is signed in
  ws://IP:NODE_PORT/api/servers/{uuid}/ws   Wings websocket of each node (socket URL from /websocket)
Control (no auth):
  GET|PUT|DELETE /__sandbox/faults          {latency_ms, server_error, daemon_down, drop_websockets,
                                             events_before_auth, stale_tokens, malformed_json,
                                             slow_body_ms, stuck, pteroca_missing, path_prefix}
  GET|DELETE /__sandbox/requests            request counters per route and server
  GET /__sandbox/requests/log               every request target as sent (last 10,000)
  POST /__sandbox/servers/{id}/crash        the server's process crashes
  POST /__sandbox/servers/{id}/backup       emits Wings' `backup completed`
  GET /__sandbox/audit, /__sandbox/nodes    the key addon's audit log; the nodes' Wings URLs
With --games each running server answers Minecraft (Java, Bedrock) and Source status
queries on its primary allocation (a free port; the fault silent_games mutes servers).
The seeded keys, users and servers are printed at start (see also ptero_sandbox::seed).";

/// An emulator of the Pterodactyl panel (Client API, application API slice, PteroCA SSO)
/// and of Wings' websocket, with a seeded world: users, keys, nodes and servers in every
/// state. Control endpoints live under /__sandbox (faults, request counters, crashes).
#[derive(Debug, Parser)]
#[command(name = "ptero-sandbox", version, after_help = AFTER_HELP)]
struct Args {
    /// The panel and Wings to behave like: pterodactyl-1.11, pterodactyl-1.12 or pelican.
    #[arg(long, env = "SANDBOX_FLAVOR", default_value = "pterodactyl-1.12")]
    flavor: Flavor,
    /// Address the panel listens on; each node's Wings listens on the same IP, on a free
    /// port of its own.
    #[arg(long, env = "SANDBOX_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Seed of what varies (stats, file sizes and times, node signing keys); keys, users
    /// and servers stay the same.
    #[arg(long, env = "SANDBOX_SEED", default_value_t = 1)]
    seed: u64,
    /// How long "starting" and "stopping" last, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    power_delay_ms: u64,
    /// Lifetime of websocket tokens, in seconds (the panel uses 600).
    #[arg(long, default_value_t = 600)]
    token_lifetime_secs: u64,
    /// How often Wings checks a socket's token for "token expiring", in seconds.
    #[arg(long, default_value_t = 30)]
    token_check_secs: u64,
    /// Interval of websocket stats frames while a server runs, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    stats_interval_ms: u64,
    /// How long /resources answers are cached per server, in seconds (panel: 20).
    #[arg(long, default_value_t = 20)]
    resources_cache_secs: u64,
    /// Client API requests per minute per user (APP_API_CLIENT_RATELIMIT); default the
    /// flavour's: 720 on 1.11, 256 on 1.12 and Pelican.
    #[arg(long)]
    rate_limit: Option<u32>,
    /// Application API requests per minute per user; default the flavour's (240 / 256).
    #[arg(long)]
    app_rate_limit: Option<u32>,
    /// Websocket tokens per server per minute (APP_API_WEBSOCKET_RATELIMIT); default the
    /// flavour's (none on 1.11, 5 on 1.12 and Pelican); 0 for no limit.
    #[arg(long)]
    websocket_token_limit: Option<u32>,
    /// Servers to seed besides the fixed world (Alice's, running, "Bench 001"…), for
    /// dashboard benchmarks.
    #[arg(long, default_value_t = 0)]
    extra_servers: usize,
    /// Answer the games' status queries (Minecraft Java and Bedrock, Source A2S) on each
    /// server's primary allocation, moved to a free port on the listen IP.
    #[arg(long)]
    games: bool,
    /// An origin allowed by CORS on /api/client (APP_CORS_ALLOWED_ORIGINS), exactly as
    /// the browser sends it, e.g. https://shop.example.com. Repeat for more; none = no
    /// CORS headers (the panel's default).
    #[arg(
        long = "cors-origin",
        env = "SANDBOX_CORS_ORIGINS",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,
    /// An origin every node's Wings accepts for websockets besides the panel URL (Wings
    /// allowed_origins; `*` for any). Repeat for more.
    #[arg(
        long = "node-allowed-origin",
        env = "SANDBOX_NODE_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    node_allowed_origins: Vec<String>,
    /// Backups a server may start per period (BACKUP_THROTTLE_LIMIT; panel: 2).
    #[arg(long, default_value_t = ptero_api::flavor::BACKUP_THROTTLE.0)]
    backup_throttle_limit: u32,
    /// The backup throttle's period in seconds (BACKUP_THROTTLE_PERIOD; panel: 600; 0
    /// turns the throttle off).
    #[arg(long, default_value_t = ptero_api::flavor::BACKUP_THROTTLE.1)]
    backup_throttle_period_secs: u64,
    /// Largest file Wings takes in one upload, in MiB (Wings api.upload_limit: 100).
    #[arg(long, default_value_t = 100)]
    upload_limit_mib: u64,
}

impl Args {
    fn config(self) -> SandboxConfig {
        let flavored = SandboxConfig::flavored(self.flavor);
        SandboxConfig {
            seed: self.seed,
            listen: self.listen,
            power_delay: Duration::from_millis(self.power_delay_ms),
            ws_token_lifetime: Duration::from_secs(self.token_lifetime_secs.max(1)),
            token_check_interval: Duration::from_secs(self.token_check_secs.max(1)),
            rate_limit_per_minute: self.rate_limit.unwrap_or(flavored.rate_limit_per_minute),
            app_rate_limit_per_minute: self
                .app_rate_limit
                .unwrap_or(flavored.app_rate_limit_per_minute),
            websocket_tokens_per_minute: match self.websocket_token_limit {
                Some(0) => None,
                Some(limit) => Some(limit),
                None => flavored.websocket_tokens_per_minute,
            },
            extra_servers: self.extra_servers,
            games: self.games,
            cors_origins: self.cors_origins,
            node_allowed_origins: self.node_allowed_origins,
            stats_interval: Duration::from_millis(self.stats_interval_ms.max(10)),
            resources_cache_ttl: Duration::from_secs(self.resources_cache_secs),
            backup_throttle: (self.backup_throttle_period_secs > 0).then(|| {
                (
                    self.backup_throttle_limit,
                    Duration::from_secs(self.backup_throttle_period_secs),
                )
            }),
            upload_limit_mib: self.upload_limit_mib.max(1),
            ..flavored
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("ptero_sandbox=info,tower_http=info")),
        )
        .init();
    let sandbox = match Sandbox::start(Args::parse().config()).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("ptero-sandbox: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("flavour:     {}", sandbox.flavor());
    println!("panel:       {}", sandbox.panel_url());
    for (index, url) in sandbox.node_urls().iter().enumerate() {
        println!("wings node {}: {url}", index + 1);
    }
    println!("keys:        admin {}", sandbox.key(seed::keys::ADMIN));
    println!("             alice {}", sandbox.key(seed::keys::ALICE));
    println!("             bob   {}", sandbox.key(seed::keys::BOB));
    println!(
        "             app   {}",
        sandbox.key(seed::keys::APPLICATION)
    );
    println!("sso secret:  {}", seed::SSO_SECRET);
    shutdown_signal().await;
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
