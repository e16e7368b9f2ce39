//! One source's detectors: the server list's refreshes or one server page's socket. Made
//! in the source's owner and gone with it, so a source that comes back starts from what it
//! sees then (no stale state taken for a change).

use leptos::prelude::*;
use ptero_api::alerts::{Detector, Observation, Thresholds};
use ptero_api::Limits;

use super::{use_notices, Notices};
use crate::live::WingsLive;

/// Feeds a source's observations to its detectors and raises what they find.
#[derive(Clone, Copy)]
pub struct Watcher {
    notices: Notices,
    /// Each server's detector, and the time (unix ms) of the last power signal it was
    /// given. (A searched vector: see `Notices::power`.)
    detectors: StoredValue<Vec<(String, Detector, u64)>>,
}

impl Watcher {
    /// A watcher in the current owner; `None` where the page has no notices.
    pub fn new() -> Option<Self> {
        let notices = use_notices()?;
        Some(Self {
            notices,
            detectors: StoredValue::new(Vec::new()),
        })
    }

    /// What `server` (named `name`) showed now.
    pub fn observe(&self, server: &str, name: &str, observation: Observation) {
        let now = js_sys::Date::now() as u64;
        let power = matches!(observation, Observation::State(_))
            .then(|| self.notices.last_power(server))
            .flatten();
        let alerts = self
            .detectors
            .try_update_value(|detectors| {
                let at = match detectors.iter().position(|(known, ..)| known == server) {
                    Some(at) => at,
                    None => {
                        let detector = Detector::new(server, Thresholds::default());
                        detectors.push((server.to_owned(), detector, 0));
                        detectors.len() - 1
                    }
                };
                let (_, detector, fed) = &mut detectors[at];
                let mut alerts = Vec::new();
                // A power signal sent since this source last looked comes first: the
                // stop it asked for is expected.
                if let Some((signal, sent)) = power.filter(|(_, sent)| *sent > *fed) {
                    *fed = sent;
                    alerts.extend(detector.observe(sent, Observation::PowerSent(signal)));
                }
                alerts.extend(detector.observe(now, observation));
                alerts
            })
            .unwrap_or_default();
        for alert in alerts {
            self.notices.raise(alert, name);
        }
    }
}

/// Watches a server page's socket for alerts, in the page's owner: its states, Wings'
/// crash notices and its use against `limits` (0 = unlimited).
pub fn watch_wings(live: WingsLive, server: String, name: String, limits: Limits) {
    let Some(watcher) = Watcher::new() else {
        return;
    };
    let (id, label) = (server.clone(), name.clone());
    Effect::new(move |_| {
        if let Some(state) = live.state.get() {
            watcher.observe(&id, &label, Observation::State(state));
        }
    });
    let (id, label) = (server.clone(), name.clone());
    Effect::new(move |seen: Option<u32>| {
        let notices = live.crash_notices.get();
        if seen.is_some_and(|seen| notices > seen) {
            watcher.observe(&id, &label, Observation::CrashNotice);
        }
        notices
    });
    Effect::new(move |_| {
        let Some(stats) = live.stats.get() else {
            return;
        };
        let fraction = |used: f64, limit: i64| (limit > 0).then(|| used / limit as f64);
        const MIB: f64 = 1024.0 * 1024.0;
        watcher.observe(
            &server,
            &name,
            Observation::Usage {
                cpu: fraction(stats.cpu_absolute, limits.cpu),
                memory: fraction(stats.memory_bytes as f64 / MIB, limits.memory),
                disk: fraction(stats.disk_bytes as f64 / MIB, limits.disk),
            },
        );
    });
}
