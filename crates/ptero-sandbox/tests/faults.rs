//! Fault injection and request counters, from Rust and over `/__sandbox`.

mod common;

use std::time::{Duration, Instant};

use common::*;
use ptero_sandbox::seed::{keys, servers};
use ptero_sandbox::FaultSet;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn daemon_down_answers_504_on_wings_backed_endpoints() {
    let sandbox = start().await;
    sandbox.faults().update(|faults| faults.daemon_down = true);
    let resources = get(
        &sandbox,
        &server_path(servers::RUNNING, "/resources"),
        keys::ALICE,
    )
    .await;
    assert_eq!(resources.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(
        resources.error(),
        ("DaemonConnectionException".into(), "504".into())
    );
    let power = post(
        &sandbox,
        &server_path(servers::RUNNING, "/power"),
        keys::ALICE,
        json!({"signal": "stop"}),
    )
    .await;
    assert_eq!(power.status, StatusCode::GATEWAY_TIMEOUT);
    // The panel's own data still answers.
    assert_eq!(
        get(&sandbox, &server_path(servers::RUNNING, ""), keys::ALICE)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn server_errors_latency_and_path_scoping() {
    let sandbox = start().await;
    sandbox.faults().set(FaultSet {
        server_error: true,
        latency_ms: 150,
        path_prefix: Some("/api/client/account".into()),
        ..FaultSet::default()
    });
    let started = Instant::now();
    let failed = get(&sandbox, "/api/client/account", keys::ALICE).await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(failed.error().1, "500");
    assert_eq!(
        get(&sandbox, "/api/client", keys::ALICE).await.status,
        StatusCode::OK
    );
    sandbox.faults().clear();
    assert_eq!(
        get(&sandbox, "/api/client/account", keys::ALICE)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn malformed_json_and_slow_bodies() {
    let sandbox = start().await;
    sandbox
        .faults()
        .update(|faults| faults.malformed_json = true);
    let broken = get(&sandbox, "/api/client/account", keys::ALICE).await;
    assert_eq!(broken.status, StatusCode::OK);
    assert!(serde_json::from_str::<serde_json::Value>(&broken.text).is_err());
    sandbox.faults().set(FaultSet {
        slow_body_ms: 20,
        ..FaultSet::default()
    });
    let started = Instant::now();
    let slow = get(&sandbox, "/api/client/account", keys::ALICE).await;
    assert!(slow.json.is_object());
    assert!(started.elapsed() >= Duration::from_millis(100));
}

#[tokio::test]
async fn stuck_requests_never_answer() {
    let sandbox = start().await;
    sandbox.faults().update(|faults| faults.stuck = true);
    let attempt = tokio::time::timeout(
        Duration::from_millis(300),
        get(&sandbox, "/api/client/account", keys::ALICE),
    )
    .await;
    assert!(attempt.is_err());
}

#[tokio::test]
async fn faults_switch_over_http_too() {
    let sandbox = start().await;
    let url = format!("{}/__sandbox/faults", sandbox.panel_url());
    let set = http()
        .put(&url)
        .json(&json!({"daemon_down": true}))
        .send()
        .await
        .expect("answered");
    assert_eq!(set.status(), StatusCode::OK);
    assert!(sandbox.faults().get().daemon_down);
    let bad = http()
        .put(&url)
        .json(&json!({"no_such_fault": true}))
        .send()
        .await
        .expect("answered");
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let cleared = http().delete(&url).send().await.expect("answered");
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    assert_eq!(sandbox.faults().get(), FaultSet::default());
}

/// A browser test on an origin the panel's CORS allows can switch faults itself; other
/// origins get no CORS headers.
#[tokio::test]
async fn control_endpoints_answer_cors_for_the_allowed_origins() {
    let sandbox =
        start_with(|config| config.cors_origins = vec!["http://127.0.0.1:9999".into()]).await;
    let url = format!("{}/__sandbox/faults", sandbox.panel_url());
    let preflight = |origin: &'static str| {
        http()
            .request(reqwest::Method::OPTIONS, &url)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "PUT")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
    };
    let allowed = preflight("http://127.0.0.1:9999").await.expect("answered");
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("http://127.0.0.1:9999")
    );
    let other = preflight("http://127.0.0.1:9998").await.expect("answered");
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn request_counters_per_route_and_server() {
    let sandbox = start().await;
    for _ in 0..3 {
        get(
            &sandbox,
            &server_path(servers::RUNNING, "/resources"),
            keys::ALICE,
        )
        .await;
    }
    get(
        &sandbox,
        &server_path(servers::RUNNING_UUID, "/resources"),
        keys::ALICE,
    )
    .await;
    get(
        &sandbox,
        &server_path(servers::SHARED, "/resources"),
        keys::BOB,
    )
    .await;
    assert_eq!(
        sandbox.request_count(&server_path(servers::RUNNING, "/resources")),
        4
    );
    assert_eq!(sandbox.request_count("/api/client/servers/"), 5);
    let listed = http()
        .get(format!("{}/__sandbox/requests", sandbox.panel_url()))
        .send()
        .await
        .expect("answered")
        .json::<serde_json::Value>()
        .await
        .expect("json");
    let entry = listed
        .as_array()
        .and_then(|list| list.iter().find(|e| e["server"] == servers::RUNNING))
        .cloned()
        .unwrap_or_default();
    assert_eq!(entry["route"], "/api/client/servers/{server}/resources");
    assert_eq!(entry["count"], 4);
    sandbox.reset_requests();
    assert_eq!(sandbox.request_count("/api/client"), 0);
}

#[test]
fn help_documents_how_to_run_standalone() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ptero-sandbox"))
        .arg("--help")
        .output()
        .expect("the binary runs");
    let help = String::from_utf8_lossy(&output.stdout);
    for option in [
        "--listen",
        "--seed",
        "--power-delay-ms",
        "--token-lifetime-secs",
        "--cors-origin",
        "--node-allowed-origin",
        "/__sandbox/faults",
    ] {
        assert!(help.contains(option), "--help mentions {option}");
    }
}

#[tokio::test]
async fn control_endpoints_crash_servers_and_list_nodes_and_audit() {
    let sandbox = start().await;
    let base = sandbox.panel_url();
    let crash = http()
        .post(format!(
            "{base}/__sandbox/servers/{}/crash",
            servers::RUNNING
        ))
        .send()
        .await
        .expect("answered");
    assert_eq!(crash.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        sandbox.power_state(servers::RUNNING),
        Some(ptero_api::PowerState::Offline)
    );
    let unknown = http()
        .post(format!("{base}/__sandbox/servers/deadbeef/crash"))
        .send()
        .await
        .expect("answered");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let nodes: serde_json::Value = http()
        .get(format!("{base}/__sandbox/nodes"))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    let urls: Vec<_> = nodes
        .as_array()
        .map(|list| list.iter().map(|node| node["url"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(urls.len(), 3);
    assert_eq!(
        urls,
        sandbox
            .node_urls()
            .into_iter()
            .map(serde_json::Value::from)
            .collect::<Vec<_>>()
    );
    let audit = http()
        .get(format!("{base}/__sandbox/audit"))
        .send()
        .await
        .expect("answered");
    assert_eq!(
        audit.json::<serde_json::Value>().await.ok(),
        Some(json!([]))
    );
}

#[tokio::test]
async fn a_missing_pteroca_addon_answers_404_on_its_version() {
    let sandbox = start().await;
    let path = "/api/application/pteroca/version";
    assert_eq!(
        get(&sandbox, path, keys::APPLICATION).await.status,
        StatusCode::OK
    );
    sandbox
        .faults()
        .update(|faults| faults.pteroca_missing = true);
    let missing = get(&sandbox, path, keys::APPLICATION).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    sandbox.faults().clear();
    assert_eq!(
        get(&sandbox, path, keys::APPLICATION).await.status,
        StatusCode::OK
    );
}
