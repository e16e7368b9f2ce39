//! One watched server's upstream, whichever instance runs it. Its Wings socket is the
//! live source: `status` and `stats` (about once a second) reach viewers as they come,
//! and the console's lines too. `/resources` polling stands in while the socket is down
//! (with the reason in the stream, a marked gap rather than silence) and for what Wings
//! cannot show (a suspended or installing server, a node under maintenance); while the
//! socket is live the server's details are re-read only now and then. Every step goes
//! out as an [`Update`].

use std::sync::Arc;
use std::time::Duration;

use ptero_api::alerts::{Observation, WINGS_CRASH_NOTICE};
use ptero_api::origin::{PlayerCount, ServerSummary, StreamEvent, SummaryResources};
use ptero_api::{PowerState, ServerId, WingsStats};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::channel::{ConsoleUpdate, Update};
use super::players::PlayerSource;
use super::poller::{change_event, Outcome, Poller};
use super::wings::{self, Socket, Tokens, WingsEvent};
use crate::config::StreamConfig;
use crate::metrics::Metrics;
use crate::panel::Panel;

/// While the socket is live, the details (name, limits, suspension) are re-read this often.
const DETAILS_WHILE_LIVE: Duration = Duration::from_secs(300);

/// What a feed saw of its server, for the alerts' detectors
/// ([`ptero_api::alerts::Detector`]). Only the instance that runs a server's feed sends
/// these, so a cluster notices each crash once.
#[derive(Debug, Clone)]
pub struct Observed {
    pub server: ServerId,
    pub name: String,
    pub at_ms: u64,
    pub observation: Observation,
}

/// What a feed needs from the instance that runs it.
#[derive(Clone)]
pub struct Upstream {
    pub panel: Panel,
    pub config: StreamConfig,
    pub metrics: Arc<Metrics>,
    pub tokens: Tokens,
    /// Where observations go (the alerts), when anything listens.
    pub observations: Option<mpsc::UnboundedSender<Observed>>,
}

