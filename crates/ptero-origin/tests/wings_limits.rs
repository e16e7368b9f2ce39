//! The origin against Pterodactyl 1.12's and Pelican's websocket limits (the sandbox's
//! default flavour): many viewers share one socket and one token; a spent token budget,
//! the 31st socket, a suspension (4409) and `throttled` each get a notice and a back-off,
//! never a reconnect storm; commands over Wings' 4 KiB frame are refused before they go.

mod common;

use std::time::{Duration, Instant};

use common::*;
use ptero_api::origin::StreamEvent;
use ptero_api::Flavor;
use ptero_sandbox::seed::{keys, servers::RUNNING};
use ptero_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

fn token_requests(sandbox: &Sandbox) -> u64 {
    sandbox.request_count(&format!("/api/client/servers/{RUNNING}/websocket"))
}

/// Waits for a console line of the origin's own containing `words`.
async fn notice(events: &mut Events, words: &str, wait: Duration) -> Option<String> {
    match events
        .until(wait, |event| {
            matches!(event, StreamEvent::Console { line, .. } if line.contains("[ptero-origin]") && line.contains(words))
        })
        .await
    {
        Some(StreamEvent::Console { line, .. }) => Some(line),
        _ => None,
    }
}

/// Waits for any console line from the server.
async fn a_line(events: &mut Events, wait: Duration) -> bool {
    events
        .until(wait, |event| {
            matches!(event, StreamEvent::Console { line, .. } if !line.contains("[ptero-origin]"))
        })
        .await
        .is_some()
}

/// Uses up the panel's five tokens a minute for RUNNING.
async fn spend_the_token_budget(harness: &Harness) {
    let url = format!(
        "{}/api/client/servers/{RUNNING}/websocket",
        harness.sandbox.panel_url()
    );
    for _ in 0..5 {
        let answer = harness
            .http
            .get(&url)
            .bearer_auth(harness.sandbox.key(keys::ALICE))
            .header("accept", "application/json")
            .send()
            .await
            .expect("token");
        assert_eq!(answer.status(), 200);
    }
}

