//! Per-user client keys against the sandbox's nextscale addon, `keys revoke`, and what
//! `check` says about the PteroCA addon and the application key.

mod common;

use common::*;
use ptero_api::origin::{OriginErrorBody, OriginErrorCode};
use ptero_api::{CreateApiKeyRequest, UserApiKeyList};
use ptero_origin::store::AuditAction;
use ptero_sandbox::seed::{keys as seeded, servers, users};
use serde_json::json;

const PER_USER_PANEL: &str =
    "application_key_file = \"{dir}/application.key\"\nkey_mode = \"per_user\"";

async fn per_user_harness() -> Harness {
    Harness::with(Options {
        site_actions: r#""start", "stop", "restart", "console", "sso""#,
        site_extra: "emails_verified = true".to_owned(),
        panel_extra: PER_USER_PANEL.to_owned(),
        extra: KEYS_SECTION.to_owned(),
        ..Options::default()
    })
    .await
}

async fn session_of(harness: &Harness, server: &str, email: &str) -> String {
    harness
        .session_from(claims_for(&[server], &["restart"], ("email", email)))
        .await
        .session
}

async fn restart(harness: &Harness, server: &str, session: &str) -> reqwest::Response {
    harness
        .post(
            &format!("/v1/servers/{server}/power"),
            session,
            json!({"signal": "restart"}),
        )
        .send()
        .await
        .expect("power")
}

/// The user's client keys, as the panel lists them.
async fn panel_keys(harness: &Harness, user: u64) -> Vec<ptero_api::UserApiKey> {
    let list: UserApiKeyList = harness
        .http
        .get(format!(
            "{}/api/application/users/{user}/api-keys",
            harness.sandbox.panel_url()
        ))
        .bearer_auth(seeded::APPLICATION)
        .header("accept", "application/json")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("keys");
    list.data.into_iter().map(|item| item.attributes).collect()
}

async fn create_panel_key(harness: &Harness, user: u64, description: &str) -> u16 {
    harness
        .http
        .post(format!(
            "{}/api/application/users/{user}/api-keys",
            harness.sandbox.panel_url()
        ))
        .bearer_auth(seeded::APPLICATION)
        .header("accept", "application/json")
        .json(&CreateApiKeyRequest {
            description: description.to_owned(),
            allowed_ips: Vec::new(),
        })
        .send()
        .await
        .expect("create")
        .status()
        .as_u16()
}

fn ours(keys: &[ptero_api::UserApiKey]) -> Vec<&ptero_api::UserApiKey> {
    keys.iter()
        .filter(|key| key.description == "ptero-origin")
        .collect()
}

async fn refusal(response: reqwest::Response) -> (u16, OriginErrorCode, String) {
    let status = response.status().as_u16();
    let body: OriginErrorBody = response.json().await.expect("error body");
    (status, body.error.code, body.error.message)
}

#[tokio::test]
async fn a_viewer_key_is_provisioned_once_sealed_and_reused_across_restarts() {
    let harness = per_user_harness().await;
    let session = session_of(&harness, servers::RUNNING, users::ALICE_EMAIL).await;
    assert_eq!(
        restart(&harness, servers::RUNNING, &session).await.status(),
        204
    );
    assert_eq!(
        restart(&harness, servers::RUNNING, &session).await.status(),
        204
    );

    let provisioned = panel_keys(&harness, users::ALICE_ID).await;
    let provisioned = ours(&provisioned);
    assert_eq!(provisioned.len(), 1, "one key, reused");
    assert!(
        provisioned[0].last_used_at.is_some(),
        "the power signals used it"
    );
    let sealed = harness
        .origin
        .state()
        .store
        .key(users::ALICE_ID)
        .await
        .expect("store")
        .expect("a sealed key");
    assert_eq!(sealed.identifier, provisioned[0].identifier);
    let sealer = ptero_origin::keys::Sealer::new(&ptero_origin::config::EncryptionKey(
        *b"0123456789abcdef0123456789abcdef",
    ));
    let key = sealer
        .open(&sealed)
        .expect("the record opens with the configured key");
    assert_eq!(key.identifier(), provisioned[0].identifier);
    let secret = &key.expose_secret()[16..];
    let database = std::fs::read(harness.dir.join("origin.db")).unwrap_or_default();
    let wal = std::fs::read(harness.dir.join("origin.db-wal")).unwrap_or_default();
    assert!(!database.is_empty() || !wal.is_empty());
    for bytes in [&database, &wal, &sealed.ciphertext] {
        assert!(
            !String::from_utf8_lossy(bytes).contains(secret),
            "the key's secret is stored in the clear"
        );
    }

    let harness = harness.restart().await;
    assert_eq!(
        restart(&harness, servers::RUNNING, &session).await.status(),
        204
    );
    assert_eq!(ours(&panel_keys(&harness, users::ALICE_ID).await).len(), 1);
    let audit = harness.audit(20).await;
    let provisioning: Vec<_> = audit
        .iter()
        .filter(|entry| entry.action == AuditAction::KeyProvisioned)
        .collect();
    assert_eq!(provisioning.len(), 1, "{audit:?}");
    assert_eq!(provisioning[0].outcome, "ok");
    harness.stop().await;
}

