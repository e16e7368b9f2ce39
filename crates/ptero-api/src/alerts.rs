//! Noticing what a person wants to be told about a server, from what a watcher sees of
//! it (power states, stats, Wings' crash notice, the power signals it sent itself, failed
//! reads): a crash, an unexpected stop, recovery after a crash, CPU / memory / disk high
//! for a while, the node unreachable for a while, and optionally "online" after a start.
//!
//! [`Detector`] is a pure state machine, one per server, fed [`Observation`]s with their
//! time; the origin feeds it from its fan-out, the app from its Wings socket. It never
//! repeats itself: a condition alerts once when it starts and may alert again only after
//! it has ended.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::resources::{PowerSignal, PowerState};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Wings reported the process crashed, or it went from running to offline with no
    /// stop or kill asked for.
    Crash,
    /// It stopped without a stop asked for through this watcher, and Wings did not call it
    /// a crash (a clean exit, or someone stopped it elsewhere).
    UnexpectedStop,
    /// Running again after a crash.
    Recovered,
    HighCpu,
    HighMemory,
    HighDisk,
    /// Neither Wings nor the panel answered for the configured time.
    NodeUnreachable,
    /// Running after a start (off unless asked for).
    Online,
}

impl AlertKind {
    pub const ALL: [AlertKind; 8] = [
        AlertKind::Crash,
        AlertKind::UnexpectedStop,
        AlertKind::Recovered,
        AlertKind::HighCpu,
        AlertKind::HighMemory,
        AlertKind::HighDisk,
        AlertKind::NodeUnreachable,
        AlertKind::Online,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Crash => "crash",
            AlertKind::UnexpectedStop => "unexpected_stop",
            AlertKind::Recovered => "recovered",
            AlertKind::HighCpu => "high_cpu",
            AlertKind::HighMemory => "high_memory",
            AlertKind::HighDisk => "high_disk",
            AlertKind::NodeUnreachable => "node_unreachable",
            AlertKind::Online => "online",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// A short sentence for a banner or a chat message, after the server's name.
    pub fn sentence(self) -> &'static str {
        match self {
            AlertKind::Crash => "crashed",
            AlertKind::UnexpectedStop => "stopped unexpectedly",
            AlertKind::Recovered => "is back online after a crash",
            AlertKind::HighCpu => "has been using a lot of CPU",
            AlertKind::HighMemory => "has been using a lot of memory",
            AlertKind::HighDisk => "is running out of disk space",
            AlertKind::NodeUnreachable => "cannot be reached: its node does not answer",
            AlertKind::Online => "is online",
        }
    }

    /// Whether it is bad news (for colours: red, amber or green).
    pub fn severity(self) -> Severity {
        match self {
            AlertKind::Crash | AlertKind::NodeUnreachable => Severity::Critical,
            AlertKind::UnexpectedStop
            | AlertKind::HighCpu
            | AlertKind::HighMemory
            | AlertKind::HighDisk => Severity::Warning,
            AlertKind::Recovered | AlertKind::Online => Severity::Good,
        }
    }
}

/// A text that names no [`AlertKind`] (a configuration's `alerts` list, a stored row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAlertKind(pub String);

impl fmt::Display for UnknownAlertKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is no alert kind (", self.0)?;
        for (i, kind) in AlertKind::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(kind.as_str())?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for UnknownAlertKind {}

impl FromStr for AlertKind {
    type Err = UnknownAlertKind;

    fn from_str(text: &str) -> Result<Self, UnknownAlertKind> {
        Self::parse(text).ok_or_else(|| UnknownAlertKind(text.to_owned()))
    }
}

impl fmt::Display for AlertKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Critical,
    Warning,
    Good,
}

/// One alert: what, about which server, when (unix milliseconds), and a detail line.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub kind: AlertKind,
    pub server: String,
    pub at_ms: u64,
    pub detail: String,
}

