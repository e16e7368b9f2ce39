//! Websocket tokens of one watched server, within Pterodactyl 1.12's budget: the panel
//! hands out 5 a minute per server to everyone together, so the origin asks for at most
//! one a minute (`[stream] token_interval_ms`, [`TOKEN_SPACING`] by default) and opens a new socket with the token it already has
//! while that one has life left ([`REUSE_MARGIN`]). Renewal on `token expiring` comes
//! about every 9 minutes of a 10-minute token.

use std::time::Duration;

use ptero_api::wings_link::LinkProblem;
use ptero_api::{ConflictReason, PanelError, ServerId, WebsocketCredentials};
use tokio::time::Instant;

use crate::error::AppError;
use crate::panel::Panel;

/// Token requests for one server are at least this far apart.
pub const TOKEN_SPACING: Duration = Duration::from_secs(60);
/// A held token is reused for a new socket while it has more than this left.
pub const REUSE_MARGIN: Duration = Duration::from_secs(90);

/// A token and when it runs out (unix seconds).
#[derive(Clone)]
struct Held {
    credentials: WebsocketCredentials,
    exp: u64,
}

/// The token state of one server's socket.
pub struct Tokens {
    server: ServerId,
    panel: Panel,
    spacing: Duration,
    last_request: Option<Instant>,
    held: Option<Held>,
    requests: u64,
}

impl Tokens {
    /// Tokens for `server`, requested at least `spacing` apart.
    pub fn new(server: ServerId, panel: Panel, spacing: Duration) -> Self {
        Self {
            server,
            panel,
            spacing,
            last_request: None,
            held: None,
            requests: 0,
        }
    }

    /// Token requests made so far.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// A token to open a socket with: the held one while it has life left, else a fresh
    /// one.
    pub async fn for_socket(&mut self) -> Result<WebsocketCredentials, LinkProblem> {
        let margin = REUSE_MARGIN.as_secs();
        match &self.held {
            Some(held) if held.exp > crate::auth::now() + margin => Ok(held.credentials.clone()),
            _ => self.fresh().await,
        }
    }

    /// When the next request may go out.
    pub fn next_allowed(&self) -> Instant {
        self.last_request
            .map_or_else(Instant::now, |last| last + self.spacing)
    }

    /// A new token from the panel, once the spacing has passed since the last
    /// request (waiting for it if needed).
    pub async fn fresh(&mut self) -> Result<WebsocketCredentials, LinkProblem> {
        tokio::time::sleep_until(self.next_allowed()).await;
        self.last_request = Some(Instant::now());
        self.requests += 1;
        let credentials = self.panel.websocket(&self.server).await.map_err(|error| {
            self.held = None;
            problem_of(error)
        })?;
        self.held = Some(Held {
            exp: expiry(&credentials.token).unwrap_or(0),
            credentials: credentials.clone(),
        });
        Ok(credentials)
    }

    /// Wings refused the held token (a Wings restart, a denylist): the next socket needs
    /// a fresh one.
    pub fn forget(&mut self) {
        self.held = None;
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
