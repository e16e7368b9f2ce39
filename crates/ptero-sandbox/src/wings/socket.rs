//! The Wings websocket of one server (wings `router/router_server_ws.go`,
//! `router/websocket/websocket.go`, `listeners.go`): the Origin check, `auth`, server
//! events relayed through the token check (`SendJson`), power, commands, logs, stats,
//! and the token expiry watch. Wings 1.12 and Pelican's add the cap of 30 sockets per
//! server (HTTP 400), the 4409 close of a suspended server's socket, a 4096-byte read
//! limit (close 1009), inbound throttling ([`super::limiter`]) and `scope` in tokens.

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::header::ORIGIN;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ptero_api::flavor::TOO_MANY_SOCKETS;
use ptero_api::ws::jwt_message::{EXP_INVALID, NO_CONNECT, NO_JWT, UUID_MISMATCH};
use ptero_api::ws::{event, CLOSE_MESSAGE_TOO_BIG, CLOSE_SUSPENDED};
use ptero_api::{Flavor, Frame, Inbound, PowerSignal, PowerState, WingsTokenClaims};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{interval_at, Instant};

use super::limiter::{Throttle, Verdict};
use super::token::{self, Refusal};
use super::WingsState;
use crate::clock;
use crate::power::{PowerBusy, ServerRuntime, SocketSlot, LOG_REPLAY};
use crate::state::{lock, AppState};

const GENERIC_ERROR: &str = "an unexpected error was encountered while handling this request";
const POWER_BUSY: &str =
    "another power action is currently being processed for this server, please try again later";

/// Wings' `CheckOrigin`: the panel URL or an `allowed_origins` entry (or `*`), compared as
/// exact strings; a missing Origin never matches.
fn origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let origin = headers
        .get(ORIGIN)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    origin == &*state.panel_url
        || state
            .config
            .node_allowed_origins
            .iter()
            .any(|allowed| allowed == "*" || allowed == origin)
}

pub async fn socket_open(
    State(wings): State<WingsState>,
    Path(server): Path<String>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let state = wings.app;
    if state.faults.daemon_down() {
        return StatusCode::BAD_GATEWAY.into_response();
    }
    let found = {
        let world = lock(&state.world);
        world
            .servers
            .iter()
            .find(|record| record.uuid == server && record.node_id == wings.node_id)
            .and_then(|record| {
                let node = world.node(record.node_id)?;
                Some((
                    record.is_installing(),
                    record.is_suspended(),
                    node.daemon_token.clone(),
                ))
            })
    };
    let Some((installing, suspended, daemon_token)) = found else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "The requested resource does not exist on this instance."})),
        )
            .into_response();
    };
    let Some(runtime) = state.runtimes.get(&server) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let flavor = state.config.flavor;
    // The cap is checked before the upgrade (and its Origin check).
    let Some(slot) = runtime.open_socket(flavor.sockets_per_server()) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": TOO_MANY_SOCKETS })),
        )
            .into_response();
    };
    // gorilla/websocket answers a refused Origin with a plain 403.
    if !origin_allowed(&state, &headers) {
        return (StatusCode::FORBIDDEN, "Forbidden\n").into_response();
    }
    upgrade.on_upgrade(move |socket| {
        Session {
            socket,
            state,
            server_uuid: server,
            daemon_token,
            installing,
            suspended,
            flavor,
            runtime,
            jwt: None,
            throttle: Throttle::new(),
            _slot: slot,
        }
        .run()
    })
}

struct Session {
    socket: WebSocket,
    state: AppState,
    server_uuid: String,
    daemon_token: String,
    installing: bool,
    suspended: bool,
    flavor: Flavor,
    runtime: Arc<ServerRuntime>,
    jwt: Option<WingsTokenClaims>,
    throttle: Throttle,
    /// Held while the socket lives: its place under the per-server cap.
    _slot: SocketSlot,
}

/// The socket is gone.
struct Closed;