/// The limits of one rule; `None` turns a check off.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// Percent of the server's CPU limit (or of one core per 100 % when unlimited).
    pub cpu_percent: Option<f64>,
    /// Percent of the memory limit (unlimited servers are not checked).
    pub memory_percent: Option<f64>,
    /// Percent of the disk limit (unlimited servers are not checked).
    pub disk_percent: Option<f64>,
    /// How long a value must stay over its threshold.
    pub sustain_ms: u64,
    /// How long nothing may answer before the node counts as unreachable.
    pub unreachable_ms: u64,
    /// Alert `Online` after a start.
    pub online: bool,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            cpu_percent: Some(95.0),
            memory_percent: Some(95.0),
            disk_percent: Some(95.0),
            sustain_ms: 120_000,
            unreachable_ms: 180_000,
            online: false,
        }
    }
}

/// What a watcher saw.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    State(PowerState),
    /// Use against the server's limits, as fractions (0.5 = half); `None` when unlimited.
    Usage {
        cpu: Option<f64>,
        memory: Option<f64>,
        disk: Option<f64>,
    },
    /// Wings' "Detected server process in a crashed state" notice.
    CrashNotice,
    /// This watcher sent the signal (so the stop that follows is expected).
    PowerSent(PowerSignal),
    /// A read of the server failed because nothing answered (not a refusal).
    Unreachable,
    /// Something answered again.
    Reachable,
}

/// The text Wings writes to the console when it detects a crash (`server/crash.go`).
pub const WINGS_CRASH_NOTICE: &str = "Detected server process in a crashed state";

/// How long after a stop, restart or kill sent through the watcher an offline state counts
/// as asked for.
pub const REQUESTED_STOP_WINDOW_MS: u64 = 120_000;

/// One server's detector.
#[derive(Debug, Clone)]
pub struct Detector {
    server: String,
    thresholds: Thresholds,
    state: Option<PowerState>,
    requested_stop_at: Option<u64>,
    started_at: Option<u64>,
    crash_noticed_at: Option<u64>,
    crashed: bool,
    /// CPU, memory, disk: since when over, and whether it alerted.
    high: [(Option<u64>, bool); 3],
    unreachable_since: Option<u64>,
    unreachable_alerted: bool,
}

const HIGH_KINDS: [AlertKind; 3] = [
    AlertKind::HighCpu,
    AlertKind::HighMemory,
    AlertKind::HighDisk,
];

impl Detector {
    pub fn new(server: impl Into<String>, thresholds: Thresholds) -> Self {
        Self {
            server: server.into(),
            thresholds,
            state: None,
            requested_stop_at: None,
            started_at: None,
            crash_noticed_at: None,
            crashed: false,
            high: [(None, false); 3],
            unreachable_since: None,
            unreachable_alerted: false,
        }
    }

    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    fn alert(&self, kind: AlertKind, at_ms: u64, detail: impl Into<String>) -> Alert {
        Alert {
            kind,
            server: self.server.clone(),
            at_ms,
            detail: detail.into(),
        }
    }

    /// Feeds one observation made at `at_ms`; answers the alerts it starts.
    pub fn observe(&mut self, at_ms: u64, observation: Observation) -> Vec<Alert> {
        let mut alerts = Vec::new();
        match observation {
            Observation::PowerSent(signal) => match signal {
                PowerSignal::Stop | PowerSignal::Kill | PowerSignal::Restart => {
                    self.requested_stop_at = Some(at_ms);
                    if signal == PowerSignal::Restart {
                        self.started_at = Some(at_ms);
                    }
                }
                PowerSignal::Start => self.started_at = Some(at_ms),
            },
            Observation::CrashNotice => {
                self.crash_noticed_at = Some(at_ms);
                if !self.crashed {
                    self.crashed = true;
                    alerts.push(self.alert(
                        AlertKind::Crash,
                        at_ms,
                        "Wings detected the server process in a crashed state",
                    ));
                }
            }
            Observation::State(next) => self.state_changed(at_ms, next, &mut alerts),
            Observation::Usage { cpu, memory, disk } => {
                let limits = [
                    self.thresholds.cpu_percent,
                    self.thresholds.memory_percent,
                    self.thresholds.disk_percent,
                ];
                for (index, (value, limit)) in
                    [cpu, memory, disk].into_iter().zip(limits).enumerate()
                {
                    self.usage(at_ms, index, value, limit, &mut alerts);
                }
            }
            Observation::Unreachable => {
                let since = *self.unreachable_since.get_or_insert(at_ms);
                if !self.unreachable_alerted
                    && at_ms.saturating_sub(since) >= self.thresholds.unreachable_ms
                {
                    self.unreachable_alerted = true;
                    let minutes = at_ms.saturating_sub(since) / 60_000;
                    alerts.push(self.alert(
                        AlertKind::NodeUnreachable,
                        at_ms,
                        format!("neither Wings nor the panel has answered for {minutes} min"),
                    ));
                }
            }
            Observation::Reachable => {
                self.unreachable_since = None;
                self.unreachable_alerted = false;
            }
        }
        alerts
    }

