//! One open stream: the sessions it carries ([`Member`]s), one hub subscription per
//! distinct server they ask for, and the events waiting to be written.
//!
//! Memory is bounded by construction: at most `MAX_SESSIONS` members and `MAX_SERVERS`
//! subscriptions; the queue holds only what joining produces (a summary and at most the
//! console relay's 100 recent lines per server, plus one refusal per session), and live
//! events are read from the hub's broadcast, where a viewer more than `viewer_buffer`
//! events behind ends its stream instead of growing a buffer.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::Event;
use futures_util::stream::Stream;
use ptero_api::origin::{OriginErrorCode, StreamEvent};
use ptero_api::{Action, ServerId};
use tokio::time::Instant;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{StreamExt as _, StreamMap};

use crate::auth::now;
use crate::error::AppError;
use crate::fanout::Subscription;
use crate::revocations::Ended;
use crate::state::AppState;
use crate::store::Session;
use crate::stream_slots::StreamSlot;

/// One session on a stream and the servers it asks for.
pub struct Member {
    /// Its position in the request (named by `refused` events).
    pub index: u32,
    /// The key the session is stored under (sign-out names it).
    pub key: String,
    pub session: Session,
    pub servers: Vec<ServerId>,
    /// The servers whose console the viewer's panel user may read (all with the shared
    /// key); the session's `console` grant decides too.
    pub console: Vec<String>,
}

struct Watch {
    /// Held, not read: dropping it leaves the server's viewers.
    _subscription: Subscription,
    console: bool,
    /// What of the game's players this stream may show of the server: the count when a
    /// session asking for it is from a site that shows players, the MOTD and version when
    /// one's site shows details.
    players: (bool, bool),
}

type Live = StreamMap<String, BroadcastStream<StreamEvent>>;

/// An open stream's state; [`Carrier::into_events`] turns it into the SSE body.
pub struct Carrier {
    state: AppState,
    origin: Option<String>,
    members: Vec<Member>,
    watches: HashMap<String, Watch>,
    live: Live,
    queue: VecDeque<StreamEvent>,
    next_recheck: Instant,
    /// Sign-outs and removals on this instance, heard at once.
    revocations: tokio::sync::broadcast::Receiver<Ended>,
    /// Held, not read: the stream's place among its sessions' and address's streams.
    _slot: StreamSlot,
}

/// How often open streams check that their page's origin is still allowed, so a revoked
/// session (its origin removed from the allow-list) stops being served: five poll
/// intervals, between 1 and 10 seconds. Expiry is exact (see [`Carrier::deadline`]).
fn recheck_every(state: &AppState) -> Duration {
    (state.config.stream.poll_interval * 5).clamp(Duration::from_secs(1), Duration::from_secs(10))
}

fn refusal(index: u32, error: &AppError) -> StreamEvent {
    let body = error.body();
    StreamEvent::Refused {
        session: index,
        code: body.error.code,
        message: body.error.message,
    }
}

fn to_sse(event: &StreamEvent) -> Event {
    Event::default()
        .event(event.event_name())
        .data(event.to_json())
}

impl Carrier {
    /// A stream for `members` (admitted from `origin`); `refused` are the sessions of the
    /// request that were not, told first.
    pub fn open(
        state: AppState,
        origin: Option<String>,
        members: Vec<Member>,
        refused: Vec<(u32, AppError)>,
        slot: StreamSlot,
    ) -> Self {
        let next_recheck = Instant::now() + recheck_every(&state);
        let revocations = state.revocations.subscribe();
        let mut carrier = Self {
            revocations,
            _slot: slot,
            state,
            origin,
            members,
            watches: HashMap::new(),
            live: StreamMap::new(),
            queue: refused
                .iter()
                .map(|(index, error)| refusal(*index, error))
                .collect(),
            next_recheck,
        };
        carrier.rewatch();
        carrier
    }

    /// The SSE body: events until no session is left, shutdown, or a lagging viewer.
    pub fn into_events(self) -> impl Stream<Item = Result<Event, Infallible>> + Send + Unpin {
        Box::pin(futures_util::stream::unfold(
            self,
            |mut carrier| async move {
                let event = carrier.next().await?;
                Some((Ok(to_sse(&event)), carrier))
            },
        ))
    }

