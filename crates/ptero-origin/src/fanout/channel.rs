//! The sink, where every upstream layer ends: what one watched server's viewers receive.
//! [`Channel`] keeps the latest summary and broadcasts live events; [`ConsoleChannel`]
//! keeps the last [`HISTORY`] console lines and broadcasts new ones to viewers granted
//! `console`. An [`Update`] is what a feed (or the cluster's pub/sub) hands to them.
//! Lines are data: they travel as JSON strings and are never interpreted.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use ptero_api::origin::{ServerSummary, StreamEvent};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// Lines kept for viewers who join later.
pub const HISTORY: usize = 100;
/// Longest line relayed; longer ones are cut.
const MAX_LINE_CHARS: usize = 4096;
/// Room for a `send logs` burst (Wings sends up to 150 lines at once).
const CONSOLE_CAPACITY: usize = 512;

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One step of what upstream said about a server, for its channels. (The status step is
/// the large one and the common one: boxing it would cost an allocation per event.)
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Update {
    /// The latest summary (when it changed) and the event that tells viewers.
    Status {
        summary: Option<ServerSummary>,
        event: Option<StreamEvent>,
    },
    Console(ConsoleUpdate),
}

/// What the server's Wings socket says of its console, in the order it said it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsoleUpdate {
    /// A fresh socket is about to replay the recent lines: forget the old ones.
    Reset,
    Line(String),
}

/// The latest summary and live events of one server.
#[derive(Debug)]
pub struct Channel {
    sender: broadcast::Sender<StreamEvent>,
    last: Mutex<Option<ServerSummary>>,
}

impl Channel {
    /// A channel on which a viewer may fall `buffer` events behind before it is dropped.
    pub fn new(buffer: usize) -> Self {
        Self {
            sender: broadcast::channel(buffer.max(1)).0,
            last: Mutex::new(None),
        }
    }

    /// Records `summary` as the latest (when given) and sends `event`, atomically with
    /// respect to joins: a joining viewer sees an event either in its snapshot or on
    /// its receiver, never both, never neither.
    pub fn publish(&self, summary: Option<ServerSummary>, event: Option<StreamEvent>) {
        let mut last = lock(&self.last);
        if let Some(summary) = summary {
            *last = Some(summary);
        }
        if let Some(event) = event {
            // No receivers is fine: the last viewer may just have left.
            let _ = self.sender.send(event);
        }
    }

    /// Keeps the latest summary in step with an event that carries only part of it (as
    /// the cluster's followers receive them), then sends it.
    pub fn apply(&self, event: StreamEvent) {
        let next = match (&event, self.last()) {
            (StreamEvent::Summary(summary), _) => Some(summary.clone()),
            (StreamEvent::State { state, .. }, Some(mut last)) => {
                last.state = *state;
                Some(last)
            }
            (StreamEvent::Resources { resources, .. }, Some(mut last)) => {
                last.resources = Some(resources.clone());
                Some(last)
            }
            (StreamEvent::Link { live, .. }, Some(mut last)) => {
                last.live = *live;
                Some(last)
            }
            _ => None,
        };
        self.publish(next, Some(event));
    }

    pub fn last(&self) -> Option<ServerSummary> {
        lock(&self.last).clone()
    }

    /// The latest summary and a receiver for what follows, atomically.
    pub fn join(&self) -> (Option<ServerSummary>, broadcast::Receiver<StreamEvent>) {
        let last = lock(&self.last);
        (last.clone(), self.sender.subscribe())
    }
}

/// Console lines of one server: history and the live channel.
#[derive(Debug)]
pub struct ConsoleChannel {
    server: String,
    history: Mutex<VecDeque<String>>,
    sender: broadcast::Sender<StreamEvent>,
}

impl ConsoleChannel {
    pub fn new(server: &str) -> Self {
        Self {
            server: server.to_owned(),
            history: Mutex::new(VecDeque::with_capacity(HISTORY)),
            sender: broadcast::channel(CONSOLE_CAPACITY).0,
        }
    }

