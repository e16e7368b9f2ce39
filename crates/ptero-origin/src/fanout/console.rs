//! The console relay: one upstream Wings websocket per watched server ([`super::wings`]),
//! whose console lines go to every viewer granted `console` — the last [`HISTORY`] on
//! join, then live. Lines are data: they travel as JSON strings and are never
//! interpreted.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use ptero_api::origin::StreamEvent;
use ptero_api::ServerId;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use super::wings::{self, Tokens, WingsEvent};
use crate::panel::Panel;

/// Lines kept for viewers who join later.
pub const HISTORY: usize = 100;
/// Longest line relayed; longer ones are cut.
const MAX_LINE_CHARS: usize = 4096;
/// Room for a `send logs` burst (Wings sends up to 150 lines at once).
const CHANNEL_CAPACITY: usize = 512;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the relay's socket says, in the order it said it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsoleUpdate {
    /// A fresh socket is about to replay the recent lines: forget the old ones.
    Reset,
    Line(String),
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
            sender: broadcast::channel(CHANNEL_CAPACITY).0,
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
            ConsoleUpdate::Line(line) => self.push(line),
        }
    }

    /// Takes `lines` as the history when there is none yet (an instance that starts
    /// following a relay another instance runs). They are sent too, for the viewers who
    /// joined before they were known.
    pub fn seed(&self, lines: Vec<String>) {
        let mut history = lock(&self.history);
        if history.is_empty() {
            let skip = lines.len().saturating_sub(HISTORY);
            for line in lines.into_iter().skip(skip) {
                self.push_locked(&mut history, line);
            }
        }
    }

    fn push(&self, line: String) {
        self.push_locked(&mut lock(&self.history), line);
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

/// Keeps one socket open for this instance's viewers (reconnecting with back-off) until
/// aborted.
pub async fn run(
    server: ServerId,
    panel: Panel,
    token_interval: std::time::Duration,
    channel: Arc<ConsoleChannel>,
) {
    let mut tokens = Tokens::new(server.clone(), panel.clone(), token_interval);
    keep_relaying(&server, &panel, &mut tokens, &mut |update| {
        channel.apply(update)
    })
    .await;
}

/// Keeps one socket open, reconnecting with back-off, handing each console update to
/// `deliver`; ends only when dropped. Console viewers see why the console went quiet,
/// once per problem.
pub async fn keep_relaying(
    server: &ServerId,
    panel: &Panel,
    tokens: &mut Tokens,
    deliver: &mut (dyn FnMut(ConsoleUpdate) + Send),
) {
    let mut announced: Option<&'static str> = None;
    let mut on_event = |event: WingsEvent| match event {
        WingsEvent::Live => {
            announced = None;
            // A fresh socket is about to replay the recent lines.
            deliver(ConsoleUpdate::Reset);
        }
        WingsEvent::Line(line) => deliver(ConsoleUpdate::Line(line)),
        WingsEvent::Down { problem, retry } => {
            if announced != Some(problem.as_str()) {
                announced = Some(problem.as_str());
                deliver(ConsoleUpdate::Line(notice(&wings::describe(
                    &problem, retry,
                ))));
            }
        }
        WingsEvent::Status(_) | WingsEvent::Stats(_) => {}
    };
    wings::keep_open(server, panel, tokens, &mut on_event).await;
}

/// A line from the origin itself, marked (bold yellow) apart from the server's output.
fn notice(text: &str) -> String {
    format!("\u{1b}[1;33m[ptero-origin]\u{1b}[0m {text}")
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
