//! SSO into the panel through the PteroCA addon, end to end over loopback: the card's
//! ticket request, the ticket page, and the sandbox panel's `/pteroca/authorize`.

mod common;

use std::collections::HashSet;

use common::*;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use ptero_api::claims::{
    SSO_AUTHORIZE_PATH, SSO_FORM_FIELD, SSO_LIFETIME_SECS, SSO_TICKET_LIFETIME_SECS,
};
use ptero_api::origin::{OriginErrorBody, OriginErrorCode, SsoTicket};
use ptero_api::SsoClaims;
use ptero_origin::store::{AuditAction, SsoTicketRecord};
use ptero_sandbox::seed::{self, servers::RUNNING, users};

const ALL_ACTIONS: &str = r#""start", "stop", "restart", "console", "sso""#;

async fn sso_harness() -> Harness {
    sso_harness_with("emails_verified = true").await
}

async fn sso_harness_with(site_extra: &str) -> Harness {
    Harness::with(Options {
        site_actions: ALL_ACTIONS,
        site_extra: site_extra.to_owned(),
        panel_extra: SSO_PANEL.to_owned(),
        // Tickets are asked for more often here than a person would.
        extra: SSO_SECTION.to_owned(),
        limits: "sso_per_minute = 600".to_owned(),
        ..Options::default()
    })
    .await
}

/// The confirmation page of `path`: its `confirm` value and the cookie that pairs with it.
async fn confirmation(harness: &Harness, path: &str) -> (String, String, String) {
    let page = harness.open(path).await;
    assert_eq!(page.status(), 200, "the confirmation page");
    let cookie = page.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(
        cookie.contains("SameSite=Strict") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().expect("pair").to_owned();
    let html = page.text().await.expect("html");
    assert!(
        !html.contains(SSO_FORM_FIELD),
        "no token before the person confirms"
    );
    let confirm = attribute(&html, "name=\"confirm\"", "value");
    (confirm, pair, html)
}

/// Opens `path` as a person would: the confirmation page, then its button.
async fn redeem(harness: &Harness, path: &str) -> reqwest::Response {
    let (confirm, cookie, _) = confirmation(harness, path).await;
    harness
        .http
        .post(harness.url(path))
        .header("cookie", cookie)
        .header("origin", "https://cards.example.com")
        .form(&[("confirm", confirm.as_str())])
        .send()
        .await
        .expect("confirm")
}

async fn alice_session(harness: &Harness) -> String {
    harness
        .session_from(claims_for(
            &[RUNNING],
            &["start", "sso"],
            ("email", users::ALICE_EMAIL),
        ))
        .await
        .session
}

async fn ask_ticket(harness: &Harness, session: &str) -> reqwest::Response {
    harness
        .post(
            &format!("/v1/servers/{RUNNING}/sso"),
            session,
            serde_json::json!({}),
        )
        .send()
        .await
        .expect("sso")
}

/// The ticket URL names the public address; the test reaches the origin on loopback.
async fn ticket_path(harness: &Harness, session: &str) -> String {
    let response = ask_ticket(harness, session).await;
    assert_eq!(response.status(), 200, "ticket issued");
    let ticket: SsoTicket = response.json().await.expect("ticket");
    assert!(ticket.expires_in_secs <= SSO_TICKET_LIFETIME_SECS);
    const { assert!(SSO_TICKET_LIFETIME_SECS <= 30) };
    let path = ticket
        .url
        .strip_prefix("https://cards.example.com")
        .expect("the ticket URL is on the public URL")
        .to_owned();
    assert!(path.starts_with("/sso/"), "{path}");
    assert!(
        path.len() >= "/sso/".len() + 22,
        "a ticket of 128 bits or more"
    );
    path
}

async fn error_code(response: reqwest::Response) -> (u16, OriginErrorCode, String) {
    let status = response.status().as_u16();
    let body: OriginErrorBody = response.json().await.expect("error body");
    (status, body.error.code, body.error.message)
}

/// The value of `attribute="…"` after `anchor` in `html`.
fn attribute(html: &str, anchor: &str, attribute: &str) -> String {
    let start = html.find(anchor).expect("anchor");
    let rest = &html[start..];
    let marker = format!("{attribute}=\"");
    let from = rest.find(&marker).expect("attribute") + marker.len();
    let to = rest[from..].find('"').expect("closing quote");
    rest[from..from + to].replace("&amp;", "&")
}

fn verify(token: &str, panel: &str) -> SsoClaims {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[panel]);
    validation.set_issuer(&[SITE]);
    jsonwebtoken::decode::<SsoClaims>(
        token,
        &DecodingKey::from_secret(seed::SSO_SECRET.as_bytes()),
        &validation,
    )
    .expect("the token verifies with the addon's secret")
    .claims
}

