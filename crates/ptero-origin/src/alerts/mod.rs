//! Alerts: the origin notices crashes, unexpected stops, recovery, sustained high use and
//! unreachable nodes of the servers it watches ([`ptero_api::alerts::Detector`], fed by
//! the fan-out), tells the viewers of those servers at once (`alert` stream events), and
//! queues each alert that a rule (`[alerts.rules.NAME]`) covers for each of the rule's
//! targets in the durable outbox, which [`deliver`] empties.
//!
//! Servers that rules name are watched even with no viewer ([`keep_watched`]). In a cluster only
//! the instance that holds a server's upstream feed observes it, so an alert is detected
//! once; the outbox's ids make a second queueing of the same alert a no-op anyway.

pub mod cli;
pub mod deliver;
pub mod format;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use ptero_api::alerts::{Alert, AlertKind, Detector, Observation, Thresholds};
use ptero_api::ServerId;
use tokio::sync::broadcast;

use crate::auth::now;
use crate::config::alerts::AlertsConfig;
use crate::metrics::Metrics;
use crate::store::{AlertRecord, Delivery, Store};

/// Holds a subscription to every server the rules name, so the fan-out watches them with
/// no viewer (inside the origin's upstream ceiling like any other watched server; the
/// console relay is asked for too, since Wings' crash notice arrives there). Dropping the
/// answer lets them go.
pub fn keep_watched(hub: &crate::fanout::Hub, alerts: &Alerts) -> Vec<crate::fanout::Subscription> {
    alerts
        .ruled_servers()
        .iter()
        .map(|server| hub.subscribe(server, true))
        .collect()
}

/// Feeds every observation of the feeds running here to `alerts`, one at a time (the order
/// of a server's states matters), until the hub is gone.
pub async fn observe_feeds(
    alerts: Arc<Alerts>,
    mut observed: tokio::sync::mpsc::UnboundedReceiver<crate::fanout::feed::Observed>,
) {
    while let Some(seen) = observed.recv().await {
        alerts
            .observe(&seen.server, &seen.name, seen.at_ms, seen.observation)
            .await;
    }
}

/// Hands every alert to the viewers of its server as an `alert` stream event (on every
/// instance), until the alerts are gone. Subscribe first ([`Alerts::subscribe`]) so none
/// noticed meanwhile is missed.
pub async fn tell_viewers(mut alerts: broadcast::Receiver<ViewerAlert>, hub: crate::fanout::Hub) {
    loop {
        match alerts.recv().await {
            Ok(ViewerAlert { alert, .. }) => {
                let event = ptero_api::origin::StreamEvent::Alert {
                    server: alert.server.clone(),
                    kind: alert.kind,
                    at_ms: alert.at_ms,
                    detail: alert.detail,
                };
                hub.announce(&alert.server, event).await;
            }
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "viewers missed alerts: too many at once");
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// An alert as viewers of the server get it.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewerAlert {
    pub alert: Alert,
    pub server_name: String,
}

/// The detectors of every watched server and the rules that send their alerts on.
pub struct Alerts {
    config: AlertsConfig,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    /// (rule index or `None` for viewers, server) → its detector.
    detectors: Mutex<HashMap<(Option<usize>, String), Detector>>,
    /// The newest power signal (unix ms) fed to each server's detectors.
    power_fed: Mutex<HashMap<String, u64>>,
    viewers: broadcast::Sender<ViewerAlert>,
}

impl std::fmt::Debug for Alerts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Alerts")
            .field("rules", &self.config.rules.len())
            .finish_non_exhaustive()
    }
}

/// The idempotency key of one alert for one target.
pub fn delivery_id(target: &str, alert: &Alert) -> String {
    let key = format!(
        "{target}\n{}\n{}\n{}",
        alert.server, alert.kind, alert.at_ms
    );
    crate::auth::session::token_key(&key)[..32].to_owned()
}

impl Alerts {
    pub fn new(config: AlertsConfig, store: Arc<dyn Store>, metrics: Arc<Metrics>) -> Self {
        Self {
            config,
            store,
            metrics,
            detectors: Mutex::new(HashMap::new()),
            power_fed: Mutex::new(HashMap::new()),
            viewers: broadcast::channel(256).0,
        }
    }

    pub fn config(&self) -> &AlertsConfig {
        &self.config
    }

    /// The servers some rule names: watched even without viewers.
    pub fn ruled_servers(&self) -> Vec<ServerId> {
        let mut servers: Vec<ServerId> = Vec::new();
        for rule in &self.config.rules {
            for server in &rule.servers {
                if !servers.iter().any(|known| known.matches(server)) {
                    servers.push(server.clone());
                }
            }
        }
        servers
    }

    /// Alerts for viewers, as they happen.
    pub fn subscribe(&self) -> broadcast::Receiver<ViewerAlert> {
        self.viewers.subscribe()
    }

    /// What `server` (named `name`) showed at `at_ms`: detects, tells viewers, queues
    /// what the rules send on. Before a power state, the last power signal sent through
    /// any instance (the store keeps it) is fed first, so a stop asked for through a card
    /// is never taken for a crash.
    pub async fn observe(
        &self,
        server: &ServerId,
        name: &str,
        at_ms: u64,
        observation: Observation,
    ) {
        if matches!(observation, Observation::State(_)) {
            self.feed_power(server, name).await;
        }
        self.feed(server, name, at_ms, observation).await;
    }

