//! `ptero-origin alerts test`: sends a sample of every alert kind to every configured
//! target, now, outside the outbox, and says how each went; `alerts pending`: what the
//! outbox still holds.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::deliver::send;
use super::Alerts;
use crate::auth::now;
use crate::config::Config;
use crate::store::{self, Delivery};

macro_rules! say {
    ($out:expr, $($arg:tt)*) => {
        let _ = writeln!($out, $($arg)*);
    };
}

/// Posts a sample of each kind to each target.
pub async fn test(path: &Path, out: &mut dyn Write) -> ExitCode {
    let config = match Config::load(path) {
        Ok(config) => config,
        Err(error) => {
            say!(out, "ptero-origin: {error}");
            return ExitCode::FAILURE;
        }
    };
    if config.alerts.targets.is_empty() {
        say!(
            out,
            "no alert targets: add an [alerts.targets.NAME] section (kind, url_file) first"
        );
        return ExitCode::FAILURE;
    }
    let http = reqwest::Client::new();
    let mut failed = 0;
    for target in config.alerts.targets.values() {
        for (index, alert) in Alerts::samples("00000000", "Test server")
            .into_iter()
            .enumerate()
        {
            let delivery = Delivery {
                id: format!("test-{}-{index}", now()),
                target: target.name.clone(),
                alert,
                attempts: 0,
                next_at: now(),
                created_at: now(),
                last_error: None,
            };
            match send(&http, target, &delivery).await {
                Ok(()) => {
                    say!(out, "{}: {} sent", target.name, delivery.alert.kind);
                }
                Err(problem) => {
                    failed += 1;
                    say!(
                        out,
                        "{}: {} FAILED: {problem}",
                        target.name,
                        delivery.alert.kind
                    );
                }
            }
        }
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        say!(
            out,
            "{failed} samples were not delivered: check each target's URL (and a webhook's secret)"
        );
        ExitCode::FAILURE
    }
}

/// The outbox: alerts not yet delivered, with their attempts and last error.
pub async fn pending(path: &Path, out: &mut dyn Write) -> ExitCode {
    let config = match Config::load(path) {
        Ok(config) => config,
        Err(error) => {
            say!(out, "ptero-origin: {error}");
            return ExitCode::FAILURE;
        }
    };
    let store = match store::connect(&config.store).await {
        Ok(store) => store,
        Err(error) => {
            say!(out, "ptero-origin: {error}");
            return ExitCode::FAILURE;
        }
    };
    match store.pending_deliveries(1000).await {
        Ok(pending) if pending.is_empty() => {
            say!(out, "no alerts waiting: everything was delivered");
            ExitCode::SUCCESS
        }
        Ok(pending) => {
            for delivery in pending {
                say!(
                    out,
                    "{} {} {} to {}: {} attempts{}",
                    super::format::iso8601(delivery.alert.at_ms),
                    delivery.alert.server,
                    delivery.alert.kind,
                    delivery.target,
                    delivery.attempts,
                    delivery
                        .last_error
                        .map(|error| format!(", last: {error}"))
                        .unwrap_or_default()
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            say!(out, "ptero-origin: {error}");
            ExitCode::FAILURE
        }
    }
}
