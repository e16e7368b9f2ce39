//! Alerts end to end over loopback: a local webhook receiver (Discord-, Slack- and
//! signed-JSON-shaped endpoints), the durable outbox, retries while the receiver is down,
//! a restart in between, and `ptero-origin alerts test`.

mod common;
#[path = "support/hooks.rs"]
mod hooks;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::*;
use hooks::{start_receiver, Received, Receiver};
use ptero_api::PowerState;
use ptero_sandbox::seed::servers::RUNNING;

const HOOK_SECRET: &str = "alert-hook-secret-0123456789abcdef0123456789";

/// A harness with three targets on the receiver and one rule on RUNNING.
async fn alert_harness(addr: SocketAddr) -> Harness {
    let harness = Harness::with(Options {
        extra: format!(
            r#"[alerts.targets.discord]
kind = "discord"
url_file = "{{dir}}/discord.url"
[alerts.targets.slack]
kind = "slack"
url_file = "{{dir}}/slack.url"
[alerts.targets.hook]
kind = "webhook"
url_file = "{{dir}}/hook.url"
secret_file = "{{dir}}/hook.secret"
[alerts.rules.running]
servers = ["{RUNNING}"]
targets = ["discord", "slack", "hook"]
"#
        ),
        before_start: Some(Box::new(move |dir: &std::path::Path| {
            for name in ["discord", "slack", "hook"] {
                std::fs::write(
                    dir.join(format!("{name}.url")),
                    format!("http://{addr}/hooks/{name}"),
                )
                .expect("url");
            }
            std::fs::write(dir.join("hook.secret"), HOOK_SECRET).expect("secret");
        })),
        ..Options::default()
    })
    .await;
    harness
}

async fn crash_now(harness: &Harness) {
    wait_until_watched(harness).await;
    assert!(
        harness.sandbox.crash(RUNNING),
        "the sandbox crashed the server"
    );
}