    async fn next(&mut self) -> Option<StreamEvent> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            if self.members.is_empty() {
                return None;
            }
            let deadline = self.deadline();
            let players = |carrier: &Self, event: StreamEvent| carrier.players_shown(event);
            tokio::select! {
                () = self.state.shutdown.cancelled() => return None,
                () = tokio::time::sleep_until(deadline) => self.check().await,
                ended = self.revocations.recv() => match ended {
                    Ok(ended) => self.end(&ended),
                    // Missed some: look again at everything now.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        self.next_recheck = Instant::now();
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                },
                live = next_live(&mut self.live) => match live {
                    Ok(event) => match players(self, event) {
                        Some(event) => return Some(event),
                        None => continue,
                    },
                    // Behind by more than the hub buffers: the viewer reconnects fresh.
                    Err(BroadcastStreamRecvError::Lagged(_)) => return None,
                },
            }
        }
    }

    /// `event` as this stream may show it: players only where a session's site shows
    /// them, details only where one's site shows details.
    fn players_shown(&self, event: StreamEvent) -> Option<StreamEvent> {
        let server = match &event {
            StreamEvent::Players { server, .. } => server.clone(),
            StreamEvent::Summary(summary) => summary.identifier.clone(),
            _ => return Some(event),
        };
        let shows = self
            .watches
            .get(&server)
            .map_or((false, false), |watch| watch.players);
        with_players(event, shows)
    }

    /// Ends the members an announcement names (signed out, origin or site removed).
    fn end(&mut self, ended: &Ended) {
        let leaving: Vec<u32> = self
            .members
            .iter()
            .filter(|member| ended.covers(&member.key, &member.session))
            .map(|member| member.index)
            .collect();
        if leaving.is_empty() {
            return;
        }
        // The same code and words as the recheck would give, whichever comes first.
        let error = match ended {
            Ended::Origin(_) => AppError::refused(
                OriginErrorCode::OriginNotAllowed,
                "this site was removed from the origin's allowed embedding sites: its sessions are revoked",
            ),
            Ended::Site(_) => AppError::refused(
                OriginErrorCode::SessionExpired,
                "the site this session came from is no longer configured on this origin",
            ),
            Ended::Session(_) => AppError::refused(
                OriginErrorCode::SessionExpired,
                "the session ended: signed out on this site",
            ),
        };
        for index in &leaving {
            tracing::info!(session = index, "stream: a session was revoked");
            self.queue.push_back(refusal(*index, &error));
        }
        self.members
            .retain(|member| !leaving.contains(&member.index));
        self.rewatch();
    }

    /// The next recheck, or the first session's expiry when sooner.
    fn deadline(&self) -> Instant {
        let now_secs = now();
        let now = Instant::now();
        self.members
            .iter()
            .map(|member| {
                now + Duration::from_secs(member.session.expires_at.saturating_sub(now_secs))
            })
            .fold(self.next_recheck, Instant::min)
    }

    /// Ends the sessions that expired and, when due, those whose page's origin was taken
    /// off the allow-list (which is how sessions are revoked: `origins remove` or an edited
    /// file, on every instance that reads it).
    ///
    /// The store is not asked again: a shared Redis that restarted without persistence
    /// answers "unknown" for every session, which cannot be told apart from a deletion,
    /// and live viewers ride such a restart out (tests/cluster.rs).
    async fn check(&mut self) {
        let recheck = Instant::now() >= self.next_recheck;
        if recheck {
            self.next_recheck = Instant::now() + recheck_every(&self.state);
        }
        let now = now();
        let removed = recheck
            && self
                .origin
                .as_deref()
                .is_some_and(|origin| !self.state.allow.allows(origin));
        let sites = self.state.sites.current();
        let mut ended = Vec::new();
        for member in &self.members {
            if recheck && !sites.contains_key(&member.session.site) {
                ended.push((
                    member.index,
                    AppError::refused(
                        OriginErrorCode::SessionExpired,
                        "the site this session came from is no longer configured on this origin",
                    ),
                ));
            } else if removed {
                self.state.metrics.reject("origin_not_allowed");
                ended.push((
                    member.index,
                    AppError::refused(
                        OriginErrorCode::OriginNotAllowed,
                        "this site was removed from the origin's allowed embedding sites: its sessions are revoked",
                    ),
                ));
            } else if member.session.expires_at <= now {
                ended.push((
                    member.index,
                    AppError::refused(
                        OriginErrorCode::SessionExpired,
                        "the session expired: ask the site to hand off again",
                    ),
                ));
            }
        }
        if ended.is_empty() {
            return;
        }
        for (index, error) in &ended {
            tracing::info!(session = index, code = %error.code(), "stream: a session left");
            self.queue.push_back(refusal(*index, error));
        }
        self.members
            .retain(|member| !ended.iter().any(|(index, _)| *index == member.index));
        self.rewatch();
    }

    /// Subscribes to what the members ask for now (with console lines where one of the
    /// sessions asking may see them) and lets go of the rest.
    fn rewatch(&mut self) {
        let sites = self.state.sites.current();
        let mut shows: HashMap<String, (bool, bool)> = HashMap::new();
        for member in &self.members {
            let site = sites.get(&member.session.site);
            let count = site.is_some_and(|site| site.players);
            let details = site.is_some_and(|site| site.player_details);
            for id in &member.servers {
                let entry = shows.entry(id.short().to_owned()).or_default();
                entry.0 |= count;
                entry.1 |= details;
            }
        }
        let mut wanted: Vec<(ServerId, bool)> = Vec::new();
        for member in &self.members {
            let granted = member.session.allows(Action::Console);
            for id in &member.servers {
                let console = granted && member.console.iter().any(|server| server == id.short());
                match wanted
                    .iter_mut()
                    .find(|(known, _)| known.short() == id.short())
                {
                    Some((_, seen)) => *seen |= console,
                    None => wanted.push((id.clone(), console)),
                }
            }
        }
        self.watches.retain(|key, _| {
            let keep = wanted.iter().any(|(id, _)| id.short() == key);
            if !keep {
                self.live.remove(key);
                self.live.remove(&console_key(key));
            }
            keep
        });
        for (id, console) in wanted {
            let key = id.short().to_owned();
            let players = shows.get(&key).copied().unwrap_or_default();
            if let Some(watch) = self.watches.get_mut(&key) {
                watch.players = players;
                if watch.console == console {
                    continue;
                }
            }
            // Subscribed again before the old subscription is dropped, so the server's
            // poller never sees zero viewers in between.
            let mut subscription = self.state.hub.subscribe(&id, console);
            if let Some(summary) = subscription
                .snapshot
                .take()
                .and_then(|summary| with_players(StreamEvent::Summary(summary), players))
            {
                self.queue.push_back(summary);
            }
            if let Some(receiver) = subscription.receiver.take() {
                self.live
                    .insert(key.clone(), BroadcastStream::new(receiver));
            }
            match subscription.console.take() {
                Some((history, receiver)) => {
                    self.queue
                        .extend(history.into_iter().map(|line| StreamEvent::Console {
                            server: key.clone(),
                            line,
                        }));
                    self.live
                        .insert(console_key(&key), BroadcastStream::new(receiver));
                }
                None => {
                    self.live.remove(&console_key(&key));
                }
            }
            self.watches.insert(
                key,
                Watch {
                    _subscription: subscription,
                    console,
                    players,
                },
            );
        }
    }
}

