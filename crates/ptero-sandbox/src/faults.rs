//! Fault injection, switchable at run time from Rust ([`Faults`]) or over HTTP
//! (`/__sandbox/faults`): latency, 500s, Wings down (504), dropped websockets, malformed
//! JSON, slow bodies and connections that never answer.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::error::ApiError;
use crate::state::AppState;

/// The faults in force. All off by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultSet {
    /// Extra delay before every API answer.
    pub latency_ms: u64,
    /// Every API request answers 500 (the panel's generic `HttpException`).
    pub server_error: bool,
    /// Wings is unreachable: endpoints that need it answer 504
    /// `DaemonConnectionException`, its open websockets are cut without a close frame,
    /// and it refuses websocket upgrades (502).
    pub daemon_down: bool,
    /// Open websockets are cut without a close frame; new ones are cut at once.
    pub drop_websockets: bool,
    /// A busy server: a new websocket gets a server event before its `auth` is read,
    /// which Wings turns into `jwt error: jwt: no jwt present`.
    pub events_before_auth: bool,
    /// The panel's clock is behind Wings': websocket tokens arrive already expired, and
    /// Wings answers their `auth` as it does (`token expired`, which an unauthenticated
    /// socket gets as `jwt error: jwt: no jwt present`).
    pub stale_tokens: bool,
    /// API bodies are cut in half (invalid JSON) with the status kept.
    pub malformed_json: bool,
    /// API bodies trickle out in 16-byte chunks this many ms apart.
    pub slow_body_ms: u64,
    /// API requests never get an answer.
    pub stuck: bool,
    /// The PteroCA addon is not installed: `GET /api/application/pteroca/version`
    /// answers the panel's 404, as a panel without the addon does.
    pub pteroca_missing: bool,
    /// When set, the HTTP faults above apply only to paths starting with this.
    pub path_prefix: Option<String>,
    /// Servers (identifiers) whose game ignores status queries while it runs (with
    /// `SandboxConfig::games`).
    pub silent_games: Vec<String>,
}

impl FaultSet {
    /// Whether the HTTP faults apply to `path`.
    pub fn applies_to(&self, path: &str) -> bool {
        self.path_prefix
            .as_deref()
            .is_none_or(|prefix| path.starts_with(prefix))
    }
}

/// In-process switches; clones share the same faults.
#[derive(Debug, Clone)]
pub struct Faults {
    sender: Arc<watch::Sender<FaultSet>>,
}

impl Default for Faults {
    fn default() -> Self {
        Self::new()
    }
}

impl Faults {
    pub fn new() -> Self {
        Self {
            sender: Arc::new(watch::Sender::new(FaultSet::default())),
        }
    }

    /// The faults in force.
    pub fn get(&self) -> FaultSet {
        self.sender.borrow().clone()
    }

    /// Replaces every fault.
    pub fn set(&self, faults: FaultSet) {
        self.sender.send_replace(faults);
    }

    /// Changes some faults: `faults.update(|f| f.daemon_down = true)`.
    pub fn update(&self, change: impl FnOnce(&mut FaultSet)) {
        self.sender.send_modify(change);
    }

    /// Turns every fault off.
    pub fn clear(&self) {
        self.set(FaultSet::default());
    }

    pub fn daemon_down(&self) -> bool {
        self.sender.borrow().daemon_down
    }

    /// Notified on every change (websockets watch `drop_websockets`).
    pub fn subscribe(&self) -> watch::Receiver<FaultSet> {
        self.sender.subscribe()
    }
}

/// The HTTP faults, as a layer on the API routes.
pub async fn http(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let faults = state.faults.get();
    if !faults.applies_to(request.uri().path()) {
        return next.run(request).await;
    }
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if faults.stuck {
        std::future::pending::<()>().await;
    }
    if faults.server_error {
        return ApiError::unexpected().into_response();
    }
    let response = next.run(request).await;
    if !faults.malformed_json && faults.slow_body_ms == 0 {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(mut bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return ApiError::unexpected().into_response();
    };
    if faults.malformed_json && !bytes.is_empty() {
        bytes = bytes.slice(..bytes.len() / 2);
        parts.headers.remove(CONTENT_LENGTH);
    }
    let body = if faults.slow_body_ms > 0 {
        parts.headers.remove(CONTENT_LENGTH);
        trickle(bytes, Duration::from_millis(faults.slow_body_ms))
    } else {
        Body::from(bytes)
    };
    Response::from_parts(parts, body)
}

fn trickle(bytes: Bytes, delay: Duration) -> Body {
    const CHUNK: usize = 16;
    let stream = futures_util::stream::unfold((bytes, 0usize), move |(bytes, at)| async move {
        if at >= bytes.len() {
            return None;
        }
        if at > 0 {
            tokio::time::sleep(delay).await;
        }
        let end = (at + CHUNK).min(bytes.len());
        let chunk = bytes.slice(at..end);
        Some((Ok::<_, Infallible>(chunk), (bytes, end)))
    });
    Body::from_stream(stream)
}
