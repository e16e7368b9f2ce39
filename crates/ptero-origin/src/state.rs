//! The shared state of every handler: one `Clone` value of `Arc`s; handlers take the
//! piece they need through `FromRef`.

use std::sync::Arc;

use axum::extract::FromRef;
use tokio_util::sync::CancellationToken;

use crate::access::Access;
use crate::alerts::Alerts;
use crate::config::Config;
use crate::cors::AllowList;
use crate::fanout::Hub;
use crate::keys::UserKeys;
use crate::metrics::Metrics;
use crate::panel::Panel;
use crate::panel_users::PanelUsers;
use crate::rate_limit::RateLimiter;
use crate::reads::Reads;
use crate::revocations::Revocations;
use crate::sites::Sites;
use crate::store::Store;
use crate::stream_slots::StreamSlots;
use crate::throttle::Throttles;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub allow: AllowList,
    pub store: Arc<dyn Store>,
    pub panel: Panel,
    pub hub: Hub,
    pub metrics: Arc<Metrics>,
    /// Cancelled on shutdown: open streams end.
    pub shutdown: CancellationToken,
    pub proxy_limiter: Arc<RateLimiter>,
    /// Viewers' panel users, through the application key (when configured).
    pub panel_users: Arc<PanelUsers>,
    /// Per-user client keys (`key_mode = "per_user"` only).
    pub user_keys: Option<Arc<UserKeys>>,
    /// Per-session and per-IP token buckets.
    pub throttles: Arc<Throttles>,
    /// Server summaries read once for every concurrent request.
    pub reads: Arc<Reads>,
    /// Per-user mode: what viewers' own panel users may read.
    pub access: Arc<Access>,
    /// The hosting sites, reloadable.
    pub sites: Sites,
    /// Sessions ended early, announced to open streams.
    pub revocations: Revocations,
    /// Open streams per session and per client IP.
    pub stream_slots: Arc<StreamSlots>,
    /// Crash and high-use detection, and the rules that send alerts on.
    pub alerts: Arc<Alerts>,
}

impl FromRef<AppState> for Arc<Metrics> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.metrics)
    }
}

impl FromRef<AppState> for Panel {
    fn from_ref(state: &AppState) -> Self {
        state.panel.clone()
    }
}