async fn wait_for(receiver: &Receiver, count: usize, within: Duration) -> Vec<Received> {
    let deadline = Instant::now() + within;
    loop {
        let seen = receiver.seen();
        if seen.len() >= count || Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn verify(received: &Received) -> bool {
    let timestamp = received.headers["x-ptero-timestamp"].to_str().expect("ts");
    let signature = received.headers["x-ptero-signature"].to_str().expect("sig");
    let expected = ptero_origin::alerts::format::signature(
        HOOK_SECRET,
        timestamp.parse().expect("number"),
        &received.raw,
    );
    signature == expected
}

/// Waits until the origin's feed of RUNNING is live on its Wings socket (the rule keeps
/// it watched with no viewer).
async fn wait_until_watched(harness: &Harness) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while harness.sandbox.open_sockets(RUNNING) == 0 {
        assert!(
            Instant::now() < deadline,
            "the rule's server is not watched"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Its first status has reached the detectors.
    tokio::time::sleep(Duration::from_millis(500)).await;
}

#[tokio::test]
async fn a_crash_in_wings_yields_one_post_per_target_in_its_own_shape_with_no_viewer() {
    let (receiver, addr) = start_receiver().await;
    let harness = alert_harness(addr).await;
    wait_until_watched(&harness).await;
    let started = Instant::now();
    assert!(
        harness.sandbox.crash(RUNNING),
        "the sandbox crashed the server"
    );
    let seen = wait_for(&receiver, 3, Duration::from_secs(5)).await;
    println!("a crash reached 3 targets in {:?}", started.elapsed());
    assert_eq!(seen.len(), 3, "{seen:?}");
    let by = |endpoint: &str| {
        seen.iter()
            .find(|r| r.endpoint == endpoint)
            .expect(endpoint)
            .clone()
    };
    let discord = by("discord");
    assert_eq!(discord.body["embeds"][0]["title"], "Survival crashed");
    assert!(discord.body["embeds"][0]["timestamp"]
        .as_str()
        .expect("ts")
        .ends_with('Z'));
    let slack = by("slack");
    assert_eq!(slack.body["text"], "Survival crashed");
    assert_eq!(slack.body["blocks"][0]["type"], "header");
    let hook = by("hook");
    assert_eq!(hook.body["kind"], "crash");
    assert_eq!(hook.body["server"], RUNNING);
    assert!(
        verify(&hook),
        "the webhook's signature verifies with its secret"
    );
    assert_eq!(
        hook.headers["idempotency-key"],
        hook.body["id"].as_str().expect("id")
    );
    // Nothing more arrives: one crash, one delivery per target.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(receiver.seen().len(), 3);
    let audit = harness.audit(20).await;
    assert_eq!(
        audit
            .iter()
            .filter(|entry| entry.action == ptero_origin::store::AuditAction::AlertDelivered)
            .count(),
        3
    );
    // The URLs are secrets: not in the log.
    let logs = String::from_utf8_lossy(&logs().lock().expect("logs")).into_owned();
    assert!(!logs.contains("/hooks/"), "a webhook URL reached the log");
    harness.stop().await;
}

/// How long the receiver is down in the retry test.
const OUTAGE: Duration = Duration::from_secs(120);

#[tokio::test]
async fn a_receiver_down_for_two_minutes_gets_the_alert_once_after_it_returns() {
    let (receiver, addr) = start_receiver().await;
    receiver.set_down(true);
    let harness = alert_harness(addr).await;
    crash_now(&harness).await;
    tokio::time::sleep(OUTAGE).await;
    assert!(receiver.seen().is_empty());
    let pending = harness
        .origin
        .state()
        .store
        .pending_deliveries(10)
        .await
        .expect("outbox");
    assert_eq!(
        pending.len(),
        3,
        "every target's delivery waits in the outbox"
    );
    assert!(
        pending.iter().all(|delivery| delivery.attempts >= 3),
        "{pending:?}"
    );
    receiver.set_down(false);
    let back = Instant::now();
    let seen = wait_for(&receiver, 3, Duration::from_secs(40)).await;
    println!(
        "after a {OUTAGE:?} outage the alerts arrived {:?} after the receiver came back",
        back.elapsed()
    );
    assert_eq!(seen.len(), 3);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(receiver.seen().len(), 3, "each once");
    harness.stop().await;
}

#[tokio::test]
async fn a_restart_loses_no_queued_alert() {
    let (receiver, addr) = start_receiver().await;
    receiver.set_down(true);
    let harness = alert_harness(addr).await;
    crash_now(&harness).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let harness = harness.restart().await;
    receiver.set_down(false);
    let seen = wait_for(&receiver, 3, Duration::from_secs(40)).await;
    assert_eq!(
        seen.len(),
        3,
        "the alerts queued before the restart arrived"
    );
    harness.stop().await;
}

#[tokio::test]
async fn alerts_test_sends_a_sample_of_every_kind_to_every_target() {
    let (receiver, addr) = start_receiver().await;
    let harness = alert_harness(addr).await;
    let mut out = Vec::new();
    let code = ptero_origin::alerts::cli::test(&harness.config_path, &mut out).await;
    let report = String::from_utf8_lossy(&out).into_owned();
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{report}");
    let kinds = ptero_api::alerts::AlertKind::ALL.len();
    assert_eq!(receiver.seen().len(), 3 * kinds, "{report}");
    assert!(report.contains("discord: crash sent"), "{report}");
    assert!(receiver
        .seen()
        .iter()
        .filter(|r| r.endpoint == "hook")
        .all(verify));
    receiver.set_down(true);
    let mut out = Vec::new();
    let code = ptero_origin::alerts::cli::test(&harness.config_path, &mut out).await;
    let report = String::from_utf8_lossy(&out).into_owned();
    assert_eq!(code, std::process::ExitCode::FAILURE);
    assert!(
        report.contains("FAILED: the endpoint answered 503"),
        "{report}"
    );
    harness.stop().await;
}

#[tokio::test]
async fn a_stop_asked_for_through_a_card_is_no_crash() {
    let (receiver, addr) = start_receiver().await;
    let harness = alert_harness(addr).await;
    wait_until_watched(&harness).await;
    let grant = harness.session(&[RUNNING], &["stop"]).await;
    let stop = harness
        .post(
            &format!("/v1/servers/{RUNNING}/power"),
            &grant.session,
            serde_json::json!({"signal": "stop"}),
        )
        .send()
        .await
        .expect("power");
    assert_eq!(stop.status(), 204);
    let deadline = Instant::now() + Duration::from_secs(10);
    while harness.sandbox.power_state(RUNNING) != Some(PowerState::Offline) {
        assert!(Instant::now() < deadline, "the server did not stop");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(receiver.seen().is_empty(), "{:?}", receiver.seen());
    harness.stop().await;
}

#[tokio::test]
async fn viewers_of_a_crashed_server_get_one_alert_event_and_its_recovery() {
    // No rule, no target: viewers are told whatever the rules say.
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    wait_until_watched(&harness).await;
    let started = Instant::now();
    assert!(
        harness.sandbox.crash(RUNNING),
        "the sandbox crashed the server"
    );
    let alert = events
        .until(Duration::from_secs(5), |event| {
            matches!(event, ptero_api::origin::StreamEvent::Alert { .. })
        })
        .await
        .expect("an alert event within 5 s");
    println!("a crash reached a viewer in {:?}", started.elapsed());
    let ptero_api::origin::StreamEvent::Alert {
        server,
        kind,
        at_ms,
        ..
    } = alert
    else {
        unreachable!()
    };
    assert_eq!(server, RUNNING);
    assert_eq!(kind, ptero_api::alerts::AlertKind::Crash);
    assert!(at_ms > 1_700_000_000_000, "unix ms: {at_ms}");
    // Started again through the origin: the recovery, and no second crash alert.
    let start = harness
        .post(
            &format!("/v1/servers/{RUNNING}/power"),
            &grant.session,
            serde_json::json!({"signal": "start"}),
        )
        .send()
        .await
        .expect("power");
    assert_eq!(start.status(), 204);
    let next = events
        .until(Duration::from_secs(10), |event| {
            matches!(event, ptero_api::origin::StreamEvent::Alert { .. })
        })
        .await
        .expect("the recovery");
    assert!(
        matches!(
            next,
            ptero_api::origin::StreamEvent::Alert {
                kind: ptero_api::alerts::AlertKind::Recovered,
                ..
            }
        ),
        "{next:?}"
    );
    harness.stop().await;
}