#[tokio::test]
async fn sso_signs_the_viewer_in_to_the_panel_end_to_end() {
    let harness = sso_harness().await;
    let session = alice_session(&harness).await;
    let path = ticket_path(&harness, &session).await;

    let page = redeem(&harness, &path).await;
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let panel = harness.sandbox.panel_url();
    let policy = headers["content-security-policy"].to_str().expect("csp");
    assert!(
        policy.contains(&format!("form-action {panel};")),
        "{policy}"
    );
    assert!(policy.contains("script-src 'nonce-"), "{policy}");
    let html = page.text().await.expect("html");
    let action = attribute(&html, "<form", "action");
    assert_eq!(action, format!("{panel}{SSO_AUTHORIZE_PATH}"));
    let token = attribute(&html, &format!("name=\"{SSO_FORM_FIELD}\""), "value");
    assert!(html.contains("<noscript>"));

    let claims = verify(&token, &panel);
    assert_eq!(claims.user.id, users::ALICE_ID);
    assert!(claims.exp - claims.iat <= SSO_LIFETIME_SECS);
    assert!(!claims.jti.is_empty());

    // The browser's part: post the form, follow the panel's redirect with its cookie.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let signed_in = browser
        .post(&action)
        .form(&[(SSO_FORM_FIELD, token.as_str())])
        .send()
        .await
        .expect("authorize");
    assert_eq!(signed_in.status(), 302, "the panel accepts the token");
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    let dashboard = browser
        .get(format!("{panel}/"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("dashboard")
        .text()
        .await
        .expect("html");
    assert!(
        dashboard.contains(&format!("data-user-id=\"{}\"", users::ALICE_ID)),
        "{dashboard}"
    );
    assert!(dashboard.contains(users::ALICE_USERNAME));

    let logs = String::from_utf8_lossy(&logs().lock().expect("logs")).into_owned();
    assert!(!logs.contains(&token), "the SSO token reached the log");
    let ticket = path.trim_start_matches("/sso/");
    assert!(!logs.contains(ticket), "the ticket reached the log");
    let audit = harness.audit(10).await;
    let sso: Vec<_> = audit
        .iter()
        .filter(|entry| entry.action == AuditAction::Sso && entry.outcome == "ok")
        .collect();
    assert_eq!(sso.len(), 2, "issued and redeemed: {audit:?}");
    assert!(sso.iter().all(|entry| entry.viewer == "customer-42"
        && entry.site == SITE
        && entry.server.as_deref() == Some(RUNNING)
        && entry.origin.as_deref() == Some(SITE)));
    harness.stop().await;
}

#[tokio::test]
async fn the_viewer_is_found_by_external_id_when_the_token_gives_one() {
    let harness = sso_harness().await;
    let session = harness
        .session_from(claims_for(
            &[RUNNING],
            &["sso"],
            ("external_id", users::ALICE_EXTERNAL_ID),
        ))
        .await
        .session;
    let path = ticket_path(&harness, &session).await;
    let html = redeem(&harness, &path).await.text().await.expect("html");
    let token = attribute(&html, &format!("name=\"{SSO_FORM_FIELD}\""), "value");
    assert_eq!(
        verify(&token, &harness.sandbox.panel_url()).user.id,
        users::ALICE_ID
    );
    harness.stop().await;
}

#[tokio::test]
async fn a_replayed_ticket_is_refused() {
    let harness = sso_harness().await;
    let session = alice_session(&harness).await;
    let path = ticket_path(&harness, &session).await;
    let first = redeem(&harness, &path).await;
    assert_eq!(first.status(), 200);
    let replay = harness.open(&path).await;
    assert_eq!(replay.status(), 410);
    assert_eq!(replay.headers()["cache-control"], "no-store");
    let html = replay.text().await.expect("html");
    assert!(html.contains("already used"), "{html}");
    assert!(!html.contains(SSO_FORM_FIELD), "no token on a refusal");
    harness.stop().await;
}

#[tokio::test]
async fn tickets_are_unique() {
    let harness = sso_harness().await;
    let session = alice_session(&harness).await;
    let mut seen = HashSet::new();
    for _ in 0..5 {
        assert!(seen.insert(ticket_path(&harness, &session).await));
    }
    harness.stop().await;
}

#[tokio::test]
async fn an_expired_ticket_is_refused() {
    let harness = sso_harness().await;
    let record = SsoTicketRecord {
        panel_user_id: users::ALICE_ID,
        panel_user_label: users::ALICE_EMAIL.to_owned(),
        site: SITE.to_owned(),
        viewer: "customer-42".to_owned(),
        server: RUNNING.to_owned(),
        origin: Some(SITE.to_owned()),
        expires_at: now() - 1,
    };
    harness
        .origin
        .state()
        .store
        .put_ticket(
            &ptero_origin::auth::session::token_key("an-old-ticket-0123456789abcdef"),
            record,
        )
        .await
        .expect("store");
    let response = harness.open("/sso/an-old-ticket-0123456789abcdef").await;
    assert_eq!(response.status(), 410);
    let html = response.text().await.expect("html");
    assert!(html.contains("expired"), "{html}");
    assert!(!html.contains(SSO_FORM_FIELD));
    harness.stop().await;
}

#[tokio::test]
async fn an_unknown_ticket_is_refused() {
    let harness = sso_harness().await;
    let response = harness.open("/sso/never-issued").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.expect("html").contains("not valid"));
    harness.stop().await;
}

#[tokio::test]
async fn a_viewer_without_a_panel_account_is_refused() {
    let harness = sso_harness().await;
    // "lice@example.com" is inside alice's address: the panel's LIKE filter finds her,
    // the exact comparison must not.
    for email in ["nobody@example.com", "lice@example.com"] {
        let session = harness
            .session_from(claims_for(&[RUNNING], &["sso"], ("email", email)))
            .await
            .session;
        let (status, code, message) = error_code(ask_ticket(&harness, &session).await).await;
        assert_eq!(
            (status, code),
            (404, OriginErrorCode::NoPanelAccount),
            "{email}"
        );
        assert!(message.contains("no user"), "{message}");
    }
    let anonymous = harness.session(&[RUNNING], &["sso"]).await.session;
    let (status, code, message) = error_code(ask_ticket(&harness, &anonymous).await).await;
    assert_eq!((status, code), (404, OriginErrorCode::NoPanelAccount));
    assert!(message.contains("external_id"), "{message}");
    let audit = harness.audit(10).await;
    assert!(audit.iter().any(
        |entry| entry.action == AuditAction::Sso && entry.outcome.contains("no_panel_account")
    ));
    harness.stop().await;
}

#[tokio::test]
async fn a_session_without_sso_is_refused() {
    let harness = sso_harness().await;
    let session = harness
        .session_from(claims_for(
            &[RUNNING],
            &["start"],
            ("email", users::ALICE_EMAIL),
        ))
        .await
        .session;
    let (status, code, _) = error_code(ask_ticket(&harness, &session).await).await;
    assert_eq!((status, code), (403, OriginErrorCode::ActionNotAllowed));
    harness.stop().await;
}

#[tokio::test]
async fn a_server_outside_the_session_is_refused() {
    let harness = sso_harness().await;
    let session = alice_session(&harness).await;
    let response = harness
        .post(
            &format!("/v1/servers/{}/sso", seed::servers::CAROL),
            &session,
            serde_json::json!({}),
        )
        .send()
        .await
        .expect("sso");
    let (status, code, _) = error_code(response).await;
    assert_eq!((status, code), (403, OriginErrorCode::ServerNotAllowed));
    harness.stop().await;
}

#[tokio::test]
async fn sso_without_configuration_says_what_to_set() {
    let harness = Harness::with(Options {
        site_actions: ALL_ACTIONS,
        ..Options::default()
    })
    .await;
    let session = alice_session(&harness).await;
    let (status, code, message) = error_code(ask_ticket(&harness, &session).await).await;
    assert_eq!((status, code), (503, OriginErrorCode::NotConfigured));
    assert!(message.contains("[sso]"), "{message}");
    harness.stop().await;

    let harness = Harness::with(Options {
        site_actions: ALL_ACTIONS,
        extra: SSO_SECTION.to_owned(),
        ..Options::default()
    })
    .await;
    let session = alice_session(&harness).await;
    let (status, code, message) = error_code(ask_ticket(&harness, &session).await).await;
    assert_eq!((status, code), (503, OriginErrorCode::NotConfigured));
    assert!(message.contains("application_key"), "{message}");
    harness.stop().await;
}

#[tokio::test]
async fn a_refused_application_key_is_reported() {
    let harness = Harness::with(Options {
        site_actions: ALL_ACTIONS,
        site_extra: "emails_verified = true".to_owned(),
        panel_extra: "application_key_file = \"{dir}/unknown-application.key\"".to_owned(),
        extra: SSO_SECTION.to_owned(),
        ..Options::default()
    })
    .await;
    let session = alice_session(&harness).await;
    let (status, code, message) = error_code(ask_ticket(&harness, &session).await).await;
    assert_eq!((status, code), (502, OriginErrorCode::PanelRejected));
    assert!(message.contains("application key"), "{message}");
    assert!(message.contains("401"), "{message}");
    harness.stop().await;
}

#[tokio::test]
async fn a_head_request_does_not_use_the_ticket() {
    let harness = sso_harness().await;
    let session = alice_session(&harness).await;
    let path = ticket_path(&harness, &session).await;
    let head = harness
        .http
        .head(harness.url(&path))
        .send()
        .await
        .expect("head");
    assert_eq!(head.status(), 200);
    let page = redeem(&harness, &path).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains(SSO_FORM_FIELD));
    harness.stop().await;
}