    fn state_changed(&mut self, at_ms: u64, next: PowerState, alerts: &mut Vec<Alert>) {
        let before = self.state.replace(next);
        if before == Some(next) {
            return;
        }
        let was_up = matches!(before, Some(PowerState::Running | PowerState::Stopping));
        let asked = self
            .requested_stop_at
            .is_some_and(|at| at_ms.saturating_sub(at) <= REQUESTED_STOP_WINDOW_MS);
        match next {
            PowerState::Offline if was_up && !asked => {
                let noticed = self
                    .crash_noticed_at
                    .is_some_and(|at| at_ms.saturating_sub(at) <= REQUESTED_STOP_WINDOW_MS);
                if !self.crashed {
                    if noticed {
                        self.crashed = true;
                    } else if before == Some(PowerState::Running) {
                        // Running straight to offline, no stopping in between, nothing asked:
                        // the process died.
                        self.crashed = true;
                        alerts.push(self.alert(
                            AlertKind::Crash,
                            at_ms,
                            "the server went from running to offline without a stop",
                        ));
                    } else {
                        alerts.push(self.alert(
                            AlertKind::UnexpectedStop,
                            at_ms,
                            "the server stopped, and no stop was asked for here",
                        ));
                    }
                }
            }
            PowerState::Offline => {
                self.requested_stop_at = None;
            }
            PowerState::Running => {
                if self.crashed {
                    self.crashed = false;
                    self.crash_noticed_at = None;
                    alerts.push(self.alert(
                        AlertKind::Recovered,
                        at_ms,
                        "the server is running again",
                    ));
                } else if self.thresholds.online && self.started_at.take().is_some() {
                    alerts.push(self.alert(AlertKind::Online, at_ms, "the server started"));
                }
                self.requested_stop_at = None;
            }
            PowerState::Starting | PowerState::Stopping => {}
        }
    }

