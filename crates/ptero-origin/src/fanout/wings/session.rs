//! One Wings websocket of one server, from connect to close: the panel URL as `Origin`,
//! `auth`, `send logs` on the first success, renewal on `token expiring` (re-auth on the
//! same socket, through [`Tokens`]' budget), and every event handed on as a
//! [`WingsEvent`]. Nothing longer than Wings' 4 KiB frame is sent; a message Wings
//! throttled is sent again once its bucket has refilled.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use ptero_api::flavor::WINGS_FRAME_LIMIT;
use ptero_api::wings_link::LinkProblem;
use ptero_api::ws::{event, Inbound, JwtErrorKind, Outbound, MAX_TOKEN_RENEWALS};
use ptero_api::{PowerState, WingsStats};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::tokens::Tokens;
use crate::panel::Panel;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What the socket said, in the order it said it.
#[derive(Debug, Clone, PartialEq)]
pub enum WingsEvent {
    /// The socket authenticated for the first time: the console replay follows.
    Live,
    Line(String),
    Status(PowerState),
    Stats(WingsStats),
    /// The socket is down: why, and when the next try is.
    Down {
        problem: LinkProblem,
        retry: Duration,
    },
}

/// How long Wings' buckets take to let a dropped message through again: `auth` and
/// `send logs` refill one per 5 s, the global bucket one per 200 ms.
fn refill(name: &str) -> Duration {
    match name {
        event::AUTH | event::SEND_LOGS => Duration::from_secs(5),
        _ => Duration::from_secs(1),
    }
}

/// How one socket ended.
pub struct Ended {
    /// Whether it authenticated at some point (the back-off starts over).
    pub was_live: bool,
    pub problem: LinkProblem,
}

/// Connects, authenticates and relays until the socket ends.
pub async fn run(
    panel: &Panel,
    tokens: &Tokens,
    deliver: &mut (dyn FnMut(WingsEvent) + Send),
) -> Ended {
    let mut was_live = false;
    let problem = match relay(panel, tokens, deliver, &mut was_live).await {
        Ok(()) => LinkProblem::Dropped { code: None },
        Err(problem) => problem,
    };
    Ended { was_live, problem }
}

async fn connect(panel: &Panel, socket_url: &str) -> Result<Socket, LinkProblem> {
    let refused = || LinkProblem::Refused {
        socket: socket_url.to_owned(),
    };
    let mut request = socket_url.into_client_request().map_err(|_| refused())?;
    let origin = HeaderValue::from_str(panel.url().as_str()).map_err(|_| refused())?;
    request.headers_mut().insert("origin", origin);
    let connected =
        tokio::time::timeout(panel.timeout(), tokio_tungstenite::connect_async(request)).await;
    match connected {
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(WsError::Http(response))) if response.status() == 400 => {
            Err(LinkProblem::TooManySockets)
        }
        Ok(Err(_)) | Err(_) => Err(refused()),
    }
}

async fn send(socket: &mut Socket, message: &Outbound) -> Result<(), LinkProblem> {
    // Nothing we send comes near the limit (a token is under 1 KiB); a frame that did
    // would make Wings close the socket, so it is not sent.
    let text = message
        .encode_within(WINGS_FRAME_LIMIT)
        .map_err(|_| LinkProblem::FrameTooLarge)?;
    socket
        .send(Message::text(text))
        .await
        .map_err(|_| LinkProblem::Dropped { code: None })
}

