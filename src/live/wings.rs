//! The Wings websocket of one server: state, per-second stats and console lines, with
//! token refresh on `token expiring` (re-auth on the same socket) and reconnection with
//! back-off after a drop. Closed when the owner is disposed.
//!
//! Pterodactyl 1.12's limits are ordinary events here: a 429 from the token endpoint, the
//! 31st socket refused, a 4409 close and `throttled` each become a [`LinkProblem`] the page
//! shows while it polls instead, and the wait before the next try is the problem's own
//! ([`LinkProblem::retry_in`]: a token window, a minute for a full server, five for a
//! suspended one), so 40 tabs of one server do not storm the panel. Commands longer than
//! Wings' 4 KiB frame are refused before they are sent.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use ptero_api::flavor::WINGS_FRAME_LIMIT;
use ptero_api::wings_link::LinkProblem;
use ptero_api::ws::{event, Inbound, JwtErrorKind, Outbound, MAX_TOKEN_RENEWALS};
use ptero_api::{PanelError, PowerState, WingsStats};
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::sleep;
use crate::api::{ApiError, PanelClient, Scope};

/// Console lines kept (older ones scroll away).
pub const SCROLLBACK: usize = 1000;
/// How long Wings may take to accept a token before the socket is given up. Wings answers
/// an `auth` whose token it finds expired with `jwt: no jwt present` (its `token expired`
/// cannot pass its own check on a socket that never authenticated), which looks the same
/// as an event that beat the `auth`; silence past this deadline tells them apart.
const AUTH_DEADLINE: Duration = Duration::from_secs(6);

/// How one socket's authentication stands.
#[derive(Default)]
struct SocketAuth {
    authenticated: Cell<bool>,
    /// Token requests since Wings last said `auth success`.
    renewals: Cell<u32>,
    /// Set when this side closes the socket because Wings accepted none of its tokens.
    given_up: Cell<bool>,
    /// When Wings first accepted a token on this socket (`Date.now()`): the lines just
    /// after are its replay of recent logs, old news.
    live_at: Cell<f64>,
}

/// How long after the socket opens its console lines count as the logs' replay.
const REPLAY_MS: f64 = 3_000.0;

impl SocketAuth {
    fn give_up(&self, ws: &WebSocket) {
        self.given_up.set(true);
        let _ = ws.close();
    }
}

/// Where the socket stands, in words a person can act on.
#[derive(Clone, Debug, PartialEq)]
pub enum Link {
    Connecting,
    Live,
    /// Not connected; polling `/resources` instead, until the next try in `retry_secs`.
    Down {
        problem: LinkProblem,
        retry_secs: u64,
    },
}

impl Link {
    /// The sentence the page shows, in the app's language.
    pub fn describe(&self) -> String {
        crate::components::Said::said(self)
    }

    /// A stable name for tests and styling (`data-link`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Link::Connecting => "connecting",
            Link::Live => "live",
            Link::Down { .. } => "down",
        }
    }

    /// The problem's name while down (`data-problem`).
    pub fn problem(&self) -> Option<&'static str> {
        match self {
            Link::Down { problem, .. } => Some(problem.as_str()),
            _ => None,
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The live view of one server that components read.
#[derive(Clone, Copy)]
pub struct WingsLive {
    pub link: RwSignal<Link>,
    pub state: RwSignal<Option<PowerState>>,
    pub stats: RwSignal<Option<WingsStats>>,
    pub lines: RwSignal<VecDeque<String>>,
    /// Console lines received so far (the terminal appends only the new ones).
    pub total: RwSignal<u64>,
    /// Bumped by Wings' `backup completed` and `backup restore completed`.
    pub backups_changed: RwSignal<u32>,
    /// Bumped by `install started` and `install completed` (a reinstall).
    pub install_changed: RwSignal<u32>,
    /// Re-authentications on the same socket (token refreshes) so far.
    pub reauths: RwSignal<u32>,
    /// Wings' "crashed state" notices so far (the alerts tell a crash from a clean exit).
    pub crash_notices: RwSignal<u32>,
    socket: StoredValue<Option<SendWrapper<WebSocket>>>,
}

/// Why a console command was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// Longer than Wings reads (it would close the socket).
    TooLarge(ptero_api::ws::FrameTooLarge),
    NotConnected,
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommandError::TooLarge(too_large) => {
                write!(f, "{}.", capitalized(&too_large.to_string()))
            }
            CommandError::NotConnected => f.write_str("Not connected: the command was not sent."),
        }
    }
}

