//! Fan-out bench (#14 items 2 and 5), numbers only. The sandbox runs here with the panel's
//! timings (`/resources` cached 20 s, stats every second); the origin runs as its own
//! process (the release binary), so its RSS holds the viewers' server side only.
//!
//! - freshness: Wings emits a stats frame → a viewer has its numbers (p50/p95), and a
//!   power signal → a viewer sees `starting`, for 1 viewer and for 1,000;
//! - scale: RSS per idle SSE viewer at 1,000 and 10,000 (goal ≤ 20 KB), the p99 added to
//!   `GET /v1/servers/{id}` with 10,000 viewers attached, and what reaches the panel: Wings
//!   sockets, token requests and `/resources` polls.
//!
//! `cargo run --release -p ptero-origin --example fanout_bench -- [scale=1000,10000]
//! [freshness=1,1000]` with `PTERO_ORIGIN_BIN` (default `target/release/ptero-origin`) and
//! an open-files limit above the largest viewer count plus a margin.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ptero_api::origin::SessionGrant;
use ptero_api::Inbound;
use ptero_sandbox::{seed, Sandbox, SandboxConfig};
use serde_json::json;

const SECRET: &str = "bench-site-secret-0123456789abcdef0123456789";
const SITE: &str = "https://shop.example.com";
const RUNNING: &str = seed::servers::RUNNING;
const OFFLINE: &str = seed::servers::OFFLINE;
/// Scale viewers watch a server that sends nothing (offline: no stats), so what is
/// measured is what an idle viewer holds, not events in flight.
const QUIET: &str = seed::servers::CAROL;
/// Streams one session may hold (the origin's cap).
const PER_SESSION: usize = 1000;

type Error = Box<dyn std::error::Error>;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

fn quantile(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 * q).ceil() as usize).saturating_sub(1);
    samples.get(index).copied().unwrap_or_default()
}

/// The origin, running as a child process; killed when dropped.
struct Origin {
    child: Child,
    url: String,
}

