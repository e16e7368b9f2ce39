//! Starting and stopping a sandbox: the panel listener, one Wings listener per node, the
//! stats ticker, and the handle tests and the demo hold.

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ptero_api::{AllowListError, OriginAllowList, PowerState};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::SandboxConfig;
use crate::faults::Faults;
use crate::power::Runtimes;
use crate::ratelimit::RateLimiter;
use crate::requests::{LoggedRequest, RequestCount, Requests};
use crate::rng::Rng;
use crate::state::{lock, AppState};
use crate::world::{self, AuditEntry, NodeEndpoint};
use crate::{app, wings};

/// How many nodes the seeded world has.
const NODES: usize = 3;

/// Why a sandbox could not start.
#[derive(Debug)]
pub enum StartError {
    /// A listener could not be bound.
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// An entry of `cors_origins` is not an origin.
    CorsOrigins(AllowListError),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Bind { addr, source } => write!(
                f,
                "could not listen on {addr} ({source}): choose another address or port, or stop what uses it"
            ),
            StartError::CorsOrigins(error) => write!(f, "the CORS origins are invalid: {error}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Bind { source, .. } => Some(source),
            StartError::CorsOrigins(error) => Some(error),
        }
    }
}

async fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), StartError> {
    let bound = async {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        Ok::<_, std::io::Error>((listener, local))
    };
    bound
        .await
        .map_err(|source| StartError::Bind { addr, source })
}

/// A running sandbox. Dropping it stops it too; [`Sandbox::shutdown`] waits for that.
pub struct Sandbox {
    state: AppState,
    panel_url: String,
    node_urls: Vec<String>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("panel_url", &self.panel_url)
            .field("node_urls", &self.node_urls)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Binds the panel and every node's Wings, seeds the world and starts serving.
    pub async fn start(config: SandboxConfig) -> Result<Self, StartError> {
        let cors = OriginAllowList::parse(config.cors_origins.iter().map(String::as_str))
            .map_err(StartError::CorsOrigins)?;
        let (panel_listener, panel_addr) = bind(config.listen).await?;
        let public_ip = if panel_addr.ip().is_unspecified() {
            std::net::IpAddr::from([127, 0, 0, 1])
        } else {
            panel_addr.ip()
        };
        let panel_url = format!("http://{}", SocketAddr::new(public_ip, panel_addr.port()));
        let host = match public_ip {
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            std::net::IpAddr::V4(ip) => ip.to_string(),
        };
        let mut node_listeners = Vec::new();
        let mut endpoints = Vec::new();
        for _ in 0..NODES {
            let (listener, addr) = bind(SocketAddr::new(panel_addr.ip(), 0)).await?;
            endpoints.push(NodeEndpoint {
                fqdn: host.clone(),
                port: addr.port(),
            });
            node_listeners.push(listener);
        }

        let shape = world::Shape {
            flavor: config.flavor,
            extra_servers: config.extra_servers,
        };
        let world = world::build(config.seed, &endpoints, shape);
        let runtimes = Runtimes::new(&world.servers, config.seed, config.power_delay);
        let node_ids: Vec<u64> = world.nodes.iter().map(|node| node.id).collect();
        let node_urls = world.nodes.iter().map(|node| node.base_url()).collect();
        let (shutdown, shutdown_rx) = watch::channel(false);
        let state = AppState {
            config: Arc::new(config.clone()),
            panel_url: Arc::from(panel_url.as_str()),
            cors_origins: Arc::new(cors),
            world: Arc::new(Mutex::new(world)),
            runtimes: Arc::new(runtimes),
            faults: Faults::new(),
            requests: Requests::default(),
            client_limiter: Arc::new(RateLimiter::new(config.rate_limit_per_minute)),
            app_limiter: Arc::new(RateLimiter::new(config.app_rate_limit_per_minute)),
            websocket_limiter: config
                .websocket_tokens_per_minute
                .map(|limit| Arc::new(RateLimiter::new(limit))),
            pull_limiter: {
                let limit = config.flavor.file_pull_limit();
                Arc::new(RateLimiter::with_window(
                    limit.count,
                    Duration::from_secs(limit.period_secs),
                ))
            },
            restore_limiter: config.flavor.backup_restore_limit().map(|limit| {
                Arc::new(RateLimiter::with_window(
                    limit.count,
                    Duration::from_secs(limit.period_secs),
                ))
            }),
            used_tokens: Arc::default(),
            resource_limiters: Arc::new(
                ptero_api::resource_limits::Resource::ALL
                    .into_iter()
                    .filter_map(|resource| {
                        let limit = config.flavor.resource_limit(resource)?;
                        let window = Duration::from_secs(limit.period_secs);
                        Some((resource, RateLimiter::with_window(limit.count, window)))
                    })
                    .collect(),
            ),
            resources_cache: Arc::default(),
            sessions: Arc::default(),
            ids: Arc::new(Mutex::new(Rng::derive(config.seed, 2))),
            shutdown: shutdown_rx.clone(),
        };

        let mut tasks = vec![serve(
            panel_listener,
            app::app(state.clone()),
            shutdown_rx.clone(),
        )];
        for (listener, node_id) in node_listeners.into_iter().zip(node_ids) {
            let router = wings::app(state.clone(), node_id);
            tasks.push(serve(listener, router, shutdown_rx.clone()));
        }
        if state.config.games {
            let games = crate::games::start(&state, public_ip, shutdown_rx.clone())
                .await
                .map_err(|source| StartError::Bind {
                    addr: SocketAddr::new(public_ip, 0),
                    source,
                })?;
            tasks.extend(games);
        }
        tasks.push(tokio::spawn(tick_stats(state.clone(), shutdown_rx)));
        Ok(Self {
            state,
            panel_url,
            node_urls,
            shutdown,
            tasks,
        })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn panel_url(&self) -> String {
        self.panel_url.clone()
    }

    /// Each node's Wings base URL (`http://127.0.0.1:PORT`), in node id order.
    pub fn node_urls(&self) -> Vec<String> {
        self.node_urls.clone()
    }

    /// The in-process fault switches.
    pub fn faults(&self) -> Faults {
        self.state.faults.clone()
    }

    /// Every request counter.
    pub fn requests(&self) -> Vec<RequestCount> {
        self.state.requests.snapshot()
    }

    /// API requests whose path (server filled in as its identifier) starts with
    /// `path_prefix`, e.g. `/api/client/servers/1a7c3f02/resources`.
    pub fn request_count(&self, path_prefix: &str) -> u64 {
        self.state.requests.count(path_prefix)
    }

    /// Every request target the panel's listener saw since the last reset, as sent
    /// (still percent-encoded), oldest first.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.state.requests.log()
    }