impl Session {
    async fn run(mut self) {
        let mut events = self.runtime.subscribe();
        let mut faults = self.state.faults.subscribe();
        let mut shutdown = self.state.shutdown.clone();
        let mut suspension = self.runtime.suspension();
        // Wings checks every 30 s against a 10-minute token; a short test lifetime gets a
        // proportionally short check so `token expiring` still comes before expiry.
        let config = &self.state.config;
        let period = config
            .token_check_interval
            .min(config.ws_token_lifetime / 2)
            .max(std::time::Duration::from_millis(10));
        let mut expiry = interval_at(Instant::now() + period, period);
        if faults.borrow().drop_websockets {
            return;
        }
        // Wings connects, then closes at once: a client cannot read an upgrade's HTTP
        // status, but it can read a close code.
        if self.suspended && self.flavor.closes_suspended() {
            let _ = self.close(CLOSE_SUSPENDED, "server is suspended").await;
            return;
        }
        // Wings relays server events from the moment the socket opens, `auth` or not.
        let early = faults.borrow().events_before_auth;
        if early
            && self
                .send_json(Inbound::Stats(self.runtime.stats()))
                .await
                .is_err()
        {
            return;
        }
        loop {
            let step = tokio::select! {
                message = self.socket.recv() => match message {
                    Some(Ok(Message::Text(text))) => self.inbound(text.as_str()).await,
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => Err(Closed),
                    Some(Ok(_)) => Ok(()),
                },
                event = events.recv() => match event {
                    Ok(event) => self.send_json(event).await,
                    Err(RecvError::Lagged(_)) => Ok(()),
                    Err(RecvError::Closed) => Err(Closed),
                },
                _ = expiry.tick() => self.check_expiry().await,
                changed = faults.changed() => {
                    // A dropped connection: no close frame, the socket just goes away.
                    // An unreachable Wings loses its open connections the same way.
                    let faults = faults.borrow();
                    if changed.is_err() || faults.drop_websockets || faults.daemon_down {
                        return;
                    }
                    Ok(())
                },
                _ = shutdown.changed() => Err(Closed),
                changed = suspension.changed() => {
                    // Wings 1.12 closes every socket of a server being suspended.
                    let now = changed.is_ok() && *suspension.borrow_and_update();
                    if now && self.flavor.closes_suspended() {
                        let _ = self.close(CLOSE_SUSPENDED, "server is suspended").await;
                        return;
                    }
                    Ok(())
                },
            };
            if step.is_err() {
                return;
            }
        }
    }

    async fn close(&mut self, code: u16, reason: &str) -> Result<(), Closed> {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        self.socket
            .send(Message::Close(Some(frame)))
            .await
            .map_err(|_| Closed)
    }

    async fn unsafe_send(&mut self, event: Inbound) -> Result<(), Closed> {
        self.socket
            .send(Message::Text(event.encode().into()))
            .await
            .map_err(|_| Closed)
    }

