//! The three flavours over loopback: what Pterodactyl 1.12 and Pelican do that 1.11 does
//! not (limits, error bodies, status and close codes, key prefixes, token claims), and
//! that 1.11 still does none of it.

mod common;

use std::time::Duration;

use common::socket::*;
use common::*;
use futures_util::{SinkExt, StreamExt};
use ptero_api::flavor::TOO_MANY_SOCKETS;
use ptero_api::{Flavor, Inbound, Outbound};
use ptero_sandbox::seed::{keys, servers};
use ptero_sandbox::{Sandbox, SandboxConfig};
use reqwest::StatusCode;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

async fn flavored(flavor: Flavor) -> Sandbox {
    Sandbox::start(SandboxConfig::fast_flavored(flavor))
        .await
        .expect("the sandbox starts")
}

/// The claims of a websocket token, read without checking its signature.
fn claims(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64url(payload);
    serde_json::from_slice(&bytes).expect("JSON claims")
}

fn base64url(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        _ => 63,
    };
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        bits = (bits << 6) | u32::from(value(c));
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

/// The close frame a socket ends with (within two seconds).
async fn close_code(socket: &mut Socket) -> Option<u16> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(2), socket.next())
            .await
            .ok()??;
        match message {
            Ok(Message::Close(Some(frame))) => return Some(u16::from(frame.code)),
            Ok(Message::Close(None)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

#[tokio::test]
async fn the_default_flavour_is_pterodactyl_1_12() {
    let sandbox = start().await;
    assert_eq!(sandbox.flavor(), Flavor::Pterodactyl112);
}

#[tokio::test]
async fn x_frame_options_deny_on_1_12_and_pelican_only() {
    for flavor in Flavor::ALL {
        let sandbox = flavored(flavor).await;
        let answer = get(&sandbox, "/api/client", &sandbox.key(keys::ALICE)).await;
        assert_eq!(answer.status, StatusCode::OK, "{flavor}");
        let expected = (flavor != Flavor::Pterodactyl111).then(|| "DENY".to_owned());
        assert_eq!(answer.header("x-frame-options"), expected, "{flavor}");
        // Error answers too: the panel cannot be framed at all.
        let refused = get(&sandbox, "/api/client", "ptlc_nope").await;
        assert_eq!(
            refused.header("x-frame-options").is_some(),
            flavor != Flavor::Pterodactyl111
        );
    }
}

#[tokio::test]
async fn the_client_rate_limit_follows_the_flavour() {
    for (flavor, limit) in [
        (Flavor::Pterodactyl111, "720"),
        (Flavor::Pterodactyl112, "256"),
        (Flavor::Pelican, "256"),
    ] {
        let sandbox = flavored(flavor).await;
        let answer = get(&sandbox, "/api/client/account", &sandbox.key(keys::ALICE)).await;
        assert_eq!(
            answer.header("x-ratelimit-limit").as_deref(),
            Some(limit),
            "{flavor}"
        );
    }
}

#[tokio::test]
async fn pelican_issues_pacc_and_papp_keys_and_knows_no_ptlc_key() {
    let sandbox = flavored(Flavor::Pelican).await;
    let pacc = sandbox.key(keys::ALICE);
    assert!(pacc.starts_with("pacc_"));
    assert_eq!(
        get(&sandbox, "/api/client", &pacc).await.status,
        StatusCode::OK
    );
    // A Pterodactyl key was never issued by this panel.
    let ptlc = get(&sandbox, "/api/client", keys::ALICE).await;
    assert_eq!(ptlc.status, StatusCode::UNAUTHORIZED);
    // The application key on the client API: Pelican's `RequireClientApiKey`.
    let papp = get(&sandbox, "/api/client", &sandbox.key(keys::APPLICATION)).await;
    assert_eq!(papp.status, StatusCode::FORBIDDEN);
    assert!(
        papp.detail().contains("application API key"),
        "{}",
        papp.text
    );
    let users = get(
        &sandbox,
        "/api/application/users",
        &sandbox.key(keys::APPLICATION),
    )
    .await;
    assert_eq!(users.status, StatusCode::OK, "{}", users.text);
}

#[tokio::test]
async fn tokens_carry_scope_on_1_12_and_pelican_and_pelican_has_its_own_claims() {
    let old = flavored(Flavor::Pterodactyl111).await;
    let grant = token(&old, servers::RUNNING, &old.key(keys::ALICE)).await;
    let claims_111 = claims(&grant.data.token);
    assert!(claims_111.get("scope").is_none());
    assert_eq!(claims_111["jti"].as_str().map(str::len), Some(32));

    let new = flavored(Flavor::Pterodactyl112).await;
    let grant = token(&new, servers::RUNNING, &new.key(keys::ALICE)).await;
    let claims_112 = claims(&grant.data.token);
    assert_eq!(claims_112["scope"], "websocket");
    assert!(claims_112.get("user_id").is_some());

    let pelican = flavored(Flavor::Pelican).await;
    let grant = token(&pelican, servers::RUNNING, &pelican.key(keys::ALICE)).await;
    let claims_pelican = claims(&grant.data.token);
    assert_eq!(claims_pelican["scope"], "websocket");
    assert_eq!(claims_pelican["jti"].as_str().map(str::len), Some(64));
    assert!(claims_pelican.get("user_id").is_none());
}

#[tokio::test]
async fn five_websocket_tokens_per_server_per_minute_shared_by_all_users() {
    let sandbox = start().await;
    for key in [
        keys::ALICE,
        keys::ADMIN,
        keys::ALICE,
        keys::ADMIN,
        keys::ALICE,
    ] {
        token(&sandbox, servers::RUNNING, key).await;
    }
    let sixth = get(
        &sandbox,
        &server_path(servers::RUNNING, "/websocket"),
        keys::ADMIN,
    )
    .await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        sixth.error(),
        ("ThrottleRequestsException".to_owned(), "429".to_owned())
    );
    let retry_after: u64 = sixth
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&retry_after));
    assert_eq!(sixth.header("x-ratelimit-limit").as_deref(), Some("5"));
    // Per server: another server still gets its tokens.
    token(&sandbox, servers::SHARED, keys::ALICE).await;
}