/// Runs the feed of `server` until dropped, handing every step to `out`.
pub async fn run(server: ServerId, upstream: Upstream, out: mpsc::UnboundedSender<Update>) {
    let Upstream {
        panel,
        config,
        metrics,
        tokens,
        observations,
    } = upstream;
    let mut feed = Feed {
        server: server.clone(),
        id: server.short().to_owned(),
        out,
        observations,
        last: None,
        live: false,
        announced: None,
    };
    let mut players = config.players_every.map(PlayerSource::start);
    let mut poller = Poller::new(server.clone(), panel.clone(), config, metrics);
    let mut socket: Option<(Socket, mpsc::UnboundedReceiver<WingsEvent>)> = None;
    let mut next_poll = Instant::now();
    loop {
        let wanted = feed.last.as_ref().is_some_and(wings_can_show);
        match (&socket, wanted) {
            (None, true) => {
                socket = Some(wings::open(server.clone(), panel.clone(), tokens.clone()))
            }
            (Some(_), false) => {
                socket = None;
                feed.set_live(false, None);
            }
            _ => {}
        }
        let event = async {
            match socket.as_mut() {
                Some((_, events)) => events.recv().await,
                None => std::future::pending().await,
            }
        };
        let answer = async {
            match players.as_mut() {
                Some(source) => source.next().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            Some(event) = event => feed.on_wings(event, &mut next_poll),
            Some(answer) = answer => feed.on_players(answer),
            () = tokio::time::sleep_until(next_poll) => {
                let outcome = poller.poll(feed.last.as_ref()).await;
                let delay = outcome.delay;
                feed.on_poll(outcome);
                next_poll = Instant::now() + if feed.live { DETAILS_WHILE_LIVE } else { delay };
            }
        }
        if let (Some(source), Some(last)) = (&players, &feed.last) {
            source.follow(last);
        }
    }
}

/// Whether Wings can feed this server (the panel refuses sockets to the others).
fn wings_can_show(summary: &ServerSummary) -> bool {
    let blocked_status = summary
        .status
        .as_deref()
        .is_some_and(|status| status != "reinstall_failed");
    !(summary.is_suspended || summary.node_under_maintenance || blocked_status)
}

struct Feed {
    server: ServerId,
    id: String,
    out: mpsc::UnboundedSender<Update>,
    observations: Option<mpsc::UnboundedSender<Observed>>,
    /// What viewers last saw.
    last: Option<ServerSummary>,
    /// Whether the socket feeds the numbers now.
    live: bool,
    /// The problem last told to console viewers, said once.
    announced: Option<&'static str>,
}

impl Feed {
    fn send(&self, summary: Option<ServerSummary>, event: Option<StreamEvent>) {
        if summary.is_some() || event.is_some() {
            let _ = self.out.send(Update::Status { summary, event });
        }
    }

    fn console(&self, update: ConsoleUpdate) {
        let _ = self.out.send(Update::Console(update));
    }

    fn observe(&self, observation: Observation) {
        if let Some(observations) = &self.observations {
            let _ = observations.send(Observed {
                server: self.server.clone(),
                name: self
                    .last
                    .as_ref()
                    .map_or_else(|| self.id.clone(), |last| last.name.clone()),
                at_ms: crate::auth::now_ms(),
                observation,
            });
        }
    }

    /// The state and use of `summary`, for the detectors.
    fn observe_summary(&self, summary: &ServerSummary) {
        self.observe(Observation::State(summary.state));
        if let Some(resources) = &summary.resources {
            let fraction = |used: f64, limit: u64| (limit > 0).then(|| used / limit as f64);
            const MIB: f64 = 1024.0 * 1024.0;
            self.observe(Observation::Usage {
                cpu: fraction(resources.cpu_absolute, summary.limits.cpu_percent),
                memory: fraction(
                    resources.memory_bytes as f64 / MIB,
                    summary.limits.memory_mib,
                ),
                disk: fraction(resources.disk_bytes as f64 / MIB, summary.limits.disk_mib),
            });
        }
    }

    /// A poll's answer: as it is while polling stands in; while live only its details
    /// (the socket's numbers are fresher than the panel's 20 s cache).
    fn on_poll(&mut self, outcome: Outcome) {
        let Some(mut summary) = outcome.summary else {
            if outcome.unreachable && !self.live {
                self.observe(Observation::Unreachable);
            }
            self.send(None, outcome.event);
            return;
        };
        self.observe(Observation::Reachable);
        if let Some(last) = &self.last {
            if self.live {
                summary.state = last.state;
                summary.resources.clone_from(&last.resources);
            }
            // The panel knows nothing of players: they stay what the game said.
            summary.players.clone_from(&last.players);
        }
        summary.live = self.live;
        if !self.live {
            self.observe_summary(&summary);
        }
        let event = change_event(self.last.as_ref(), &summary);
        self.last = Some(summary.clone());
        self.send(Some(summary), event);
    }

    /// What the game said of its players (`None`: not known now).
    fn on_players(&mut self, players: Option<PlayerCount>) {
        let Some(last) = self.last.as_mut() else {
            return;
        };
        if last.players == players {
            return;
        }
        last.players.clone_from(&players);
        let summary = last.clone();
        let event = match players {
            Some(players) => StreamEvent::Players {
                server: self.id.clone(),
                players,
            },
            // Gone (stopped, no answer): the whole summary, without them.
            None => StreamEvent::Summary(summary.clone()),
        };
        self.send(Some(summary), Some(event));
    }

    fn set_live(&mut self, live: bool, reason: Option<String>) {
        if self.live == live && reason.is_none() {
            return;
        }
        self.live = live;
        let summary = self.last.as_mut().map(|last| {
            last.live = live;
            last.clone()
        });
        let event = StreamEvent::Link {
            server: self.id.clone(),
            live,
            reason,
        };
        self.send(summary, Some(event));
    }

    fn on_wings(&mut self, event: WingsEvent, next_poll: &mut Instant) {
        match event {
            WingsEvent::Live => {
                self.observe(Observation::Reachable);
                self.announced = None;
                self.console(ConsoleUpdate::Reset);
                self.set_live(true, None);
            }
            WingsEvent::Line(line) => {
                if line.contains(WINGS_CRASH_NOTICE) {
                    self.observe(Observation::CrashNotice);
                }
                self.console(ConsoleUpdate::Line(line));
            }
            WingsEvent::Status(state) => self.on_state(state),
            WingsEvent::Stats(stats) => self.on_stats(&stats),
            WingsEvent::Down { problem, retry } => {
                let reason = wings::describe(&problem, retry);
                if self.announced != Some(problem.as_str()) {
                    self.announced = Some(problem.as_str());
                    self.console(ConsoleUpdate::Line(notice(&reason)));
                }
                self.set_live(false, Some(reason));
                // Polling stands in at once.
                *next_poll = Instant::now();
            }
        }
    }

    fn on_state(&mut self, state: PowerState) {
        let Some(last) = self.last.as_mut() else {
            return;
        };
        if last.state == state {
            return;
        }
        last.state = state;
        let summary = last.clone();
        let event = StreamEvent::State {
            server: self.id.clone(),
            state,
        };
        self.observe(Observation::State(state));
        self.send(Some(summary), Some(event));
    }

    fn on_stats(&mut self, stats: &WingsStats) {
        self.on_state(stats.state);
        let Some(last) = self.last.as_mut() else {
            return;
        };
        let resources = SummaryResources::from(&stats.resources());
        if last.resources.as_ref() == Some(&resources) {
            return;
        }
        last.resources = Some(resources.clone());
        let summary = last.clone();
        self.observe_summary(&summary);
        let event = StreamEvent::Resources {
            server: self.id.clone(),
            resources,
        };
        self.send(Some(summary), Some(event));
    }
}

/// A line from the origin itself, marked (bold yellow) apart from the server's output.
fn notice(text: &str) -> String {
    format!("\u{1b}[1;33m[ptero-origin]\u{1b}[0m {text}")
}
