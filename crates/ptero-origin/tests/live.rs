//! The live feed comes from Wings (#14): with the panel's `/resources` cached for 20 s
//! (the sandbox's default, as the panel), a stats frame and a power change reach viewers
//! within a second or two; a dropped socket is reopened with back-off while viewers get a
//! marked gap (a `link` event with the reason, polled numbers in between), not silence.

mod common;

use std::time::{Duration, Instant};

use common::*;
use ptero_api::origin::StreamEvent;
use ptero_api::{Inbound, PowerState};
use ptero_sandbox::seed::servers::{OFFLINE, RUNNING};
use ptero_sandbox::SandboxConfig;
use serde_json::json;

/// The panel's timings where they matter here: `/resources` cached 20 s, stats every
/// second; power transitions stay short.
fn panel_timings() -> SandboxConfig {
    SandboxConfig {
        power_delay: Duration::from_millis(300),
        ..SandboxConfig::default()
    }
}

#[tokio::test]
async fn a_stats_frame_reaches_a_viewer_within_two_seconds_despite_the_panels_cache() {
    let harness = Harness::with(Options {
        poll_interval_ms: 1000,
        sandbox: panel_timings(),
        ..Options::default()
    })
    .await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    let live = events
        .until(Duration::from_secs(10), |event| {
            matches!(event, StreamEvent::Link { live: true, .. })
        })
        .await;
    assert!(live.is_some(), "the stream says it is live");
    let mut emitted = harness.sandbox.events(RUNNING).expect("a server");
    let mut latencies = Vec::new();
    while latencies.len() < 5 {
        let frame = tokio::time::timeout(Duration::from_secs(3), emitted.recv())
            .await
            .expect("Wings emits stats")
            .expect("an event");
        let Inbound::Stats(stats) = frame else {
            continue;
        };
        let sent = Instant::now();
        let memory = stats.memory_bytes;
        let arrived = events
            .until(Duration::from_secs(5), |event| {
                matches!(event, StreamEvent::Resources { resources, .. } if resources.memory_bytes == memory)
            })
            .await;
        assert!(arrived.is_some(), "the frame's numbers reach the viewer");
        latencies.push(sent.elapsed());
    }
    let worst = latencies.iter().max().copied().unwrap_or_default();
    println!("stats frame → viewer: {latencies:?}");
    assert!(worst <= Duration::from_secs(2), "worst {worst:?}");
    harness.stop().await;
}

#[tokio::test]
async fn a_power_change_reaches_a_viewer_within_a_second() {
    let harness = Harness::with(Options {
        poll_interval_ms: 1000,
        sandbox: panel_timings(),
        ..Options::default()
    })
    .await;
    let grant = harness.session(&[OFFLINE], &["start"]).await;
    let mut events = harness.stream(&grant.session, OFFLINE).await;
    let live = events
        .until(Duration::from_secs(10), |event| {
            matches!(event, StreamEvent::Link { live: true, .. })
        })
        .await;
    assert!(live.is_some(), "the stream says it is live");
    let asked = Instant::now();
    let started = harness
        .post(
            &format!("/v1/servers/{OFFLINE}/power"),
            &grant.session,
            json!({ "signal": "start" }),
        )
        .send()
        .await
        .expect("power");
    assert_eq!(started.status(), 204);
    let starting = events
        .until(Duration::from_secs(5), |event| {
            matches!(
                event,
                StreamEvent::State {
                    state: PowerState::Starting,
                    ..
                }
            )
        })
        .await;
    let took = asked.elapsed();
    println!("power change → viewer: {took:?}");
    assert!(starting.is_some(), "the viewer sees the server start");
    assert!(took <= Duration::from_secs(1), "{took:?}");
    harness.stop().await;
}

#[tokio::test]
async fn a_dropped_socket_is_reopened_with_back_off_and_viewers_get_a_marked_gap() {
    let harness = Harness::with(Options {
        poll_interval_ms: 300,
        ..Options::default()
    })
    .await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    let live = events
        .until(Duration::from_secs(10), |event| {
            matches!(event, StreamEvent::Link { live: true, .. })
        })
        .await;
    assert!(live.is_some(), "live at first");
    let downs = || {
        String::from_utf8_lossy(&logs().lock().expect("logs"))
            .matches("the Wings socket is down")
            .count()
    };
    let before = downs();
    harness
        .sandbox
        .faults()
        .update(|faults| faults.drop_websockets = true);
    let gap = events
        .until(Duration::from_secs(5), |event| {
            matches!(
                event,
                StreamEvent::Link {
                    live: false,
                    reason: Some(_),
                    ..
                }
            )
        })
        .await;
    let Some(StreamEvent::Link {
        reason: Some(reason),
        ..
    }) = gap
    else {
        panic!("viewers are told the feed went down");
    };
    assert!(reason.contains("dropped"), "{reason}");
    assert!(reason.contains("polled"), "{reason}");
    // Polling stands in: numbers keep coming during the gap.
    let polled = events
        .until(Duration::from_secs(3), |event| {
            matches!(
                event,
                StreamEvent::Resources { .. } | StreamEvent::Summary(_)
            )
        })
        .await;
    assert!(polled.is_some(), "polled numbers during the gap");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let attempts = downs() - before;
    assert!(
        attempts <= 4,
        "{attempts} reconnects in 3 s: a back-off, not a storm"
    );
    harness.sandbox.faults().clear();
    let back = events
        .until(Duration::from_secs(10), |event| {
            matches!(event, StreamEvent::Link { live: true, .. })
        })
        .await;
    assert!(back.is_some(), "live again once Wings is");
    harness.stop().await;
}
