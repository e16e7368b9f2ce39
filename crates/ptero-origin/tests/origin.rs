//! The origin over real HTTP on loopback, against the sandbox panel.

mod common;

use std::time::Duration;

use common::*;
use jsonwebtoken::Algorithm;
use ptero_api::origin::{OriginErrorBody, OriginErrorCode, ServerSummary, StreamEvent};
use ptero_api::{Action, PowerState};
use ptero_sandbox::seed::servers::{OFFLINE, RUNNING, SHARED, SUSPENDED};
use ptero_sandbox::SandboxConfig;
use serde_json::json;

async fn error_code(response: reqwest::Response) -> (u16, OriginErrorCode, String) {
    let status = response.status().as_u16();
    let body: OriginErrorBody = response.json().await.expect("error body");
    (status, body.error.code, body.error.message)
}

#[tokio::test]
async fn preflight_from_an_allowed_origin_gets_cors_headers() {
    let harness = Harness::start().await;
    let response = harness
        .http
        .request(reqwest::Method::OPTIONS, harness.url("/v1/session"))
        .header("origin", SITE)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,authorization",
        )
        .send()
        .await
        .expect("preflight");
    assert!(response.status().is_success());
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], SITE);
    assert!(headers.get("access-control-allow-credentials").is_none());
    let vary: Vec<_> = headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        vary.iter()
            .any(|v| v.to_ascii_lowercase().contains("origin")),
        "{vary:?}"
    );
    harness.stop().await;
}

