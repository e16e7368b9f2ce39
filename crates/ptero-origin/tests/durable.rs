//! State that must survive a restart of the origin (SQLite, the default store): used
//! hand-off tokens, sessions, the audit log.

mod common;

use common::*;
use ptero_api::origin::{OriginErrorBody, OriginErrorCode};
use ptero_origin::store::AuditAction;
use ptero_sandbox::seed::servers::RUNNING;
use serde_json::json;

#[tokio::test]
async fn a_replayed_handoff_token_is_refused_after_a_restart() {
    let harness = Harness::start().await;
    let token = token(claims(&[RUNNING], &["start"]));
    assert_eq!(harness.exchange(&token, Some(SITE)).await.status(), 200);
    let harness = harness.restart().await;
    let replay = harness.exchange(&token, Some(SITE)).await;
    assert_eq!(replay.status(), 401);
    let body: OriginErrorBody = replay.json().await.expect("body");
    assert_eq!(body.error.code, OriginErrorCode::TokenReused);
    harness.stop().await;
}

#[tokio::test]
async fn sessions_survive_a_restart() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let harness = harness.restart().await;
    let response = harness
        .get(&format!("/v1/servers/{RUNNING}"), &grant.session)
        .send()
        .await
        .expect("summary");
    assert_eq!(response.status(), 200);
    harness.stop().await;
}

#[tokio::test]
async fn audit_entries_survive_a_restart() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["restart"]).await;
    let response = harness
        .post(
            &format!("/v1/servers/{RUNNING}/power"),
            &grant.session,
            json!({"signal": "restart"}),
        )
        .send()
        .await
        .expect("power");
    assert_eq!(response.status(), 204);
    let harness = harness.restart().await;
    let audit = harness.audit(10).await;
    let entry = audit
        .iter()
        .find(|entry| entry.action == AuditAction::Power)
        .expect("the power signal is in the audit log");
    assert_eq!(entry.detail, "restart");
    assert_eq!(entry.outcome, "ok");
    assert_eq!(entry.server.as_deref(), Some(RUNNING));
    assert_eq!(entry.origin.as_deref(), Some(SITE));
    assert_eq!(
        (entry.site.as_str(), entry.viewer.as_str()),
        (SITE, "customer-42")
    );

    let mut out = Vec::new();
    let code = ptero_origin::cli::audit(&harness.config_path, 10, &mut out).await;
    let printed = String::from_utf8_lossy(&out).into_owned();
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{printed}");
    assert!(
        printed.contains(&format!(
            "power {SITE}/customer-42 restart server={RUNNING}"
        )),
        "{printed}"
    );
    harness.stop().await;
}

#[tokio::test]
async fn the_memory_store_forgets_on_restart() {
    let harness = Harness::with(Options {
        store_kind: "memory",
        ..Options::default()
    })
    .await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let harness = harness.restart().await;
    let response = harness
        .get(&format!("/v1/servers/{RUNNING}"), &grant.session)
        .send()
        .await
        .expect("summary");
    assert_eq!(response.status(), 401);
    assert!(!harness.dir.join("origin.db").exists());
    harness.stop().await;
}

#[tokio::test]
async fn a_failed_command_is_audited_with_its_reason() {
    let harness = Harness::start().await;
    let offline = ptero_sandbox::seed::servers::OFFLINE;
    let grant = harness.session(&[offline], &["console"]).await;
    let response = harness
        .post(
            &format!("/v1/servers/{offline}/command"),
            &grant.session,
            json!({"command": "say secret words"}),
        )
        .send()
        .await
        .expect("command");
    assert_eq!(response.status(), 409);
    let audit = harness.audit(1).await;
    assert_eq!(audit[0].action, AuditAction::Command);
    assert_eq!(audit[0].outcome, "failed: server_offline");
    assert!(
        !audit[0].detail.contains("secret"),
        "the command text is not kept"
    );
    harness.stop().await;
}
