//! One server's `/resources` poll (the server's details now and then), turned into stream
//! events; backs off with jitter on 429 and 5xx. The feed polls with it while the Wings
//! socket is down, and now and then for the server's details.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use ptero_api::origin::{ServerSummary, StreamEvent};
use ptero_api::{PanelError, Server, ServerId};

use crate::config::StreamConfig;
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::panel::Panel;

/// Details (name, limits, status) are re-read every this many polls.
const DETAILS_EVERY: u32 = 12;

/// What one poll found: the new summary (on success), the event for viewers (when
/// something changed or a new error appeared), and how long to wait.
#[derive(Debug)]
pub struct Outcome {
    pub summary: Option<ServerSummary>,
    pub event: Option<StreamEvent>,
    pub delay: Duration,
    /// The poll failed because nothing answered: the panel, or its Wings behind it.
    pub unreachable: bool,
}

/// The polling state of one server: cached details, failure count, last error shown.
pub struct Poller {
    server: ServerId,
    panel: Panel,
    config: StreamConfig,
    metrics: Arc<Metrics>,
    details: Option<Server>,
    polls: u32,
    failures: u32,
    last_error: Option<String>,
}

impl Poller {
    pub fn new(
        server: ServerId,
        panel: Panel,
        config: StreamConfig,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            server,
            panel,
            config,
            metrics,
            details: None,
            polls: 0,
            failures: 0,
            last_error: None,
        }
    }

    /// Polls upstream once; `previous` is what viewers last saw.
    pub async fn poll(&mut self, previous: Option<&ServerSummary>) -> Outcome {
        let outcome = poll_once(
            &self.server,
            &self.panel,
            &mut self.details,
            self.polls,
            &self.metrics,
        )
        .await;
        self.polls = self.polls.wrapping_add(1);
        match outcome {
            Ok(summary) => {
                self.failures = 0;
                self.last_error = None;
                Outcome {
                    event: change_event(previous, &summary),
                    summary: Some(summary),
                    delay: self.config.poll_interval,
                    unreachable: false,
                }
            }
            Err(error) => {
                self.metrics.upstream_errors.fetch_add(1, Ordering::Relaxed);
                self.failures = self.failures.saturating_add(1);
                let body = error.body();
                let mut event = None;
                if self.last_error.as_deref() != Some(body.error.message.as_str()) {
                    tracing::warn!(server = %self.server, code = %body.error.code, "upstream poll failed");
                    self.last_error = Some(body.error.message.clone());
                    event = Some(StreamEvent::Error {
                        server: Some(self.server.to_string()),
                        code: body.error.code,
                        message: body.error.message,
                    });
                }
                let unreachable = matches!(
                    error,
                    AppError::Unreachable(_)
                        | AppError::Panel(
                            PanelError::Daemon { .. } | PanelError::Unavailable { .. }
                        )
                );
                Outcome {
                    summary: None,
                    event,
                    delay: backoff(&self.config, self.failures, &error),
                    unreachable,
                }
            }
        }
    }
}

async fn poll_once(
    server: &ServerId,
    panel: &Panel,
    details: &mut Option<Server>,
    polls: u32,
    metrics: &Metrics,
) -> Result<ServerSummary, AppError> {
    if details.is_none() || polls % DETAILS_EVERY == 0 {
        *details = Some(panel.server(server).await?);
    }
    let Some(details) = details.as_ref() else {
        return Err(AppError::Internal("server details missing".to_owned()));
    };
    metrics.upstream_polls.fetch_add(1, Ordering::Relaxed);
    match panel.resources(server).await {
        Ok(stats) => Ok(ServerSummary::from_panel(details, Some(&stats))),
        // Suspended, installing, …: no numbers, but the card can say why.
        Err(AppError::Panel(PanelError::Conflict { .. })) => {
            Ok(ServerSummary::from_panel(details, None))
        }
        Err(error) => Err(error),
    }
}