    /// Wings' `TokenValid`.
    fn token_valid(&self) -> Result<&WingsTokenClaims, &'static str> {
        let jwt = self.jwt.as_ref().ok_or(NO_JWT)?;
        if jwt.exp <= clock::now_unix() {
            return Err(EXP_INVALID);
        }
        if !self.may_connect(jwt) {
            return Err(NO_CONNECT);
        }
        if jwt.server_uuid != self.server_uuid {
            return Err(UUID_MISMATCH);
        }
        Ok(jwt)
    }

    /// Wings' `SendJson`: nothing leaves without a valid token (a `jwt error` goes
    /// instead), and some events need a permission.
    async fn send_json(&mut self, event: Inbound) -> Result<(), Closed> {
        let jwt = match self.token_valid() {
            Ok(jwt) => jwt,
            Err(reason) => return self.unsafe_send(Inbound::JwtError(reason.to_owned())).await,
        };
        let needed = match &event {
            Inbound::InstallOutput(_) => Some("admin.websocket.install"),
            Inbound::BackupCompleted(_) => Some("backup.read"),
            Inbound::TransferLogs(_) => Some("admin.websocket.transfer"),
            _ => None,
        };
        if needed.is_some_and(|permission| !jwt.can(permission)) {
            return Ok(());
        }
        self.unsafe_send(event).await
    }

    /// Wings' `SendErrorJson`: the real message only for jwt errors or
    /// `admin.websocket.errors`.
    async fn send_error(&mut self, message: &str, jwt_error: bool) -> Result<(), Closed> {
        let detailed = jwt_error
            || self
                .jwt
                .as_ref()
                .is_some_and(|jwt| jwt.can("admin.websocket.errors"));
        let text = format!(
            "Error Event [{}]: {}",
            self.state.random_uuid(),
            if detailed { message } else { GENERIC_ERROR }
        );
        self.unsafe_send(if jwt_error {
            Inbound::JwtError(text)
        } else {
            Inbound::DaemonError(text)
        })
        .await
    }

    /// `websocket.connect`, and on 1.12 / Pelican the `websocket` scope.
    fn may_connect(&self, jwt: &WingsTokenClaims) -> bool {
        jwt.can("websocket.connect") && (!self.flavor.scoped_tokens() || jwt.has_scope("websocket"))
    }

    /// A frame the client sent, through 1.12's read limit and throttles first.
    async fn inbound(&mut self, text: &str) -> Result<(), Closed> {
        if let Some(limit) = self.flavor.frame_limit() {
            // gorilla/websocket's read limit: the socket closes with 1009.
            if text.len() > limit {
                let _ = self.close(CLOSE_MESSAGE_TOO_BIG, "message too big").await;
                return Err(Closed);
            }
        }
        if self.flavor.throttles_messages() {
            if let Verdict::Dropped { notify } = self.throttle.frame() {
                return self.throttled(notify).await;
            }
        }
        // Frames that are not JSON events are ignored.
        let Ok(frame) = Frame::decode(text) else {
            return Ok(());
        };
        if self.flavor.throttles_messages() {
            if let Verdict::Dropped { notify } = self.throttle.event(&frame.event) {
                return self.throttled(notify).await;
            }
        }
        if frame.event != event::AUTH {
            if let Err(reason) = self.token_valid() {
                return self.unsafe_send(Inbound::JwtError(reason.to_owned())).await;
            }
        }
        let argument = frame.joined_args();
        match frame.event.as_str() {
            event::AUTH => self.authenticate(&argument).await,
            event::SET_STATE => self.set_state(&argument).await,
            event::SEND_LOGS => {
                if self.runtime.state() == PowerState::Offline {
                    return Ok(());
                }
                for line in self.runtime.logs(LOG_REPLAY) {
                    self.send_json(Inbound::ConsoleOutput(line)).await?;
                }
                Ok(())
            }
            event::SEND_STATS => self.send_json(Inbound::Stats(self.runtime.stats())).await,
            event::SEND_COMMAND => {
                let allowed = self
                    .jwt
                    .as_ref()
                    .is_some_and(|jwt| jwt.can("control.console"));
                if allowed && self.runtime.state() != PowerState::Offline {
                    self.runtime.command(&argument);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A dropped frame: `throttled` once, without a token check (`unsafeSendJson`).
    async fn throttled(&mut self, notify: Option<String>) -> Result<(), Closed> {
        match notify {
            Some(name) => self.unsafe_send(Inbound::Throttled(name)).await,
            None => Ok(()),
        }
    }

    async fn authenticate(&mut self, token: &str) -> Result<(), Closed> {
        let claims = match token::verify(token, &self.daemon_token) {
            Ok(claims) => claims,
            Err(Refusal::Expired) => return self.send_json(Inbound::TokenExpired).await,
            Err(Refusal::Invalid(message)) => return self.send_error(&message, false).await,
        };
        if !self.may_connect(&claims) {
            return self.send_error(NO_CONNECT, true).await;
        }
        let first = self.jwt.is_none();
        self.jwt = Some(claims);
        self.unsafe_send(Inbound::AuthSuccess).await?;
        // A refreshed token gets only `auth success` (panel issue #2077).
        if !first {
            return Ok(());
        }
        let state = self.runtime.state();
        self.send_json(Inbound::Status(state)).await?;
        if state == PowerState::Offline && !self.installing {
            self.send_json(Inbound::Stats(self.runtime.stats())).await?;
        }
        Ok(())
    }

    async fn set_state(&mut self, action: &str) -> Result<(), Closed> {
        let Ok(signal) = action.parse::<PowerSignal>() else {
            return self
                .send_error("attempting to handle unknown power action", false)
                .await;
        };
        // A missing permission is dropped silently.
        if !self
            .jwt
            .as_ref()
            .is_some_and(|jwt| jwt.can(signal.permission()))
        {
            return Ok(());
        }
        match self.runtime.power(signal) {
            Ok(()) => Ok(()),
            Err(PowerBusy) => {
                let text = format!("Error Event [{}]: {POWER_BUSY}", self.state.random_uuid());
                self.send_json(Inbound::DaemonError(text)).await
            }
        }
    }

    /// Wings' `ListenForExpiration` (every 30 s there): `token expiring` within 60 s of
    /// `exp`, `token expired` after it — which `SendJson` itself turns into a `jwt error`.
    async fn check_expiry(&mut self) -> Result<(), Closed> {
        let Some(exp) = self.jwt.as_ref().map(|jwt| jwt.exp) else {
            return Ok(());
        };
        let left = exp as i64 - clock::now_unix() as i64;
        if left <= 0 {
            self.send_json(Inbound::TokenExpired).await
        } else if left <= 60 {
            self.send_json(Inbound::TokenExpiring).await
        } else {
            Ok(())
        }
    }
}
