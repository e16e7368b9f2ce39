//! Counters for `/metrics`, written in Prometheus' text format by hand.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// Process-wide counters; share through an `Arc`.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    rejections: Mutex<BTreeMap<String, u64>>,
    /// Labelled counters by (metric, label value): alerts by kind, deliveries by outcome.
    labelled: Mutex<BTreeMap<(&'static str, String), u64>>,
    pub upstream_polls: AtomicU64,
    pub upstream_errors: AtomicU64,
    pub sessions_created: AtomicU64,
    pub viewers: AtomicI64,
    pub pollers: AtomicI64,
    /// With a shared Redis: servers whose lease this instance holds (it polls them for
    /// the cluster).
    pub leases: AtomicI64,
    /// Open Wings websockets (one per watched server that can have one).
    pub upstream_sockets: AtomicI64,
    /// Websocket tokens asked of the panel.
    pub upstream_tokens: AtomicU64,
}

impl Metrics {
    pub fn request(&self, route: &str, status: u16) {
        *self
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((route.to_owned(), status))
            .or_default() += 1;
    }

    /// A refusal, by reason (`expired`, `origin_not_allowed`, …).
    pub fn reject(&self, reason: &str) {
        *self
            .rejections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(reason.to_owned())
            .or_default() += 1;
    }

    /// Counts one under `metric` (`alerts_total` by kind, `alert_deliveries_total` by
    /// outcome).
    pub fn count(&self, metric: &'static str, label: &str) {
        *self
            .labelled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((metric, label.to_owned()))
            .or_default() += 1;
    }

    pub fn counted(&self, metric: &'static str, label: &str) -> u64 {
        self.labelled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(metric, label.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    pub fn rejections(&self, reason: &str) -> u64 {
        self.rejections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(reason)
            .copied()
            .unwrap_or(0)
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP ptero_origin_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE ptero_origin_requests_total counter\n");
        for ((route, status), count) in self
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            let _ = writeln!(
                out,
                "ptero_origin_requests_total{{route=\"{}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }
        out.push_str("# HELP ptero_origin_rejections_total Refused requests by reason.\n");
        out.push_str("# TYPE ptero_origin_rejections_total counter\n");
        for (reason, count) in self
            .rejections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            let _ = writeln!(
                out,
                "ptero_origin_rejections_total{{reason=\"{}\"}} {count}",
                escape(reason)
            );
        }
        out.push_str("# HELP ptero_origin_alerts_total Alerts detected, by kind.\n# TYPE ptero_origin_alerts_total counter\n# HELP ptero_origin_alert_deliveries_total Alert deliveries, by outcome.\n# TYPE ptero_origin_alert_deliveries_total counter\n");
        for ((metric, label), count) in self
            .labelled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            let name = if *metric == "alerts_total" {
                "kind"
            } else {
                "outcome"
            };
            let _ = writeln!(
                out,
                "ptero_origin_{metric}{{{name}=\"{}\"}} {count}",
                escape(label)
            );
        }
        let scalars = [
            (
                "upstream_polls_total",
                "counter",
                "Polls of the panel by the fan-out.",
                self.upstream_polls.load(Ordering::Relaxed) as i64,
            ),
            (
                "upstream_errors_total",
                "counter",
                "Failed polls of the panel.",
                self.upstream_errors.load(Ordering::Relaxed) as i64,
            ),
            (
                "sessions_created_total",
                "counter",
                "Sessions minted from hand-off tokens.",
                self.sessions_created.load(Ordering::Relaxed) as i64,
            ),
            (
                "viewers",
                "gauge",
                "Open stream subscriptions (one per server per viewer).",
                self.viewers.load(Ordering::Relaxed),
            ),
            (
                "pollers",
                "gauge",
                "Watched servers, one upstream poller each (in a cluster: one follower each).",
                self.pollers.load(Ordering::Relaxed),
            ),
            (
                "leases",
                "gauge",
                "In a cluster: watched servers this instance polls for every instance.",
                self.leases.load(Ordering::Relaxed),
            ),
            (
                "upstream_sockets",
                "gauge",
                "Open Wings websockets, one per watched server.",
                self.upstream_sockets.load(Ordering::Relaxed),
            ),
            (
                "upstream_tokens_total",
                "counter",
                "Websocket tokens asked of the panel.",
                self.upstream_tokens.load(Ordering::Relaxed) as i64,
            ),
        ];
        for (name, kind, help, value) in scalars {
            let _ = writeln!(out, "# HELP ptero_origin_{name} {help}");
            let _ = writeln!(out, "# TYPE ptero_origin_{name} {kind}");
            let _ = writeln!(out, "ptero_origin_{name} {value}");
        }
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_lists_rejections_by_reason() {
        let metrics = Metrics::default();
        metrics.reject("expired");
        metrics.reject("expired");
        metrics.request("/v1/session", 401);
        let text = metrics.render();
        assert!(text.contains("ptero_origin_rejections_total{reason=\"expired\"} 2"));
        assert!(
            text.contains("ptero_origin_requests_total{route=\"/v1/session\",status=\"401\"} 1")
        );
    }
}