#[tokio::test]
async fn a_request_from_another_origin_is_refused_with_origin_not_allowed() {
    let harness = Harness::start().await;
    let response = harness
        .exchange(&token(claims(&[RUNNING], &["start"])), Some(EVIL))
        .await;
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let (status, code, message) = error_code(response).await;
    assert_eq!((status, code), (403, OriginErrorCode::OriginNotAllowed));
    assert!(message.contains(EVIL));

    let preflight = harness
        .http
        .request(reqwest::Method::OPTIONS, harness.url("/v1/session"))
        .header("origin", EVIL)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect("preflight");
    assert!(preflight
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    assert_eq!(
        error_code(preflight).await.1,
        OriginErrorCode::OriginNotAllowed
    );
    assert!(String::from_utf8_lossy(&logs().lock().expect("logs")).contains(EVIL));
    harness.stop().await;
}

#[tokio::test]
async fn card_assets_are_public_and_the_app_falls_back_to_index() {
    let harness = Harness::start().await;
    let card = harness
        .http
        .get(harness.url("/card/ptero-server-card.js"))
        .header("origin", EVIL)
        .send()
        .await
        .expect("card");
    assert_eq!(card.status(), 200);
    assert_eq!(card.headers()["access-control-allow-origin"], "*");
    assert!(card.headers()["cache-control"]
        .to_str()
        .expect("text")
        .contains("public"));
    let page = harness
        .http
        .get(harness.url("/servers/1a7c3f02"))
        .send()
        .await
        .expect("app");
    assert_eq!(page.status(), 200);
    assert!(page
        .text()
        .await
        .expect("body")
        .contains("<title>app</title>"));
    harness.stop().await;
}

#[tokio::test]
async fn a_hand_off_grants_its_servers_and_only_the_sites_actions() {
    let harness = Harness::start().await;
    let grant = harness
        .session(&[RUNNING, OFFLINE], &["start", "kill", "sso"])
        .await;
    assert_eq!(grant.servers, [RUNNING, OFFLINE]);
    assert_eq!(grant.actions, [Action::Start]);
    assert_eq!(grant.expires_in_secs, 900);
    assert!(grant.session.len() >= 43);
    harness.stop().await;
}

#[tokio::test]
async fn every_bad_token_is_refused_with_its_reason() {
    let harness = Harness::start().await;
    let base = claims(&[RUNNING], &["start"]);
    let mut expired = base.clone();
    expired["iat"] = json!(now() - 900);
    expired["exp"] = json!(now() - 300);
    let mut wrong_audience = claims(&[RUNNING], &["start"]);
    wrong_audience["aud"] = json!("https://elsewhere.example");
    let mut unknown_site = claims(&[RUNNING], &["start"]);
    unknown_site["iss"] = json!("https://stranger.example");
    let mut too_long = claims(&[RUNNING], &["start"]);
    too_long["exp"] = json!(now() + 3600);
    let cases = [
        (
            "expired",
            token(expired),
            OriginErrorCode::TokenExpired,
            "expired",
        ),
        (
            "wrong audience",
            token(wrong_audience),
            OriginErrorCode::InvalidToken,
            "aud",
        ),
        (
            "unknown site",
            token(unknown_site),
            OriginErrorCode::InvalidToken,
            "could not be verified",
        ),
        (
            "too long",
            token(too_long),
            OriginErrorCode::InvalidToken,
            "seconds",
        ),
        (
            "bad signature",
            token_with(
                Algorithm::HS256,
                b"wrong-secret-wrong-secret-wrong-secret",
                &claims(&[RUNNING], &["start"]),
            ),
            OriginErrorCode::InvalidToken,
            "could not be verified",
        ),
        (
            "algorithm",
            token_with(
                Algorithm::HS512,
                SECRET.as_bytes(),
                &claims(&[RUNNING], &["start"]),
            ),
            OriginErrorCode::InvalidToken,
            "could not be verified",
        ),
        (
            "garbage",
            "not.a.jwt".to_owned(),
            OriginErrorCode::InvalidToken,
            "not a JWT",
        ),
    ];
    for (name, token, code, phrase) in cases {
        let (status, found, message) = error_code(harness.exchange(&token, Some(SITE)).await).await;
        assert_eq!((status, found), (401, code), "{name}: {message}");
        assert!(message.contains(phrase), "{name}: {message}");
        assert!(!message.contains(SECRET), "{name}");
        // Strangers learn nothing about issuers, algorithms or clocks.
        for detail in ["stranger", "HS256", "HS512", "pinned", "seconds ago"] {
            assert!(
                !message.contains(detail),
                "{name} says {detail:?}: {message}"
            );
        }
    }

    let once = token(claims(&[RUNNING], &["start"]));
    assert_eq!(harness.exchange(&once, Some(SITE)).await.status(), 200);
    let (status, code, _) = error_code(harness.exchange(&once, Some(SITE)).await).await;
    assert_eq!((status, code), (401, OriginErrorCode::TokenReused));

    let bad_body = harness
        .http
        .post(harness.url("/v1/session"))
        .header("origin", SITE)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request");
    assert_eq!(error_code(bad_body).await.1, OriginErrorCode::BadRequest);
    let metrics = harness
        .http
        .get(harness.ops_url("/metrics"))
        .send()
        .await
        .expect("metrics");
    let metrics = metrics.text().await.expect("text");
    assert!(metrics.contains("reason=\"replayed\"} 1"), "{metrics}");
    assert!(metrics.contains("reason=\"bad_signature\"} 1"), "{metrics}");
    harness.stop().await;
}

#[tokio::test]
async fn a_session_expires_and_is_bound_to_its_origin() {
    let harness = Harness::with(Options {
        session_ttl_secs: 1,
        ..Options::default()
    })
    .await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let from_other = harness
        .http
        .get(harness.url(&format!("/v1/servers/{RUNNING}")))
        .header("origin", OTHER_SITE)
        .bearer_auth(&grant.session)
        .send()
        .await
        .expect("request");
    assert_eq!(
        error_code(from_other).await.1,
        OriginErrorCode::OriginNotAllowed
    );
    let fresh = harness
        .get(&format!("/v1/servers/{RUNNING}"), &grant.session)
        .send()
        .await
        .expect("read");
    assert_eq!(fresh.status(), 200);
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let late = harness
        .get(&format!("/v1/servers/{RUNNING}"), &grant.session)
        .send()
        .await
        .expect("read");
    assert_eq!(error_code(late).await.1, OriginErrorCode::SessionExpired);
    let none = harness
        .http
        .get(harness.url(&format!("/v1/servers/{RUNNING}")))
        .header("origin", SITE)
        .send()
        .await
        .expect("read");
    assert_eq!(error_code(none).await.1, OriginErrorCode::SessionExpired);
    harness.stop().await;
}

#[tokio::test]
async fn a_granted_server_reads_as_a_summary_and_others_are_refused() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let response = harness
        .get(&format!("/v1/servers/{RUNNING}"), &grant.session)
        .send()
        .await
        .expect("read");
    assert_eq!(response.status(), 200);
    let summary: ServerSummary = response.json().await.expect("summary");
    assert_eq!(summary.identifier, RUNNING);
    assert_eq!(summary.state, PowerState::Running);
    let other = harness
        .get(&format!("/v1/servers/{OFFLINE}"), &grant.session)
        .send()
        .await
        .expect("read");
    assert_eq!(error_code(other).await.1, OriginErrorCode::ServerNotAllowed);
    let junk = harness
        .get("/v1/servers/..%2F..%2Fetc", &grant.session)
        .send()
        .await
        .expect("read");
    assert!(junk.status().is_client_error());
    harness.stop().await;
}

