//! The page's one live connection per origin: a `POST /v1/stream` carrying every session
//! its cards hold and the servers each watches, so the browser's six HTTP/1.1 connections
//! per host stay free for session exchanges and power signals.
//!
//! Cards [`watch`] a server under a session and hold the [`Watch`]; dropping it (the card
//! removed or moved to a renewed session) lets go. When what the page watches changes, the
//! stream is reopened with the new set after the current task, and after the exchanges
//! still in flight at that origin (up to [`EXCHANGE_WAIT`]), so a page of cards upgraded
//! together opens one stream, not one per card. A session the origin stops carrying
//! (`refused`: expired, revoked) is told to its cards through their watch.
//!
//! While the link is up, a [`Ticker`] samples every feed into its sparklines every
//! [`SAMPLE_EVERY`] and moves the link's clock (for "updated … ago"). It stops with the link.

use std::cell::RefCell;
use std::time::Duration;

use futures::channel::oneshot;
use leptos::prelude::*;
use ptero_api::origin::StreamSession;

mod stream;

use super::feed::{Feed, Sampler};
use super::hub;
use super::slots::Slots;
use crate::api::{OriginFailure, Scope};
use crate::live::{sleep, Ticker};

/// How often the sparklines take a sample.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(2);
/// The longest a stream (re)opening waits for session exchanges in flight.
const EXCHANGE_WAIT: Duration = Duration::from_millis(600);
const EXCHANGE_POLL: Duration = Duration::from_millis(20);

/// How the link to the origin stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Health {
    Connecting,
    Live,
    /// Lost; reconnecting with backoff.
    Down(OriginFailure),
}

struct FeedSlot {
    feed: Feed,
    sampler: Sampler,
}

#[derive(Default)]
struct Member {
    /// server → cards watching it under this session.
    servers: Slots<String, usize>,
    /// Set when the origin stopped carrying the session.
    ended: Option<OriginFailure>,
    on_end: Vec<oneshot::Sender<OriginFailure>>,
}

struct Link {
    feeds: Slots<String, FeedSlot>,
    members: Slots<String, Member>,
    /// The sessions of the open stream, by their index in its request.
    carried: Vec<String>,
    health: ArcRwSignal<Health>,
    /// `Date.now()` at the last sample.
    clock: ArcRwSignal<f64>,
    stream: Option<Scope>,
    generation: u64,
    reopen_scheduled: bool,
    _ticker: Option<Ticker>,
}

