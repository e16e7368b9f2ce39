//! Taking alerts out of the durable outbox and posting them: every second a few due
//! deliveries are claimed (with a lease, so one instance of a cluster posts each), posted
//! with a timeout, and either marked delivered or put back with an exponential back-off.
//! A restart or a dead endpoint loses nothing: what was not delivered is still queued.
//! Every delivery and every failure is audit-logged; the URL never reaches a log.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;

use super::format::{body, signature};
use crate::auth::now;
use crate::config::alerts::{Target, TargetKind};
use crate::store::{AuditAction, AuditEntry, Delivery};

use super::Alerts;

/// How long a claimed delivery is kept from other instances.
const LEASE_SECS: u64 = 30;
/// Deliveries taken per round.
const BATCH: usize = 20;
/// A delivery is given up after this long (and audit-logged as such).
pub const GIVE_UP_SECS: u64 = 48 * 3600;

/// Seconds until the next attempt after `attempts` failed ones: 2, 4, 8 … capped at 30.
pub fn backoff(attempts: u32) -> u64 {
    (1u64 << attempts.min(5)).clamp(2, 30)
}

/// Why a delivery failed; its words never carry the URL (which holds the endpoint's secret
/// for Discord and Slack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryError {
    Timeout,
    NoConnection,
    RequestFailed,
    /// The endpoint answered with this non-success status.
    Status(u16),
    /// The delivery names a target the configuration no longer has.
    TargetGone,
}

impl std::fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Timeout => f.write_str("the endpoint did not answer within 10 s"),
            Self::NoConnection => f.write_str("no connection to the endpoint"),
            Self::RequestFailed => f.write_str("the request failed"),
            Self::Status(status) => write!(f, "the endpoint answered {status}"),
            Self::TargetGone => f.write_str("the target is no longer configured"),
        }
    }
}

/// Posts one delivery.
pub async fn send(
    http: &reqwest::Client,
    target: &Target,
    delivery: &Delivery,
) -> Result<(), DeliveryError> {
    let payload = body(&target.kind, &delivery.id, &delivery.alert).to_string();
    let mut request = http
        .post(target.url.expose())
        .header(CONTENT_TYPE, "application/json")
        .header("idempotency-key", &delivery.id)
        .timeout(Duration::from_secs(10));
    if let TargetKind::Webhook { secret } = &target.kind {
        let timestamp = now();
        request = request
            .header("x-ptero-timestamp", timestamp.to_string())
            .header(
                "x-ptero-signature",
                signature(secret.expose(), timestamp, &payload),
            );
    }
    let response = request.body(payload).send().await.map_err(|error| {
        if error.is_timeout() {
            DeliveryError::Timeout
        } else if error.is_connect() {
            DeliveryError::NoConnection
        } else {
            DeliveryError::RequestFailed
        }
    })?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(DeliveryError::Status(status.as_u16()))
    }
}

fn audit_entry(delivery: &Delivery, action: AuditAction, outcome: String) -> AuditEntry {
    AuditEntry {
        at: now(),
        site: "-".to_owned(),
        viewer: format!("target {}", delivery.target),
        action,
        detail: format!("{} alert {}", delivery.alert.kind, delivery.id),
        server: Some(delivery.alert.server.clone()),
        origin: None,
        outcome,
    }
}

/// One round: claims what is due and posts it.
pub async fn round(alerts: &Alerts, http: &reqwest::Client) {
    let store = alerts.store.as_ref();
    let due = match store.claim_deliveries(now(), LEASE_SECS, BATCH).await {
        Ok(due) => due,
        Err(error) => {
            tracing::warn!(%error, "reading the alert outbox failed");
            return;
        }
    };
    let posts = due.into_iter().map(|delivery| async move {
        let outcome = match alerts.config.targets.get(&delivery.target) {
            Some(target) => send(http, target, &delivery).await,
            None => Err(DeliveryError::TargetGone),
        };
        (delivery, outcome)
    });
    for (delivery, outcome) in futures_util::future::join_all(posts).await {
        let attempts = delivery.attempts + 1;
        let (finish, entry) = match outcome {
            Ok(()) => {
                alerts.metrics.count("alert_deliveries_total", "delivered");
                tracing::info!(target = %delivery.target, kind = %delivery.alert.kind, server = %delivery.alert.server, attempts, "alert delivered");
                (
                    None,
                    audit_entry(
                        &delivery,
                        AuditAction::AlertDelivered,
                        format!("ok after {attempts} attempt(s)"),
                    ),
                )
            }
            Err(problem) if now().saturating_sub(delivery.created_at) >= GIVE_UP_SECS => {
                alerts.metrics.count("alert_deliveries_total", "given_up");
                tracing::error!(target = %delivery.target, %problem, "alert given up");
                (
                    None,
                    audit_entry(
                        &delivery,
                        AuditAction::AlertFailed,
                        format!("given up after {attempts} attempts: {problem}"),
                    ),
                )
            }
            Err(problem) => {
                alerts.metrics.count("alert_deliveries_total", "failed");
                tracing::warn!(target = %delivery.target, %problem, attempts, "alert delivery failed; retrying");
                let retry_at = now() + backoff(attempts);
                let entry = audit_entry(
                    &delivery,
                    AuditAction::AlertFailed,
                    format!("attempt {attempts} failed: {problem}; retrying"),
                );
                (Some((retry_at, attempts, problem.to_string())), entry)
            }
        };
        if let Err(error) = store.finish_delivery(&delivery.id, finish).await {
            tracing::warn!(%error, "recording an alert delivery failed");
        }
        if let Err(error) = store.append_audit(entry).await {
            tracing::warn!(%error, "auditing an alert delivery failed");
        }
    }
}

/// Runs rounds every `every` until aborted.
pub async fn run(alerts: Arc<Alerts>, http: reqwest::Client, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        round(&alerts, &http).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_from_two_seconds_to_half_a_minute() {
        assert_eq!(
            (1..=7).map(backoff).collect::<Vec<_>>(),
            vec![2, 4, 8, 16, 30, 30, 30]
        );
    }
}