#[tokio::test]
async fn power_follows_the_grant_and_passes_panel_conflicts_on() {
    let harness = Harness::start().await;
    let grant = harness.session(&[OFFLINE, SUSPENDED], &["start"]).await;
    let start = harness
        .post(
            &format!("/v1/servers/{OFFLINE}/power"),
            &grant.session,
            json!({"signal": "start"}),
        )
        .send()
        .await
        .expect("power");
    assert_eq!(start.status(), 204);
    let kill = harness
        .post(
            &format!("/v1/servers/{OFFLINE}/power"),
            &grant.session,
            json!({"signal": "kill"}),
        )
        .send()
        .await
        .expect("power");
    assert_eq!(error_code(kill).await.1, OriginErrorCode::ActionNotAllowed);
    let bogus = harness
        .post(
            &format!("/v1/servers/{OFFLINE}/power"),
            &grant.session,
            json!({"signal": "explode"}),
        )
        .send()
        .await
        .expect("power");
    assert_eq!(error_code(bogus).await.1, OriginErrorCode::BadRequest);
    let suspended = harness
        .post(
            &format!("/v1/servers/{SUSPENDED}/power"),
            &grant.session,
            json!({"signal": "start"}),
        )
        .send()
        .await
        .expect("power");
    let (status, code, _) = error_code(suspended).await;
    assert_eq!((status, code), (409, OriginErrorCode::ServerConflict));
    let not_granted = harness
        .post(
            &format!("/v1/servers/{RUNNING}/power"),
            &grant.session,
            json!({"signal": "start"}),
        )
        .send()
        .await
        .expect("power");
    assert_eq!(
        error_code(not_granted).await.1,
        OriginErrorCode::ServerNotAllowed
    );
    harness.stop().await;
}

#[tokio::test]
async fn commands_need_the_console_grant_and_a_sane_length() {
    let harness = Harness::start().await;
    let without = harness.session(&[RUNNING], &["start"]).await;
    let refused = harness
        .post(
            &format!("/v1/servers/{RUNNING}/command"),
            &without.session,
            json!({"command": "say hi"}),
        )
        .send()
        .await
        .expect("command");
    assert_eq!(
        error_code(refused).await.1,
        OriginErrorCode::ActionNotAllowed
    );
    let with = harness.session(&[RUNNING], &["console"]).await;
    let sent = harness
        .post(
            &format!("/v1/servers/{RUNNING}/command"),
            &with.session,
            json!({"command": "say hi"}),
        )
        .send()
        .await
        .expect("command");
    assert_eq!(sent.status(), 204);
    let long = harness
        .post(
            &format!("/v1/servers/{RUNNING}/command"),
            &with.session,
            json!({"command": "x".repeat(600)}),
        )
        .send()
        .await
        .expect("command");
    assert_eq!(error_code(long).await.1, OriginErrorCode::BadRequest);
    harness.stop().await;
}