#[tokio::test]
async fn a_viewer_acts_with_their_own_permissions() {
    let harness = per_user_harness().await;
    // Carol's server: the origin's admin key could restart it, Bob's own key cannot see it.
    let session = session_of(&harness, servers::CAROL, users::BOB_EMAIL).await;
    let (status, code, _) = refusal(restart(&harness, servers::CAROL, &session).await).await;
    assert_eq!((status, code), (404, OriginErrorCode::NotFound));
    harness.stop().await;
}

#[tokio::test]
async fn a_duplicate_description_is_explained_and_revoke_clears_it() {
    let harness = per_user_harness().await;
    assert_eq!(
        create_panel_key(&harness, users::ALICE_ID, "ptero-origin").await,
        201
    );
    let session = session_of(&harness, servers::RUNNING, users::ALICE_EMAIL).await;
    let (status, code, message) =
        refusal(restart(&harness, servers::RUNNING, &session).await).await;
    assert_eq!((status, code), (409, OriginErrorCode::KeyConflict));
    assert!(message.contains("ptero-origin keys revoke"), "{message}");
    assert!(message.contains("does not hold"), "{message}");

    let mut out = Vec::new();
    let exit = ptero_origin::cli::revoke_key(&harness.config_path, users::ALICE_ID, &mut out).await;
    let report = String::from_utf8_lossy(&out).into_owned();
    assert_eq!(exit, std::process::ExitCode::SUCCESS, "{report}");
    assert!(report.contains("1 deleted on the panel"), "{report}");
    assert!(ours(&panel_keys(&harness, users::ALICE_ID).await).is_empty());

    assert_eq!(
        restart(&harness, servers::RUNNING, &session).await.status(),
        204
    );
    harness.stop().await;
}

#[tokio::test]
async fn revoke_deletes_the_key_on_the_panel_and_in_the_store() {
    let harness = per_user_harness().await;
    let session = session_of(&harness, servers::RUNNING, users::ALICE_EMAIL).await;
    assert_eq!(
        restart(&harness, servers::RUNNING, &session).await.status(),
        204
    );
    let identifier = ours(&panel_keys(&harness, users::ALICE_ID).await)[0]
        .identifier
        .clone();

    let mut out = Vec::new();
    let exit = ptero_origin::cli::revoke_key(&harness.config_path, users::ALICE_ID, &mut out).await;
    let report = String::from_utf8_lossy(&out).into_owned();
    assert_eq!(exit, std::process::ExitCode::SUCCESS, "{report}");
    assert!(report.contains("stored copy deleted"), "{report}");
    let left = panel_keys(&harness, users::ALICE_ID).await;
    assert!(left.iter().all(|key| key.identifier != identifier));
    assert!(harness
        .origin
        .state()
        .store
        .key(users::ALICE_ID)
        .await
        .expect("store")
        .is_none());
    let audit = harness.audit(1).await;
    assert_eq!(audit[0].action, AuditAction::KeyRevoked);

    let mut out = Vec::new();
    ptero_origin::cli::revoke_key(&harness.config_path, users::ALICE_ID, &mut out).await;
    assert!(String::from_utf8_lossy(&out).contains("nothing to revoke"));
    harness.stop().await;
}