    /// The history and a receiver for what follows, atomically.
    pub fn join(&self) -> (Vec<String>, broadcast::Receiver<StreamEvent>) {
        let history = lock(&self.history);
        (history.iter().cloned().collect(), self.sender.subscribe())
    }

    /// Hands an update to the viewers (a line) or the history (a reset).
    pub fn apply(&self, update: ConsoleUpdate) {
        match update {
            ConsoleUpdate::Reset => lock(&self.history).clear(),
            ConsoleUpdate::Line(line) => self.push_locked(&mut lock(&self.history), line),
        }
    }

    /// Takes `lines` as the history when there is none yet (an instance that starts
    /// following a socket another instance holds). They are sent too, for the viewers
    /// who joined before they were known.
    pub fn seed(&self, lines: Vec<String>) {
        let mut history = lock(&self.history);
        if history.is_empty() {
            let skip = lines.len().saturating_sub(HISTORY);
            for line in lines.into_iter().skip(skip) {
                self.push_locked(&mut history, line);
            }
        }
    }

    fn push_locked(&self, history: &mut VecDeque<String>, line: String) {
        let line = clip(line);
        if history.len() == HISTORY {
            history.pop_front();
        }
        history.push_back(line.clone());
        let _ = self.sender.send(StreamEvent::Console {
            server: self.server.clone(),
            line,
        });
    }
}

/// Cuts a line to [`MAX_LINE_CHARS`].
fn clip(line: String) -> String {
    if line.len() <= MAX_LINE_CHARS {
        line
    } else {
        line.chars().take(MAX_LINE_CHARS).collect()
    }
}

/// Both channels of one server.
#[derive(Debug)]
pub struct Channels {
    pub status: Channel,
    pub console: ConsoleChannel,
}

impl Channels {
    pub fn new(server: &str, buffer: usize) -> Self {
        Self {
            status: Channel::new(buffer),
            console: ConsoleChannel::new(server),
        }
    }

    /// Hands an update to the channel it is for.
    pub fn deliver(&self, update: Update) {
        match update {
            Update::Status { summary, event } => self.status.publish(summary, event),
            Update::Console(update) => self.console.apply(update),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(event: StreamEvent) -> String {
        match event {
            StreamEvent::Console { line, .. } => line,
            other => panic!("not a console line: {other:?}"),
        }
    }

    #[test]
    fn seeded_lines_reach_earlier_viewers_live_and_later_ones_as_history() {
        let channel = ConsoleChannel::new("1a7ce997");
        let (history, mut early) = channel.join();
        assert!(history.is_empty());
        channel.seed(vec!["one".into(), "two".into()]);
        assert_eq!(line(early.try_recv().expect("first")), "one");
        assert_eq!(line(early.try_recv().expect("second")), "two");
        let (history, mut late) = channel.join();
        assert_eq!(history, ["one", "two"]);
        assert!(late.try_recv().is_err(), "nothing twice");
    }

    #[test]
    fn a_seed_after_live_lines_is_ignored_and_a_reset_forgets_the_history() {
        let channel = ConsoleChannel::new("1a7ce997");
        channel.apply(ConsoleUpdate::Line("live".into()));
        channel.seed(vec!["older".into()]);
        assert_eq!(channel.join().0, ["live"]);
        channel.apply(ConsoleUpdate::Reset);
        assert!(channel.join().0.is_empty());
    }

    #[test]
    fn history_keeps_the_last_lines_and_long_lines_are_cut() {
        let channel = ConsoleChannel::new("1a7ce997");
        channel.seed((0..HISTORY + 5).map(|n| n.to_string()).collect());
        let history = channel.join().0;
        assert_eq!(history.len(), HISTORY);
        assert_eq!(history.first().map(String::as_str), Some("5"));
        channel.apply(ConsoleUpdate::Line("é".repeat(MAX_LINE_CHARS + 1)));
        let last = channel.join().0.pop().expect("a line");
        assert_eq!(last.chars().count(), MAX_LINE_CHARS);
    }
}
