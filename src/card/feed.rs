//! One server's live data on the page, shared by every card showing it: the latest
//! summary, console lines, the server's own error, and the histories its sparklines draw.
//!
//! Signals here are `ArcRwSignal`s: they belong to the page, not to any one card, so a
//! card's removal cannot dispose data another card still shows.

use std::collections::VecDeque;

use leptos::prelude::*;
use ptero_api::alerts::AlertKind;
use ptero_api::origin::{ServerSummary, StreamEvent};

use crate::api::OriginFailure;
use crate::components::History;

/// Console lines a feed keeps.
pub const CONSOLE_LINES: usize = 500;

/// The last [`CONSOLE_LINES`] console lines, and how many there ever were (so a view
/// that showed some knows which are new).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConsoleLog {
    pub total: u64,
    pub lines: VecDeque<String>,
}

impl ConsoleLog {
    fn push(&mut self, line: String) {
        if self.lines.len() == CONSOLE_LINES {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
        self.total += 1;
    }

    /// The count so far and the lines after the first `shown` (those still kept).
    pub fn since(&self, shown: u64) -> (u64, Vec<String>) {
        let new = self
            .total
            .saturating_sub(shown)
            .min(self.lines.len() as u64) as usize;
        let skip = self.lines.len() - new;
        (self.total, self.lines.iter().skip(skip).cloned().collect())
    }
}

/// The newest alert the origin told about this server.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedAlert {
    pub kind: AlertKind,
    /// Unix ms.
    pub at_ms: u64,
}

#[derive(Clone)]
pub struct Feed {
    pub summary: ArcRwSignal<Option<ServerSummary>>,
    pub console: ArcRwSignal<ConsoleLog>,
    /// The origin could not poll this server (it keeps showing the last summary).
    pub error: ArcRwSignal<Option<OriginFailure>>,
    pub cpu: ArcRwSignal<History>,
    pub memory: ArcRwSignal<History>,
    /// Bytes per second received + sent.
    pub network: ArcRwSignal<History>,
    /// `Date.now()` when the page last knew this server's numbers to be current (console
    /// lines and errors do not count).
    pub current_at: ArcRwSignal<f64>,
    /// The newest alert (a recovery replaces the crash before it).
    pub alert: ArcRwSignal<Option<FeedAlert>>,
}

impl Feed {
    pub fn new() -> Self {
        Self {
            summary: ArcRwSignal::new(None),
            console: ArcRwSignal::new(ConsoleLog::default()),
            error: ArcRwSignal::new(None),
            cpu: ArcRwSignal::new(History::default()),
            memory: ArcRwSignal::new(History::default()),
            network: ArcRwSignal::new(History::default()),
            current_at: ArcRwSignal::new(0.0),
            alert: ArcRwSignal::new(None),
        }
    }

    /// Applies one stream event about this server. Returns true for the first summary
    /// (the caller samples at once, so the sparklines draw from the first second).
    pub fn apply(&self, event: StreamEvent, now: f64) -> bool {
        match event {
            StreamEvent::Summary(summary) => {
                let first = self.summary.with_untracked(Option::is_none);
                self.error.set(None);
                self.summary.set(Some(summary));
                self.current_at.set(now);
                return first;
            }
            StreamEvent::State { state, .. } => {
                self.current_at.set(now);
                self.summary.update(|s| {
                    if let Some(s) = s {
                        s.state = state;
                    }
                });
            }
            StreamEvent::Resources { resources, .. } => {
                self.current_at.set(now);
                self.error.set(None);
                self.summary.update(|s| {
                    if let Some(s) = s {
                        s.resources = Some(resources);
                    }
                });
            }
            StreamEvent::Console { line, .. } => self.console.update(|log| log.push(line)),
            StreamEvent::Players { players, .. } => self.summary.update(|s| {
                if let Some(s) = s {
                    s.players = Some(players);
                }
            }),
            // Whether Wings' socket feeds the numbers (the summary's `live`).
            StreamEvent::Link { live, .. } => self.summary.update(|s| {
                if let Some(s) = s {
                    s.live = live;
                }
            }),
            StreamEvent::Error { code, message, .. } => self
                .error
                .set(Some(OriginFailure::Refused { code, message })),
            StreamEvent::Alert { kind, at_ms, .. } => {
                self.alert.set(Some(FeedAlert { kind, at_ms }));
            }
            StreamEvent::Refused { .. } => {}
        }
        false
    }
}

impl Default for Feed {
    fn default() -> Self {
        Self::new()
    }
}

/// Turns summaries into history samples; keeps the last network counters for rates.
#[derive(Default)]
pub struct Sampler {
    last_network: Option<(u64, f64)>,
}

impl Sampler {
    /// Adds one sample of `feed` taken at `now` (ms).
    pub fn sample(&mut self, feed: &Feed, now: f64) {
        let Some(resources) = feed
            .summary
            .with_untracked(|s| s.as_ref().map(|s| s.resources.clone().unwrap_or_default()))
        else {
            return;
        };
        feed.cpu.update(|h| h.push(resources.cpu_absolute));
        feed.memory
            .update(|h| h.push(resources.memory_bytes as f64));
        let total = resources
            .network_rx_bytes
            .saturating_add(resources.network_tx_bytes);
        let rate = network_rate(self.last_network, (total, now));
        self.last_network = Some((total, now));
        feed.network.update(|h| h.push(rate));
    }
}

/// Bytes per second between two `(bytes, ms)` readings; 0 for the first or a reset counter.
pub fn network_rate(before: Option<(u64, f64)>, after: (u64, f64)) -> f64 {
    match before {
        Some((bytes, at)) if after.1 > at && after.0 >= bytes => {
            (after.0 - bytes) as f64 * 1000.0 / (after.1 - at)
        }
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_console_log_tells_which_lines_are_new() {
        let mut log = ConsoleLog::default();
        for n in 0..CONSOLE_LINES + 3 {
            log.push(n.to_string());
        }
        assert_eq!(log.lines.len(), CONSOLE_LINES);
        let (total, new) = log.since(CONSOLE_LINES as u64 + 1);
        assert_eq!(
            (total, new),
            (
                CONSOLE_LINES as u64 + 3,
                vec!["501".to_string(), "502".into()]
            )
        );
        // A view that showed nothing (or fell further behind than kept) gets all kept.
        assert_eq!(log.since(0).1.len(), CONSOLE_LINES);
        assert_eq!(log.since(total).1, Vec::<String>::new());
    }

    #[test]
    fn network_rate_is_bytes_per_second_and_survives_counter_resets() {
        assert_eq!(network_rate(None, (5_000, 1_000.0)), 0.0);
        assert_eq!(network_rate(Some((1_000, 0.0)), (5_000, 2_000.0)), 2_000.0);
        // A restarted container counts from zero again: no negative spike.
        assert_eq!(network_rate(Some((9_000, 0.0)), (100, 2_000.0)), 0.0);
    }
}