impl WingsLive {
    /// Sends a console command, or says why it was not sent.
    pub fn send_command(&self, command: &str) -> Result<(), CommandError> {
        let frame = Outbound::SendCommand(command.to_string())
            .encode_within(WINGS_FRAME_LIMIT)
            .map_err(CommandError::TooLarge)?;
        let sent = self.socket.with_value(|s| {
            s.as_ref().is_some_and(|ws| {
                ws.ready_state() == WebSocket::OPEN && ws.send_with_str(&frame).is_ok()
            })
        });
        if sent {
            Ok(())
        } else {
            Err(CommandError::NotConnected)
        }
    }
}

/// Opens (and keeps open) the websocket of `server`.
pub fn use_wings(client: PanelClient, server: String) -> WingsLive {
    let live = WingsLive {
        link: RwSignal::new(Link::Connecting),
        state: RwSignal::new(None),
        stats: RwSignal::new(None),
        lines: RwSignal::new(VecDeque::new()),
        total: RwSignal::new(0),
        backups_changed: RwSignal::new(0),
        install_changed: RwSignal::new(0),
        reauths: RwSignal::new(0),
        crash_notices: RwSignal::new(0),
        socket: StoredValue::new(None),
    };
    let disposed = Rc::new(RefCell::new(false));
    let flag = SendWrapper::new(disposed.clone());
    on_cleanup(move || {
        *flag.borrow_mut() = true;
        live.socket.update_value(|s| {
            if let Some(ws) = s.take() {
                let _ = ws.close();
            }
        });
    });
    // The socket's teardown above ends `run` (its handlers must outlive the close), so
    // the scope only aborts the token requests.
    let scope = Scope::new();
    leptos::task::spawn_local(scope.wrap(run(live, client, server, disposed, scope.clone())));
    live
}

async fn run(
    live: WingsLive,
    client: PanelClient,
    server: String,
    disposed: Rc<RefCell<bool>>,
    scope: Scope,
) {
    let mut failures = 0u32;
    while !*disposed.borrow() {
        let outcome = session(live, &client, &server, &disposed, &scope).await;
        if *disposed.borrow() {
            return;
        }
        let problem = outcome.err().unwrap_or(LinkProblem::Dropped { code: None });
        // A socket that was live starts the back-off over.
        if live.link.get_untracked() == Link::Live {
            failures = 0;
        }
        failures = failures.saturating_add(1);
        let wait = problem.retry_in(failures, js_sys::Math::random());
        live.link.set(Link::Down {
            problem,
            retry_secs: wait.as_secs().max(1),
        });
        sleep(wait).await;
    }
}

/// What a failed token request means for the socket.
fn token_problem(error: ApiError) -> LinkProblem {
    match error {
        ApiError::Panel(PanelError::RateLimited { retry_after }) => {
            LinkProblem::TokensRateLimited { retry_after }
        }
        other => LinkProblem::NoToken(other.to_string()),
    }
}

/// One socket's life: token, connect, auth, events until it closes.
async fn session(
    live: WingsLive,
    client: &PanelClient,
    server: &str,
    disposed: &Rc<RefCell<bool>>,
    scope: &Scope,
) -> Result<(), LinkProblem> {
    let credentials = client.websocket(server).await.map_err(token_problem)?;
    let ws = crate::api::socket::open(&credentials.socket).ok_or_else(|| LinkProblem::Refused {
        socket: credentials.socket.clone(),
    })?;
    let (done_tx, done_rx) = futures::channel::oneshot::channel::<Result<(), LinkProblem>>();
    let done = Rc::new(RefCell::new(Some(done_tx)));
    let opened = Rc::new(RefCell::new(false));

    let auth = Rc::new(SocketAuth::default());

    let token = credentials.token.clone();
    let on_open = {
        let ws = ws.clone();
        let opened = opened.clone();
        let auth = auth.clone();
        let scope = scope.clone();
        Closure::<dyn FnMut()>::new(move || {
            *opened.borrow_mut() = true;
            let _ = ws.send_with_str(&Outbound::Auth(token.clone()).encode());
            let (ws, auth) = (ws.clone(), auth.clone());
            scope.spawn(async move {
                sleep(AUTH_DEADLINE).await;
                if !auth.authenticated.get() && ws.ready_state() == WebSocket::OPEN {
                    auth.give_up(&ws);
                }
            });
        })
    };
    let on_message = {
        let ws = ws.clone();
        let client = client.clone();
        let server = server.to_string();
        let auth = auth.clone();
        let scope = scope.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            let Ok(inbound) = Inbound::decode(&text) else {
                return;
            };
            let socket = Socket {
                ws: &ws,
                auth: &auth,
                client: &client,
                server: &server,
                scope: &scope,
            };
            handle(live, socket, inbound);
        })
    };
    let on_close = {
        let done = done.clone();
        let opened = opened.clone();
        let auth = auth.clone();
        let socket = credentials.socket.clone();
        Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            // A browser cannot read an upgrade's status: a refused Origin (403) and the
            // 31st socket (400) both end here before `open`.
            let result = if auth.given_up.get() {
                Err(LinkProblem::TokensRefused)
            } else if !*opened.borrow() {
                Err(LinkProblem::Refused {
                    socket: socket.clone(),
                })
            } else {
                Err(LinkProblem::from_close(Some(event.code())))
            };
            if let Some(tx) = done.borrow_mut().take() {
                let _ = tx.send(result);
            }
        })
    };
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    live.socket.set_value(Some(SendWrapper::new(ws.clone())));
    if *disposed.borrow() {
        let _ = ws.close();
    }
    let result = done_rx.await.unwrap_or(Ok(()));
    ws.set_onopen(None);
    ws.set_onmessage(None);
    ws.set_onclose(None);
    drop((on_open, on_message, on_close));
    result
}