#[tokio::test]
async fn the_key_limit_is_explained() {
    let harness = per_user_harness().await;
    let mut made = 0;
    while create_panel_key(&harness, users::CAROL_ID, &format!("other-{made}")).await == 201 {
        made += 1;
        assert!(made <= 5, "the sandbox enforces its limit");
    }
    let session = session_of(&harness, servers::CAROL, users::CAROL_EMAIL).await;
    let (status, code, message) = refusal(restart(&harness, servers::CAROL, &session).await).await;
    assert_eq!((status, code), (409, OriginErrorCode::KeyLimitReached));
    assert!(message.contains("most client keys"), "{message}");
    let audit = harness.audit(5).await;
    assert!(audit
        .iter()
        .any(|entry| entry.action == AuditAction::KeyProvisioned
            && entry.outcome == "failed: key_limit_reached"));
    harness.stop().await;
}

#[tokio::test]
async fn a_viewer_without_a_panel_account_gets_no_key() {
    let harness = per_user_harness().await;
    let session = session_of(&harness, servers::RUNNING, "stranger@example.com").await;
    let (status, code, _) = refusal(restart(&harness, servers::RUNNING, &session).await).await;
    assert_eq!((status, code), (404, OriginErrorCode::NoPanelAccount));
    harness.stop().await;
}

async fn check(harness: &Harness) -> (std::process::ExitCode, String) {
    let mut out = Vec::new();
    let code = ptero_origin::cli::check(&harness.config_path, &mut out).await;
    (code, String::from_utf8_lossy(&out).into_owned())
}

#[tokio::test]
async fn check_reports_the_pteroca_addon_and_the_application_key() {
    let harness = Harness::with(Options {
        panel_extra: SSO_PANEL.to_owned(),
        extra: SSO_SECTION.to_owned(),
        ..Options::default()
    })
    .await;
    let (code, report) = check(&harness).await;
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{report}");
    assert!(
        report.contains(&format!(
            "PteroCA addon answers: PteroCA Pterodactyl Addon {}",
            ptero_sandbox::seed::PTEROCA_ADDON_VERSION
        )),
        "{report}"
    );
    assert!(report.contains("can read users"), "{report}");
    assert!(report.contains("can manage users' client keys"), "{report}");
    assert!(!report.contains("ApplicSecret"), "{report}");

    harness
        .sandbox
        .faults()
        .update(|faults| faults.pteroca_missing = true);
    let (code, report) = check(&harness).await;
    assert_eq!(code, std::process::ExitCode::FAILURE, "{report}");
    assert!(report.contains("the PteroCA addon is missing"), "{report}");
    assert!(report.contains("404"), "{report}");
    harness.stop().await;
}

#[tokio::test]
async fn check_reports_a_refused_application_key() {
    let harness = Harness::with(Options {
        panel_extra: "application_key_file = \"{dir}/unknown-application.key\"".to_owned(),
        ..Options::default()
    })
    .await;
    let (code, report) = check(&harness).await;
    assert_eq!(code, std::process::ExitCode::FAILURE, "{report}");
    assert!(report.contains("cannot read users"), "{report}");
    assert!(
        report.contains("refused the origin's application key (401"),
        "{report}"
    );
    harness.stop().await;
}

#[tokio::test]
async fn a_key_deleted_on_the_panel_is_provisioned_again() {
    let harness = per_user_harness().await;
    let session = session_of(&harness, servers::RUNNING, users::ALICE_EMAIL).await;
    assert_eq!(
        restart(&harness, servers::RUNNING, &session).await.status(),
        204
    );
    let first = ours(&panel_keys(&harness, users::ALICE_ID).await)[0]
        .identifier
        .clone();
    let deleted = harness
        .http
        .delete(format!(
            "{}/api/application/users/{}/api-keys/{first}",
            harness.sandbox.panel_url(),
            users::ALICE_ID
        ))
        .bearer_auth(seeded::APPLICATION)
        .header("accept", "application/json")
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status(), 204);

    let (status, code, _) = refusal(restart(&harness, servers::RUNNING, &session).await).await;
    assert_eq!((status, code), (502, OriginErrorCode::PanelRejected));
    assert_eq!(
        restart(&harness, servers::RUNNING, &session).await.status(),
        204
    );
    let now_held = ours(&panel_keys(&harness, users::ALICE_ID).await)[0]
        .identifier
        .clone();
    assert_ne!(now_held, first, "a fresh key replaced the deleted one");
    harness.stop().await;
}
