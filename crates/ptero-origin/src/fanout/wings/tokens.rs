//! Websocket tokens of one watched server, within Pterodactyl 1.12's budget: the panel
//! hands out 5 a minute per server to everyone together, so the origin asks for at most
//! one a minute (`[stream] token_interval_ms`, [`TOKEN_SPACING`] by default) and opens a
//! new socket with the token it already holds while that one has life left
//! ([`REUSE_MARGIN`]). Renewal on `token expiring` comes about every 9 minutes of a
//! 10-minute token. In a cluster, [`SharedTokens`] (Redis) holds the token and the
//! request slot for every instance, so a new lease holder reuses the old one's token and
//! the budget is kept cluster-wide.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use ptero_api::wings_link::LinkProblem;
use ptero_api::{ConflictReason, PanelError, ServerId, WebsocketCredentials};
use tokio::time::Instant;

use super::super::channel::lock;
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::panel::Panel;

/// Token requests for one server are at least this far apart by default.
pub const TOKEN_SPACING: Duration = Duration::from_secs(60);
/// A held token is reused for a new socket while it has more than this left.
pub const REUSE_MARGIN: Duration = Duration::from_secs(90);

/// A token and when it runs out (unix seconds).
#[derive(Clone)]
pub struct Held {
    pub credentials: WebsocketCredentials,
    pub exp: u64,
}

/// Where instances of a cluster share a server's token and its request slot.
pub trait SharedTokens: Send + Sync {
    /// The token an instance holds for the server, if any.
    fn held(&self) -> BoxFuture<'_, Option<Held>>;
    /// Keeps `held` for the others until it runs out.
    fn keep(&self, held: Held) -> BoxFuture<'_, ()>;
    /// Takes the request slot for `spacing`; `Some(wait)` when another instance took it.
    fn claim(&self, spacing: Duration) -> BoxFuture<'_, Option<Duration>>;
}

#[derive(Default)]
struct State {
    last_request: Option<Instant>,
    held: Option<Held>,
}

/// The token state of one server's socket. Clones share it.
#[derive(Clone)]
pub struct Tokens {
    server: ServerId,
    panel: Panel,
    spacing: Duration,
    metrics: Arc<Metrics>,
    shared: Option<Arc<dyn SharedTokens>>,
    state: Arc<Mutex<State>>,
}

impl Tokens {
    /// Tokens for `server`, requested at least `spacing` apart.
    pub fn new(server: ServerId, panel: Panel, spacing: Duration, metrics: Arc<Metrics>) -> Self {
        Self {
            server,
            panel,
            spacing,
            metrics,
            shared: None,
            state: Arc::default(),
        }
    }

    /// The same, with the token and the request slot shared by a cluster.
    pub fn shared(mut self, shared: Arc<dyn SharedTokens>) -> Self {
        self.shared = Some(shared);
        self
    }

    fn usable(held: &Held) -> bool {
        held.exp > crate::auth::now() + REUSE_MARGIN.as_secs()
    }

    /// A token to open a socket with: one held here or by another instance while it has
    /// life left, else a fresh one.
    pub async fn for_socket(&self) -> Result<WebsocketCredentials, LinkProblem> {
        let local = lock(&self.state).held.clone();
        if let Some(held) = local.filter(Self::usable) {
            return Ok(held.credentials);
        }
        if let Some(shared) = &self.shared {
            if let Some(held) = shared.held().await.filter(Self::usable) {
                let credentials = held.credentials.clone();
                lock(&self.state).held = Some(held);
                return Ok(credentials);
            }
        }
        self.fresh().await
    }

    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// When this instance's next request may go out.
    pub fn next_allowed(&self) -> Instant {
        lock(&self.state)
            .last_request
            .map_or_else(Instant::now, |last| last + self.spacing)
    }

    /// A new token from the panel, once the spacing has passed since the last request
    /// (here, and in a cluster anywhere), waiting for it if needed.
    pub async fn fresh(&self) -> Result<WebsocketCredentials, LinkProblem> {
        tokio::time::sleep_until(self.next_allowed()).await;
        if let Some(shared) = &self.shared {
            while let Some(wait) = shared.claim(self.spacing).await {
                tokio::time::sleep(wait).await;
            }
        }
        lock(&self.state).last_request = Some(Instant::now());
        self.metrics.upstream_tokens.fetch_add(1, Ordering::Relaxed);
        let answer = self.panel.websocket(&self.server).await;
        let credentials = match answer {
            Ok(credentials) => credentials,
            Err(error) => {
                lock(&self.state).held = None;
                return Err(problem_of(error));
            }
        };
        let held = Held {
            exp: expiry(&credentials.token).unwrap_or(0),
            credentials: credentials.clone(),
        };
        lock(&self.state).held = Some(held.clone());
        if let Some(shared) = &self.shared {
            shared.keep(held).await;
        }
        Ok(credentials)
    }

    /// Wings refused the held token (a Wings restart, a denylist): the next socket needs
    /// a fresh one.
    pub fn forget(&self) {
        lock(&self.state).held = None;
    }
}

/// What a failed token request means for the socket.
pub fn problem_of(error: AppError) -> LinkProblem {
    match error {
        AppError::Panel(PanelError::RateLimited { retry_after }) => {
            LinkProblem::TokensRateLimited { retry_after }
        }
        AppError::Panel(PanelError::Conflict {
            reason: ConflictReason::Suspended,
        }) => LinkProblem::Suspended,
        other => LinkProblem::NoToken(other.body().error.message),
    }
}

/// A token's `exp`, read without checking it (Wings checks it; the origin only plans).
fn expiry(token: &str) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct Exp {
        exp: u64,
    }
    jsonwebtoken::dangerous::insecure_decode::<Exp>(token)
        .ok()
        .map(|data| data.claims.exp)
}
