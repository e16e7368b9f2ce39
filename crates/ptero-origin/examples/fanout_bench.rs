//! Fan-out bench: N concurrent SSE viewers of one server against the sandbox, then
//! upstream polls per interval, p99 added latency of `GET /v1/servers/{id}` and RSS.
//!
//! `cargo run --release -p ptero-origin --example fanout_bench -- [viewers=1000] [interval_ms=1000]`
//! (needs an open-files limit above 2 × viewers: client and server run in one process).

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ptero_api::origin::SessionGrant;
use ptero_origin::Config;
use ptero_sandbox::{seed, Sandbox, SandboxConfig};
use serde_json::json;

const SECRET: &str = "bench-site-secret-0123456789abcdef0123456789";

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

fn rss_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn p99(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples
        .get(samples.len().saturating_mul(99) / 100)
        .or(samples.last())
        .copied()
        .unwrap_or_default()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let viewers: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let interval_ms: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let server = seed::servers::RUNNING;

    let sandbox = Sandbox::start(SandboxConfig {
        rate_limit_per_minute: 100_000,
        ..SandboxConfig::fast()
    })
    .await?;
    let dir = std::env::temp_dir().join(format!("ptero-origin-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("panel.key"), seed::keys::ADMIN)?;
    std::fs::write(dir.join("site.secret"), SECRET)?;
    let text = format!(
        "listen = \"127.0.0.1:0\"\npublic_url = \"https://cards.example.com\"\n[panel]\nurl = \"{}\"\nclient_key_file = \"{}/panel.key\"\n[origins]\nallowed = [\"https://shop.example.com\"]\nreload_interval_secs = 0\n[sites.shop]\nissuer = \"https://shop.example.com\"\nsecret_file = \"{}/site.secret\"\n[stream]\npoll_interval_ms = {interval_ms}\nviewer_buffer = 256\n[store]\nkind = \"memory\"\n[ops]\nlisten = \"127.0.0.1:0\"\n[limits]\nstreams_per_ip = 100000\nip_per_minute = 10000000\nsession_per_minute = 10000000\nexchange_per_minute = 100000\n",
        sandbox.panel_url(),
        dir.display(),
        dir.display()
    );
    let config = Config::from_toml(&text, "bench", Vec::new())?;
    let origin = ptero_origin::start(config).await?;
    let http = reqwest::Client::new();
    let claims = json!({
        "iss": "https://shop.example.com", "aud": "https://cards.example.com", "sub": "bench",
        "iat": now(), "exp": now() + 300, "jti": "bench-1",
        "servers": [server, seed::servers::OFFLINE], "actions": ["start"],
    });
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )?;
    let grant: SessionGrant = http
        .post(format!("{}/v1/session", origin.url()))
        .header("origin", "https://shop.example.com")
        .json(&json!({ "token": token }))
        .send()
        .await?
        .json()
        .await?;

    let rss_before = rss_kib();
    let mut streams = Vec::with_capacity(viewers);
    for _ in 0..viewers {
        let response = http
            .get(format!("{}/v1/stream?servers={server}", origin.url()))
            .header("origin", "https://shop.example.com")
            .bearer_auth(&grant.session)
            .send()
            .await?;
        let mut body = response.bytes_stream();
        streams.push(tokio::spawn(
            async move { while body.next().await.is_some() {} },
        ));
    }
    let path = format!("/api/client/servers/{server}/resources");
    sandbox.reset_requests();
    let measure = Duration::from_millis(interval_ms * 5);
    tokio::time::sleep(measure).await;
    let polls = sandbox.request_count(&path);
    let rss_viewers = rss_kib();

    // Added latency: the origin (uncached server: details + resources upstream) against
    // the same two panel requests made directly.
    let other = seed::servers::OFFLINE;
    let mut via_origin = Vec::new();
    let mut direct = Vec::new();
    for _ in 0..100 {
        let started = Instant::now();
        http.get(format!("{}/v1/servers/{other}", origin.url()))
            .header("origin", "https://shop.example.com")
            .bearer_auth(&grant.session)
            .send()
            .await?
            .bytes()
            .await?;
        via_origin.push(started.elapsed());
        let started = Instant::now();
        for suffix in ["", "/resources"] {
            http.get(format!(
                "{}/api/client/servers/{other}{suffix}",
                sandbox.panel_url()
            ))
            .header("accept", "application/json")
            .bearer_auth(seed::keys::ADMIN)
            .send()
            .await?
            .bytes()
            .await?;
        }
        direct.push(started.elapsed());
    }
    let (origin_p99, direct_p99) = (p99(via_origin), p99(direct));

    println!("viewers of one server:          {viewers}");
    println!(
        "upstream polls per interval:    {:.2} ({polls} in {} intervals of {interval_ms} ms)",
        polls as f64 / 5.0,
        5
    );
    println!("GET /v1/servers/{{id}} p99:       {origin_p99:?} (direct panel p99 {direct_p99:?}, added {:?})", origin_p99.saturating_sub(direct_p99));
    println!(
        "RSS:                            {} KiB before viewers, {} KiB with them",
        rss_before.unwrap_or(0),
        rss_viewers.unwrap_or(0)
    );
    for stream in streams {
        stream.abort();
    }
    origin.shutdown().await;
    sandbox.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