impl Drop for Origin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_origin(sandbox: &Sandbox, dir: &std::path::Path) -> Result<Origin, Error> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let ops = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    std::fs::write(dir.join("panel.key"), seed::keys::ADMIN)?;
    std::fs::write(dir.join("site.secret"), SECRET)?;
    let config = format!(
        "listen = \"127.0.0.1:{port}\"\npublic_url = \"https://cards.example.com\"\n\
         [panel]\nurl = \"{panel}\"\nclient_key_file = \"{dir}/panel.key\"\n\
         [origins]\nallowed = [\"{SITE}\"]\nreload_interval_secs = 0\n\
         [sites.shop]\nissuer = \"{SITE}\"\nsecret_file = \"{dir}/site.secret\"\n\
         [stream]\npoll_interval_ms = 5000\nviewer_buffer = 256\n\
         [store]\nkind = \"memory\"\n[ops]\nlisten = \"127.0.0.1:{ops}\"\n\
         [limits]\nmax_connections = 100000\nmax_connections_per_ip = 100000\nstreams_per_session = {PER_SESSION}\nstreams_per_ip = 100000\n\
         ip_per_minute = 100000000\nsession_per_minute = 100000000\nexchange_per_minute = 100000\n",
        panel = sandbox.panel_url(),
        dir = dir.display(),
    );
    let path = dir.join("ptero-origin.toml");
    std::fs::write(&path, config)?;
    let binary = std::env::var("PTERO_ORIGIN_BIN").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/release/ptero-origin"
        )
        .to_owned()
    });
    let child = Command::new(binary)
        .args(["--config", &path.display().to_string(), "serve"])
        .env("RUST_LOG", "ptero_origin=warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()?;
    let origin = Origin {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..200 {
        if reqwest::get(format!("{}/healthz", origin.url))
            .await
            .is_ok()
        {
            return Ok(origin);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err("the origin did not start".into())
}

async fn sessions(
    http: &reqwest::Client,
    origin: &Origin,
    count: usize,
) -> Result<Vec<String>, Error> {
    let mut sessions = Vec::new();
    for n in 0..count {
        let claims = json!({
            "iss": SITE, "aud": "https://cards.example.com", "sub": format!("bench-{n}"),
            "iat": now(), "exp": now() + 600, "jti": format!("bench-{}-{n}", now()),
            "servers": [RUNNING, OFFLINE, QUIET], "actions": ["start", "kill"],
        });
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )?;
        let grant: SessionGrant = http
            .post(format!("{}/v1/session", origin.url))
            .header("origin", SITE)
            .json(&json!({ "token": token }))
            .send()
            .await?
            .json()
            .await?;
        sessions.push(grant.session);
    }
    Ok(sessions)
}

/// What viewers saw: when each stats value (memory bytes) and each state arrived.
#[derive(Default)]
struct Seen {
    resources: HashMap<u64, Vec<Instant>>,
    states: HashMap<String, Vec<Instant>>,
}

/// Opens viewers `first..first + count` of `servers` (viewer n on session n / 1000);
/// with `seen`, they record what arrives.
async fn viewers(
    http: &reqwest::Client,
    origin: &Origin,
    sessions: &[String],
    (first, count): (usize, usize),
    servers: &str,
    seen: Option<Arc<Mutex<Seen>>>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, Error> {
    let mut tasks = Vec::with_capacity(count);
    for n in first..first + count {
        let session = sessions.get(n / PER_SESSION).ok_or("too few sessions")?;
        let response = http
            .get(format!("{}/v1/stream?servers={servers}", origin.url))
            .header("origin", SITE)
            .bearer_auth(session)
            .send()
            .await?;
        if response.status() != 200 {
            return Err(format!("viewer {n}: stream answered {}", response.status()).into());
        }
        let mut body = response.bytes_stream();
        let seen = seen.clone();
        tasks.push(tokio::spawn(async move {
            let mut buffer = String::new();
            while let Some(Ok(chunk)) = body.next().await {
                let Some(seen) = &seen else { continue };
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let event: String = buffer.drain(..end + 2).collect();
                    record(seen, &event);
                }
            }
        }));
    }
    Ok(tasks)
}

fn record(seen: &Mutex<Seen>, event: &str) {
    let Some(data) = event.lines().find_map(|line| line.strip_prefix("data:")) else {
        return;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(data.trim()) else {
        return;
    };
    let at = Instant::now();
    let mut seen = seen
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match value["type"].as_str() {
        Some("resources") => {
            if let Some(memory) = value["resources"]["memory_bytes"].as_u64() {
                seen.resources.entry(memory).or_default().push(at);
            }
        }
        Some("state") => {
            let key = format!(
                "{}:{}",
                value["server"].as_str().unwrap_or(""),
                value["state"].as_str().unwrap_or("")
            );
            seen.states.entry(key).or_default().push(at);
        }
        _ => {}
    }
}

async fn freshness(
    sandbox: &Sandbox,
    http: &reqwest::Client,
    origin: &Origin,
    count: usize,
) -> Result<(), Error> {
    let sessions = sessions(http, origin, count.div_ceil(PER_SESSION)).await?;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let servers = format!("{RUNNING},{OFFLINE}");
    let tasks = viewers(
        http,
        origin,
        &sessions,
        (0, count),
        &servers,
        Some(Arc::clone(&seen)),
    )
    .await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    // Stats: the time each of 10 frames takes to reach every viewer.
    let mut emitted = sandbox.events(RUNNING).ok_or("no server")?;
    let mut sent = Vec::new();
    while sent.len() < 10 {
        if let Ok(Inbound::Stats(stats)) = emitted.recv().await {
            sent.push((stats.memory_bytes, Instant::now()));
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut stats = Vec::new();
    let mut missing = 0;
    {
        let seen = seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (memory, at) in &sent {
            let arrivals = seen.resources.get(memory).map_or(&[][..], Vec::as_slice);
            missing += count.saturating_sub(arrivals.len());
            stats.extend(
                arrivals
                    .iter()
                    .map(|arrived| arrived.saturating_duration_since(*at)),
            );
        }
    }
    // Power: `start` on the offline server, then `kill` to put it back.
    let asked = Instant::now();
    let started = http
        .post(format!(
            "{}/api/client/servers/{OFFLINE}/power",
            sandbox.panel_url()
        ))
        .header("accept", "application/json")
        .bearer_auth(seed::keys::ADMIN)
        .json(&json!({ "signal": "start" }))
        .send()
        .await?;
    if !started.status().is_success() {
        return Err(format!("power answered {}", started.status()).into());
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut power: Vec<Duration> = seen
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .states
        .get(&format!("{OFFLINE}:starting"))
        .map(|arrivals| {
            arrivals
                .iter()
                .map(|at| at.saturating_duration_since(asked))
                .collect()
        })
        .unwrap_or_default();
    let _ = http
        .post(format!(
            "{}/api/client/servers/{OFFLINE}/power",
            sandbox.panel_url()
        ))
        .header("accept", "application/json")
        .bearer_auth(seed::keys::ADMIN)
        .json(&json!({ "signal": "kill" }))
        .send()
        .await?;
    println!(
        "freshness, {count} viewer(s): stats frame → viewer p50 {:?}, p95 {:?} ({} samples, {missing} missing); power signal → 'starting' p50 {:?}, p95 {:?} ({} of {count})",
        quantile(&mut stats, 0.5),
        quantile(&mut stats, 0.95),
        stats.len(),
        quantile(&mut power, 0.5),
        quantile(&mut power, 0.95),
        power.len(),
    );
    for task in tasks {
        task.abort();
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    Ok(())
}

async fn scale(
    sandbox: &Sandbox,
    http: &reqwest::Client,
    origin: &Origin,
    counts: &[usize],
) -> Result<(), Error> {
    let largest = counts.iter().copied().max().unwrap_or(0).max(1);
    let sessions = sessions(http, origin, largest.div_ceil(PER_SESSION)).await?;
    let pid = origin.child.id();
    // One viewer first, so the server's upstream (socket, summary) is in the baseline.
    let mut tasks = viewers(http, origin, &sessions, (0, 1), QUIET, None).await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let base = rss_kib(pid);
    println!("origin RSS with 1 viewer (its upstream up): {base} KiB");

    for &count in counts {
        let more = count.saturating_sub(tasks.len());
        let opened = viewers(http, origin, &sessions, (tasks.len(), more), QUIET, None).await?;
        tasks.extend(opened);
        tokio::time::sleep(Duration::from_secs(5)).await;
        let rss = rss_kib(pid);
        let per_viewer =
            (rss.saturating_sub(base) as f64 * 1024.0) / (tasks.len() as f64 - 1.0).max(1.0);
        println!(
            "{} idle SSE viewers: origin RSS {rss} KiB, {:.1} KB per viewer",
            tasks.len(),
            per_viewer / 1000.0
        );
    }
    sandbox.reset_requests();
    let tokens_before = sandbox.request_count(&format!("/api/client/servers/{QUIET}/websocket"));
    let measured = Instant::now();
    let mut via_origin = Vec::new();
    let mut direct = Vec::new();
    for _ in 0..100 {
        let started = Instant::now();
        http.get(format!("{}/v1/servers/{QUIET}", origin.url))
            .header("origin", SITE)
            .bearer_auth(&sessions[0])
            .send()
            .await?
            .bytes()
            .await?;
        via_origin.push(started.elapsed());
        let started = Instant::now();
        http.get(format!(
            "{}/api/client/servers/{QUIET}",
            sandbox.panel_url()
        ))
        .header("accept", "application/json")
        .bearer_auth(seed::keys::ADMIN)
        .send()
        .await?
        .bytes()
        .await?;
        direct.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (origin_p99, direct_p99) = (quantile(&mut via_origin, 0.99), quantile(&mut direct, 0.99));
    let minutes = measured.elapsed().as_secs_f64() / 60.0;
    let polls = sandbox.request_count(&format!("/api/client/servers/{QUIET}/resources"));
    let tokens =
        sandbox.request_count(&format!("/api/client/servers/{QUIET}/websocket")) - tokens_before;
    println!(
        "{} viewers: GET /v1/servers/{{id}} p99 {origin_p99:?} (the panel's own p99 {direct_p99:?}, added {:?}); upstream: {} Wings socket(s), {tokens} token request(s), {:.1} /resources polls a minute",
        tasks.len(),
        origin_p99.saturating_sub(direct_p99),
        sandbox.open_sockets(QUIET),
        polls as f64 / minutes,
    );
    for task in tasks {
        task.abort();
    }
    Ok(())
}

/// What a connection alone costs the origin: 1,000 kept-alive connections that each made
/// one `/healthz` request and wait (a fresh origin, so the numbers do not mix).
async fn connection_cost(origin: &Origin) -> Result<(), Error> {
    let pid = origin.child.id();
    let base = rss_kib(pid);
    let pool = reqwest::Client::builder()
        .pool_max_idle_per_host(2000)
        .pool_idle_timeout(Duration::from_secs(60))
        .build()?;
    let requests: Vec<_> = (0..1000)
        .map(|_| {
            let pool = pool.clone();
            let url = format!("{}/healthz", origin.url);
            tokio::spawn(async move { pool.get(url).send().await.map(drop) })
        })
        .collect();
    for request in requests {
        let _ = request.await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let with_idle = rss_kib(pid);
    println!(
        "for comparison, 1,000 idle kept-alive HTTP connections (no stream): {:.1} KB each",
        with_idle.saturating_sub(base) as f64 * 1024.0 / 1000.0 / 1000.0
    );
    Ok(())
}

fn counts(arg: Option<String>, default: &[usize]) -> Vec<usize> {
    arg.map(|list| {
        list.split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect()
    })
    .filter(|list: &Vec<usize>| !list.is_empty())
    .unwrap_or_else(|| default.to_vec())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let scale_counts = counts(args.next(), &[1000, 10_000]);
    let freshness_counts = counts(args.next(), &[1, 1000]);
    let sandbox = Sandbox::start(SandboxConfig {
        rate_limit_per_minute: 100_000,
        power_delay: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .await?;
    let dir = std::env::temp_dir().join(format!("ptero-origin-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    println!("the sandbox: Pterodactyl 1.12, /resources cached 20 s, stats every second");
    {
        let origin = start_origin(&sandbox, &dir).await?;
        for count in freshness_counts {
            freshness(&sandbox, &http, &origin, count).await?;
        }
    }
    {
        let origin = start_origin(&sandbox, &dir).await?;
        scale(&sandbox, &http, &origin, &scale_counts).await?;
    }
    {
        let origin = start_origin(&sandbox, &dir).await?;
        connection_cost(&origin).await?;
    }
    sandbox.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