/// What the message handler needs of its socket.
#[derive(Clone, Copy)]
struct Socket<'a> {
    ws: &'a WebSocket,
    auth: &'a SocketAuth,
    client: &'a PanelClient,
    server: &'a str,
    scope: &'a Scope,
}

impl Socket<'_> {
    /// A fresh token from the panel, sent as `auth` on the same socket; after
    /// [`MAX_TOKEN_RENEWALS`] refused in a row, the socket is given up (and reconnected later).
    fn renew(self) {
        let renewals = self.auth.renewals.get();
        if renewals >= MAX_TOKEN_RENEWALS {
            self.auth.give_up(self.ws);
            return;
        }
        self.auth.renewals.set(renewals + 1);
        let (ws, client, server) = (self.ws.clone(), self.client.clone(), self.server.to_owned());
        self.scope.spawn(async move {
            if let Ok(credentials) = client.websocket(&server).await {
                let _ = ws.send_with_str(&Outbound::Auth(credentials.token).encode());
            }
        });
    }
}

fn handle(live: WingsLive, socket: Socket<'_>, inbound: Inbound) {
    match inbound {
        Inbound::AuthSuccess => {
            socket.auth.authenticated.set(true);
            socket.auth.renewals.set(0);
            if live.link.get_untracked() == Link::Live {
                live.reauths.update(|n| *n += 1);
            } else {
                live.link.set(Link::Live);
                socket.auth.live_at.set(js_sys::Date::now());
                let _ = socket.ws.send_with_str(&Outbound::SendLogs.encode());
            }
        }
        Inbound::Status(state) => live.state.set(Some(state)),
        Inbound::Stats(stats) => {
            live.state.set(Some(stats.state));
            live.stats.set(Some(stats));
        }
        Inbound::ConsoleOutput(line)
        | Inbound::InstallOutput(line)
        | Inbound::DaemonMessage(line) => {
            let replayed = js_sys::Date::now() - socket.auth.live_at.get() < REPLAY_MS;
            if !replayed && line.contains(ptero_api::alerts::WINGS_CRASH_NOTICE) {
                live.crash_notices.update(|n| *n += 1);
            }
            push_line(live, line);
        }
        Inbound::DaemonError(message) => push_line(live, format!("[daemon error] {message}")),
        Inbound::TokenExpiring | Inbound::TokenExpired => socket.renew(),
        Inbound::BackupCompleted(_) | Inbound::BackupRestoreCompleted => {
            live.backups_changed.update(|n| *n += 1);
        }
        Inbound::InstallStarted | Inbound::InstallCompleted => {
            live.install_changed.update(|n| *n += 1);
        }
        // Wings dropped one of our messages: say so; what was dropped is not resent (a
        // command is the user's to repeat, a renewal comes again with `token expiring`).
        Inbound::Throttled(what) => push_line(live, throttled_line(&what)),
        Inbound::JwtError(message) => match JwtErrorKind::of(&message) {
            JwtErrorKind::Renew => socket.renew(),
            // An event beat our `auth`, or Wings found our token expired; the answer to
            // the `auth` (or [`AUTH_DEADLINE`]) decides.
            JwtErrorKind::NotYetAuthenticated => {}
            JwtErrorKind::Refused => push_line(live, format!("[auth] {message}")),
        },
        _ => {}
    }
}

/// The console line for a `throttled` event (`global` or the event's name).
fn throttled_line(what: &str) -> String {
    use crate::i18n::ui::{t, tf};
    let dropped = match what {
        event::SEND_COMMAND => t("throttled.command"),
        event::AUTH => t("throttled.renewal"),
        "global" => t("throttled.messages"),
        _ => t("throttled.request"),
    };
    ["[ptero-web] ", &tf("throttled.line", &[dropped])].concat()
}

fn push_line(live: WingsLive, line: String) {
    live.lines.update(|lines| {
        if lines.len() == SCROLLBACK {
            lines.pop_front();
        }
        lines.push_back(line);
    });
    live.total.update(|n| *n += 1);
}