#[tokio::test]
async fn the_link_asks_before_it_signs_in_and_a_preview_spends_nothing() {
    let harness = sso_harness().await;
    let session = alice_session(&harness).await;
    let path = ticket_path(&harness, &session).await;
    // A chat app's link preview (or a curious crawler) opens the link twice.
    let (_, _, html) = confirmation(&harness, &path).await;
    assert!(
        html.contains(&format!("Sign in as {}", users::ALICE_EMAIL)),
        "{html}"
    );
    confirmation(&harness, &path).await;
    // The person still gets in afterwards.
    let page = redeem(&harness, &path).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains(SSO_FORM_FIELD));
    harness.stop().await;
}

#[tokio::test]
async fn another_site_cannot_post_the_confirmation_for_its_own_ticket() {
    let harness = sso_harness().await;
    let session = alice_session(&harness).await;
    let path = ticket_path(&harness, &session).await;
    // The attacker opens their own link to learn a confirm value...
    let (confirm, cookie, _) = confirmation(&harness, &path).await;
    // ...and has the victim's browser post it: no cookie (SameSite=Strict), or from
    // another origin.
    let attempts = [
        (None, Some(EVIL)),
        (Some(cookie.clone()), Some(EVIL)),
        (None, None),
        (Some("ptero-sso-000000000000=guess".to_owned()), None),
    ];
    for (cookie, origin) in attempts {
        let mut request = harness
            .http
            .post(harness.url(&path))
            .form(&[("confirm", confirm.as_str())]);
        if let Some(cookie) = &cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let response = request.send().await.expect("post");
        assert_eq!(response.status(), 403, "{cookie:?} {origin:?}");
        let html = response.text().await.expect("html");
        assert!(!html.contains(SSO_FORM_FIELD), "{html}");
    }
    // None of that spent the ticket.
    assert_eq!(redeem(&harness, &path).await.status(), 200);
    harness.stop().await;
}

