//! The origin as a stranger on the internet meets it: exact origins, sessions that need an
//! embedding page, sign-out and removal that end streams, sessions kept by hash in a file
//! only its owner reads, site scopes, per-user reads, the page's narrower actions, and the
//! browser-hardening headers of every kind of answer.

mod common;

use std::time::{Duration, Instant};

use common::*;
use ptero_api::origin::{OriginErrorBody, OriginErrorCode};
use ptero_api::Action;
use ptero_sandbox::seed::servers::{BOB, OFFLINE, RUNNING, SHARED};
use ptero_sandbox::seed::users;
use serde_json::json;

async fn error_of(response: reqwest::Response) -> (u16, OriginErrorCode, String) {
    let status = response.status().as_u16();
    let body: OriginErrorBody = response.json().await.expect("error body");
    (status, body.error.code, body.error.message)
}

#[tokio::test]
async fn an_origin_spelt_with_a_leading_zero_port_is_neither_accepted_nor_echoed() {
    let harness = Harness::start().await;
    for spelling in [
        "https://shop.example.com:0443",
        "https://shop.example.com:443",
        "https://SHOP.example.com",
        "https://shop.example.com/",
        "https://shop.example.com.",
    ] {
        let response = harness
            .exchange(&token(claims(&[RUNNING], &["start"])), Some(spelling))
            .await;
        let (status, code, _) = error_of(response).await;
        assert_eq!(
            (status, code),
            (403, OriginErrorCode::OriginNotAllowed),
            "{spelling}"
        );
        let preflight = harness
            .http
            .request(reqwest::Method::OPTIONS, harness.url("/v1/session"))
            .header("origin", spelling)
            .header("access-control-request-method", "POST")
            .send()
            .await
            .expect("preflight");
        assert!(
            !preflight
                .headers()
                .contains_key("access-control-allow-origin"),
            "{spelling} was echoed"
        );
    }
    harness.stop().await;
}

#[tokio::test]
async fn a_session_needs_an_embedding_page_unless_the_site_exchanges_from_its_back_end() {
    let harness = Harness::start().await;
    let (status, code, message) = error_of(
        harness
            .exchange(&token(claims(&[RUNNING], &["start"])), None)
            .await,
    )
    .await;
    assert_eq!((status, code), (403, OriginErrorCode::OriginNotAllowed));
    assert!(message.contains("backend_exchange"), "{message}");
    harness.stop().await;

    let harness = Harness::with(Options {
        site_extra: "backend_exchange = true".to_owned(),
        ..Options::default()
    })
    .await;
    let response = harness
        .exchange(&token(claims(&[RUNNING], &["start"])), None)
        .await;
    assert_eq!(response.status(), 200);
    harness.stop().await;
}

#[tokio::test]
async fn signing_out_ends_the_session_and_its_open_streams() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    assert!(events.next(Duration::from_secs(5)).await.is_some());
    let out = harness
        .http
        .delete(harness.url("/v1/session"))
        .header("origin", SITE)
        .bearer_auth(&grant.session)
        .send()
        .await
        .expect("sign out");
    assert_eq!(out.status(), 204);
    let started = Instant::now();
    while events.next(Duration::from_secs(5)).await.is_some() {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the stream outlived its session"
        );
    }
    let (status, code, _) = error_of(
        harness
            .get(&format!("/v1/servers/{RUNNING}"), &grant.session)
            .send()
            .await
            .expect("read"),
    )
    .await;
    assert_eq!((status, code), (401, OriginErrorCode::SessionExpired));
    harness.stop().await;
}

/// Rewrites the harness's file with `edit` and applies it as a running origin does.
async fn reload_with(harness: &Harness, edit: impl Fn(String) -> String) {
    let text = std::fs::read_to_string(&harness.config_path).expect("config");
    std::fs::write(&harness.config_path, edit(text)).expect("config");
    ptero_origin::server::reload(harness.origin.state(), &harness.config_path).await;
}

