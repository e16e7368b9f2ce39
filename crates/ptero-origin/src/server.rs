//! Running the origin: build the state, bind, serve until shutdown, reload the
//! allow-list when the file changes or on SIGHUP.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::access::Access;
use crate::alerts::Alerts;
use crate::app::{app, ops_app};
use crate::application::Application;
use crate::auth::now;
use crate::config::{Config, KeyMode};
use crate::cors::AllowList;
use crate::fanout::cluster::Cluster;
use crate::fanout::Hub;
use crate::keys::{Sealer, UserKeys};
use crate::listener::{self, ConnectionLimits, Open};
use crate::metrics::Metrics;
use crate::panel::{Ceiling, Panel};
use crate::panel_users::PanelUsers;
use crate::rate_limit::RateLimiter;
use crate::reads::Reads;
use crate::redis::{Redis, RedisStore};
use crate::revocations::{Ended, Revocations};
use crate::sites::Sites;
use crate::state::AppState;
use crate::store::{self, Store, StoreKind};
use crate::stream_slots::StreamSlots;
use crate::throttle::Throttles;

/// A running origin.
pub struct Running {
    addr: SocketAddr,
    ops_addr: SocketAddr,
    state: AppState,
    open: Open,
    servers: Vec<JoinHandle<()>>,
    background: Vec<JoinHandle<()>>,
}

impl Running {
    /// The bound address (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The operations listener's address (`/metrics`, `/readyz`, `/healthz`).
    pub fn ops_addr(&self) -> SocketAddr {
        self.ops_addr
    }

    pub fn ops_url(&self) -> String {
        format!("http://{}", self.ops_addr)
    }