/// `event` with the game's players as `(count, details)` allow: a `players` event only
/// with the count, a summary without them otherwise, MOTD and version only with details.
fn with_players(event: StreamEvent, (count, details): (bool, bool)) -> Option<StreamEvent> {
    let trim = |players: &mut ptero_api::origin::PlayerCount| {
        if !details {
            players.motd = None;
            players.version = None;
        }
    };
    match event {
        StreamEvent::Players {
            server,
            mut players,
        } => {
            trim(&mut players);
            count.then_some(StreamEvent::Players { server, players })
        }
        StreamEvent::Summary(mut summary) => {
            match (count, summary.players.as_mut()) {
                (true, Some(players)) => trim(players),
                _ => summary.players = None,
            }
            Some(StreamEvent::Summary(summary))
        }
        other => Some(other),
    }
}

fn console_key(server: &str) -> String {
    format!("{server}#console")
}

/// The next live event; pending while there is nothing to read (a closed channel, the
/// poller stopped on shutdown, is dropped from the map).
async fn next_live(live: &mut Live) -> Result<StreamEvent, BroadcastStreamRecvError> {
    loop {
        if live.is_empty() {
            std::future::pending::<()>().await;
        }
        match live.next().await {
            Some((_, item)) => return item,
            None => continue,
        }
    }
}
