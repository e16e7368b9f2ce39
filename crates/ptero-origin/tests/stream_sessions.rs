//! `POST /v1/stream`: one connection carrying the servers of several sessions (a page of
//! cards with one hand-off token each). Each session is admitted like a bearer (known,
//! unexpired, minted for the page's origin) and leaves the stream, with its servers, when
//! it expires or is revoked; the stream ends when none is left.

mod common;

use std::time::Duration;

use common::{claims, token, Events, Harness, Options, OTHER_SITE, SITE};
use ptero_api::origin::{OriginErrorCode, SessionGrant, StreamEvent};
use serde_json::{json, Value};

const RUNNING: &str = ptero_sandbox::seed::servers::RUNNING;
const OFFLINE: &str = ptero_sandbox::seed::servers::OFFLINE;
const SHARED: &str = ptero_sandbox::seed::servers::SHARED;
const WAIT: Duration = Duration::from_secs(5);

/// `POST /v1/stream` from `origin`'s page with `sessions` (bearer, servers).
async fn open_many(
    harness: &Harness,
    origin: &str,
    sessions: &[(&str, &[&str])],
) -> reqwest::Response {
    let sessions: Vec<Value> = sessions
        .iter()
        .map(|(session, servers)| json!({ "session": session, "servers": servers }))
        .collect();
    harness
        .http
        .post(harness.url("/v1/stream"))
        .header("origin", origin)
        .json(&json!({ "sessions": sessions }))
        .send()
        .await
        .expect("stream request")
}

async fn stream_of(harness: &Harness, origin: &str, sessions: &[(&str, &[&str])]) -> Events {
    let response = open_many(harness, origin, sessions).await;
    assert_eq!(response.status(), 200, "the stream opens");
    Events::from_response(response)
}

/// A session exchanged from `origin`'s page.
async fn session_at(
    harness: &Harness,
    origin: &str,
    servers: &[&str],
    actions: &[&str],
) -> SessionGrant {
    let response = harness
        .exchange(&token(claims(servers, actions)), Some(origin))
        .await;
    assert_eq!(response.status(), 200, "session exchange from {origin}");
    response.json().await.expect("grant")
}

fn summary_of(event: &StreamEvent, server: &str) -> bool {
    matches!(event, StreamEvent::Summary(summary) if summary.identifier == server)
}

async fn error_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("error body");
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

#[tokio::test]
async fn one_stream_carries_the_servers_of_many_sessions() {
    let harness = Harness::start().await;
    let mut grants = Vec::new();
    for server in [RUNNING, OFFLINE, SHARED] {
        grants.push(harness.session(&[server], &["start"]).await);
    }
    let sessions: Vec<(&str, &[&str])> = vec![
        (&grants[0].session, &[RUNNING]),
        (&grants[1].session, &[OFFLINE]),
        (&grants[2].session, &[SHARED]),
    ];
    let mut events = stream_of(&harness, SITE, &sessions).await;
    let mut seen = Vec::new();
    while seen.len() < 3 {
        match events.next(WAIT).await {
            Some(StreamEvent::Summary(summary)) if !seen.contains(&summary.identifier) => {
                seen.push(summary.identifier)
            }
            Some(_) => {}
            None => panic!("the stream ended early; saw {seen:?}"),
        }
    }
    assert_eq!(
        harness.origin.state().hub.watched(),
        3,
        "one poller per server"
    );
    // No session token reaches the log.
    let logs = String::from_utf8_lossy(&common::logs().lock().unwrap()).into_owned();
    for grant in &grants {
        assert!(!logs.contains(&grant.session), "a session token was logged");
    }
    harness.stop().await;
}