#[tokio::test]
async fn pterodactyl_1_11_hands_out_tokens_without_a_limit() {
    let sandbox = flavored(Flavor::Pterodactyl111).await;
    for _ in 0..8 {
        token(&sandbox, servers::RUNNING, keys::ALICE).await;
    }
}

#[tokio::test]
async fn the_31st_socket_of_a_server_gets_400_too_many_open_websocket_connections() {
    let sandbox = start_with(|config| config.websocket_tokens_per_minute = None).await;
    let grant = token(&sandbox, servers::RUNNING, keys::ALICE).await;
    let mut open = Vec::new();
    for _ in 0..30 {
        open.push(
            connect(&grant.data.socket, Some(&sandbox.panel_url()))
                .await
                .expect("connected"),
        );
    }
    match connect(&grant.data.socket, Some(&sandbox.panel_url())).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 400);
            let body = response.body().clone().unwrap_or_default();
            let json: serde_json::Value = serde_json::from_slice(&body).expect("a JSON body");
            assert_eq!(json["error"], TOO_MANY_SOCKETS);
        }
        other => panic!("expected 400, got {:?}", other.map(|_| ())),
    }
    // Closing one frees a place.
    let mut first = open.remove(0);
    first.close(None).await.expect("closed");
    drop(first);
    assert!(eventually(|| sandbox.open_sockets(servers::RUNNING) < 30).await);
    let mut again = None;
    for _ in 0..50 {
        if let Ok(socket) = connect(&grant.data.socket, Some(&sandbox.panel_url())).await {
            again = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(again.is_some(), "a freed place is reused");
}

#[tokio::test]
async fn pterodactyl_1_11_has_no_socket_cap() {
    let sandbox = flavored(Flavor::Pterodactyl111).await;
    let grant = token(&sandbox, servers::RUNNING, keys::ALICE).await;
    let mut open = Vec::new();
    for _ in 0..31 {
        open.push(
            connect(&grant.data.socket, Some(&sandbox.panel_url()))
                .await
                .expect("connected"),
        );
    }
}

/// The suspended server's socket URL (the panel refuses its token: a client meets this
/// with a socket address it had before the suspension).
fn suspended_socket(sandbox: &Sandbox) -> String {
    let nyc = &sandbox.node_urls()[1];
    format!(
        "{}/api/servers/{}/ws",
        nyc.replace("http://", "ws://"),
        servers::SUSPENDED_UUID
    )
}

#[tokio::test]
async fn a_suspended_servers_socket_closes_at_once_with_4409() {
    for flavor in [Flavor::Pterodactyl112, Flavor::Pelican] {
        let sandbox = flavored(flavor).await;
        let mut socket = connect(&suspended_socket(&sandbox), Some(&sandbox.panel_url()))
            .await
            .expect("the upgrade succeeds");
        assert_eq!(close_code(&mut socket).await, Some(4409), "{flavor}");
    }
    let old = flavored(Flavor::Pterodactyl111).await;
    let mut socket = connect(&suspended_socket(&old), Some(&old.panel_url()))
        .await
        .expect("the upgrade succeeds");
    assert!(
        tokio::time::timeout(Duration::from_millis(300), socket.next())
            .await
            .is_err(),
        "1.11 keeps the socket open"
    );
}

#[tokio::test]
async fn a_frame_over_4096_bytes_closes_the_socket_with_1009() {
    let sandbox = start().await;
    let mut socket = open_authed(&sandbox, servers::RUNNING, keys::ALICE).await;
    let long = Outbound::SendCommand("x".repeat(4100)).encode();
    socket.send(Message::Text(long.into())).await.expect("sent");
    assert_eq!(
        close_code(&mut socket).await,
        Some(u16::from(CloseCode::Size))
    );

    let old = flavored(Flavor::Pterodactyl111).await;
    let mut socket = open_authed(&old, servers::RUNNING, keys::ALICE).await;
    let long = Outbound::SendCommand(format!("say {}", "x".repeat(4100))).encode();
    socket.send(Message::Text(long.into())).await.expect("sent");
    assert!(
        until(
            &mut socket,
            |event| matches!(event, Inbound::ConsoleOutput(line) if line.contains("xxxx"))
        )
        .await
        .is_some(),
        "1.11 reads it"
    );
}

#[tokio::test]
async fn a_third_auth_within_five_seconds_is_throttled_once() {
    let sandbox = start_with(|config| config.websocket_tokens_per_minute = None).await;
    let grant = token(&sandbox, servers::OFFLINE, keys::ALICE).await;
    let mut socket = connect(&grant.data.socket, Some(&sandbox.panel_url()))
        .await
        .expect("connected");
    for _ in 0..4 {
        send(&mut socket, Outbound::Auth(grant.data.token.clone())).await;
    }
    let mut successes = 0;
    let mut throttled = Vec::new();
    while let Some(event) = next(&mut socket).await {
        match event {
            Inbound::AuthSuccess => successes += 1,
            Inbound::Throttled(name) => throttled.push(name),
            _ => {}
        }
    }
    assert_eq!(successes, 2);
    assert_eq!(throttled, ["auth"]);
}

#[tokio::test]
async fn more_than_ten_frames_at_once_are_throttled_globally() {
    let sandbox = start().await;
    let mut socket = open_authed(&sandbox, servers::RUNNING, keys::ALICE).await;
    for _ in 0..14 {
        send(&mut socket, Outbound::SendCommand("list".into())).await;
    }
    assert_eq!(
        until(&mut socket, |event| matches!(event, Inbound::Throttled(_))).await,
        Some(Inbound::Throttled("global".into()))
    );
}

#[tokio::test]
async fn pterodactyl_1_11_throttles_nothing() {
    let sandbox = flavored(Flavor::Pterodactyl111).await;
    let grant = token(&sandbox, servers::OFFLINE, keys::ALICE).await;
    let mut socket = connect(&grant.data.socket, Some(&sandbox.panel_url()))
        .await
        .expect("connected");
    for _ in 0..12 {
        send(&mut socket, Outbound::Auth(grant.data.token.clone())).await;
    }
    let mut successes = 0;
    while let Some(event) = next(&mut socket).await {
        assert!(!matches!(event, Inbound::Throttled(_)), "{event:?}");
        if event == Inbound::AuthSuccess {
            successes += 1;
        }
    }
    assert_eq!(successes, 12);
}

#[tokio::test]
async fn suspending_a_server_closes_its_open_sockets_with_4409_on_1_12_only() {
    for flavor in Flavor::ALL {
        let sandbox = flavored(flavor).await;
        let mut socket = open_authed(&sandbox, servers::RUNNING, &sandbox.key(keys::ALICE)).await;
        let answer = request(
            &sandbox,
            reqwest::Method::POST,
            "/api/application/servers/1/suspend",
            Some(&sandbox.key(keys::APPLICATION)),
            None,
        )
        .await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.text);
        if flavor == Flavor::Pterodactyl111 {
            // 1.11 left the socket open (pterodactyl/panel#5281).
            assert!(next(&mut socket).await.is_some(), "{flavor}");
        } else {
            assert_eq!(close_code(&mut socket).await, Some(4409), "{flavor}");
        }
        let resources = get(
            &sandbox,
            &server_path(servers::RUNNING, "/resources"),
            &sandbox.key(keys::ALICE),
        )
        .await;
        assert_eq!(resources.status, StatusCode::CONFLICT);
    }
}