#[tokio::test]
async fn many_viewers_of_one_server_share_one_upstream_poll() {
    let harness = Harness::with(Options {
        poll_interval_ms: 300,
        ..Options::default()
    })
    .await;
    let grant = harness.session(&[RUNNING, SHARED], &["start"]).await;
    let resources = format!("/api/client/servers/{RUNNING}/resources");
    let mut viewers = Vec::new();
    for _ in 0..40 {
        let mut events = harness.stream(&grant.session, RUNNING).await;
        viewers.push(async move {
            let first = events.next(Duration::from_secs(5)).await;
            (first, events)
        });
    }
    let started = std::time::Instant::now();
    let results = futures_util::future::join_all(viewers).await;
    for (first, _) in &results {
        assert!(
            matches!(first, Some(StreamEvent::Summary(summary)) if summary.identifier == RUNNING),
            "{first:?}"
        );
    }
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let polls = harness.sandbox.request_count(&resources);
    let intervals = started.elapsed().as_millis() / 300 + 2;
    assert!(
        polls >= 1 && u128::from(polls) <= intervals,
        "{polls} polls in {intervals} intervals"
    );
    drop(results);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let after_leaving = harness.sandbox.request_count(&resources);
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(
        harness.sandbox.request_count(&resources),
        after_leaving,
        "the poller stops with its last viewer"
    );
    harness.stop().await;
}

#[tokio::test]
async fn one_stream_carries_several_servers() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING, OFFLINE], &["start"]).await;
    let mut events = harness
        .stream(&grant.session, &format!("{RUNNING},{OFFLINE}"))
        .await;
    let mut seen = Vec::new();
    while seen.len() < 2 {
        match events.next(Duration::from_secs(5)).await {
            Some(StreamEvent::Summary(summary)) if !seen.contains(&summary.identifier) => {
                seen.push(summary.identifier)
            }
            Some(_) => {}
            None => panic!("stream ended early; saw {seen:?}"),
        }
    }
    let refused = harness
        .get(
            &format!("/v1/stream?servers={RUNNING},{SHARED}"),
            &grant.session,
        )
        .send()
        .await
        .expect("stream");
    assert_eq!(
        error_code(refused).await.1,
        OriginErrorCode::ServerNotAllowed
    );
    harness.stop().await;
}

#[tokio::test]
async fn upstream_faults_reach_viewers_and_the_stream_recovers() {
    let harness = Harness::with(Options {
        poll_interval_ms: 100,
        ..Options::default()
    })
    .await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    assert!(matches!(
        events.next(Duration::from_secs(5)).await,
        Some(StreamEvent::Summary(_))
    ));
    harness
        .sandbox
        .faults()
        .update(|faults| faults.server_error = true);
    let error = events
        .until(Duration::from_secs(5), |event| {
            matches!(event, StreamEvent::Error { .. })
        })
        .await;
    assert!(error.is_some(), "an error event reaches the viewer");
    harness.sandbox.faults().clear();
    let back = events
        .until(Duration::from_secs(8), |event| {
            matches!(
                event,
                StreamEvent::Summary(_) | StreamEvent::Resources { .. } | StreamEvent::State { .. }
            )
        })
        .await;
    assert!(back.is_some(), "events resume after the fault clears");
    harness.stop().await;
}

#[tokio::test]
async fn removing_an_origin_from_the_file_revokes_its_sessions() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let text = config_text(
        &harness.dir,
        &harness.sandbox.panel_url(),
        &[OTHER_SITE],
        &Options::default(),
    );
    std::fs::write(&harness.config_path, text).expect("rewrite");
    ptero_origin::server::reload(harness.origin.state(), &harness.config_path).await;
    let refused = harness
        .get(&format!("/v1/servers/{RUNNING}"), &grant.session)
        .send()
        .await
        .expect("read");
    assert_eq!(
        error_code(refused).await.1,
        OriginErrorCode::OriginNotAllowed
    );
    let again = harness
        .exchange(&token(claims(&[RUNNING], &["start"])), Some(SITE))
        .await;
    assert_eq!(error_code(again).await.1, OriginErrorCode::OriginNotAllowed);
    harness.stop().await;
}

#[tokio::test]
async fn health_readiness_and_metrics_answer_on_the_ops_listener_only() {
    let harness = Harness::start().await;
    for path in ["/healthz", "/readyz"] {
        let response = harness
            .http
            .get(harness.ops_url(path))
            .send()
            .await
            .expect(path);
        assert_eq!(response.status(), 200, "{path}");
    }
    let live = harness.open("/healthz").await;
    assert_eq!(live.status(), 200);
    assert!(live.headers().contains_key("x-request-id"));
    // The public listener says nothing about the store, the panel or the traffic.
    for path in ["/metrics", "/readyz"] {
        let response = harness.open(path).await;
        let text = response.text().await.expect("body");
        assert!(
            !text.contains("ptero_origin_") && !text.contains("ready"),
            "{path} on the public listener: {text}"
        );
    }
    let metrics = harness
        .http
        .get(harness.ops_url("/metrics"))
        .send()
        .await
        .expect("metrics");
    let text = metrics.text().await.expect("text");
    assert!(text.contains("ptero_origin_upstream_polls_total"));
    assert!(text.contains("ptero_origin_viewers"));
    harness.stop().await;
}