/// The event that tells viewers what changed (`None`: nothing did).
pub fn change_event(previous: Option<&ServerSummary>, next: &ServerSummary) -> Option<StreamEvent> {
    let Some(previous) = previous else {
        return Some(StreamEvent::Summary(next.clone()));
    };
    let mut same_but_numbers = previous.clone();
    same_but_numbers.state = next.state;
    same_but_numbers.resources = next.resources.clone();
    if same_but_numbers != *next {
        return Some(StreamEvent::Summary(next.clone()));
    }
    if previous.state != next.state {
        return Some(StreamEvent::State {
            server: next.identifier.clone(),
            state: next.state,
        });
    }
    match (&previous.resources, &next.resources) {
        (Some(before), Some(after)) if before == after => None,
        (_, Some(after)) => Some(StreamEvent::Resources {
            server: next.identifier.clone(),
            resources: after.clone(),
        }),
        (Some(_), None) => Some(StreamEvent::Summary(next.clone())),
        (None, None) => None,
    }
}

/// Exponential back-off from the poll interval, capped, with up to 25 % jitter; a
/// panel's `Retry-After` is honoured when longer.
pub fn backoff(config: &StreamConfig, failures: u32, error: &AppError) -> Duration {
    let exponent = failures.saturating_sub(1).min(10);
    let base = config
        .poll_interval
        .saturating_mul(1u32 << exponent)
        .min(config.max_backoff);
    let jitter_ms = u64::try_from(base.as_millis() / 4).unwrap_or(0);
    let jitter = Duration::from_millis(if jitter_ms == 0 {
        0
    } else {
        random_u64() % jitter_ms
    });
    let delay = base + jitter;
    match error {
        AppError::Panel(PanelError::RateLimited {
            retry_after: Some(seconds),
        }) => delay.max(Duration::from_secs(*seconds).min(config.max_backoff)),
        _ => delay,
    }
}

fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    // Without randomness the jitter is 0, which only weakens spreading.
    let _ = getrandom::fill(&mut bytes);
    u64::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptero_api::origin::{SummaryLimits, SummaryResources};
    use ptero_api::PowerState;

    fn summary(state: PowerState, memory: u64) -> ServerSummary {
        ServerSummary {
            identifier: "1a7c3f02".to_owned(),
            name: "Survival".to_owned(),
            state,
            status: None,
            is_suspended: false,
            node_under_maintenance: false,
            limits: SummaryLimits::default(),
            resources: Some(SummaryResources {
                memory_bytes: memory,
                ..SummaryResources::default()
            }),
            live: false,
            address: None,
            egg: None,
            players: None,
        }
    }

    #[test]
    fn first_poll_sends_a_summary() {
        let next = summary(PowerState::Running, 1);
        assert!(matches!(
            change_event(None, &next),
            Some(StreamEvent::Summary(_))
        ));
    }

    #[test]
    fn a_state_change_sends_a_state_event() {
        let event = change_event(
            Some(&summary(PowerState::Running, 1)),
            &summary(PowerState::Stopping, 1),
        );
        assert!(matches!(
            event,
            Some(StreamEvent::State {
                state: PowerState::Stopping,
                ..
            })
        ));
    }

    #[test]
    fn new_numbers_send_a_resources_event_and_same_numbers_nothing() {
        let before = summary(PowerState::Running, 1);
        assert!(matches!(
            change_event(Some(&before), &summary(PowerState::Running, 2)),
            Some(StreamEvent::Resources { .. })
        ));
        assert_eq!(change_event(Some(&before), &before.clone()), None);
    }

    #[test]
    fn backoff_grows_to_the_cap_and_honours_retry_after() {
        let config = StreamConfig {
            players_every: None,
            poll_interval: Duration::from_secs(5),
            viewer_buffer: 16,
            max_backoff: Duration::from_secs(60),
            token_interval: Duration::from_secs(60),
        };
        let error = AppError::Unreachable(String::new());
        assert!(backoff(&config, 1, &error) < Duration::from_millis(6_300));
        let capped = backoff(&config, 20, &error);
        assert!(capped >= Duration::from_secs(60) && capped <= Duration::from_secs(75));
        let limited = AppError::Panel(PanelError::RateLimited {
            retry_after: Some(30),
        });
        assert!(backoff(&config, 1, &limited) >= Duration::from_secs(30));
    }
}