/// Forty console viewers of one server through the origin: one Wings socket, one token;
/// sockets that drop are reopened with the token already held, not a new one each.
#[tokio::test]
async fn forty_viewers_hold_one_socket_and_reconnects_reuse_the_token() {
    let harness = Harness::start().await;
    assert_eq!(harness.sandbox.flavor(), Flavor::Pterodactyl112);
    harness.sandbox.reset_requests();
    let grant = harness.session(&[RUNNING], &["console"]).await;
    let mut viewers = Vec::new();
    for _ in 0..40 {
        viewers.push(harness.stream(&grant.session, RUNNING).await);
    }
    for viewer in &mut viewers {
        assert!(
            a_line(viewer, Duration::from_secs(10)).await,
            "a console line"
        );
    }
    assert_eq!(harness.sandbox.open_sockets(RUNNING), 1);
    // Wings drops every socket three times; the relay comes back each time.
    for _ in 0..3 {
        harness
            .sandbox
            .faults()
            .update(|faults| faults.drop_websockets = true);
        tokio::time::sleep(Duration::from_millis(200)).await;
        harness.sandbox.faults().clear();
        let deadline = Instant::now() + Duration::from_secs(10);
        while harness.sandbox.open_sockets(RUNNING) != 1 {
            assert!(Instant::now() < deadline, "the socket is reopened");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let tokens = token_requests(&harness.sandbox);
    println!(
        "40 viewers through the origin (1.12): {} Wings socket(s), {tokens} token request(s) after 3 reconnects",
        harness.sandbox.open_sockets(RUNNING)
    );
    assert_eq!(tokens, 1, "one token, reused by every reconnect");
    harness.stop().await;
}

#[tokio::test]
async fn a_spent_token_budget_is_waited_out_with_a_notice_not_a_storm() {
    let harness = Harness::start().await;
    spend_the_token_budget(&harness).await;
    harness.sandbox.reset_requests();
    let grant = harness.session(&[RUNNING], &["console"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    let line = notice(&mut events, "tokens a minute", Duration::from_secs(5)).await;
    assert!(line.is_some(), "viewers are told the token budget is spent");
    assert!(
        line.unwrap_or_default().contains("retrying in"),
        "and when it is tried again"
    );
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        token_requests(&harness.sandbox),
        1,
        "one try, then the budget's window is waited out"
    );
    harness.stop().await;
}

#[tokio::test]
async fn the_31st_socket_refusal_is_waited_out_with_a_notice() {
    let harness = Harness::with(Options {
        sandbox: SandboxConfig {
            websocket_tokens_per_minute: None,
            ..SandboxConfig::fast()
        },
        ..Options::default()
    })
    .await;
    // Thirty other clients already hold a socket each (no token is needed to open one).
    let socket = format!(
        "{}/api/servers/{}/ws",
        harness.sandbox.node_urls()[0].replace("http://", "ws://"),
        ptero_sandbox::seed::servers::RUNNING_UUID
    );
    let mut others = Vec::new();
    for _ in 0..30 {
        let mut request = socket.as_str().into_client_request().expect("request");
        request.headers_mut().insert(
            "origin",
            harness.sandbox.panel_url().parse().expect("origin"),
        );
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("a socket");
        others.push(socket);
    }
    harness.sandbox.reset_requests();
    let grant = harness.session(&[RUNNING], &["console"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    let line = notice(&mut events, "30 live connections", Duration::from_secs(5)).await;
    assert!(
        line.is_some(),
        "viewers are told Wings' socket cap is reached"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        token_requests(&harness.sandbox),
        1,
        "no retry within a minute"
    );
    drop(others);
    harness.stop().await;
}

#[tokio::test]
async fn a_suspension_closes_the_relay_with_4409_and_it_waits() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["console"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    assert!(a_line(&mut events, Duration::from_secs(10)).await);
    harness.sandbox.reset_requests();
    let suspended = harness
        .http
        .post(format!(
            "{}/api/application/servers/1/suspend",
            harness.sandbox.panel_url()
        ))
        .bearer_auth(harness.sandbox.key(keys::APPLICATION))
        .header("accept", "application/json")
        .send()
        .await
        .expect("suspend");
    assert_eq!(suspended.status(), 204);
    let line = notice(&mut events, "suspended", Duration::from_secs(5)).await;
    assert!(line.is_some(), "viewers are told the server is suspended");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(harness.sandbox.open_sockets(RUNNING), 0);
    assert_eq!(
        token_requests(&harness.sandbox),
        0,
        "no reconnect to a suspended server"
    );
    harness.stop().await;
}

/// Renewals faster than Wings' `auth` bucket (2, then one per 5 s): Wings says
/// `throttled`, and the relay sends the renewal again once the bucket has refilled, on
/// the same socket.
#[tokio::test]
async fn a_throttled_renewal_is_sent_again_on_the_same_socket() {
    let harness = Harness::with(Options {
        token_interval_ms: 200,
        sandbox: SandboxConfig {
            websocket_tokens_per_minute: None,
            // Tokens are always `expiring`: a renewal every check.
            ws_token_lifetime: Duration::from_secs(30),
            ..SandboxConfig::fast()
        },
        ..Options::default()
    })
    .await;
    let grant = harness.session(&[RUNNING], &["console"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    assert!(a_line(&mut events, Duration::from_secs(10)).await);
    let said = || {
        String::from_utf8_lossy(&logs().lock().expect("logs")).contains("Wings throttled a message")
    };
    let deadline = Instant::now() + Duration::from_secs(8);
    while !said() {
        assert!(Instant::now() < deadline, "Wings throttles the renewals");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The relay keeps its one socket and its console.
    assert_eq!(harness.sandbox.open_sockets(RUNNING), 1);
    assert!(a_line(&mut events, Duration::from_secs(10)).await);
    harness.stop().await;
}

#[tokio::test]
async fn a_command_over_wings_frame_limit_is_refused_before_it_is_sent() {
    let harness = Harness::with(Options {
        limits: "command_chars = 4096".into(),
        ..Options::default()
    })
    .await;
    harness.sandbox.reset_requests();
    let grant = harness.session(&[RUNNING], &["console"]).await;
    // 2,100 quotes: within command_chars, but each is two bytes in the frame.
    let command = format!("say {}", "\"".repeat(2100));
    let refused = harness
        .post(
            &format!("/v1/servers/{RUNNING}/command"),
            &grant.session,
            json!({ "command": command }),
        )
        .send()
        .await
        .expect("command");
    assert_eq!(refused.status(), 400);
    let body: serde_json::Value = refused.json().await.expect("json");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("too long"), "{message}");
    assert!(message.contains("4096"), "{message}");
    assert_eq!(
        harness
            .sandbox
            .request_count(&format!("/api/client/servers/{RUNNING}/command")),
        0,
        "nothing was sent"
    );
    harness.stop().await;
}

/// The same stack against Pelican (pacc_/papp_ keys, scoped tokens) and 1.11.
#[tokio::test]
async fn the_console_relays_on_pelican_and_on_1_11() {
    for flavor in [Flavor::Pelican, Flavor::Pterodactyl111] {
        let harness = Harness::with(Options {
            sandbox: SandboxConfig::fast_flavored(flavor),
            ..Options::default()
        })
        .await;
        let grant = harness.session(&[RUNNING], &["console"]).await;
        let mut events = harness.stream(&grant.session, RUNNING).await;
        assert!(
            a_line(&mut events, Duration::from_secs(10)).await,
            "{flavor}: console lines"
        );
        harness.stop().await;
    }
}

/// The last viewer leaves and another comes within the minute: the socket is opened
/// again with the token held, not a new one.
#[tokio::test]
async fn a_viewer_back_within_the_minute_reuses_the_token() {
    let harness = Harness::start().await;
    harness.sandbox.reset_requests();
    let grant = harness.session(&[RUNNING], &["console"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    assert!(a_line(&mut events, Duration::from_secs(10)).await);
    drop(events);
    let deadline = Instant::now() + Duration::from_secs(5);
    while harness.sandbox.open_sockets(RUNNING) != 0 {
        assert!(
            Instant::now() < deadline,
            "the socket closes with the last viewer"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut again = harness.stream(&grant.session, RUNNING).await;
    assert!(a_line(&mut again, Duration::from_secs(10)).await);
    assert_eq!(token_requests(&harness.sandbox), 1);
    harness.stop().await;
}
