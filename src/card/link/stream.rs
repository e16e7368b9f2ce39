//! What the open stream brings, delivered: events to the feeds of their servers, a
//! `refused` session to the cards that watch under it, and the ticker's samples.

use leptos::prelude::*;
use ptero_api::origin::{OriginErrorCode, StreamEvent, StreamSession};

use super::{now, Feed, Health, LINKS};
use crate::api::{OriginClient, OriginFailure};
use crate::live::{backoff, sleep};

pub(super) async fn run(
    origin: &str,
    members: &[StreamSession],
    signal: &web_sys::AbortSignal,
    generation: u64,
    health: &ArcRwSignal<Health>,
) {
    let client = OriginClient::new(origin);
    let mut attempt = 0;
    loop {
        let result = client
            .stream(members, signal, |event| {
                if health.with_untracked(|h| *h != Health::Live) {
                    health.set(Health::Live);
                }
                deliver(origin, generation, event);
            })
            .await;
        match result {
            Ok(()) => attempt = 0,
            Err(OriginFailure::Aborted) => return,
            Err(failure @ OriginFailure::Refused { .. })
                if failure.session_ended() || failure.code() == "origin_not_allowed" =>
            {
                // Every session of the request was refused: each card hears why.
                for session in members {
                    end_session(origin, &session.session, failure.clone());
                }
                health.set(Health::Down(failure));
                return;
            }
            // The request itself is refused (more servers or sessions on one page than a
            // stream carries): retrying cannot help, so every card shows why.
            Err(
                failure @ OriginFailure::Refused {
                    code: OriginErrorCode::BadRequest,
                    ..
                },
            ) => {
                let feeds: Vec<Feed> = LINKS.with(|links| {
                    links
                        .borrow()
                        .get(origin)
                        .map(|link| link.feeds.values().map(|slot| slot.feed.clone()).collect())
                        .unwrap_or_default()
                });
                for feed in feeds {
                    feed.error.set(Some(failure.clone()));
                }
                health.set(Health::Down(failure));
                return;
            }
            Err(failure) => {
                health.set(Health::Down(failure));
                attempt += 1;
            }
        }
        sleep(backoff(attempt)).await;
    }
}

fn end_session(origin: &str, session: &str, failure: OriginFailure) {
    let waiting = LINKS.with(|links| {
        let mut links = links.borrow_mut();
        let member = links
            .get_mut(origin)
            .and_then(|link| link.members.get_mut(session));
        match member {
            Some(member) if member.ended.is_none() => {
                member.ended = Some(failure.clone());
                std::mem::take(&mut member.on_end)
            }
            _ => Vec::new(),
        }
    });
    for tx in waiting {
        let _ = tx.send(failure.clone());
    }
}

fn deliver(origin: &str, generation: u64, event: StreamEvent) {
    let now = now();
    if let StreamEvent::Refused {
        session,
        code,
        message,
    } = &event
    {
        let carried = LINKS.with(|links| {
            let links = links.borrow();
            let link = links.get(origin).filter(|l| l.generation == generation)?;
            link.carried.get(*session as usize).cloned()
        });
        if let Some(session) = carried {
            let failure = OriginFailure::Refused {
                code: code.clone(),
                message: message.clone(),
            };
            end_session(origin, &session, failure);
        }
        return;
    }
    let server = match &event {
        StreamEvent::Summary(summary) => Some(summary.identifier.clone()),
        StreamEvent::State { server, .. }
        | StreamEvent::Resources { server, .. }
        | StreamEvent::Console { server, .. }
        | StreamEvent::Link { server, .. }
        | StreamEvent::Players { server, .. } => Some(server.clone()),
        StreamEvent::Error { server, .. } => server.clone(),
        StreamEvent::Alert { server, .. } => Some(server.clone()),
        StreamEvent::Refused { .. } => None,
    };
    let feeds: Vec<(String, Feed)> = LINKS.with(|links| {
        let links = links.borrow();
        let Some(link) = links.get(origin).filter(|l| l.generation == generation) else {
            return Vec::new();
        };
        link.feeds
            .iter()
            // An error about no one server concerns them all.
            .filter(|(key, _)| server.as_ref().is_none_or(|server| server == key))
            .map(|(key, slot)| (key.clone(), slot.feed.clone()))
            .collect()
    });
    for (server, feed) in feeds {
        if feed.apply(event.clone(), now) {
            sample(origin, &server, now);
        }
    }
}

/// One sample of `server`'s feed now (its first summary).
fn sample(origin: &str, server: &str, now: f64) {
    LINKS.with(|links| {
        let mut links = links.borrow_mut();
        if let Some(slot) = links.get_mut(origin).and_then(|l| l.feeds.get_mut(server)) {
            slot.sampler.sample(&slot.feed, now);
        }
    });
}

/// The ticker: the clock moved, and while the link is healthy every feed without an error
/// sampled and marked current (no event only means nothing changed).
pub(super) fn sample_all(origin: &str) {
    let now = now();
    let clock = LINKS.with(|links| {
        let mut links = links.borrow_mut();
        let link = links.get_mut(origin)?;
        let live = link.health.with_untracked(|h| *h == Health::Live);
        for slot in link.feeds.values_mut() {
            // A feed that is not current keeps its charts as they were (no made-up samples).
            if live && slot.feed.error.with_untracked(Option::is_none) {
                slot.sampler.sample(&slot.feed, now);
                slot.feed.current_at.set(now);
            }
        }
        Some(link.clock.clone())
    });
    if let Some(clock) = clock {
        clock.set(now);
    }
}