#[tokio::test]
async fn the_panel_pass_through_forwards_the_users_own_key() {
    let harness = Harness::start().await;
    let response = harness
        .http
        .get(harness.url("/panel/api/client/account"))
        .bearer_auth(ptero_sandbox::seed::keys::ALICE)
        .send()
        .await
        .expect("proxy");
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("body");
    assert!(body.contains("alice"));
    let anonymous = harness
        .http
        .get(harness.url("/panel/api/client/account"))
        .send()
        .await
        .expect("proxy");
    assert_eq!(anonymous.status(), 401);
    harness.stop().await;
}

#[tokio::test]
async fn the_pass_through_spends_its_budget_then_answers_429_with_retry_after() {
    let harness = Harness::with(Options {
        limits: "proxy_per_minute = 3".into(),
        ..Options::default()
    })
    .await;
    let account = || {
        harness
            .http
            .get(harness.url("/panel/api/client/account"))
            .bearer_auth(ptero_sandbox::seed::keys::ALICE)
            .send()
    };
    for _ in 0..3 {
        assert_eq!(account().await.expect("proxy").status(), 200);
    }
    let refused = account().await.expect("proxy");
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let body: OriginErrorBody = refused.json().await.expect("an error body");
    assert_eq!(body.error.code, OriginErrorCode::RateLimited);
    assert!(
        body.error.message.contains("wait"),
        "{}",
        body.error.message
    );
    harness.stop().await;
}

#[tokio::test]
async fn no_response_or_log_line_carries_a_panel_key() {
    let harness = Harness::start().await;
    let grant = harness
        .session(&[RUNNING, SUSPENDED], &["start", "console"])
        .await;
    let mut bodies = Vec::new();
    for path in [
        format!("/v1/servers/{RUNNING}"),
        format!("/v1/servers/{SUSPENDED}"),
        "/metrics".to_owned(),
        "/readyz".to_owned(),
    ] {
        let response = harness
            .get(&path, &grant.session)
            .send()
            .await
            .expect("read");
        bodies.push(format!("{:?}", response.headers()));
        bodies.push(response.text().await.expect("body"));
    }
    let power = harness
        .post(
            &format!("/v1/servers/{SUSPENDED}/power"),
            &grant.session,
            json!({"signal": "start"}),
        )
        .send()
        .await
        .expect("power");
    bodies.push(power.text().await.expect("body"));
    let proxied = harness
        .http
        .get(harness.url("/panel/api/client/account"))
        .bearer_auth(ptero_sandbox::seed::keys::ALICE)
        .send()
        .await
        .expect("proxy");
    bodies.push(format!("{:?}", proxied.headers()));
    let mut events = harness.stream(&grant.session, RUNNING).await;
    if let Some(event) = events.next(Duration::from_secs(5)).await {
        bodies.push(event.to_json());
    }
    harness
        .sandbox
        .faults()
        .update(|faults| faults.server_error = true);
    let failing = harness
        .get(&format!("/v1/servers/{SUSPENDED}"), &grant.session)
        .send()
        .await
        .expect("read");
    bodies.push(failing.text().await.expect("body"));
    harness.sandbox.faults().clear();
    for body in &bodies {
        assert!(!body.contains("ptlc_") && !body.contains("ptla_"), "{body}");
    }
    let logs = String::from_utf8_lossy(&logs().lock().expect("logs")).into_owned();
    assert!(!logs.is_empty(), "logs were captured");
    assert!(
        !logs.contains("ptlc_") && !logs.contains("ptla_"),
        "a key reached the log"
    );
    assert!(
        !logs.contains(&grant.session),
        "a session token reached the log"
    );
    harness.stop().await;
}