#[tokio::test]
async fn removing_a_site_ends_its_sessions_and_streams_and_refuses_its_tokens() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    assert!(events.next(Duration::from_secs(5)).await.is_some());
    reload_with(&harness, |text| {
        text.replace("[sites.shop]", "[sites.other]").replace(
            "issuer = \"https://shop.example.com\"",
            "issuer = \"https://retired.example.com\"",
        )
    })
    .await;
    let started = Instant::now();
    while events.next(Duration::from_secs(5)).await.is_some() {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the stream outlived its site"
        );
    }
    println!(
        "a removed site's stream ended {:?} after the reload",
        started.elapsed()
    );
    let read = harness
        .get(&format!("/v1/servers/{RUNNING}"), &grant.session)
        .send()
        .await
        .expect("read");
    assert_eq!(read.status(), 401);
    let (status, code, _) = error_of(
        harness
            .exchange(&token(claims(&[RUNNING], &["start"])), Some(SITE))
            .await,
    )
    .await;
    assert_eq!((status, code), (401, OriginErrorCode::InvalidToken));
    harness.stop().await;
}

#[tokio::test]
async fn removing_an_origin_ends_its_open_streams_within_seconds() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    assert!(events.next(Duration::from_secs(5)).await.is_some());
    reload_with(&harness, |text| {
        text.replace("\"https://shop.example.com\", ", "")
    })
    .await;
    let started = Instant::now();
    while events.next(Duration::from_secs(5)).await.is_some() {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the stream outlived its origin"
        );
    }
    harness.stop().await;
}

#[tokio::test]
async fn sessions_are_kept_by_hash_in_a_file_only_its_owner_can_read() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let db = harness.dir.join("origin.db");
    let mut stored = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let path = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        if let Ok(bytes) = std::fs::read(&path) {
            stored.extend(bytes);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{} is {mode:o}", path.display());
            }
        }
    }
    assert!(!stored.is_empty(), "the database was written");
    let token = grant.session.as_bytes();
    assert!(
        !stored.windows(token.len()).any(|window| window == token),
        "the session token is in the database file"
    );
    let key = ptero_origin::auth::session::token_key(&grant.session);
    assert!(stored
        .windows(key.len())
        .any(|window| window == key.as_bytes()));
    harness.stop().await;
}

#[tokio::test]
async fn the_pages_actions_narrow_the_grant_at_the_origin() {
    let harness = Harness::start().await;
    let response = harness
        .http
        .post(harness.url("/v1/session"))
        .header("origin", SITE)
        .json(&json!({
            "token": token(claims(&[RUNNING], &["start", "stop"])),
            "actions": ["start", "kill"],
        }))
        .send()
        .await
        .expect("exchange");
    assert_eq!(response.status(), 200);
    let grant: ptero_api::origin::SessionGrant = response.json().await.expect("grant");
    assert_eq!(
        grant.actions,
        [Action::Start],
        "kill was never granted, stop withheld"
    );
    let (status, code, _) = error_of(
        harness
            .post(
                &format!("/v1/servers/{RUNNING}/power"),
                &grant.session,
                json!({"signal": "stop"}),
            )
            .send()
            .await
            .expect("power"),
    )
    .await;
    assert_eq!((status, code), (403, OriginErrorCode::ActionNotAllowed));
    harness.stop().await;
}

#[tokio::test]
async fn a_site_limited_to_some_servers_cannot_grant_others() {
    let harness = Harness::with(Options {
        site_extra: format!("servers = [\"{RUNNING}\"]"),
        ..Options::default()
    })
    .await;
    assert_eq!(
        harness
            .exchange(&token(claims(&[RUNNING], &["start"])), Some(SITE))
            .await
            .status(),
        200
    );
    let (status, code, message) = error_of(
        harness
            .exchange(&token(claims(&[RUNNING, OFFLINE], &["start"])), Some(SITE))
            .await,
    )
    .await;
    assert_eq!((status, code), (403, OriginErrorCode::ServerNotAllowed));
    assert!(
        message.contains(OFFLINE) && message.contains("may not show"),
        "{message}"
    );
    harness.stop().await;
}

