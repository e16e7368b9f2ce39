//! The connect flow against the real sandbox over loopback: each failure class the connect
//! screen distinguishes (wrong key, refused key, CORS, nothing listening) and the success
//! path into the server list; then the same classes as typed `ApiError`s from the client.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use ptero_api::{ForbiddenReason, PanelError};
use ptero_web::api::{ApiError, Credentials};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app on /connect, submits `panel` + `key` with "Test connection" and returns
/// the result's class (`data-error`) and sentence.
async fn connect_page_result(panel: &str, key: &str) -> (String, String) {
    Credentials::forget();
    let (root, _app) = mount_app("/connect");
    settle().await;
    fill(&root, "#panel-url", panel);
    fill(&root, "#api-key", key);
    settle().await;
    assert_eq!(
        text(&root, "button[type=submit]").as_deref(),
        Some("Test connection")
    );
    click(&root, "button[type=submit]");
    wait_for("the connection test's answer", || {
        match (
            attr(&root, "[data-testid=connect-result] p.error", "data-error"),
            text(&root, "[data-testid=connect-result] p.error"),
        ) {
            (Some(class), Some(sentence)) => Ok((class, sentence)),
            _ => Err(text(&root, "section.connect").unwrap_or_default()),
        }
    })
    .await
}

#[wasm_bindgen_test]
async fn connect_page_says_a_wrong_key_was_rejected() {
    let (class, sentence) = connect_page_result(sandbox(), keys::WRONG).await;
    assert_eq!(class, "unauthenticated", "{sentence}");
    assert!(sentence.contains("rejected the key"), "{sentence}");
}

#[wasm_bindgen_test]
async fn connect_page_says_an_ip_restricted_key_is_refused_from_here() {
    let (class, sentence) = connect_page_result(sandbox(), keys::ALICE_IP_RESTRICTED).await;
    assert_eq!(class, "forbidden", "{sentence}");
    assert!(
        sentence.contains("only works from certain IP addresses") && sentence.contains("127.0.0.1"),
        "{sentence}"
    );
}

#[wasm_bindgen_test]
async fn connect_page_tells_cors_refusal_apart_and_names_this_page() {
    let (class, sentence) = connect_page_result(sandbox_no_cors(), keys::ALICE).await;
    assert_eq!(class, "cors", "{sentence}");
    assert!(
        sentence.contains(page_origin()) && sentence.contains("APP_CORS_ALLOWED_ORIGINS"),
        "{sentence}"
    );
}

#[wasm_bindgen_test]
async fn connect_page_says_nothing_answered_on_a_closed_port() {
    let (class, sentence) = connect_page_result(closed_port(), keys::ALICE).await;
    assert_eq!(class, "unreachable", "{sentence}");
    assert!(
        sentence.contains("Nothing answered") && sentence.contains(closed_port()),
        "{sentence}"
    );
}

#[wasm_bindgen_test]
async fn connect_page_refuses_an_application_key_before_any_request() {
    Credentials::forget();
    let (root, _app) = mount_app("/connect");
    settle().await;
    fill(&root, "#panel-url", sandbox());
    fill(&root, "#api-key", keys::APPLICATION);
    settle().await;
    let hint = text(&root, "#api-key-hint").unwrap_or_default();
    assert!(!hint.trim().is_empty(), "no hint for a ptla_ key");
    click(&root, "button[type=submit]");
    settle().await;
    let shown = text(&root, "[data-testid=connect-result]").unwrap_or_default();
    assert!(shown.starts_with("API key:"), "{shown}");
    assert!(find(&root, "[data-testid=connect-result] p[data-error]").is_none());
}

#[wasm_bindgen_test]
async fn connect_page_signs_in_and_shows_the_server_list() {
    Credentials::forget();
    let (root, _app) = mount_app("/connect");
    settle().await;
    fill(&root, "#panel-url", sandbox());
    fill(&root, "#api-key", keys::ALICE);
    click(&root, "button[type=submit]");
    wait_until(
        "the server list after connecting",
        || find_all(&root, "[data-testid=server-list] li.server-row").len() == 6,
        || root.text_content().unwrap_or_default(),
    )
    .await;
    assert_eq!(
        web_sys::window().unwrap().location().pathname().unwrap(),
        "/"
    );
    let saved = Credentials::load().expect("credentials saved for the tab");
    assert_eq!(saved.panel.as_str(), sandbox());
    assert_eq!(saved.key.expose_secret(), keys::ALICE);
    assert!(
        web_sys::window()
            .unwrap()
            .local_storage()
            .unwrap()
            .unwrap()
            .get_item("ptero-web.credentials")
            .unwrap()
            .is_none(),
        "without \"remember me\" nothing goes to localStorage"
    );
    Credentials::forget();
}

#[wasm_bindgen_test]
async fn client_errors_are_typed_by_class() {
    let account = client(sandbox(), keys::ALICE).account().await;
    assert_eq!(account.map(|a| a.username), Ok("alice".to_string()));

    assert_eq!(
        client(sandbox(), keys::WRONG).account().await.map(drop),
        Err(ApiError::Panel(PanelError::Unauthenticated))
    );
    assert_eq!(
        client(sandbox(), keys::APPLICATION)
            .account()
            .await
            .map(drop),
        Err(ApiError::Panel(PanelError::Forbidden(
            ForbiddenReason::ApplicationKeyOnClientApi
        )))
    );
    assert_eq!(
        client(sandbox(), keys::ALICE_IP_RESTRICTED)
            .account()
            .await
            .map(drop),
        Err(ApiError::Panel(PanelError::Forbidden(
            ForbiddenReason::IpNotAllowed {
                ip: Some("127.0.0.1".into())
            }
        )))
    );
    assert_eq!(
        client(sandbox_no_cors(), keys::ALICE)
            .account()
            .await
            .map(drop),
        Err(ApiError::CorsBlocked {
            page_origin: page_origin().to_string()
        })
    );
    assert_eq!(
        client(closed_port(), keys::ALICE).account().await.map(drop),
        Err(ApiError::Unreachable {
            url: format!("{}/api/client/account", closed_port())
        })
    );
}