#[tokio::test]
async fn check_reports_a_reachable_panel_and_a_working_key() {
    let harness = Harness::start().await;
    let mut out = Vec::new();
    let code = ptero_origin::cli::check(&harness.config_path, &mut out).await;
    let report = String::from_utf8_lossy(&out).into_owned();
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{report}");
    assert!(report.contains("401 without a key"), "{report}");
    assert!(report.contains("the key works"), "{report}");
    assert!(!report.contains("AdminSecret"), "{report}");
    harness.stop().await;
}

#[tokio::test]
async fn check_reports_the_panels_flavour_and_the_limits_it_respects() {
    for (flavor, says) in [
        (
            ptero_api::Flavor::Pterodactyl111,
            "the panel is Pterodactyl 1.11",
        ),
        (
            ptero_api::Flavor::Pterodactyl112,
            "the panel is Pterodactyl 1.12, 1.12.1 or later",
        ),
        (ptero_api::Flavor::Pelican, "the panel is Pelican"),
    ] {
        let harness = Harness::with(Options {
            sandbox: SandboxConfig::fast_flavored(flavor),
            panel_extra: SSO_PANEL.into(),
            ..Options::default()
        })
        .await;
        let mut out = Vec::new();
        let code = ptero_origin::cli::check(&harness.config_path, &mut out).await;
        let report = String::from_utf8_lossy(&out).into_owned();
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{report}");
        assert!(report.contains(says), "{flavor}: {report}");
        let limit = flavor.client_rate_limit().to_string();
        assert!(
            report.contains(&format!("allows {limit} requests a minute")),
            "{report}"
        );
        assert!(
            report.contains("the PteroCA addon answers"),
            "{flavor}: {report}"
        );
        assert_eq!(
            report.contains("5 websocket tokens a minute per server"),
            flavor != ptero_api::Flavor::Pterodactyl111,
            "{report}"
        );
        harness.stop().await;
    }
}

#[tokio::test]
async fn check_explains_an_unreachable_panel() {
    let harness = Harness::start().await;
    let text = config_text(
        &harness.dir,
        "http://127.0.0.1:9",
        &[SITE],
        &Options::default(),
    );
    std::fs::write(&harness.config_path, text).expect("rewrite");
    let mut out = Vec::new();
    let code = ptero_origin::cli::check(&harness.config_path, &mut out).await;
    let report = String::from_utf8_lossy(&out).into_owned();
    assert_eq!(code, std::process::ExitCode::FAILURE, "{report}");
    assert!(
        report.contains("cannot be reached") && report.contains("DNS"),
        "{report}"
    );
    harness.stop().await;
}

/// Sends a console command and waits for a console line on `events` containing `echo`.
async fn command_output_reaches(
    harness: &Harness,
    session: &str,
    events: &mut Events,
    command: &str,
    echo: &str,
) {
    let sent = harness
        .post(
            &format!("/v1/servers/{RUNNING}/command"),
            session,
            json!({ "command": command }),
        )
        .send()
        .await
        .expect("command");
    assert_eq!(sent.status(), 204);
    let line = events
        .until(
            Duration::from_secs(8),
            |event| matches!(event, StreamEvent::Console { line, .. } if line.contains(echo)),
        )
        .await;
    assert!(
        line.is_some(),
        "the output of `{command}` reaches the console stream"
    );
}

#[tokio::test]
async fn console_viewers_get_recent_lines_and_their_commands_output() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["console"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    command_output_reaches(
        &harness,
        &grant.session,
        &mut events,
        "say <b>hello-origin</b>",
        "hello-origin",
    )
    .await;

    let plain = harness.session(&[RUNNING], &["start"]).await;
    let mut quiet = harness.stream(&plain.session, RUNNING).await;
    let console = quiet
        .until(Duration::from_millis(800), |event| {
            matches!(event, StreamEvent::Console { .. })
        })
        .await;
    assert!(
        console.is_none(),
        "a session without console gets no console lines"
    );
    harness.stop().await;
}