thread_local! {
    static LINKS: RefCell<Slots<String, Link>> = RefCell::new(Slots::default());
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// What a card reads of the link while it watches a server.
pub struct Watch {
    origin: String,
    session: String,
    server: String,
    pub feed: Feed,
    pub health: ArcRwSignal<Health>,
    pub clock: ArcRwSignal<f64>,
}

impl Watch {
    /// Resolves when the origin stops carrying this watch's session.
    pub fn ended(&self) -> oneshot::Receiver<OriginFailure> {
        let (tx, rx) = oneshot::channel();
        LINKS.with(|links| {
            let mut links = links.borrow_mut();
            let member = links
                .get_mut(&self.origin)
                .and_then(|link| link.members.get_mut(&self.session));
            match member {
                Some(Member {
                    ended: Some(failure),
                    ..
                }) => {
                    let _ = tx.send(failure.clone());
                }
                Some(member) => member.on_end.push(tx),
                None => {}
            }
        });
        rx
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        unwatch(&self.origin, &self.session, &self.server);
    }
}

/// Starts watching `server` under `session` at `origin`.
pub fn watch(origin: &str, session: &str, server: &str) -> Watch {
    let (feed, health, clock, changed) = LINKS.with(|links| {
        let mut links = links.borrow_mut();
        let link = links.get_or_insert_with(origin.to_string(), || new_link(origin));
        let feed = link
            .feeds
            .get_or_insert_with(server.to_string(), || FeedSlot {
                feed: Feed::new(),
                sampler: Sampler::default(),
            })
            .feed
            .clone();
        let member = link
            .members
            .get_or_insert_with(session.to_string(), Member::default);
        let count = member.servers.get_or_insert_with(server.to_string(), || 0);
        *count += 1;
        let changed = *count == 1 && member.ended.is_none();
        (feed, link.health.clone(), link.clock.clone(), changed)
    });
    if changed {
        schedule_reopen(origin);
    }
    Watch {
        origin: origin.to_string(),
        session: session.to_string(),
        server: server.to_string(),
        feed,
        health,
        clock,
    }
}

fn new_link(origin: &str) -> Link {
    let clock = ArcRwSignal::new(now());
    let owned = origin.to_string();
    let ticker = Ticker::every(SAMPLE_EVERY, move || stream::sample_all(&owned));
    Link {
        feeds: Slots::default(),
        members: Slots::default(),
        carried: Vec::new(),
        health: ArcRwSignal::new(Health::Connecting),
        clock,
        stream: None,
        generation: 0,
        reopen_scheduled: false,
        _ticker: Some(ticker),
    }
}

fn unwatch(origin: &str, session: &str, server: &str) {
    let (changed, removed) = LINKS.with(|links| {
        let mut links = links.borrow_mut();
        let Some(link) = links.get_mut(origin) else {
            return (false, None);
        };
        let Some(member) = link.members.get_mut(session) else {
            return (false, None);
        };
        let Some(count) = member.servers.get_mut(server) else {
            return (false, None);
        };
        *count -= 1;
        if *count > 0 {
            return (false, None);
        }
        member.servers.remove(server);
        let carried = member.ended.is_none();
        if member.servers.is_empty() {
            link.members.remove(session);
        }
        let watched = link
            .members
            .values()
            .any(|m| m.servers.get(server).is_some());
        if !watched {
            link.feeds.remove(server);
        }
        if link.members.is_empty() {
            // Nothing left to show: the stream, the ticker and the feeds go now.
            if let Some(stream) = link.stream.take() {
                stream.stop();
            }
            return (false, links.remove(origin));
        }
        (carried, None)
    });
    drop(removed);
    if changed {
        schedule_reopen(origin);
    }
}

/// Reopens the stream with what is watched now, after the current task and the exchanges
/// in flight (see the module docs).
fn schedule_reopen(origin: &str) {
    let first = LINKS.with(|links| {
        links
            .borrow_mut()
            .get_mut(origin)
            .is_some_and(|link| !std::mem::replace(&mut link.reopen_scheduled, true))
    });
    if !first {
        return;
    }
    let origin = origin.to_string();
    leptos::task::spawn_local(async move {
        sleep(Duration::ZERO).await;
        let mut waited = Duration::ZERO;
        while hub::exchanging(&origin) > 0 && waited < EXCHANGE_WAIT {
            sleep(EXCHANGE_POLL).await;
            waited += EXCHANGE_POLL;
        }
        reopen(&origin);
    });
}

fn reopen(origin: &str) {
    let plan = LINKS.with(|links| {
        let mut links = links.borrow_mut();
        let link = links.get_mut(origin)?;
        link.reopen_scheduled = false;
        if let Some(old) = link.stream.take() {
            old.stop();
        }
        let members: Vec<StreamSession> = link
            .members
            .iter()
            .filter(|(_, member)| member.ended.is_none() && !member.servers.is_empty())
            .map(|(session, member)| StreamSession {
                session: session.clone(),
                servers: member.servers.keys().cloned().collect(),
            })
            .collect();
        link.carried = members.iter().map(|m| m.session.clone()).collect();
        if members.is_empty() {
            return None;
        }
        let scope = Scope::detached();
        link.stream = Some(scope.clone());
        link.generation += 1;
        Some((members, scope, link.generation, link.health.clone()))
    });
    if let Some((members, scope, generation, health)) = plan {
        let signal = scope.signal();
        let origin = origin.to_string();
        scope.spawn(async move {
            let Some(signal) = signal else { return };
            stream::run(&origin, &members, &signal, generation, &health).await;
        });
    }
}

/// Streams open right now (tests check removal closes them).
pub fn open_streams() -> usize {
    LINKS.with(|links| {
        links
            .borrow()
            .values()
            .filter(|link| link.stream.as_ref().is_some_and(|s| !s.is_stopped()))
            .count()
    })
}