    pub fn reset_requests(&self) {
        self.state.requests.reset();
    }

    /// The nextscale addon's audit log.
    pub fn audit_log(&self) -> Vec<AuditEntry> {
        lock(&self.state.world).audit.clone()
    }

    /// Where a server's game answers status queries: its primary allocation (with
    /// `SandboxConfig::games`, a free loopback port).
    pub fn game_address(&self, server: &str) -> Option<SocketAddr> {
        let world = lock(&self.state.world);
        let record = world.server(server)?;
        let allocation = world
            .allocations_of(record)
            .into_iter()
            .find(|a| a.primary)?;
        Some(SocketAddr::new(
            allocation.ip.parse().ok()?,
            allocation.port,
        ))
    }

    /// A server's power state (identifier or uuid).
    pub fn power_state(&self, server: &str) -> Option<PowerState> {
        Some(self.state.runtime_of(server)?.state())
    }

    /// The flavour this sandbox emulates.
    pub fn flavor(&self) -> ptero_api::Flavor {
        self.state.config.flavor
    }

    /// A seeded key (a [`crate::seed::keys`] constant) as this sandbox's panel issued it.
    pub fn key(&self, seeded: &str) -> String {
        crate::seed::keys::for_flavor(self.state.config.flavor, seeded)
    }

    /// The Wings websockets open to a server now (identifier or uuid).
    pub fn open_sockets(&self, server: &str) -> usize {
        self.state
            .runtime_of(server)
            .map_or(0, |runtime| runtime.sockets())
    }

    /// What Wings relays to a server's sockets from now on (stats, status, console), as
    /// it emits them: benchmarks time the way from here to a viewer.
    pub fn events(
        &self,
        server: &str,
    ) -> Option<tokio::sync::broadcast::Receiver<ptero_api::Inbound>> {
        Some(self.state.runtime_of(server)?.subscribe())
    }

    /// Makes a server's process crash; false when there is no such server.
    pub fn crash(&self, server: &str) -> bool {
        self.state
            .runtime_of(server)
            .map(|runtime| runtime.crash())
            .is_some()
    }

    /// Stops every listener, socket and background task.
    pub async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        for task in std::mem::take(&mut self.tasks) {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn serve(
    listener: TcpListener,
    router: axum::Router,
    mut shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let stopped = async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        };
        if let Err(error) = axum::serve(listener, service)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::error!(%error, "a sandbox listener stopped");
        }
    })
}

async fn tick_stats(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let period = state.config.stats_interval.max(Duration::from_millis(10));
    let mut ticker = tokio::time::interval(period);
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                for runtime in state.runtimes.all() {
                    runtime.tick();
                }
            }
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}