async fn relay(
    panel: &Panel,
    tokens: &Tokens,
    deliver: &mut (dyn FnMut(WingsEvent) + Send),
    was_live: &mut bool,
) -> Result<(), LinkProblem> {
    let credentials = tokens.for_socket().await?;
    let mut socket = connect(panel, &credentials.socket).await?;
    let _open = SocketGauge::new(tokens.metrics());
    let mut last_auth = Outbound::Auth(credentials.token);
    send(&mut socket, &last_auth).await?;
    let mut authenticated = false;
    // Renewals since Wings last accepted a token: a panel that keeps handing out dead
    // tokens must not be asked in a loop.
    let mut renewals = 0u32;
    // Wings answers a token it finds expired with `jwt: no jwt present`, which looks the
    // same as an event that beat the `auth`: silence past the deadline tells them apart.
    let deadline = Instant::now() + panel.timeout();
    // A message Wings throttled, and when to send it again.
    let mut resend: Option<(Instant, Outbound)> = None;
    // A renewal waiting for the token budget; the socket keeps being read meanwhile.
    let mut renew_at: Option<Instant> = None;
    loop {
        let next = tokio::select! {
            next = socket.next() => next,
            () = wait_until(resend.as_ref().map(|(at, _)| *at)) => {
                if let Some((_, message)) = resend.take() {
                    send(&mut socket, &message).await?;
                }
                continue;
            }
            () = wait_until(renew_at) => {
                renew_at = None;
                let fresh = tokens.fresh().await?;
                last_auth = Outbound::Auth(fresh.token);
                send(&mut socket, &last_auth).await?;
                continue;
            }
            () = tokio::time::sleep_until(deadline), if !authenticated => {
                tokens.forget();
                return Err(LinkProblem::TokensRefused);
            }
        };
        let message = match next {
            None | Some(Err(_)) => return Err(LinkProblem::Dropped { code: None }),
            Some(Ok(message)) => message,
        };
        let text = match message {
            Message::Text(text) => text,
            Message::Close(frame) => {
                return Err(LinkProblem::from_close(frame.map(|f| u16::from(f.code))))
            }
            _ => continue,
        };
        let renew = match Inbound::decode(text.as_str()) {
            Ok(Inbound::AuthSuccess) => {
                renewals = 0;
                if !authenticated {
                    authenticated = true;
                    *was_live = true;
                    deliver(WingsEvent::Live);
                    send(&mut socket, &Outbound::SendLogs).await?;
                }
                false
            }
            Ok(Inbound::ConsoleOutput(line)) => {
                deliver(WingsEvent::Line(line));
                false
            }
            Ok(Inbound::Status(state)) => {
                deliver(WingsEvent::Status(state));
                false
            }
            Ok(Inbound::Stats(stats)) => {
                deliver(WingsEvent::Stats(stats));
                false
            }
            Ok(Inbound::TokenExpiring | Inbound::TokenExpired) => true,
            Ok(Inbound::JwtError(message)) => match JwtErrorKind::of(&message) {
                JwtErrorKind::Renew => true,
                // A busy server's event beat our `auth`; its answer decides.
                JwtErrorKind::NotYetAuthenticated => false,
                JwtErrorKind::Refused => {
                    tokens.forget();
                    return Err(LinkProblem::NoToken(format!(
                        "Wings refused the token: {message}"
                    )));
                }
            },
            Ok(Inbound::Throttled(name)) => {
                tracing::info!(%name, "Wings throttled a message of the origin: sending it again later");
                let dropped = match name.as_str() {
                    event::AUTH => Some(last_auth.clone()),
                    event::SEND_LOGS => Some(Outbound::SendLogs),
                    // The global bucket: whatever was last in flight was an `auth`.
                    _ if !authenticated => Some(last_auth.clone()),
                    _ => None,
                };
                if let Some(message) = dropped {
                    resend = Some((Instant::now() + refill(&name), message));
                }
                false
            }
            Ok(Inbound::Deleted) => return Err(LinkProblem::Dropped { code: Some(1001) }),
            _ => false,
        };
        // Wings repeats `token expiring` every check until the new token arrives: one
        // renewal is enough.
        if renew && renew_at.is_none() {
            renewals += 1;
            if renewals > MAX_TOKEN_RENEWALS {
                tokens.forget();
                return Err(LinkProblem::TokensRefused);
            }
            renew_at = Some(tokens.next_allowed());
        }
    }
}

/// Counts an open upstream socket in the `upstream_sockets` gauge while it lives.
struct SocketGauge(std::sync::Arc<crate::metrics::Metrics>);

impl SocketGauge {
    fn new(metrics: &std::sync::Arc<crate::metrics::Metrics>) -> Self {
        metrics
            .upstream_sockets
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Self(std::sync::Arc::clone(metrics))
    }
}

impl Drop for SocketGauge {
    fn drop(&mut self) {
        self.0
            .upstream_sockets
            .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

async fn wait_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