    /// Connections open on the public listener now.
    pub fn open_connections(&self) -> usize {
        self.open.count()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Ends streams, stops pollers, drains requests.
    pub async fn shutdown(self) {
        self.state.shutdown.cancel();
        self.state.hub.stop_all();
        if let Some(cluster) = self.state.hub.cluster() {
            cluster.leave().await;
        }
        for task in &self.background {
            task.abort();
        }
        for server in self.servers {
            // Each drains its requests for up to DRAIN itself.
            let _ = server.await;
        }
    }
}

/// Builds the state with the configured store (opening or creating its file).
pub fn build_state(config: Config) -> std::io::Result<AppState> {
    let store = store::open(&config.store).map_err(std::io::Error::other)?;
    build_state_with(config, store)
}

pub fn build_state_with(config: Config, store: Arc<dyn Store>) -> std::io::Result<AppState> {
    build_state_clustered(config, store, None)
}

/// Builds the state for `config.store`: with Redis, connects now (an instance that
/// cannot reach it must not serve with local state instead).
pub async fn build_state_for_store(config: Config) -> std::io::Result<AppState> {
    match &config.store {
        StoreKind::Memory | StoreKind::Sqlite { .. } => build_state(config),
        StoreKind::Redis(address) => {
            let (redis, pushes) = Redis::connect(address)
                .await
                .map_err(std::io::Error::other)?;
            tracing::info!(
                redis = redis.shown(),
                "sessions and fan-out shared through Redis"
            );
            let store = Arc::new(RedisStore::new(redis.clone()));
            let cluster = Cluster::start(redis, pushes);
            build_state_clustered(config, store, Some(cluster))
        }
    }
}

fn build_state_clustered(
    config: Config,
    store: Arc<dyn Store>,
    cluster: Option<Cluster>,
) -> std::io::Result<AppState> {
    let metrics = Arc::new(Metrics::default());
    let panel = Panel::with_ceiling(
        config.panel.url.clone(),
        config.panel.client_key.clone(),
        config.limits.request_timeout,
        Arc::new(Ceiling::with_redis(
            config.limits.upstream_per_minute,
            cluster.as_ref().map(|member| member.redis().clone()),
        )),
    )
    .map_err(|error| std::io::Error::other(format!("{error:?}")))?;
    // A cluster spends the pass-through's budget once, not once per instance.
    let per_minute = config.limits.proxy_per_minute;
    let proxy_limiter = Arc::new(match &cluster {
        Some(member) => RateLimiter::shared(per_minute, member.redis().clone()),
        None => RateLimiter::local(per_minute),
    });
    let (observations, observed) = tokio::sync::mpsc::unbounded_channel();
    let hub = Hub::observed(
        panel.clone(),
        config.stream.clone(),
        Arc::clone(&metrics),
        cluster,
        Some(observations),
    );
    let application = config.panel.application_key.clone().map(|key| {
        Application::new(panel.http().clone(), config.panel.url.clone(), key).under(Arc::new(
            Ceiling::with_redis(None, panel.ceiling().redis().cloned()),
        ))
    });
    let user_cache = config
        .sso
        .as_ref()
        .map_or(Duration::from_secs(300), |sso| sso.user_cache);
    let user_keys = match (config.panel.key_mode, &application, &config.encryption_key) {
        (KeyMode::PerUser, Some(application), Some(key)) => Some(Arc::new(UserKeys::new(
            Sealer::new(key),
            application.clone(),
        ))),
        _ => None,
    };
    let panel_users = Arc::new(PanelUsers::new(application, user_cache));
    let alerts = Arc::new(Alerts::new(
        config.alerts.clone(),
        Arc::clone(&store),
        Arc::clone(&metrics),
    ));
    // What the feeds running here see goes to the detectors, in order.
    tokio::spawn(crate::alerts::observe_feeds(Arc::clone(&alerts), observed));
    // What they notice goes to the servers' viewers too (cards show a banner).
    tokio::spawn(crate::alerts::tell_viewers(alerts.subscribe(), hub.clone()));
    Ok(AppState {
        alerts,
        throttles: Arc::new(Throttles::new(&config.limits.throttle)),
        reads: Arc::new(Reads::new(config.stream.poll_interval)),
        access: Arc::new(Access::default()),
        sites: Sites::new(config.sites.clone()),
        revocations: Revocations::default(),
        stream_slots: Arc::new(StreamSlots::new(
            config.limits.streams_per_session,
            config.limits.streams_per_ip,
        )),
        allow: AllowList::new(config.public_url.clone(), config.allowed_origins.clone()),
        proxy_limiter,
        config: Arc::new(config),
        store,
        panel,
        hub,
        metrics,
        shutdown: CancellationToken::new(),
        panel_users,
        user_keys,
    })
}

/// How long open requests may finish after shutdown begins.
const DRAIN: Duration = Duration::from_secs(10);

/// Binds `config.listen` (the public API, the app, the card) and `config.ops_listen`
/// (metrics and readiness), and serves both in the background.
pub async fn start(config: Config) -> std::io::Result<Running> {
    let state = build_state_for_store(config).await?;
    let listener = TcpListener::bind(state.config.listen).await?;
    let addr = listener.local_addr()?;
    let ops_listener = TcpListener::bind(state.config.ops_listen).await?;
    let ops_addr = ops_listener.local_addr()?;
    let limits = &state.config.limits;
    let connection_limits = ConnectionLimits {
        header_read_timeout: limits.header_read_timeout,
        write_timeout: limits.write_timeout,
        max_connections: limits.max_connections,
        max_per_ip: limits.max_connections_per_ip,
    };
    let shutdown = state.shutdown.clone();
    let (open, server) = listener::serve(
        listener,
        app(state.clone()),
        connection_limits,
        shutdown.clone(),
        DRAIN,
    )
    .await;
    let (_, ops) = listener::serve(
        ops_listener,
        ops_app(state.clone()),
        ConnectionLimits {
            max_connections: 64,
            ..connection_limits
        },
        shutdown,
        DRAIN,
    )
    .await;
    let mut background = vec![tokio::spawn(purge_loop(state.clone()))];
    if !state.config.alerts.targets.is_empty() {
        background.push(tokio::spawn(crate::alerts::deliver::run(
            Arc::clone(&state.alerts),
            state.panel.http().clone(),
            Duration::from_secs(1),
        )));
    }
    // Servers the alert rules name stay watched with no viewer, for the origin's life.
    let ruled = crate::alerts::keep_watched(&state.hub, &state.alerts);
    if !ruled.is_empty() {
        tracing::info!(
            servers = ruled.len(),
            "watching the servers alert rules name"
        );
        background.push(tokio::spawn(async move {
            let _held = ruled;
            std::future::pending::<()>().await;
        }));
    }
    if let Some(path) = state.config.path.clone() {
        background.push(tokio::spawn(reload_loop(state.clone(), path)));
    }
    tracing::info!(%addr, %ops_addr, panel = %state.config.panel.url, "ptero-origin listening");
    Ok(Running {
        addr,
        ops_addr,
        state,
        open,
        servers: vec![server, ops],
        background,
    })
}

/// Serves until ctrl-c or SIGTERM.
pub async fn serve(config: Config) -> std::io::Result<()> {
    let running = start(config).await?;
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.shutdown().await;
    Ok(())
}

async fn purge_loop(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        state.throttles.forget_idle();
        if let Err(error) = state.store.purge(now()).await {
            tracing::warn!(%error, "purging expired sessions failed");
        }
        let retention = state.config.audit_retention;
        let before = now().saturating_sub(retention.max_age.as_secs());
        match state.store.trim_audit(retention.keep, before).await {
            Ok(0) => {}
            Ok(dropped) => tracing::info!(dropped, "old audit entries dropped"),
            Err(error) => tracing::warn!(%error, "trimming the audit log failed"),
        }
    }
}