    async fn feed_power(&self, server: &ServerId, name: &str) {
        let last = match self.store.last_power(server.short()).await {
            Ok(last) => last,
            Err(error) => {
                tracing::warn!(%error, "reading the last power signal failed");
                None
            }
        };
        let Some((signal, sent_at)) = last else {
            return;
        };
        let fresh = {
            let mut fed = self
                .power_fed
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let known = fed.entry(server.short().to_owned()).or_insert(0);
            let fresh = sent_at > *known;
            *known = (*known).max(sent_at);
            fresh
        };
        if let (true, Ok(signal)) = (fresh, signal.parse()) {
            self.feed(server, name, sent_at, Observation::PowerSent(signal))
                .await;
        }
    }

    async fn feed(&self, server: &ServerId, name: &str, at_ms: u64, observation: Observation) {
        let (for_viewers, for_rules) = {
            let mut detectors = self
                .detectors
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let short = server.short().to_owned();
            let for_viewers = detectors
                .entry((None, short.clone()))
                .or_insert_with(|| Detector::new(short.clone(), Thresholds::default()))
                .observe(at_ms, observation.clone());
            let mut for_rules = Vec::new();
            for (index, rule) in self.config.rules.iter().enumerate() {
                if !rule.servers.iter().any(|named| named.matches(server)) {
                    continue;
                }
                let alerts = detectors
                    .entry((Some(index), short.clone()))
                    .or_insert_with(|| Detector::new(short.clone(), rule.thresholds.clone()))
                    .observe(at_ms, observation.clone());
                for alert in alerts {
                    if rule.kinds.contains(&alert.kind) {
                        for target in &rule.targets {
                            for_rules.push((target.clone(), alert.clone()));
                        }
                    }
                }
            }
            (for_viewers, for_rules)
        };
        for alert in for_viewers {
            self.metrics.count("alerts_total", alert.kind.as_str());
            tracing::info!(server = %alert.server, kind = %alert.kind, detail = %alert.detail, "alert");
            let _ = self.viewers.send(ViewerAlert {
                alert,
                server_name: name.to_owned(),
            });
        }
        for (target, alert) in for_rules {
            let delivery = Delivery {
                id: delivery_id(&target, &alert),
                target: target.clone(),
                alert: AlertRecord {
                    kind: alert.kind.as_str().to_owned(),
                    server: alert.server.clone(),
                    server_name: name.to_owned(),
                    at_ms: alert.at_ms,
                    detail: alert.detail.clone(),
                },
                attempts: 0,
                next_at: now(),
                created_at: now(),
                last_error: None,
            };
            match self.store.enqueue_delivery(delivery).await {
                Ok(true) => {
                    tracing::info!(%target, kind = %alert.kind, server = %alert.server, "alert queued")
                }
                Ok(false) => {}
                Err(error) => tracing::error!(%error, %target, "an alert could not be queued"),
            }
        }
    }

    /// A sample alert of every kind for `server_name`, for `alerts test`.
    pub fn samples(server: &str, server_name: &str) -> Vec<AlertRecord> {
        AlertKind::ALL
            .into_iter()
            .map(|kind| AlertRecord {
                kind: kind.as_str().to_owned(),
                server: server.to_owned(),
                server_name: server_name.to_owned(),
                at_ms: now() * 1000,
                detail: format!("a test of the {kind} alert, sent by `ptero-origin alerts test`"),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::alerts::{Rule, Target, TargetKind};
    use crate::config::Secret;
    use crate::store::MemoryStore;
    use ptero_api::PowerState;

    fn alerts() -> Alerts {
        let server = ServerId::parse("1a7c3f02").expect("id");
        let mut config = AlertsConfig::default();
        config.targets.insert(
            "ops".to_owned(),
            Target {
                name: "ops".to_owned(),
                kind: TargetKind::Discord,
                url: Secret::new("http://127.0.0.1:9/hook".to_owned()),
            },
        );
        config.rules.push(Rule {
            name: "all".to_owned(),
            servers: vec![server],
            kinds: AlertKind::ALL.to_vec(),
            thresholds: Thresholds::default(),
            targets: vec!["ops".to_owned()],
        });
        Alerts::new(
            config,
            Arc::new(MemoryStore::new()),
            Arc::new(Metrics::default()),
        )
    }

    #[tokio::test]
    async fn a_stop_noted_in_the_store_is_no_alert() {
        let alerts = alerts();
        let server = ServerId::parse("1a7c3f02").expect("id");
        alerts
            .observe(
                &server,
                "Survival",
                1_000,
                Observation::State(PowerState::Running),
            )
            .await;
        alerts
            .store
            .note_power("1a7c3f02", "stop", 2_000)
            .await
            .expect("note");
        alerts
            .observe(
                &server,
                "Survival",
                2_100,
                Observation::State(PowerState::Stopping),
            )
            .await;
        alerts
            .observe(
                &server,
                "Survival",
                2_500,
                Observation::State(PowerState::Offline),
            )
            .await;
        assert!(alerts
            .store
            .pending_deliveries(10)
            .await
            .expect("outbox")
            .is_empty());
    }

    #[tokio::test]
    async fn a_crash_is_queued_once_per_target() {
        let alerts = alerts();
        let server = ServerId::parse("1a7c3f02").expect("id");
        alerts
            .observe(
                &server,
                "Survival",
                1_000,
                Observation::State(PowerState::Running),
            )
            .await;
        alerts
            .observe(&server, "Survival", 2_000, Observation::CrashNotice)
            .await;
        alerts
            .observe(
                &server,
                "Survival",
                2_100,
                Observation::State(PowerState::Offline),
            )
            .await;
        let pending = alerts.store.pending_deliveries(10).await.expect("outbox");
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].alert.kind, "crash");
    }
}
