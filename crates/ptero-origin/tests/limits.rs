//! One viewer cannot starve the others, and no connection can hold the origin: token
//! buckets per session and IP, the ceiling on upstream requests with the shared key,
//! reads served from the fan-out, the header-read deadline, the connection cap, stream
//! caps, and memory with thousands of idle connections. Numbers are printed
//! (`cargo test -p ptero-origin --test limits -- --nocapture`).

mod common;

use std::time::{Duration, Instant};

use common::*;
use ptero_api::origin::{OriginErrorBody, OriginErrorCode, StreamEvent};
use ptero_sandbox::seed::servers::{OFFLINE, RUNNING};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn client_api_requests(harness: &Harness) -> u64 {
    harness.sandbox.request_count("/api/client")
}

#[tokio::test]
async fn one_session_firing_a_thousand_requests_is_throttled_while_another_viewer_stays_fresh() {
    let harness = Harness::start().await;
    let attacker = harness.session(&[RUNNING, OFFLINE], &["start"]).await;
    let viewer = harness.session(&[RUNNING], &["start"]).await;
    let mut events = harness.stream(&viewer.session, RUNNING).await;
    assert!(
        events.next(Duration::from_secs(5)).await.is_some(),
        "the viewer's first event"
    );
    harness.sandbox.reset_requests();
    let started = Instant::now();

    let watcher = tokio::spawn(async move {
        let mut fresh = Vec::new();
        let mut last = Instant::now();
        let until = Instant::now() + Duration::from_secs(4);
        while Instant::now() < until {
            match events.next(Duration::from_secs(2)).await {
                Some(StreamEvent::Resources { .. } | StreamEvent::Summary(_)) => {
                    fresh.push(last.elapsed());
                    last = Instant::now();
                }
                Some(_) => {}
                None => break,
            }
        }
        fresh
    });

    let mut requests = Vec::new();
    for index in 0..1000 {
        let server = if index % 2 == 0 { RUNNING } else { OFFLINE };
        requests.push(
            harness
                .get(&format!("/v1/servers/{server}"), &attacker.session)
                .send(),
        );
    }
    let answers = futures_util::future::join_all(requests).await;
    let fired_in = started.elapsed();
    let mut limited = 0;
    let mut served = 0;
    for answer in answers {
        let answer = answer.expect("answer");
        match answer.status().as_u16() {
            200 => served += 1,
            429 => {
                let wait: u64 = answer.headers()["retry-after"]
                    .to_str()
                    .expect("ascii")
                    .parse()
                    .expect("seconds");
                assert!((1..=60).contains(&wait), "Retry-After {wait}");
                let body: OriginErrorBody = answer.json().await.expect("body");
                assert_eq!(body.error.code, OriginErrorCode::RateLimited);
                limited += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    let upstream = client_api_requests(&harness);
    let gaps = watcher.await.expect("watcher");
    let worst = gaps.iter().max().copied().unwrap_or(Duration::MAX);
    println!(
        "1,000 requests from one session in {fired_in:?}: {served} served, {limited} refused with 429; upstream requests meanwhile: {upstream} (in {:?}); the other viewer got {} fresh events, the longest gap {worst:?}",
        started.elapsed(),
        gaps.len()
    );
    assert!(limited >= 900, "only {limited} of 1,000 were refused");
    // Served reads came from the fan-out or one coalesced read per poll interval, not
    // one upstream call each: the only upstream traffic is the viewer's poller.
    assert!(upstream < 60, "{upstream} upstream requests");
    assert!(
        gaps.len() >= 5,
        "the other viewer got {} events",
        gaps.len()
    );
    assert!(worst < Duration::from_secs(2), "a gap of {worst:?}");
    harness.stop().await;
}

#[tokio::test]
async fn the_shared_key_stays_under_the_ceiling_whatever_viewers_do() {
    let harness = Harness::with(Options {
        poll_interval_ms: 100,
        limits: "upstream_per_minute = 60".to_owned(),
        ..Options::default()
    })
    .await;
    let servers = [RUNNING, OFFLINE, ptero_sandbox::seed::servers::SHARED];
    let grant = harness.session(&servers, &["start"]).await;
    let _events = harness.stream(&grant.session, &servers.join(",")).await;
    // Let the ceiling's burst go, then measure the steady rate.
    tokio::time::sleep(Duration::from_secs(2)).await;
    harness.sandbox.reset_requests();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let upstream = client_api_requests(&harness);
    println!("3 servers polled every 100 ms under a ceiling of 60/min: {upstream} upstream requests in 5 s (unbounded: about 150)");
    assert!(upstream <= 8, "{upstream} upstream requests in 5 s");
    harness.stop().await;
}

#[tokio::test]
async fn the_ceiling_follows_half_of_what_the_panel_announces() {
    let harness = Harness::start().await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let response = harness
        .get(&format!("/v1/servers/{OFFLINE}"), &grant.session)
        .send()
        .await
        .expect("read");
    assert_eq!(response.status(), 403, "not granted");
    let _ = harness
        .get(&format!("/v1/servers/{RUNNING}"), &grant.session)
        .send()
        .await
        .expect("read");
    // The sandbox announces its flavour's limit (1.12: 256 a minute).
    let announced = harness.sandbox.flavor().client_rate_limit();
    assert_eq!(
        harness.origin.state().panel.ceiling().per_minute(),
        announced / 2
    );
    harness.stop().await;
}

#[tokio::test]
async fn the_pass_through_has_buckets_per_key_and_per_address() {
    let harness = Harness::with(Options {
        limits: "proxy_key_per_minute = 4".to_owned(),
        ..Options::default()
    })
    .await;
    let account = |key: &'static str| {
        harness
            .http
            .get(harness.url("/panel/api/client/account"))
            .bearer_auth(key)
            .send()
    };
    let mut alice = Vec::new();
    for _ in 0..4 {
        alice.push(
            account(ptero_sandbox::seed::keys::ALICE)
                .await
                .expect("proxy")
                .status(),
        );
    }
    assert!(alice.iter().any(|status| *status == 429), "{alice:?}");
    // Another key has a bucket of its own.
    assert_eq!(
        account(ptero_sandbox::seed::keys::BOB)
            .await
            .expect("proxy")
            .status(),
        200
    );
    harness.stop().await;
}

#[tokio::test]
async fn a_slow_request_head_and_a_silent_connection_are_closed_within_the_timeout() {
    let harness = Harness::with(Options {
        limits: "header_read_timeout_secs = 1".to_owned(),
        ..Options::default()
    })
    .await;
    for (name, sent) in [
        ("half a head", "GET /healthz HTTP/1.1\r\nHost: x\r\n"),
        ("nothing", ""),
    ] {
        let mut stream = TcpStream::connect(harness.origin.addr())
            .await
            .expect("connect");
        stream.write_all(sent.as_bytes()).await.expect("write");
        let started = Instant::now();
        let mut buffer = [0u8; 256];
        let closed = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        })
        .await;
        println!("{name}: closed after {:?}", started.elapsed());
        assert!(closed.is_ok(), "{name}: still open after 5 s");
        assert!(started.elapsed() < Duration::from_secs(3), "{name}");
    }
    harness.stop().await;
}

