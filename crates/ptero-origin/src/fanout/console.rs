//! The console relay: one upstream Wings websocket per watched server (opened with the
//! panel URL as its `Origin`), whose console lines go to every viewer granted `console`
//! — the last [`HISTORY`] on join, then live. Lines are data: they travel as JSON
//! strings and are never interpreted.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use ptero_api::origin::StreamEvent;
use ptero_api::ws::{Inbound, JwtErrorKind, Outbound};
use ptero_api::ServerId;
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

use crate::panel::Panel;

/// Lines kept for viewers who join later.
pub const HISTORY: usize = 100;
/// Longest line relayed; longer ones are cut.
const MAX_LINE_CHARS: usize = 4096;
/// Token renewals without an `auth success` in between before the socket is given up.
const MAX_RENEWALS: u32 = 3;
/// Room for a `send logs` burst (Wings sends up to 150 lines at once).
const CHANNEL_CAPACITY: usize = 512;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Console lines of one server: history and the live channel.
#[derive(Debug)]
pub struct ConsoleChannel {
    history: Mutex<VecDeque<String>>,
    sender: broadcast::Sender<StreamEvent>,
}

impl Default for ConsoleChannel {
    fn default() -> Self {
        Self {
            history: Mutex::new(VecDeque::with_capacity(HISTORY)),
            sender: broadcast::channel(CHANNEL_CAPACITY).0,
        }
    }
}

impl ConsoleChannel {
    /// The history and a receiver for what follows, atomically.
    pub fn join(&self) -> (Vec<String>, broadcast::Receiver<StreamEvent>) {
        let history = lock(&self.history);
        (history.iter().cloned().collect(), self.sender.subscribe())
    }

    fn push(&self, server: &str, line: String) {
        let line: String = line.chars().take(MAX_LINE_CHARS).collect();
        let mut history = lock(&self.history);
        if history.len() == HISTORY {
            history.pop_front();
        }
        history.push_back(line.clone());
        let _ = self.sender.send(StreamEvent::Console {
            server: server.to_owned(),
            line,
        });
    }

    /// A fresh socket replays the recent lines: forget ours so they are not doubled.
    fn reset(&self) {
        lock(&self.history).clear();
    }
}

/// Keeps one socket open (reconnecting with back-off) until aborted.
pub async fn run(server: ServerId, panel: Panel, channel: Arc<ConsoleChannel>) {
    let mut failures: u32 = 0;
    loop {
        match relay(&server, &panel, &channel).await {
            Ok(()) => failures = 0,
            Err(problem) => {
                failures = failures.saturating_add(1);
                tracing::warn!(server = %server, %problem, "console relay interrupted");
            }
        }
        let seconds = 1u64 << failures.min(5);
        tokio::time::sleep(Duration::from_secs(seconds)).await;
    }
}

fn text(message: &Outbound) -> Message {
    Message::text(message.encode())
}

async fn relay(server: &ServerId, panel: &Panel, channel: &ConsoleChannel) -> Result<(), String> {
    let credentials = panel
        .websocket(server)
        .await
        .map_err(|error| error.body().error.message)?;
    let mut request = credentials
        .socket
        .as_str()
        .into_client_request()
        .map_err(|error| format!("the socket address is not usable: {error}"))?;
    let origin = HeaderValue::from_str(panel.url().as_str()).map_err(|error| error.to_string())?;
    request.headers_mut().insert("origin", origin);
    let (mut socket, _) = tokio::time::timeout(
        Duration::from_secs(10),
        tokio_tungstenite::connect_async(request),
    )
    .await
    .map_err(|_| "Wings did not answer the websocket in time".to_owned())?
    .map_err(|error| format!("Wings refused the websocket: {error}"))?;
    socket
        .send(text(&Outbound::Auth(credentials.token)))
        .await
        .map_err(|error| error.to_string())?;
    let mut replayed = false;
    // Renewals since Wings last accepted a token: a panel that keeps handing out dead
    // tokens must not be asked in a tight loop.
    let mut renewals = 0u32;
    let id = server.short().to_owned();
    while let Some(message) = socket.next().await {
        let message = message.map_err(|error| error.to_string())?;
        let frame = match message {
            Message::Text(frame) => frame,
            Message::Close(_) => return Ok(()),
            _ => continue,
        };
        let renew = match Inbound::decode(frame.as_str()) {
            Ok(Inbound::AuthSuccess) => {
                renewals = 0;
                if !replayed {
                    replayed = true;
                    channel.reset();
                    socket
                        .send(text(&Outbound::SendLogs))
                        .await
                        .map_err(|error| error.to_string())?;
                }
                false
            }
            Ok(Inbound::ConsoleOutput(line)) => {
                channel.push(&id, line);
                false
            }
            Ok(Inbound::TokenExpiring | Inbound::TokenExpired) => true,
            Ok(Inbound::JwtError(message)) => match JwtErrorKind::of(&message) {
                JwtErrorKind::Renew => true,
                // A busy server's event beat our `auth`; its answer decides.
                JwtErrorKind::NotYetAuthenticated => false,
                JwtErrorKind::Refused => return Err(format!("Wings refused the token: {message}")),
            },
            Ok(Inbound::Deleted) => return Err("the server was deleted".to_owned()),
            _ => false,
        };
        if renew {
            renewals += 1;
            if renewals > MAX_RENEWALS {
                return Err("Wings refused every fresh websocket token".to_owned());
            }
            let fresh = panel
                .websocket(server)
                .await
                .map_err(|error| error.body().error.message)?;
            socket
                .send(text(&Outbound::Auth(fresh.token)))
                .await
                .map_err(|error| error.to_string())?;
        }
    }
    Ok(())
}