/// Wings relays a busy server's events from the moment a socket opens, so the relay's
/// first answer can be `jwt: no jwt present` before its `auth` lands: not a reason to drop
/// the socket (which would only meet the same race again).
#[tokio::test]
async fn the_console_relay_outlasts_an_event_that_beats_its_auth() {
    let harness = Harness::start().await;
    harness
        .sandbox
        .faults()
        .update(|faults| faults.events_before_auth = true);
    let grant = harness.session(&[RUNNING], &["console"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    // The relay's socket is up once its replayed history or a live line arrives.
    let first = events
        .until(Duration::from_secs(8), |event| {
            matches!(event, StreamEvent::Console { .. })
        })
        .await;
    assert!(first.is_some(), "the relay authenticated and relays lines");
    command_output_reaches(
        &harness,
        &grant.session,
        &mut events,
        "say relay-won-the-race",
        "relay-won-the-race",
    )
    .await;
    harness.stop().await;
}

/// A panel whose clock runs behind Wings' hands out tokens that are dead on arrival, and
/// Wings' answer to them looks like an event that beat the `auth`. The relay gives such a
/// socket up after the request timeout, says why, and retries with back-off rather than
/// waiting forever or asking the panel in a loop; once tokens are good again it relays.
#[tokio::test]
async fn the_console_relay_gives_up_on_tokens_wings_will_not_accept_and_recovers() {
    let harness = Harness::with(Options {
        limits: "request_timeout_secs = 1".into(),
        // Renewals here run into dead tokens; the default minute between requests would
        // only slow the test down.
        token_interval_ms: 300,
        sandbox: SandboxConfig {
            websocket_tokens_per_minute: None,
            ..SandboxConfig::fast()
        },
        ..Options::default()
    })
    .await;
    harness
        .sandbox
        .faults()
        .update(|faults| faults.stale_tokens = true);
    harness.sandbox.reset_requests();
    let grant = harness.session(&[RUNNING], &["console"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    let said = || {
        String::from_utf8_lossy(&logs().lock().expect("logs"))
            .contains("did not accept the panel's websocket token")
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !said() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the relay says why it gave the socket up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let tokens = harness
        .sandbox
        .request_count(&format!("/api/client/servers/{RUNNING}/websocket"));
    assert!(
        (1..=3).contains(&tokens),
        "{tokens} token requests: one per attempt, not a loop"
    );
    let notice = events
        .until(Duration::from_secs(3), |event| {
            matches!(event, StreamEvent::Console { line, .. } if line.contains("[ptero-origin]") && line.contains("clocks"))
        })
        .await;
    assert!(
        notice.is_some(),
        "console viewers are told why the console is quiet"
    );
    harness.sandbox.faults().clear();
    let line = events
        .until(Duration::from_secs(10), |event| {
            matches!(event, StreamEvent::Console { .. })
        })
        .await;
    assert!(line.is_some(), "console lines once the tokens are good");
    harness.stop().await;
}

#[tokio::test]
async fn shutdown_closes_open_streams() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let mut events = harness.stream(&grant.session, RUNNING).await;
    assert!(events.next(Duration::from_secs(5)).await.is_some());
    let Harness {
        sandbox, origin, ..
    } = harness;
    let started = std::time::Instant::now();
    let stopping = tokio::spawn(origin.shutdown());
    assert!(events
        .until(Duration::from_secs(6), |_| false)
        .await
        .is_none());
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the stream ended on shutdown"
    );
    tokio::time::timeout(Duration::from_secs(5), stopping)
        .await
        .expect("shutdown finishes while a stream was open")
        .expect("join");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_unknown_api_path_answers_not_found_in_the_envelope() {
    let harness = Harness::start().await;
    let response = harness
        .http
        .get(harness.url("/v1/nothing/here"))
        .send()
        .await
        .expect("request");
    let (status, code, _) = error_code(response).await;
    assert_eq!((status, code), (404, OriginErrorCode::NotFound));
    harness.stop().await;
}

#[tokio::test]
async fn the_running_origin_picks_up_a_changed_file_without_restart() {
    let options = Options {
        reload_secs: 1,
        ..Options::default()
    };
    let harness = Harness::with(options).await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let text = config_text(
        &harness.dir,
        &harness.sandbox.panel_url(),
        &[OTHER_SITE],
        &Options {
            reload_secs: 1,
            ..Options::default()
        },
    );
    std::fs::write(&harness.config_path, text).expect("rewrite");
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let refused = harness
        .get(&format!("/v1/servers/{RUNNING}"), &grant.session)
        .send()
        .await
        .expect("read");
    assert_eq!(
        error_code(refused).await.1,
        OriginErrorCode::OriginNotAllowed
    );
    harness.stop().await;
}
