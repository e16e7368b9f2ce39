//! What every card on a page shares: one session per hand-off token (a token's `jti` is
//! single-use, so it is exchanged once), one live stream per session carrying all of
//! that session's servers, and one feed of signals per server.
//!
//! Signals here are `ArcRwSignal`s: they belong to the page, not to any one card, so a
//! card's removal cannot dispose data another card still shows.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use ptero_api::origin::{OriginErrorCode, ServerSummary, SessionGrant, StreamEvent};
use web_sys::AbortController;

use super::slots::Slots;
use super::token::fetch_token;
use crate::api::{OriginClient, OriginFailure};
use crate::live::{backoff, sleep};

/// Console lines a feed keeps.
pub const CONSOLE_LINES: usize = 500;

pub type SessionResult = Result<Rc<SessionGrant>, OriginFailure>;
type SharedSession = Shared<LocalBoxFuture<'static, SessionResult>>;
type SharedToken = Shared<LocalBoxFuture<'static, Result<String, String>>>;

/// One server's live data, shared by every card showing it under one session.
#[derive(Clone)]
pub struct Feed {
    pub summary: ArcRwSignal<Option<ServerSummary>>,
    pub console: ArcRwSignal<VecDeque<String>>,
    pub error: ArcRwSignal<Option<OriginFailure>>,
}

impl Feed {
    fn new() -> Self {
        Self {
            summary: ArcRwSignal::new(None),
            console: ArcRwSignal::new(VecDeque::new()),
            error: ArcRwSignal::new(None),
        }
    }
}

/// (origin, session)
type StreamKey = (String, String);

#[derive(Default)]
struct Stream {
    /// server → number of cards watching it.
    watchers: Slots<String, usize>,
    feeds: Slots<String, Feed>,
    abort: Option<AbortController>,
    restart_scheduled: bool,
    generation: u64,
}

#[derive(Default)]
struct Hub {
    /// Hand-off tokens fetched from a `token-url`, by URL.
    tokens: Slots<String, SharedToken>,
    sessions: Slots<(String, String), SharedSession>,
    streams: Slots<StreamKey, Stream>,
}

thread_local! {
    static HUB: RefCell<Hub> = RefCell::new(Hub::default());
}

/// A hand-off token from the hosting site's `url`, fetched once for every card that names
/// it (so they share one session and one stream). `stale` is the token a card wants
/// replaced: a new one is fetched unless another card already did.
pub fn token(url: &str, stale: Option<&str>) -> SharedToken {
    HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        let usable = hub.tokens.get(url).filter(|cached| match cached.peek() {
            None => true,
            Some(Ok(token)) => stale != Some(token.as_str()),
            Some(Err(_)) => false,
        });
        if let Some(cached) = usable {
            return cached.clone();
        }
        let owned = url.to_string();
        let fetch = async move { fetch_token(&owned).await }
            .boxed_local()
            .shared();
        hub.tokens.insert(url.to_string(), fetch.clone());
        fetch
    })
}

/// When a session of `lifetime_secs` should be renewed: a minute before it ends, or at
/// three quarters of it for short sessions.
pub fn renew_after(lifetime_secs: u64) -> std::time::Duration {
    let secs = if lifetime_secs > 240 {
        lifetime_secs - 60
    } else {
        lifetime_secs * 3 / 4
    };
    std::time::Duration::from_millis(secs.max(1) * 1000)
}

/// The session for `token` at `origin`, exchanged at most once per page.
pub fn session(origin: &str, token: &str) -> SharedSession {
    let key = (origin.to_string(), token.to_string());
    HUB.with(|hub| {
        hub.borrow_mut()
            .sessions
            .get_or_insert_with(key, || {
                let client = OriginClient::new(origin);
                let token = token.to_string();
                async move { client.exchange(&token).await.map(Rc::new) }
                    .boxed_local()
                    .shared()
            })
            .clone()
    })
}

/// Forgets a session (expired or refused) so the next card exchanges afresh.
pub fn forget_session(origin: &str, token: &str) {
    HUB.with(|hub| {
        hub.borrow_mut()
            .sessions
            .remove(&(origin.to_string(), token.to_string()))
    });
}

/// Starts watching `server`; the page's stream for this session is (re)opened with it.
pub fn subscribe(origin: &str, session: &str, server: &str) -> Feed {
    let key = (origin.to_string(), session.to_string());
    let (feed, changed) = HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        let stream = hub.streams.get_or_insert_with(key.clone(), Stream::default);
        let count = stream.watchers.get_or_insert_with(server.to_string(), || 0);
        *count += 1;
        let first = *count == 1;
        let feed = stream
            .feeds
            .get_or_insert_with(server.to_string(), Feed::new)
            .clone();
        (feed, first)
    });
    if changed {
        schedule_restart(key);
    }
    feed
}

/// Stops watching `server`; the last watcher of a session's last server closes its stream.
pub fn unsubscribe(origin: &str, session: &str, server: &str) {
    let key = (origin.to_string(), session.to_string());
    let changed = HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        let Some(stream) = hub.streams.get_mut(&key) else {
            return false;
        };
        match stream.watchers.get_mut(server) {
            Some(count) if *count > 1 => {
                *count -= 1;
                false
            }
            Some(_) => {
                stream.watchers.remove(server);
                stream.feeds.remove(server);
                true
            }
            None => false,
        }
    });
    if changed {
        schedule_restart(key);
    }
}