#[tokio::test]
async fn connections_over_the_cap_wait_for_a_free_one() {
    let harness = Harness::with(Options {
        limits: "max_connections = 16\nheader_read_timeout_secs = 2".to_owned(),
        ..Options::default()
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..16 {
        idle.push(
            TcpStream::connect(harness.origin.addr())
                .await
                .expect("connect"),
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(harness.origin.open_connections(), 16);
    let started = Instant::now();
    let answer = harness
        .http
        .get(harness.url("/healthz"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("answered once the idle ones are cut");
    assert_eq!(answer.status(), 200);
    let waited = started.elapsed();
    println!("the 17th connection waited {waited:?} for one of 16 idle ones to be cut");
    assert!(
        waited >= Duration::from_millis(1000),
        "not held back: {waited:?}"
    );
    drop(idle);
    harness.stop().await;
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn two_thousand_idle_connections_keep_memory_bounded() {
    let harness = Harness::with(Options {
        limits: "header_read_timeout_secs = 30\nmax_connections_per_ip = 100000".to_owned(),
        ..Options::default()
    })
    .await;
    let before = rss_kib();
    let mut idle = Vec::with_capacity(2000);
    for _ in 0..2000 {
        let mut stream = TcpStream::connect(harness.origin.addr())
            .await
            .expect("connect");
        // Half a request head each: the origin holds a connection and a read buffer.
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .expect("write");
        idle.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let open = harness.origin.open_connections();
    let after = rss_kib();
    let per_connection = (after.saturating_sub(before)) * 1024 / 2000;
    println!(
        "2,000 idle connections: {open} open at the origin, RSS {before} KiB -> {after} KiB (+{} KiB, {per_connection} bytes per connection, client sockets included)",
        after.saturating_sub(before)
    );
    assert!(open >= 2000, "{open} open");
    assert!(
        after.saturating_sub(before) < 64 * 1024,
        "+{} KiB",
        after - before
    );
    drop(idle);
    harness.stop().await;
}

#[tokio::test]
async fn a_stream_over_the_per_session_cap_is_refused_with_a_clear_error() {
    let harness = Harness::with(Options {
        streams_per_session: 2,
        ..Options::default()
    })
    .await;
    let grant = harness.session(&[RUNNING], &["start"]).await;
    let _first = harness.stream(&grant.session, RUNNING).await;
    let _second = harness.stream(&grant.session, RUNNING).await;
    let third = harness
        .get(&format!("/v1/stream?servers={RUNNING}"), &grant.session)
        .send()
        .await
        .expect("stream");
    assert_eq!(third.status(), 429);
    let body: OriginErrorBody = third.json().await.expect("body");
    assert_eq!(body.error.code, OriginErrorCode::TooManyStreams);
    assert!(
        body.error.message.contains("2 open streams"),
        "{}",
        body.error.message
    );
    // Another session is not affected.
    let other = harness.session(&[RUNNING], &["start"]).await;
    let _fine = harness.stream(&other.session, RUNNING).await;
    harness.stop().await;
}

#[tokio::test]
async fn one_address_cannot_hold_more_than_its_share_of_connections() {
    let harness = Harness::with(Options {
        limits: "max_connections_per_ip = 4".to_owned(),
        ..Options::default()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(
            TcpStream::connect(harness.origin.addr())
                .await
                .expect("connect"),
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut fifth = TcpStream::connect(harness.origin.addr())
        .await
        .expect("connect");
    let mut buffer = [0u8; 16];
    let read = tokio::time::timeout(Duration::from_secs(2), fifth.read(&mut buffer)).await;
    assert!(
        matches!(read, Ok(Ok(0) | Err(_))),
        "the fifth connection from one address was kept: {read:?}"
    );
    drop(held);
    harness.stop().await;
}

#[tokio::test]
async fn an_http2_client_cannot_hold_a_connection_past_the_deadlines() {
    let harness = Harness::with(Options {
        limits: "header_read_timeout_secs = 1".to_owned(),
        ..Options::default()
    })
    .await;
    let mut stream = TcpStream::connect(harness.origin.addr())
        .await
        .expect("connect");
    // The HTTP/2 connection preface and an empty SETTINGS frame, then silence.
    stream
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await
        .expect("write");
    let started = Instant::now();
    let mut buffer = [0u8; 256];
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "an HTTP/2 client held its connection for 5 s"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    harness.stop().await;
}