#[tokio::test]
async fn a_site_limited_to_some_owners_cannot_grant_other_users_servers() {
    let harness = Harness::with(Options {
        site_extra: format!("owners = [{}]", users::BOB_ID),
        panel_extra: SSO_PANEL.to_owned(),
        ..Options::default()
    })
    .await;
    assert_eq!(
        harness
            .exchange(&token(claims(&[BOB], &["start"])), Some(SITE))
            .await
            .status(),
        200,
        "Bob's own server"
    );
    let (status, code, _) = error_of(
        harness
            .exchange(&token(claims(&[RUNNING], &["start"])), Some(SITE))
            .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (403, OriginErrorCode::ServerNotAllowed),
        "Alice's server"
    );
    harness.stop().await;
}

#[tokio::test]
async fn per_user_reads_follow_the_viewers_own_panel_permissions() {
    let harness = Harness::with(Options {
        site_actions: r#""start", "console""#,
        site_extra: "emails_verified = true".to_owned(),
        panel_extra: "application_key_file = \"{dir}/application.key\"\nkey_mode = \"per_user\""
            .to_owned(),
        extra: KEYS_SECTION.to_owned(),
        ..Options::default()
    })
    .await;
    // Carol's site token names Alice's server; Carol's panel user cannot see it.
    let carol = harness
        .session_from(claims_for(
            &[RUNNING],
            &["start"],
            ("email", users::CAROL_EMAIL),
        ))
        .await;
    for path in [
        format!("/v1/servers/{RUNNING}"),
        format!("/v1/stream?servers={RUNNING}"),
    ] {
        let (status, code, message) = error_of(
            harness
                .get(&path, &carol.session)
                .send()
                .await
                .expect("read"),
        )
        .await;
        assert_eq!(
            (status, code),
            (403, OriginErrorCode::ServerNotAllowed),
            "{path}"
        );
        assert!(message.contains("panel account"), "{message}");
    }
    // Bob shares SHARED with websocket.connect: he may watch it.
    let bob = harness
        .session_from(claims_for(
            &[SHARED],
            &["start"],
            ("email", users::BOB_EMAIL),
        ))
        .await;
    let read = harness
        .get(&format!("/v1/servers/{SHARED}"), &bob.session)
        .send()
        .await
        .expect("read");
    assert_eq!(read.status(), 200);
    harness.stop().await;
}

#[tokio::test]
async fn every_kind_of_answer_carries_its_browser_hardening_headers() {
    let harness = Harness::start().await;
    std::fs::write(
        harness.dir.join("dist/index.html"),
        "<!doctype html><title>app</title><script type=\"module\">import init from '/app-1.js';init();</script>",
    )
    .expect("index");
    std::fs::write(
        harness.dir.join("dist/app-1.js"),
        "export default () => {};",
    )
    .expect("js");
    std::fs::create_dir_all(harness.dir.join("dist/bin")).expect("bin dir");
    std::fs::write(
        harness.dir.join("dist/bin/ptero-origin"),
        "\u{7f}ELF the origin binary",
    )
    .expect("binary");

    let grant = harness.session(&[RUNNING], &["start"]).await;
    let api = harness
        .get(&format!("/v1/servers/{RUNNING}"), &grant.session)
        .send()
        .await
        .expect("api");
    let headers = api.headers().clone();
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(headers["content-security-policy"]
        .to_str()
        .expect("csp")
        .contains("frame-ancestors 'none'"));

    let app = harness.open("/").await;
    let policy = app.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert!(
        policy.contains("'sha256-"),
        "the inline start-up script by hash: {policy}"
    );
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(app.headers()["x-content-type-options"], "nosniff");
    assert_eq!(app.headers()["x-frame-options"], "DENY");

    let asset = harness.open("/app-1.js").await;
    assert_eq!(asset.text().await.expect("js"), "export default () => {};");
    // Nothing but the app comes out of its folder.
    let binary = harness.open("/bin/ptero-origin").await;
    assert!(
        !binary.text().await.expect("body").contains("ELF"),
        "the app folder served a binary"
    );

    // Found by the HTTP fuzzer: a NUL in a card path was a 500 from the file service.
    for odd in [
        "/card/%00/x.js",
        "/card/..%2f..%2fptero-origin.toml",
        "/card/bin",
    ] {
        assert_eq!(harness.open(odd).await.status(), 404, "{odd}");
    }
    let card = harness.open("/card/ptero-server-card.js").await;
    assert_eq!(card.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        card.headers()["cross-origin-resource-policy"],
        "cross-origin"
    );
    assert_eq!(card.headers()["access-control-allow-origin"], "*");
    harness.stop().await;
}