fn modified(path: &PathBuf) -> Option<SystemTime> {
    std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
}

/// Re-reads the allow-list and the sites on SIGHUP, and when the file's mtime changes
/// (checked every `reload_interval`; never with 0); sessions of removed origins and sites
/// are revoked.
async fn reload_loop(state: AppState, path: PathBuf) {
    let interval = state.config.reload_interval;
    let mut seen = modified(&path);
    let mut hangup = hangup_signal();
    loop {
        let poll = async {
            match interval {
                Some(interval) => tokio::time::sleep(interval).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = poll => {
                let now = modified(&path);
                if now == seen {
                    continue;
                }
                seen = now;
            }
            () = hangup.recv() => {}
        }
        reload(&state, &path).await;
    }
}

/// Applies the file's allow-list and `[sites]` now: removed origins and sites lose their
/// sessions and their open streams, and their tokens are refused from now on.
pub async fn reload(state: &AppState, path: &std::path::Path) {
    let config = match Config::load(path) {
        Ok(config) => config,
        Err(error) => {
            tracing::error!(%error, "the changed configuration is not valid: keeping the previous allow-list and sites");
            return;
        }
    };
    let removed = state.allow.replace(config.allowed_origins);
    let removed_sites = state.sites.replace(config.sites);
    tracing::info!(
        removed_origins = removed.len(),
        removed_sites = removed_sites.len(),
        "allow-list and sites reloaded"
    );
    for origin in removed {
        let origin = origin.to_string();
        match state.store.revoke_origin(&origin).await {
            Ok(count) => {
                tracing::info!(%origin, sessions = count, "origin removed: its sessions are revoked")
            }
            Err(error) => tracing::error!(%origin, %error, "revoking sessions failed"),
        }
        state.revocations.announce(Ended::Origin(origin));
    }
    for site in removed_sites {
        match state.store.revoke_site(&site).await {
            Ok(count) => {
                tracing::info!(%site, sessions = count, "site removed: its sessions are revoked")
            }
            Err(error) => tracing::error!(%site, %error, "revoking sessions failed"),
        }
        state.revocations.announce(Ended::Site(site));
    }
}

/// SIGHUP, as a stream of unit; never fires where there is no such signal.
struct Hangup {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Hangup {
    async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some(signal) = self.signal.as_mut() {
            if signal.recv().await.is_some() {
                return;
            }
        }
        std::future::pending::<()>().await;
    }
}

fn hangup_signal() -> Hangup {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        Hangup {
            signal: signal(SignalKind::hangup()).ok(),
        }
    }
    #[cfg(not(unix))]
    {
        Hangup {}
    }
}

/// Ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
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
