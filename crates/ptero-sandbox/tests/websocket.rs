//! The Wings websocket over loopback: origin check, auth, events, power, token expiry.

mod common;

use std::time::Duration;

use common::socket::*;
use common::*;
use futures_util::{SinkExt, StreamExt};
use ptero_api::{Inbound, Outbound, PowerSignal, PowerState};
use ptero_sandbox::seed::{keys, servers};
use reqwest::StatusCode;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn token_answer_points_at_each_nodes_own_listener() {
    let sandbox = start().await;
    let fra = token(&sandbox, servers::RUNNING, keys::ALICE).await;
    let nyc = token(&sandbox, servers::SHARED, keys::ALICE).await;
    assert!(fra
        .data
        .socket
        .ends_with(&format!("/api/servers/{}/ws", servers::RUNNING_UUID)));
    let port = |url: &str| {
        url.split(':')
            .nth(2)
            .and_then(|rest| rest.split('/').next())
            .map(str::to_owned)
    };
    assert_ne!(port(&fra.data.socket), port(&nyc.data.socket));
    assert_eq!(fra.data.token.split('.').count(), 3);
}

#[tokio::test]
async fn websocket_tokens_follow_the_panels_rules() {
    let sandbox = start().await;
    let suspended = get(
        &sandbox,
        &server_path(servers::SUSPENDED, "/websocket"),
        keys::ADMIN,
    )
    .await;
    assert_eq!(suspended.status, StatusCode::CONFLICT);
    let installing = get(
        &sandbox,
        &server_path(servers::INSTALLING, "/websocket"),
        keys::ALICE,
    )
    .await;
    assert_eq!(installing.status, StatusCode::CONFLICT);
    let admin = get(
        &sandbox,
        &server_path(servers::INSTALLING, "/websocket"),
        keys::ADMIN,
    )
    .await;
    assert_eq!(admin.status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_or_missing_origin_is_403_like_wings() {
    let sandbox = start().await;
    let grant = token(&sandbox, servers::RUNNING, keys::ALICE).await;
    for origin in [
        None,
        Some("https://evil.example.com"),
        Some("http://127.0.0.1"),
    ] {
        match connect(&grant.data.socket, origin).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 403);
            }
            other => panic!("expected 403 for {origin:?}, got {:?}", other.map(|_| ())),
        }
    }
    let allowed =
        start_with(|config| config.node_allowed_origins = vec!["https://shop.example.com".into()])
            .await;
    let grant = token(&allowed, servers::RUNNING, keys::ALICE).await;
    assert!(
        connect(&grant.data.socket, Some("https://shop.example.com"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn auth_sends_status_and_stats_strings_while_running() {
    let sandbox = start().await;
    let mut socket = open_authed(&sandbox, servers::RUNNING, keys::ALICE).await;
    assert_eq!(
        next(&mut socket).await,
        Some(Inbound::Status(PowerState::Running))
    );
    let mut uptimes = Vec::new();
    while uptimes.len() < 2 {
        if let Some(Inbound::Stats(stats)) =
            until(&mut socket, |e| matches!(e, Inbound::Stats(_))).await
        {
            assert!(stats.memory_bytes > 0 && stats.memory_limit_bytes >= stats.memory_bytes);
            uptimes.push(stats.uptime);
        }
    }
    assert!(uptimes[1] >= uptimes[0]);
}

#[tokio::test]
async fn offline_server_auth_gets_one_stats_frame() {
    let sandbox = start().await;
    let mut socket = open_authed(&sandbox, servers::OFFLINE, keys::ALICE).await;
    assert_eq!(
        next(&mut socket).await,
        Some(Inbound::Status(PowerState::Offline))
    );
    assert!(
        matches!(next(&mut socket).await, Some(Inbound::Stats(stats)) if stats.state == PowerState::Offline)
    );
}

#[tokio::test]
async fn set_state_runs_the_power_cycle_with_console_output() {
    let sandbox = start().await;
    let mut socket = open_authed(&sandbox, servers::OFFLINE, keys::ALICE).await;
    send(&mut socket, Outbound::SetState(PowerSignal::Start)).await;
    assert!(
        until(&mut socket, |e| *e == Inbound::Status(PowerState::Starting))
            .await
            .is_some()
    );
    assert!(until(
        &mut socket,
        |e| matches!(e, Inbound::ConsoleOutput(line) if line.contains("Pterodactyl Daemon"))
    )
    .await
    .is_some());
    assert!(
        until(&mut socket, |e| *e == Inbound::Status(PowerState::Running))
            .await
            .is_some()
    );
    send(&mut socket, Outbound::SendCommand("say hello there".into())).await;
    assert!(until(
        &mut socket,
        |e| matches!(e, Inbound::ConsoleOutput(line) if line.contains("hello there"))
    )
    .await
    .is_some());
    send(&mut socket, Outbound::SetState(PowerSignal::Kill)).await;
    assert!(
        until(&mut socket, |e| *e == Inbound::Status(PowerState::Offline))
            .await
            .is_some()
    );
}

#[tokio::test]
async fn power_action_while_stopping_is_a_daemon_error() {
    let sandbox = start_with(|config| config.power_delay = Duration::from_millis(500)).await;
    let mut socket = open_authed(&sandbox, servers::RUNNING, keys::ALICE).await;
    send(&mut socket, Outbound::SetState(PowerSignal::Stop)).await;
    send(&mut socket, Outbound::SetState(PowerSignal::Start)).await;
    let error = until(&mut socket, |e| matches!(e, Inbound::DaemonError(_))).await;
    assert!(
        matches!(error, Some(Inbound::DaemonError(text)) if text.starts_with("Error Event [") && text.contains("another power action"))
    );
}

#[tokio::test]
async fn actions_without_permission_are_dropped_silently() {
    let sandbox = start().await;
    let mut socket = open_authed(&sandbox, servers::SHARED, keys::BOB).await;
    send(&mut socket, Outbound::SetState(PowerSignal::Stop)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sandbox.power_state(servers::SHARED),
        Some(PowerState::Running)
    );
}

#[tokio::test]
async fn send_logs_replays_the_console() {
    let sandbox = start().await;
    let mut socket = open_authed(&sandbox, servers::RUNNING, keys::ALICE).await;
    send(&mut socket, Outbound::SendLogs).await;
    assert!(until(
        &mut socket,
        |e| matches!(e, Inbound::ConsoleOutput(line) if line.contains("Done ("))
    )
    .await
    .is_some());
}

/// The official panel UI's frame, as it sends it: `args: [null]`.
async fn send_raw(socket: &mut Socket, text: &str) {
    socket
        .send(Message::Text(text.to_owned().into()))
        .await
        .expect("sent");
}

#[tokio::test]
async fn send_logs_with_a_null_argument_replays_the_console_in_every_flavour() {
    for flavor in ptero_api::Flavor::ALL {
        let sandbox =
            start_with(|config| *config = ptero_sandbox::SandboxConfig::fast_flavored(flavor))
                .await;
        let mut socket = open_authed(&sandbox, servers::RUNNING, &sandbox.key(keys::ALICE)).await;
        send_raw(&mut socket, r#"{"event":"send logs","args":[null]}"#).await;
        assert!(
            until(
                &mut socket,
                |e| matches!(e, Inbound::ConsoleOutput(line) if line.contains("Done ("))
            )
            .await
            .is_some(),
            "{flavor}"
        );
    }
}

#[tokio::test]
async fn send_stats_with_a_null_argument_answers_in_every_flavour() {
    for flavor in ptero_api::Flavor::ALL {
        let sandbox =
            start_with(|config| *config = ptero_sandbox::SandboxConfig::fast_flavored(flavor))
                .await;
        let mut socket = open_authed(&sandbox, servers::OFFLINE, &sandbox.key(keys::ALICE)).await;
        // Auth's own status and stats first, then the answer to `send stats`.
        assert!(until(&mut socket, |e| matches!(e, Inbound::Stats(_)))
            .await
            .is_some());
        send_raw(&mut socket, r#"{"event":"send stats","args":[null]}"#).await;
        assert!(
            matches!(next(&mut socket).await, Some(Inbound::Stats(_))),
            "{flavor}"
        );
    }
}

#[tokio::test]
async fn bad_signature_is_a_daemon_error_and_events_before_auth_are_jwt_errors() {
    let sandbox = start().await;
    let grant = token(&sandbox, servers::OFFLINE, keys::ALICE).await;
    let mut socket = connect(&grant.data.socket, Some(&sandbox.panel_url()))
        .await
        .expect("connected");
    send(&mut socket, Outbound::SendStats).await;
    assert_eq!(
        next(&mut socket).await,
        Some(Inbound::JwtError("jwt: no jwt present".into()))
    );
    let mut forged = grant.data.token.clone();
    forged.push('x');
    send(&mut socket, Outbound::Auth(forged)).await;
    assert!(
        matches!(next(&mut socket).await, Some(Inbound::DaemonError(text)) if text.contains("an unexpected error was encountered"))
    );
    // Another node's token does not verify here either.
    let other = token(&sandbox, servers::SHARED, keys::ALICE).await;
    send(&mut socket, Outbound::Auth(other.data.token)).await;
    assert!(matches!(
        next(&mut socket).await,
        Some(Inbound::DaemonError(_))
    ));
}

#[tokio::test]
async fn a_busy_servers_event_can_beat_auth_as_a_jwt_error() {
    let sandbox = start().await;
    sandbox
        .faults()
        .update(|faults| faults.events_before_auth = true);
    let grant = token(&sandbox, servers::RUNNING, keys::ALICE).await;
    let mut socket = connect(&grant.data.socket, Some(&sandbox.panel_url()))
        .await
        .expect("connected");
    // Before the client has said anything, Wings' listener already relayed an event.
    assert_eq!(
        next(&mut socket).await,
        Some(Inbound::JwtError(
            ptero_api::ws::jwt_message::NO_JWT.to_owned()
        ))
    );
    send(&mut socket, Outbound::Auth(grant.data.token)).await;
    assert_eq!(next(&mut socket).await, Some(Inbound::AuthSuccess));
    assert!(until(&mut socket, |e| matches!(e, Inbound::Status(_)))
        .await
        .is_some());
}

#[tokio::test]
async fn a_token_that_arrives_expired_is_refused_as_wings_refuses_it() {
    let sandbox = start().await;
    sandbox.faults().update(|faults| faults.stale_tokens = true);
    let grant = token(&sandbox, servers::RUNNING, keys::ALICE).await;
    let mut socket = connect(&grant.data.socket, Some(&sandbox.panel_url()))
        .await
        .expect("connected");
    send(&mut socket, Outbound::Auth(grant.data.token)).await;
    // Wings tries to say `token expired`, but its own token check stops that on a socket
    // that never authenticated: what arrives is the check's complaint.
    assert_eq!(
        next(&mut socket).await,
        Some(Inbound::JwtError(
            ptero_api::ws::jwt_message::NO_JWT.to_owned()
        ))
    );
    sandbox.faults().clear();
    let fresh = token(&sandbox, servers::RUNNING, keys::ALICE).await;
    send(&mut socket, Outbound::Auth(fresh.data.token)).await;
    assert!(until(&mut socket, |e| *e == Inbound::AuthSuccess)
        .await
        .is_some());
}

#[tokio::test]
async fn expiring_tokens_warn_then_every_event_becomes_a_jwt_error_until_reauth() {
    let sandbox = start_with(|config| config.ws_token_lifetime = Duration::from_secs(2)).await;
    let mut socket = open_authed(&sandbox, servers::RUNNING, keys::ALICE).await;
    assert!(until(&mut socket, |e| *e == Inbound::TokenExpiring)
        .await
        .is_some());
    let expired = until(&mut socket, |e| matches!(e, Inbound::JwtError(_))).await;
    assert_eq!(
        expired,
        Some(Inbound::JwtError("jwt: exp claim is invalid".into()))
    );
    // Re-auth on the same socket: only `auth success`, then events flow again.
    let fresh = token(&sandbox, servers::RUNNING, keys::ALICE).await;
    send(&mut socket, Outbound::Auth(fresh.data.token)).await;
    assert!(until(&mut socket, |e| *e == Inbound::AuthSuccess)
        .await
        .is_some());
    assert!(until(&mut socket, |e| matches!(e, Inbound::Stats(_)))
        .await
        .is_some());
}

#[tokio::test]
async fn reauth_with_an_expired_token_answers_token_expired() {
    let sandbox = start_with(|config| config.ws_token_lifetime = Duration::from_secs(1)).await;
    let stale = token(&sandbox, servers::OFFLINE, keys::ALICE).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let fresh = token(&sandbox, servers::OFFLINE, keys::ALICE).await;
    let mut socket = connect(&fresh.data.socket, Some(&sandbox.panel_url()))
        .await
        .expect("connected");
    send(&mut socket, Outbound::Auth(fresh.data.token)).await;
    assert_eq!(next(&mut socket).await, Some(Inbound::AuthSuccess));
    send(&mut socket, Outbound::Auth(stale.data.token)).await;
    assert!(until(&mut socket, |e| *e == Inbound::TokenExpired)
        .await
        .is_some());
}

#[tokio::test]
async fn backup_completed_arrives_without_uuid_suffix() {
    let sandbox = start().await;
    let mut socket = open_authed(&sandbox, servers::RUNNING, keys::ALICE).await;
    let answer = http()
        .post(format!(
            "{}/__sandbox/servers/{}/backup",
            sandbox.panel_url(),
            servers::RUNNING
        ))
        .send()
        .await
        .expect("answered");
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    let event = until(&mut socket, |e| matches!(e, Inbound::BackupCompleted(_))).await;
    assert!(
        matches!(event, Some(Inbound::BackupCompleted(backup)) if backup.is_successful && backup.checksum_type == "sha1")
    );
}

#[tokio::test]
async fn open_sockets_are_counted_per_server_until_they_close() {
    let sandbox = start().await;
    assert_eq!(sandbox.open_sockets(servers::RUNNING), 0);
    let first = open_authed(&sandbox, servers::RUNNING, keys::ALICE).await;
    let second = open_authed(&sandbox, servers::RUNNING, keys::ALICE).await;
    assert_eq!(sandbox.open_sockets(servers::RUNNING), 2);
    assert_eq!(sandbox.open_sockets(servers::OFFLINE), 0);
    drop((first, second));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while sandbox.open_sockets(servers::RUNNING) != 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "closed sockets uncounted"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn dropped_websockets_fault_cuts_open_sockets() {
    let sandbox = start().await;
    let mut socket = open_authed(&sandbox, servers::RUNNING, keys::ALICE).await;
    sandbox
        .faults()
        .update(|faults| faults.drop_websockets = true);
    let ended = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) => return true,
                Some(Ok(Message::Close(_))) => return false,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert_eq!(
        ended.ok(),
        Some(true),
        "the socket is dropped without a close frame"
    );
}

/// Wings going away takes its open connections with it, not only new ones.
#[tokio::test]
async fn daemon_down_cuts_open_sockets_too() {
    let sandbox = start().await;
    let mut socket = open_authed(&sandbox, servers::RUNNING, keys::ALICE).await;
    sandbox.faults().update(|faults| faults.daemon_down = true);
    let ended = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) => return true,
                Some(Ok(Message::Close(_))) => return false,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert_eq!(
        ended.ok(),
        Some(true),
        "the socket is cut without a close frame"
    );
}

#[tokio::test]
async fn a_token_for_another_server_authenticates_but_every_event_is_a_uuid_mismatch() {
    let sandbox = start().await;
    let running = token(&sandbox, servers::RUNNING, keys::ALICE).await;
    let offline = token(&sandbox, servers::OFFLINE, keys::ALICE).await;
    let mut socket = connect(&running.data.socket, Some(&sandbox.panel_url()))
        .await
        .expect("connected");
    send(&mut socket, Outbound::Auth(offline.data.token)).await;
    assert_eq!(next(&mut socket).await, Some(Inbound::AuthSuccess));
    assert_eq!(
        next(&mut socket).await,
        Some(Inbound::JwtError("jwt: server uuid mismatch".into()))
    );
}

#[tokio::test]
async fn stop_while_starting_takes_over() {
    let sandbox = start_with(|config| config.power_delay = Duration::from_millis(300)).await;
    let mut socket = open_authed(&sandbox, servers::OFFLINE, keys::ALICE).await;
    send(&mut socket, Outbound::SetState(PowerSignal::Start)).await;
    assert!(
        until(&mut socket, |e| *e == Inbound::Status(PowerState::Starting))
            .await
            .is_some()
    );
    send(&mut socket, Outbound::SetState(PowerSignal::Stop)).await;
    assert!(
        until(&mut socket, |e| *e == Inbound::Status(PowerState::Stopping))
            .await
            .is_some()
    );
    assert!(
        until(&mut socket, |e| *e == Inbound::Status(PowerState::Offline))
            .await
            .is_some()
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        sandbox.power_state(servers::OFFLINE),
        Some(PowerState::Offline)
    );
}