#[tokio::test]
async fn a_made_up_uuid_around_a_granted_id_cannot_poison_other_viewers() {
    let harness = Harness::start().await;
    let fake = format!("{RUNNING}-0000-4000-8000-000000000000");
    let attacker = harness.session(&[RUNNING, OFFLINE], &["start"]).await;
    // Reads and a stream under the made-up spelling go to the real server...
    let read = harness
        .get(
            &format!("/v1/servers/{OFFLINE}-0000-4000-8000-000000000000"),
            &attacker.session,
        )
        .send()
        .await
        .expect("read");
    assert_eq!(read.status(), 200, "the real server's summary");
    let mut poisoned = harness.stream(&attacker.session, &fake).await;
    assert!(matches!(
        poisoned.next(Duration::from_secs(5)).await,
        Some(ptero_api::origin::StreamEvent::Summary(_))
    ));
    // ...and another viewer of the server still gets it.
    let viewer = harness.session(&[RUNNING, OFFLINE], &["start"]).await;
    let mut events = harness.stream(&viewer.session, RUNNING).await;
    let first = events.next(Duration::from_secs(5)).await;
    assert!(
        matches!(first, Some(ptero_api::origin::StreamEvent::Summary(ref summary)) if summary.identifier == RUNNING),
        "{first:?}"
    );
    let other = harness
        .get(&format!("/v1/servers/{OFFLINE}"), &viewer.session)
        .send()
        .await
        .expect("read");
    assert_eq!(other.status(), 200);
    harness.stop().await;
}

#[tokio::test]
async fn replaying_a_token_costs_the_panel_nothing() {
    let harness = Harness::with(Options {
        site_extra: format!("owners = [{}]", users::ALICE_ID),
        panel_extra: SSO_PANEL.to_owned(),
        ..Options::default()
    })
    .await;
    harness.sandbox.reset_requests();
    let once = token(claims(&[RUNNING, OFFLINE], &["start"]));
    assert_eq!(harness.exchange(&once, Some(SITE)).await.status(), 200);
    for _ in 0..20 {
        assert_eq!(harness.exchange(&once, Some(SITE)).await.status(), 401);
    }
    // A fresh token for the same servers: the owners are remembered.
    let again = token(claims(&[RUNNING, OFFLINE], &["start"]));
    assert_eq!(harness.exchange(&again, Some(SITE)).await.status(), 200);
    let asked = harness.sandbox.request_count("/api/application");
    assert!(
        asked <= 2,
        "{asked} application API requests for 22 exchanges"
    );
    harness.stop().await;
}

#[tokio::test]
async fn a_site_names_only_the_external_ids_of_its_own_namespace() {
    let harness = Harness::with(Options {
        site_extra: "external_id_prefix = \"shop-\"".to_owned(),
        ..Options::default()
    })
    .await;
    let foreign = claims_for(
        &[RUNNING],
        &["start"],
        ("external_id", users::ALICE_EXTERNAL_ID),
    );
    let (status, code, message) =
        error_of(harness.exchange(&token(foreign), Some(SITE)).await).await;
    assert_eq!((status, code), (401, OriginErrorCode::InvalidToken));
    assert!(message.contains("shop-"), "{message}");
    let own = claims_for(&[RUNNING], &["start"], ("external_id", "shop-77"));
    assert_eq!(
        harness.exchange(&token(own), Some(SITE)).await.status(),
        200
    );
    harness.stop().await;
}

#[tokio::test]
async fn narrowing_a_sites_actions_binds_its_open_sessions_at_once() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["start", "stop"]).await;
    reload_with(&harness, |text| {
        text.replace(
            r#"actions = ["start", "stop", "restart", "console"]"#,
            r#"actions = ["start"]"#,
        )
    })
    .await;
    let (status, code, _) = error_of(
        harness
            .post(
                &format!("/v1/servers/{RUNNING}/power"),
                &grant.session,
                json!({"signal": "stop"}),
            )
            .send()
            .await
            .expect("power"),
    )
    .await;
    assert_eq!((status, code), (403, OriginErrorCode::ActionNotAllowed));
    harness.stop().await;
}
