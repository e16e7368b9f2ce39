//! The server page against Pterodactyl 1.12's websocket limits (the limited sandbox,
//! `PTERO_TEST_SANDBOX_LIMITED`): a spent token budget, the 31st socket and a suspension
//! each take the link down with the reason while the page polls, and the next try waits
//! as long as the problem needs (no reconnect storm); `throttled` shows in the console;
//! a command over Wings' 4 KiB frame is refused before it is sent. Each test has a
//! benchmark server of its own, so their limits do not meet.
#![cfg(target_arch = "wasm32")]

mod common;

use std::time::Duration;

use common::*;
use ptero_web::api::{Credentials, Persistence};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn link(root: &Element) -> String {
    attr(root, ".link-status", "data-link").unwrap_or_default()
}

fn problem(root: &Element) -> String {
    attr(root, ".link-status", "data-problem").unwrap_or_default()
}

fn describe(root: &Element) -> String {
    format!(
        "link {:?} ({:?}): {:?}",
        link(root),
        problem(root),
        text(root, ".link-status")
    )
}

fn sign_in_on_the_limited_sandbox() {
    credentials(sandbox_limited(), keys::ALICE).save(Persistence::Session);
}

/// Requests the limited sandbox's panel got whose path starts with `prefix`.
async fn requests(prefix: &str) -> u64 {
    let url = format!("{}/__sandbox/requests", sandbox_limited());
    let (_, body) = fetch_text("GET", &url, &[]).await;
    let counts: Vec<serde_json::Value> = serde_json::from_str(&body).expect("JSON counts");
    counts
        .iter()
        .filter(|count| {
            count["path"]
                .as_str()
                .is_some_and(|path| path.starts_with(prefix))
        })
        .filter_map(|count| count["count"].as_u64())
        .sum()
}

fn token_path(server: &str) -> String {
    format!("/api/client/servers/{server}/websocket")
}

/// A websocket token for `server`, asked for by the test itself.
async fn token(server: &str) -> ptero_api::WebsocketCredentials {
    client(sandbox_limited(), keys::ALICE)
        .websocket(server)
        .await
        .expect("a token")
}

async fn open_page(server: &str) -> (Element, impl Drop) {
    sign_in_on_the_limited_sandbox();
    let (root, app) = mount_app(&format!("/server/{server}"));
    (root.into(), app)
}

async fn until_live(root: &Element) {
    wait_until(
        "the socket to be live",
        || link(root) == "live" && enabled(root, "#console-command"),
        || describe(root),
    )
    .await;
}

/// The page's polled numbers are on screen (the CPU meter has a value).
fn shows_polled_data(root: &Element) -> bool {
    text(root, ".server-page").is_some_and(|text| text.contains('%'))
}

#[wasm_bindgen_test]
async fn a_spent_token_budget_takes_the_link_down_with_the_reason_and_the_page_polls() {
    let server = servers::bench(1);
    for _ in 0..5 {
        token(&server).await;
    }
    let before = requests(&token_path(&server)).await;
    let (root, _app) = open_page(&server).await;
    wait_until(
        "the link to go down for the spent budget",
        || problem(&root) == "tokens-rate-limited",
        || describe(&root),
    )
    .await;
    let reason = text(&root, ".link-status").unwrap_or_default();
    assert!(
        reason.contains("5 live-connection tokens a minute"),
        "{reason}"
    );
    assert!(reason.contains("Showing polled data"), "{reason}");
    wait_until(
        "polled numbers",
        || shows_polled_data(&root),
        || describe(&root),
    )
    .await;
    ptero_web::live::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        requests(&token_path(&server)).await - before,
        1,
        "one try, then the token window is waited out"
    );
    Credentials::forget();
}

#[wasm_bindgen_test]
async fn the_31st_socket_is_refused_with_the_reason_and_retried_late() {
    let server = servers::bench(2);
    let grant = token(&server).await;
    let mut others = Vec::new();
    for _ in 0..30 {
        let socket = web_sys::WebSocket::new(&grant.socket).expect("a socket");
        others.push(socket);
    }
    wait_until(
        "thirty sockets open",
        || {
            others
                .iter()
                .all(|s| s.ready_state() == web_sys::WebSocket::OPEN)
        },
        || "some are still connecting".to_owned(),
    )
    .await;
    let before = requests(&token_path(&server)).await;
    let (root, _app) = open_page(&server).await;
    wait_until(
        "the link to go down for the refused socket",
        || link(&root) == "down",
        || describe(&root),
    )
    .await;
    let reason = text(&root, ".link-status").unwrap_or_default();
    assert!(reason.contains("30 connections per server"), "{reason}");
    ptero_web::live::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        requests(&token_path(&server)).await - before,
        1,
        "a refused socket is not retried within seconds"
    );
    for socket in others {
        let _ = socket.close();
    }
    Credentials::forget();
}

#[wasm_bindgen_test]
async fn a_suspension_closes_the_link_with_the_reason_and_no_reconnect() {
    let server = servers::bench(3);
    let (root, _app) = open_page(&server).await;
    until_live(&root).await;
    let before = requests(&token_path(&server)).await;
    // Bench 003 is the 11th server.
    let url = format!("{}/api/application/servers/11/suspend", sandbox_limited());
    let bearer = format!("Bearer {}", keys::APPLICATION);
    let (status, _) = fetch_text(
        "POST",
        &url,
        &[("Authorization", &bearer), ("Accept", "application/json")],
    )
    .await;
    assert_eq!(status, 204);
    wait_until(
        "the link to go down for the suspension",
        || problem(&root) == "suspended",
        || describe(&root),
    )
    .await;
    let reason = text(&root, ".link-status").unwrap_or_default();
    assert!(reason.contains("suspended"), "{reason}");
    ptero_web::live::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        requests(&token_path(&server)).await - before,
        0,
        "no reconnect to a suspended server"
    );
    Credentials::forget();
}

#[wasm_bindgen_test]
async fn throttled_commands_are_said_in_the_console() {
    let server = servers::bench(4);
    let (root, _app) = open_page(&server).await;
    until_live(&root).await;
    for n in 0..14 {
        fill(&root, "#console-command", &format!("say burst-{n}"));
        click(&root, ".term-input button[type=submit]");
    }
    wait_until(
        "the console to say Wings throttled",
        || text(&root, ".term-pane").is_some_and(|t| t.contains("Wings is throttling")),
        || describe(&root),
    )
    .await;
    assert_eq!(link(&root), "live", "throttling is not a reason to drop");
    Credentials::forget();
}

#[wasm_bindgen_test]
async fn a_command_over_4_kib_is_refused_before_it_is_sent() {
    let server = servers::bench(5);
    let (root, _app) = open_page(&server).await;
    until_live(&root).await;
    fill(
        &root,
        "#console-command",
        &format!("say {}", "x".repeat(4100)),
    );
    click(&root, ".term-input button[type=submit]");
    settle().await;
    let refusal = text(&root, ".terminal .error").unwrap_or_default();
    assert!(refusal.contains("too long"), "{refusal}");
    ptero_web::live::sleep(Duration::from_millis(800)).await;
    assert_eq!(link(&root), "live", "{}", describe(&root));
    Credentials::forget();
}