#[tokio::test]
async fn sso_never_signs_into_a_root_admin_without_the_sites_opt_in() {
    for (site_extra, allowed) in [
        ("emails_verified = true", false),
        ("emails_verified = true\nsso_admins = true", true),
    ] {
        let harness = sso_harness_with(site_extra).await;
        let session = harness
            .session_from(claims_for(
                &[RUNNING],
                &["start", "sso"],
                ("email", users::ADMIN_EMAIL),
            ))
            .await
            .session;
        let (status, code, message) = error_code(ask_ticket(&harness, &session).await).await;
        if allowed {
            // Past the administrator check; the admin still has to own or share the
            // server, and RUNNING is Alice's.
            assert_eq!(
                (status, code),
                (403, OriginErrorCode::ServerNotAllowed),
                "{message}"
            );
            assert!(!message.contains("administrator"), "{message}");
        } else {
            assert_eq!((status, code), (403, OriginErrorCode::ActionNotAllowed));
            assert!(message.contains("administrator"), "{message}");
        }
        harness.stop().await;
    }
}

#[tokio::test]
async fn an_email_identifies_a_panel_user_only_where_the_site_vouches_for_it() {
    let harness = sso_harness_with("").await;
    let session = alice_session(&harness).await;
    let (status, code, message) = error_code(ask_ticket(&harness, &session).await).await;
    assert_eq!((status, code), (404, OriginErrorCode::NoPanelAccount));
    assert!(message.contains("emails_verified"), "{message}");
    harness.stop().await;
}

#[tokio::test]
async fn sso_needs_the_viewer_to_own_or_share_the_server() {
    let harness = sso_harness().await;
    // Bob is a panel user, but RUNNING is Alice's and not shared with him.
    let session = harness
        .session_from(claims_for(
            &[RUNNING],
            &["start", "sso"],
            ("email", users::BOB_EMAIL),
        ))
        .await
        .session;
    let (status, code, message) = error_code(ask_ticket(&harness, &session).await).await;
    assert_eq!((status, code), (403, OriginErrorCode::ServerNotAllowed));
    assert!(message.contains("subuser"), "{message}");
    // Bob is a subuser of SHARED: that works.
    let shared = harness
        .session_from(claims_for(
            &[seed::servers::SHARED],
            &["start", "sso"],
            ("email", users::BOB_EMAIL),
        ))
        .await
        .session;
    let response = harness
        .post(
            &format!("/v1/servers/{}/sso", seed::servers::SHARED),
            &shared,
            serde_json::json!({}),
        )
        .send()
        .await
        .expect("sso");
    assert_eq!(response.status(), 200);
    harness.stop().await;
}