    fn usage(
        &mut self,
        at_ms: u64,
        index: usize,
        value: Option<f64>,
        limit: Option<f64>,
        alerts: &mut Vec<Alert>,
    ) {
        let over = match (value, limit) {
            (Some(value), Some(limit)) => value * 100.0 >= limit,
            _ => false,
        };
        let kind = HIGH_KINDS[index];
        let sustain = self.thresholds.sustain_ms;
        let (since, alerted) = &mut self.high[index];
        if !over {
            *since = None;
            *alerted = false;
            return;
        }
        let start = *since.get_or_insert(at_ms);
        if !*alerted && at_ms.saturating_sub(start) >= sustain {
            *alerted = true;
            // Whole percents, formatted as an integer: float formatting would cost the
            // app's bundle about 20 KB for this one line.
            let percent = (value.unwrap_or(0.0) * 100.0).round().max(0.0) as u64;
            let detail = format!(
                "{percent} % of its limit for {} min",
                at_ms.saturating_sub(start) / 60_000
            );
            alerts.push(Alert {
                kind,
                server: self.server.clone(),
                at_ms,
                detail,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detector() -> Detector {
        Detector::new(
            "1a7c3f02",
            Thresholds {
                sustain_ms: 10_000,
                unreachable_ms: 60_000,
                online: true,
                ..Thresholds::default()
            },
        )
    }

    fn kinds(alerts: Vec<Alert>) -> Vec<AlertKind> {
        alerts.into_iter().map(|alert| alert.kind).collect()
    }

    #[test]
    fn wings_crash_notice_then_offline_is_one_crash_and_recovery_follows() {
        let mut d = detector();
        d.observe(0, Observation::State(PowerState::Running));
        assert_eq!(
            kinds(d.observe(1, Observation::CrashNotice)),
            [AlertKind::Crash]
        );
        assert!(d
            .observe(2, Observation::State(PowerState::Offline))
            .is_empty());
        assert!(
            d.observe(3, Observation::CrashNotice).is_empty(),
            "no repeat"
        );
        d.observe(4, Observation::State(PowerState::Starting));
        assert_eq!(
            kinds(d.observe(5, Observation::State(PowerState::Running))),
            [AlertKind::Recovered]
        );
    }

    #[test]
    fn running_to_offline_without_a_stop_is_a_crash() {
        let mut d = detector();
        d.observe(0, Observation::State(PowerState::Running));
        assert_eq!(
            kinds(d.observe(1, Observation::State(PowerState::Offline))),
            [AlertKind::Crash]
        );
    }

    #[test]
    fn a_stop_asked_for_here_alerts_nothing() {
        let mut d = detector();
        d.observe(0, Observation::State(PowerState::Running));
        d.observe(10, Observation::PowerSent(PowerSignal::Stop));
        assert!(d
            .observe(20, Observation::State(PowerState::Stopping))
            .is_empty());
        assert!(d
            .observe(30, Observation::State(PowerState::Offline))
            .is_empty());
    }

    #[test]
    fn a_clean_stop_from_elsewhere_is_an_unexpected_stop() {
        let mut d = detector();
        d.observe(0, Observation::State(PowerState::Running));
        d.observe(10, Observation::State(PowerState::Stopping));
        assert_eq!(
            kinds(d.observe(20, Observation::State(PowerState::Offline))),
            [AlertKind::UnexpectedStop]
        );
    }

    #[test]
    fn online_follows_a_start_when_asked_for() {
        let mut d = detector();
        d.observe(0, Observation::State(PowerState::Offline));
        d.observe(1, Observation::PowerSent(PowerSignal::Start));
        d.observe(2, Observation::State(PowerState::Starting));
        assert_eq!(
            kinds(d.observe(3, Observation::State(PowerState::Running))),
            [AlertKind::Online]
        );
    }

    #[test]
    fn high_usage_alerts_once_after_it_lasted_and_again_only_after_it_ended() {
        let mut d = detector();
        let high = Observation::Usage {
            cpu: Some(0.99),
            memory: Some(0.2),
            disk: None,
        };
        assert!(d.observe(0, high.clone()).is_empty());
        assert!(d.observe(5_000, high.clone()).is_empty());
        assert_eq!(kinds(d.observe(10_000, high.clone())), [AlertKind::HighCpu]);
        assert!(d.observe(20_000, high.clone()).is_empty());
        d.observe(
            21_000,
            Observation::Usage {
                cpu: Some(0.1),
                memory: Some(0.2),
                disk: None,
            },
        );
        d.observe(22_000, high.clone());
        assert_eq!(kinds(d.observe(32_000, high)), [AlertKind::HighCpu]);
    }

    #[test]
    fn the_node_is_unreachable_once_nothing_answered_for_the_whole_time() {
        let mut d = detector();
        assert!(d.observe(0, Observation::Unreachable).is_empty());
        assert!(d.observe(30_000, Observation::Unreachable).is_empty());
        assert_eq!(
            kinds(d.observe(60_000, Observation::Unreachable)),
            [AlertKind::NodeUnreachable]
        );
        assert!(d.observe(90_000, Observation::Unreachable).is_empty());
        d.observe(91_000, Observation::Reachable);
        assert!(d.observe(100_000, Observation::Unreachable).is_empty());
    }

    #[test]
    fn kinds_round_trip_their_names() {
        for kind in AlertKind::ALL {
            assert_eq!(AlertKind::parse(kind.as_str()), Some(kind));
            assert_eq!(kind.as_str().parse::<AlertKind>(), Ok(kind));
        }
        let unknown = "crashed".parse::<AlertKind>().unwrap_err();
        assert_eq!(unknown, UnknownAlertKind("crashed".into()));
        let words = unknown.to_string();
        assert!(
            words.starts_with("`crashed` is no alert kind (crash, "),
            "{words}"
        );
    }
}