#[tokio::test]
async fn two_sessions_of_one_server_share_its_subscription() {
    let harness = Harness::start().await;
    let a = harness.session(&[RUNNING], &["start"]).await;
    let b = harness.session(&[RUNNING], &["stop"]).await;
    let mut events = stream_of(
        &harness,
        SITE,
        &[(&a.session, &[RUNNING]), (&b.session, &[RUNNING])],
    )
    .await;
    assert!(events
        .until(WAIT, |e| summary_of(e, RUNNING))
        .await
        .is_some());
    assert_eq!(
        harness
            .origin
            .state()
            .metrics
            .viewers
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    harness.stop().await;
}

#[tokio::test]
async fn each_session_must_come_from_the_page_it_was_minted_for() {
    let harness = Harness::start().await;
    let ours = harness.session(&[RUNNING], &["start"]).await;
    let theirs = session_at(&harness, OTHER_SITE, &[OFFLINE], &["start"]).await;
    // The other site's session rides along on our page's stream: refused by index, and its
    // server is not carried.
    let mut events = stream_of(
        &harness,
        SITE,
        &[(&ours.session, &[RUNNING]), (&theirs.session, &[OFFLINE])],
    )
    .await;
    let refused = events
        .until(WAIT, |e| matches!(e, StreamEvent::Refused { .. }))
        .await
        .expect("a refusal");
    assert!(
        matches!(
            &refused,
            StreamEvent::Refused {
                session: 1,
                code: OriginErrorCode::OriginNotAllowed,
                ..
            }
        ),
        "{refused:?}"
    );
    assert!(events
        .until(WAIT, |e| summary_of(e, RUNNING))
        .await
        .is_some());
    assert_eq!(
        harness.origin.state().hub.watched(),
        1,
        "only our server is polled"
    );

    // Alone, it is refused as a bearer would be; so are unknown and malformed sessions.
    let (status, code) =
        error_code(open_many(&harness, SITE, &[(&theirs.session, &[OFFLINE])]).await).await;
    assert_eq!((status, code.as_str()), (403, "origin_not_allowed"));
    let (status, code) =
        error_code(open_many(&harness, SITE, &[("not-a-session", &[RUNNING])]).await).await;
    assert_eq!((status, code.as_str()), (401, "session_expired"));
    let long = "x".repeat(200);
    let (status, code) = error_code(open_many(&harness, SITE, &[(&long, &[RUNNING])]).await).await;
    assert_eq!((status, code.as_str()), (401, "session_expired"));
    // Without an Origin (not a browser page) a page's session does not open either.
    let response = harness
        .http
        .post(harness.url("/v1/stream"))
        .json(&json!({ "sessions": [{ "session": ours.session, "servers": [RUNNING] }] }))
        .send()
        .await
        .expect("request");
    assert_eq!(
        error_code(response).await,
        (403, "origin_not_allowed".to_owned())
    );
    harness.stop().await;
}

#[tokio::test]
async fn a_session_is_carried_only_for_the_servers_it_covers() {
    let harness = Harness::start().await;
    let a = harness.session(&[RUNNING], &["start"]).await;
    let b = harness.session(&[SHARED], &["start"]).await;
    let mut events = stream_of(
        &harness,
        SITE,
        &[(&a.session, &[RUNNING]), (&b.session, &[SHARED, OFFLINE])],
    )
    .await;
    let refused = events
        .until(WAIT, |e| matches!(e, StreamEvent::Refused { .. }))
        .await;
    assert!(
        matches!(
            &refused,
            Some(StreamEvent::Refused {
                session: 1,
                code: OriginErrorCode::ServerNotAllowed,
                ..
            })
        ),
        "{refused:?}"
    );
    assert_eq!(harness.origin.state().hub.watched(), 1);
    harness.stop().await;
}

#[tokio::test]
async fn a_stream_is_bounded_in_sessions_and_servers() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let too_many: Vec<(&str, &[&str])> = (0..51)
        .map(|_| (grant.session.as_str(), &[RUNNING][..]))
        .collect();
    assert_eq!(
        error_code(open_many(&harness, SITE, &too_many).await).await,
        (400, "bad_request".to_owned())
    );
    assert_eq!(
        error_code(open_many(&harness, SITE, &[]).await).await,
        (400, "bad_request".to_owned())
    );
    // 60 distinct servers over two sessions: more than one stream carries.
    let ids: Vec<String> = (0..60)
        .map(|n| format!("{:08x}", 0xa000_0000u32 + n))
        .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let first = harness.session(&ids[..30], &["start"]).await;
    let second = harness.session(&ids[30..], &["start"]).await;
    assert_eq!(
        error_code(
            open_many(
                &harness,
                SITE,
                &[(&first.session, &ids[..30]), (&second.session, &ids[30..])]
            )
            .await
        )
        .await,
        (400, "bad_request".to_owned())
    );
    assert_eq!(
        harness.origin.state().hub.watched(),
        0,
        "nothing was subscribed"
    );
    harness.stop().await;
}

#[tokio::test]
async fn an_expired_session_leaves_the_stream_with_its_servers_and_the_last_ends_it() {
    // Expiry is in whole seconds: with 3 s sessions 1.5 s apart, the first ends 2–3 s
    // after its exchange, always before the second.
    let harness = Harness::with(Options {
        session_ttl_secs: 3,
        ..Options::default()
    })
    .await;
    let early = harness.session(&[RUNNING], &["start"]).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let late = harness.session(&[OFFLINE], &["start"]).await;
    let mut events = stream_of(
        &harness,
        SITE,
        &[(&early.session, &[RUNNING]), (&late.session, &[OFFLINE])],
    )
    .await;
    assert_eq!(harness.origin.state().hub.watched(), 2);

    let first = events
        .until(WAIT, |e| matches!(e, StreamEvent::Refused { .. }))
        .await;
    assert!(
        matches!(
            &first,
            Some(StreamEvent::Refused {
                session: 0,
                code: OriginErrorCode::SessionExpired,
                ..
            })
        ),
        "{first:?}"
    );
    // Its server left with it; the other session's stays until that one expires too.
    assert_eq!(harness.origin.state().hub.watched(), 1);
    let second = events
        .until(WAIT, |e| matches!(e, StreamEvent::Refused { .. }))
        .await;
    assert!(
        matches!(
            &second,
            Some(StreamEvent::Refused {
                session: 1,
                code: OriginErrorCode::SessionExpired,
                ..
            })
        ),
        "{second:?}"
    );
    assert!(
        events.next(WAIT).await.is_none(),
        "no session left: the stream ended"
    );
    harness.stop().await;
}