/// How many sessions the page holds (tests check a renewal lets go of the old one).
pub fn cached_sessions() -> usize {
    HUB.with(|hub| hub.borrow().sessions.len())
}

/// How many streams are open right now (tests check removal closes them).
pub fn open_streams() -> usize {
    HUB.with(|hub| {
        hub.borrow()
            .streams
            .values()
            .filter(|s| s.abort.is_some())
            .count()
    })
}

/// Restarts the stream after the current task: cards upgraded together (one
/// `customElements.define`) then share one connection instead of opening one each.
fn schedule_restart(key: StreamKey) {
    let first = HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        let stream = hub.streams.get_or_insert_with(key.clone(), Stream::default);
        !std::mem::replace(&mut stream.restart_scheduled, true)
    });
    if first {
        leptos::task::spawn_local(async move {
            sleep(std::time::Duration::ZERO).await;
            restart(key);
        });
    }
}

fn restart(key: StreamKey) {
    let plan = HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        let stream = hub.streams.get_mut(&key)?;
        stream.restart_scheduled = false;
        if let Some(old) = stream.abort.take() {
            old.abort();
        }
        if stream.watchers.is_empty() {
            hub.streams.remove(&key);
            return None;
        }
        let abort = AbortController::new().ok()?;
        stream.abort = Some(abort.clone());
        stream.generation += 1;
        Some((
            stream.watchers.keys().cloned().collect::<Vec<_>>(),
            abort,
            stream.generation,
        ))
    });
    if let Some((servers, abort, generation)) = plan {
        leptos::task::spawn_local(run(key, servers, abort, generation));
    }
}

fn current(key: &StreamKey, generation: u64) -> bool {
    HUB.with(|hub| {
        hub.borrow()
            .streams
            .get(key)
            .is_some_and(|s| s.generation == generation)
    })
}

async fn run(key: StreamKey, servers: Vec<String>, abort: AbortController, generation: u64) {
    let client = OriginClient::new(&key.0);
    let signal = abort.signal();
    let mut attempt = 0;
    while current(&key, generation) && !signal.aborted() {
        let result = client
            .stream(&key.1, &servers, &signal, |event| deliver(&key, event))
            .await;
        if signal.aborted() {
            return;
        }
        match result {
            Ok(()) => attempt = 0,
            Err(failure) => {
                let fatal = matches!(
                    &failure,
                    OriginFailure::Refused {
                        code: OriginErrorCode::SessionExpired,
                        ..
                    }
                );
                set_error(&key, &failure);
                if fatal {
                    return;
                }
                attempt += 1;
            }
        }
        sleep(backoff(attempt)).await;
    }
}

fn feed(key: &StreamKey, server: &str) -> Option<Feed> {
    HUB.with(|hub| {
        hub.borrow()
            .streams
            .get(key)
            .and_then(|s| s.feeds.get(server).cloned())
    })
}

fn set_error(key: &StreamKey, failure: &OriginFailure) {
    let feeds: Vec<Feed> = HUB.with(|hub| {
        hub.borrow()
            .streams
            .get(key)
            .map(|s| s.feeds.values().cloned().collect())
            .unwrap_or_default()
    });
    for feed in feeds {
        feed.error.set(Some(failure.clone()));
    }
}

fn deliver(key: &StreamKey, event: StreamEvent) {
    match event {
        StreamEvent::Summary(summary) => {
            if let Some(feed) = feed(key, &summary.identifier) {
                feed.error.set(None);
                feed.summary.set(Some(summary));
            }
        }
        StreamEvent::State { server, state } => {
            if let Some(feed) = feed(key, &server) {
                feed.summary.update(|s| {
                    if let Some(s) = s {
                        s.state = state;
                    }
                });
            }
        }
        StreamEvent::Resources { server, resources } => {
            if let Some(feed) = feed(key, &server) {
                feed.summary.update(|s| {
                    if let Some(s) = s {
                        s.resources = Some(resources);
                    }
                });
            }
        }
        StreamEvent::Console { server, line } => {
            if let Some(feed) = feed(key, &server) {
                feed.console.update(|lines| {
                    if lines.len() == CONSOLE_LINES {
                        lines.pop_front();
                    }
                    lines.push_back(line);
                });
            }
        }
        // Whether Wings' socket feeds the numbers (the summary's `live`).
        StreamEvent::Link { server, live, .. } => {
            if let Some(feed) = feed(key, &server) {
                feed.summary.update(|s| {
                    if let Some(s) = s {
                        s.live = live;
                    }
                });
            }
        }
        StreamEvent::Error {
            server,
            code,
            message,
        } => {
            let failure = OriginFailure::Refused { code, message };
            match server.and_then(|s| feed(key, &s)) {
                Some(feed) => feed.error.set(Some(failure)),
                None => set_error(key, &failure),
            }
        }
    }
}
