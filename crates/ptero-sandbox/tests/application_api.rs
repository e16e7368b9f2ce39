//! The application API slice, the nextscale addon's keys, the PteroCA addon, and SSO.

mod common;

use common::*;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use ptero_api::claims::{SSO_AUTHORIZE_PATH, SSO_FORM_FIELD};
use ptero_api::{
    full_key, AppUserList, Audience, CreatedApiKey, FreeAllocationList, PterocaVersion, SsoClaims,
    SsoUser, UserApiKeyList,
};
use ptero_sandbox::seed::{self, keys, nodes, users};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn keys_path(user: u64) -> String {
    format!("/api/application/users/{user}/api-keys")
}

#[tokio::test]
async fn users_filter_by_email_is_a_partial_match() {
    let sandbox = start().await;
    let answer = get(
        &sandbox,
        "/api/application/users?filter[email]=example.com",
        keys::APPLICATION,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let list: AppUserList = serde_json::from_value(answer.json).expect("users");
    let emails: Vec<_> = list.attributes().map(|user| user.email.clone()).collect();
    assert_eq!(emails, [users::ALICE_EMAIL, users::BOB_EMAIL]);
    let exact = get(
        &sandbox,
        &format!(
            "/api/application/users?filter[external_id]={}",
            users::BOB_EXTERNAL_ID
        ),
        keys::APPLICATION,
    )
    .await;
    assert_eq!(exact.json["data"][0]["attributes"]["id"], users::BOB_ID);
    assert_eq!(exact.json["data"][0]["attributes"]["2fa"], false);
}

#[tokio::test]
async fn application_api_needs_an_admin() {
    let sandbox = start().await;
    let admin_client_key = get(&sandbox, "/api/application/users", keys::ADMIN).await;
    assert_eq!(admin_client_key.status, StatusCode::OK);
    let alice = get(&sandbox, "/api/application/users", keys::ALICE).await;
    assert_eq!(alice.status, StatusCode::FORBIDDEN);
    assert_eq!(alice.detail(), ptero_api::error::DETAIL_NOT_ADMIN);
    let none = request(&sandbox, Method::GET, "/api/application/users", None, None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn created_keys_work_on_the_client_api_and_are_audited() {
    let sandbox = start().await;
    let created = post(
        &sandbox,
        &keys_path(users::BOB_ID),
        keys::APPLICATION,
        json!({"description": "card", "allowed_ips": []}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let created: CreatedApiKey = serde_json::from_value(created.json).expect("a created key");
    let key = full_key(&created).expect("a usable key");
    let account = get(&sandbox, "/api/client/account", key.expose_secret()).await;
    assert_eq!(account.json["attributes"]["id"], users::BOB_ID);

    let listed = get(&sandbox, &keys_path(users::BOB_ID), keys::APPLICATION).await;
    let list: UserApiKeyList = serde_json::from_value(listed.json).expect("keys");
    assert!(list
        .attributes()
        .any(|k| k.identifier == key.identifier() && k.last_used_at.is_some()));

    let deleted = request(
        &sandbox,
        Method::DELETE,
        &format!("{}/{}", keys_path(users::BOB_ID), key.identifier()),
        Some(keys::APPLICATION),
        None,
    )
    .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&sandbox, "/api/client/account", key.expose_secret())
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let actions: Vec<_> = sandbox
        .audit_log()
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    assert_eq!(
        actions,
        ["api_key.create", "api_key.list", "api_key.delete"]
    );
}

#[tokio::test]
async fn duplicate_descriptions_and_a_sixth_key_are_422() {
    let sandbox = start().await;
    let path = keys_path(users::CAROL_ID);
    let duplicate = post(
        &sandbox,
        &path,
        keys::APPLICATION,
        json!({"description": "ptero-web"}),
    )
    .await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        duplicate.error(),
        ("ValidationException".into(), "422".into())
    );
    assert_eq!(
        duplicate.detail(),
        "You already have an API key with this description."
    );
    for index in 0..4 {
        let answer = post(
            &sandbox,
            &path,
            keys::APPLICATION,
            json!({"description": format!("k{index}")}),
        )
        .await;
        assert_eq!(answer.status, StatusCode::CREATED);
    }
    let sixth = post(
        &sandbox,
        &path,
        keys::APPLICATION,
        json!({"description": "one too many"}),
    )
    .await;
    assert_eq!(sixth.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_ip = post(
        &sandbox,
        &keys_path(users::BOB_ID),
        keys::APPLICATION,
        json!({"description": "x", "allowed_ips": ["nope"]}),
    )
    .await;
    assert_eq!(
        bad_ip.json["errors"][0]["meta"]["source_field"],
        "allowed_ips.0"
    );
    let unknown = get(&sandbox, &keys_path(99), keys::APPLICATION).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn free_allocations_and_addon_version() {
    let sandbox = start().await;
    let free = get(
        &sandbox,
        &format!("/api/application/nodes/{}/allocations/free", nodes::FRA),
        keys::APPLICATION,
    )
    .await;
    let list: FreeAllocationList = serde_json::from_value(free.json).expect("allocations");
    assert!(!list.data.is_empty());
    assert!(list.attributes().all(|allocation| !allocation.assigned));
    let missing = get(
        &sandbox,
        "/api/application/nodes/99/allocations/free",
        keys::APPLICATION,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let version = get(
        &sandbox,
        "/api/application/pteroca/version",
        keys::APPLICATION,
    )
    .await;
    let version: PterocaVersion = serde_json::from_value(version.json).expect("a version");
    assert_eq!(version.version, seed::PTEROCA_ADDON_VERSION);
    let probe = request(
        &sandbox,
        Method::GET,
        "/api/application/pteroca/version",
        None,
        None,
    )
    .await;
    assert_eq!(probe.status, StatusCode::UNAUTHORIZED);
}

fn sso_token(secret: &str, user: u64, lifetime: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let claims = SsoClaims {
        iss: "https://shop.example.com".into(),
        aud: Audience::one("http://panel"),
        iat: now,
        nbf: None,
        exp: now.saturating_add_signed(lifetime),
        jti: "one".into(),
        user: SsoUser { id: user },
    };
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("signed")
}

#[tokio::test]
async fn sso_signs_the_user_into_the_panel_page() {
    let sandbox = start().await;
    let url = format!("{}{SSO_AUTHORIZE_PATH}", sandbox.panel_url());
    let answer = http()
        .post(&url)
        .form(&[(
            SSO_FORM_FIELD,
            sso_token(seed::SSO_SECRET, users::ALICE_ID, 60),
        )])
        .send()
        .await
        .expect("answered");
    assert_eq!(answer.status(), StatusCode::FOUND);
    let cookie = answer
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .expect("a session cookie");
    let page = http()
        .get(format!("{}/", sandbox.panel_url()))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("answered")
        .text()
        .await
        .unwrap_or_default();
    assert!(page.contains("Signed in as <strong>alice</strong>"));

    for token in [
        sso_token("wrong-secret", users::ALICE_ID, 60),
        sso_token(seed::SSO_SECRET, users::ALICE_ID, -30),
    ] {
        let refused = http()
            .post(&url)
            .form(&[(SSO_FORM_FIELD, token)])
            .send()
            .await
            .expect("answered");
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
    let anonymous = http()
        .get(format!("{}/", sandbox.panel_url()))
        .send()
        .await
        .expect("answered");
    assert!(anonymous
        .text()
        .await
        .unwrap_or_default()
        .contains("Not signed in"));
}