#[tokio::test]
async fn a_revoked_session_leaves_open_streams_of_its_origin_only() {
    let harness = Harness::start().await;
    let ours = harness.session(&[RUNNING], &["start"]).await;
    let also_ours = harness.session(&[OFFLINE], &["start"]).await;
    let theirs = session_at(&harness, OTHER_SITE, &[SHARED], &["start"]).await;
    let mut events = stream_of(
        &harness,
        SITE,
        &[
            (&ours.session, &[RUNNING]),
            (&also_ours.session, &[OFFLINE]),
        ],
    )
    .await;
    let mut single = harness.stream(&also_ours.session, OFFLINE).await;
    let mut other = stream_of(&harness, OTHER_SITE, &[(&theirs.session, &[SHARED])]).await;
    assert!(events
        .until(WAIT, |e| summary_of(e, RUNNING))
        .await
        .is_some());
    assert!(other.until(WAIT, |e| summary_of(e, SHARED)).await.is_some());

    // `origins remove` (or an edited file, read again): the site leaves the allow-list and
    // its sessions are revoked.
    let text = std::fs::read_to_string(&harness.config_path).expect("config");
    let without = text.replace(&format!("\"{SITE}\", "), "");
    assert_ne!(text, without, "the site was listed");
    std::fs::write(&harness.config_path, without).expect("config");
    ptero_origin::server::reload(harness.origin.state(), &harness.config_path).await;
    let started = tokio::time::Instant::now();
    let mut refused = Vec::new();
    while let Some(event) = events.next(WAIT).await {
        if let StreamEvent::Refused { session, code, .. } = event {
            assert_eq!(code, OriginErrorCode::OriginNotAllowed);
            refused.push(session);
        }
    }
    refused.sort_unstable();
    assert_eq!(
        refused,
        [0, 1],
        "both sessions were told, then the stream ended"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "within the recheck interval"
    );
    // The one-session form ends the same way.
    assert!(single
        .until(WAIT, |e| matches!(
            e,
            StreamEvent::Refused { session: 0, .. }
        ))
        .await
        .is_some());
    assert!(single.next(WAIT).await.is_none());
    // Another site's stream carries on.
    assert!(other
        .until(WAIT, |e| matches!(
            e,
            StreamEvent::Resources { .. } | StreamEvent::Summary(_)
        ))
        .await
        .is_some());
    assert_eq!(
        harness.origin.state().hub.watched(),
        1,
        "only the other site's server is still polled"
    );
    harness.stop().await;
}

#[tokio::test]
async fn console_lines_follow_only_sessions_granted_console() {
    let harness = Harness::with(Options {
        session_ttl_secs: 3,
        ..Options::default()
    })
    .await;
    let console = harness.session(&[RUNNING], &["console"]).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let quiet = harness.session(&[RUNNING], &["start"]).await;
    let mut events = stream_of(
        &harness,
        SITE,
        &[(&console.session, &[RUNNING]), (&quiet.session, &[RUNNING])],
    )
    .await;
    // A console line reaches the stream while the console session is on it.
    assert!(
        events
            .until(WAIT, |e| matches!(e, StreamEvent::Console { .. }))
            .await
            .is_some(),
        "recent console lines arrive"
    );
    assert!(
        events
            .until(WAIT, |e| matches!(
                e,
                StreamEvent::Refused { session: 0, .. }
            ))
            .await
            .is_some(),
        "the console session expired"
    );
    // From now on only the quiet session is carried: a command's output (sent through a
    // fresh console session) does not reach this stream.
    let sender = harness.session(&[RUNNING], &["console"]).await;
    let mut witness = harness.stream(&sender.session, RUNNING).await;
    let sent = harness
        .post(
            &format!("/v1/servers/{RUNNING}/command"),
            &sender.session,
            json!({ "command": "say still-private" }),
        )
        .send()
        .await
        .expect("command");
    assert_eq!(sent.status(), 204);
    let reached = |e: &StreamEvent| matches!(e, StreamEvent::Console { line, .. } if line.contains("still-private"));
    assert!(
        witness.until(WAIT, reached).await.is_some(),
        "the output reaches a console stream"
    );
    let mut leaked = false;
    while let Some(event) = events.next(Duration::from_millis(1500)).await {
        leaked |= reached(&event);
        if matches!(event, StreamEvent::Refused { session: 1, .. }) {
            break;
        }
    }
    assert!(
        !leaked,
        "console output reached a stream whose only console session expired"
    );
    harness.stop().await;
}
