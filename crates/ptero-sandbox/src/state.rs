//! The shared state every handler gets: one `Clone` struct of `Arc`s.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use ptero_api::{OriginAllowList, Stats};
use tokio::sync::watch;

use crate::config::SandboxConfig;
use crate::faults::Faults;
use crate::power::{Runtimes, ServerRuntime};
use crate::ratelimit::RateLimiter;
use crate::requests::Requests;
use crate::rng::Rng;
use crate::world::World;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<SandboxConfig>,
    /// `http://ip:port` of the panel, without a trailing slash.
    pub panel_url: Arc<str>,
    /// `APP_CORS_ALLOWED_ORIGINS`, parsed.
    pub cors_origins: Arc<OriginAllowList>,
    pub world: Arc<Mutex<World>>,
    pub runtimes: Arc<Runtimes>,
    pub faults: Faults,
    pub requests: Requests,
    pub client_limiter: Arc<RateLimiter>,
    pub app_limiter: Arc<RateLimiter>,
    /// 1.12 and Pelican: websocket tokens per server (keyed by uuid), all users together.
    pub websocket_limiter: Option<Arc<RateLimiter>>,
    /// `files/pull`'s own throttle (per user on 1.11, per server on 1.12 and Pelican).
    pub pull_limiter: Arc<RateLimiter>,
    /// 1.12 and Pelican: backup restores per server.
    pub restore_limiter: Option<Arc<RateLimiter>>,
    /// Wings' one-time tokens (signed URLs): the `unique_id`s already used.
    pub used_tokens: Arc<Mutex<std::collections::HashSet<String>>>,
    /// 1.12 and Pelican: creations of allocations, databases, schedules and subusers
    /// per server (empty on 1.11).
    pub resource_limiters: Arc<HashMap<ptero_api::resource_limits::Resource, RateLimiter>>,
    /// The panel's 20 s `/resources` cache, by server uuid.
    pub resources_cache: Arc<Mutex<HashMap<String, (Instant, Stats)>>>,
    /// Sandbox panel sessions (cookie value → user id), made by SSO.
    pub sessions: Arc<Mutex<HashMap<String, u64>>>,
    /// Random ids (request ids, key secrets, sessions), seeded.
    pub ids: Arc<Mutex<Rng>>,
    /// Turns true when the sandbox shuts down; websockets end on it.
    pub shutdown: watch::Receiver<bool>,
}

/// Locks a mutex, recovering the data if another thread panicked while holding it.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    /// A fresh random UUID (for Wings request ids, error ids).
    pub fn random_uuid(&self) -> String {
        lock(&self.ids).uuid()
    }

    /// The process of a server named by identifier or uuid.
    pub fn runtime_of(&self, server: &str) -> Option<Arc<ServerRuntime>> {
        let uuid = lock(&self.world).server(server)?.uuid.clone();
        self.runtimes.get(&uuid)
    }

    /// `len` random letters and digits.
    pub fn random_alphanumeric(&self, len: usize) -> String {
        lock(&self.ids).alphanumeric(len)
    }
}
