//! HTTP-level fuzzing of the origin's public listener: random methods, paths (the real
//! routes mutated: encodings, dot segments, unicode, long segments), headers (origins
//! allowed, foreign, malformed, leading-zero ports; sessions valid, garbage, huge; panel
//! keys), and bodies (mutated JSON, bytes, sizes), sent as raw bytes for a bounded time
//! against a real sandbox. It fails (exit 1) on a panic in the origin, a 5xx answer, a
//! connection the origin drops without answering a well-formed request, or any request
//! that reaches the panel outside the Client API routes the app uses.
//!
//! `cargo run -p ptero-origin --example http_fuzz -- [seconds=20] [seed]`
//! (`cargo xtask fuzz` runs it for 5 minutes; the test command for 20 seconds).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ptero_api::client_routes;
use ptero_api::origin::SessionGrant;
use ptero_origin::Config;
use ptero_sandbox::{seed, Sandbox, SandboxConfig};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SECRET: &str = "fuzz-site-secret-0123456789abcdef0123456789";
const SITE: &str = "https://shop.example.com";

/// xorshift64*: reproducible from the printed seed, and no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

const ROUTES: &[&str] = &[
    "/v1/session",
    "/v1/stream?servers=1a7c3f02",
    "/v1/stream?servers=1a7c3f02,2b8d4e13",
    "/v1/servers/1a7c3f02",
    "/v1/servers/1a7c3f02/power",
    "/v1/servers/1a7c3f02/command",
    "/v1/servers/1a7c3f02/sso",
    "/v1/nope",
    "/sso/abcdef",
    "/panel/api/client",
    "/panel/api/client/account",
    "/panel/api/client/servers/1a7c3f02/resources",
    "/panel/api/client/servers/1a7c3f02/files/list?directory=%2F",
    "/panel/api/client/servers/1a7c3f02/files/contents?file=%2Fserver.properties",
    "/panel/api/client/servers/1a7c3f02/startup/variable",
    "/card/ptero-server-card.js",
    "/",
    "/index.html",
    "/healthz",
];

const SEGMENTS: &[&str] = &[
    "..",
    ".",
    "%2e%2e",
    "%252e%252e",
    ".%2e",
    "%2E.",
    "..%5C",
    "%5c",
    "\\",
    "%2f",
    "%252f",
    "%3f",
    "%23",
    "%00",
    "%0d%0a",
    "%c0%ae",
    "%e0%80%ae",
    "%c0%af",
    "%ff",
    "%",
    "%zz",
    ";",
    "..;",
    "@evil",
    "__sandbox",
    "nodes",
    "faults",
    "application",
    "users",
    "servers",
    "1a7c3f02",
    "1A7C3F02",
    "ünïcode",
    "%F0%9F%92%A9",
    "",
    "bin",
    "ptero-origin",
];

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "CONNECT", "BREW", "get",
    "G\u{1}T",
];

const ORIGINS: &[&str] = &[
    SITE,
    "https://other.example.com",
    "https://evil.example.net",
    "https://shop.example.com:0443",
    "https://SHOP.example.com",
    "null",
    "",
    "javascript:alert(1)",
    "https://shop.example.com.evil.example.net",
    "http://[::1",
];

fn path(rng: &mut Rng) -> String {
    let mut path = rng.pick(ROUTES).to_owned();
    for _ in 0..rng.below(4) {
        let segment = rng.pick(SEGMENTS);
        match rng.below(3) {
            0 => {
                path.push('/');
                path.push_str(segment);
            }
            1 => {
                let at = path.rfind('/').unwrap_or(0);
                path.insert_str(at, &format!("/{segment}"));
            }
            _ => path.push_str(segment),
        }
    }
    if rng.chance(5) {
        path.push('/');
        path.push_str(&"a".repeat(rng.below(5000)));
    }
    if rng.chance(10) {
        path.push_str("?servers=");
        path.push_str(rng.pick(SEGMENTS));
    }
    path
}

fn body(rng: &mut Rng, token: &str) -> String {
    match rng.below(9) {
        0 => String::new(),
        1 => json!({"token": token}).to_string(),
        2 => json!({"token": token, "actions": ["start", "kill", "sso", "x"]}).to_string(),
        3 => json!({"signal": rng.pick(&["start", "stop", "restart", "kill", "nuke", ""])})
            .to_string(),
        4 => json!({"command": "say ".repeat(rng.below(1200))}).to_string(),
        5 => json!({"command": "say hi\u{0}\r\nstop"}).to_string(),
        6 => "{\"token\":".repeat(rng.below(50)),
        7 => (0..rng.below(3000))
            .map(|_| char::from(u8::try_from(rng.below(256)).unwrap_or(b'x')))
            .collect(),
        _ => json!({"key": "environment", "value": "x".repeat(rng.below(200))}).to_string(),
    }
}

/// One raw request; `Some(status)` when the origin answered, `None` when it closed.
async fn send(addr: std::net::SocketAddr, request: Vec<u8>) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    stream.write_all(&request).await.ok()?;
    let mut answer = vec![0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
        .await
        .ok()?
        .ok()?;
    let head = String::from_utf8_lossy(&answer[..read]).into_owned();
    head.split(' ').nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let seed: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| now() ^ 0x9e37_79b9_7f4a_7c15);

    let panics = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&panics);
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        counted.fetch_add(1, Ordering::Relaxed);
        default_hook(info);
    }));

    let sandbox = Sandbox::start(SandboxConfig {
        rate_limit_per_minute: 1_000_000,
        ..SandboxConfig::fast()
    })
    .await?;
    let dir = std::env::temp_dir().join(format!("ptero-origin-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("dist/card"))?;
    std::fs::write(
        dir.join("dist/index.html"),
        "<!doctype html><title>app</title>",
    )?;
    std::fs::write(dir.join("dist/card/ptero-server-card.js"), "export {};")?;
    std::fs::write(dir.join("panel.key"), seed::keys::ADMIN)?;
    std::fs::write(dir.join("site.secret"), SECRET)?;
    let text = format!(
        r#"listen = "127.0.0.1:0"
public_url = "https://cards.example.com"
[panel]
url = "{panel}"
client_key_file = "{dir}/panel.key"
[origins]
allowed = ["{SITE}", "https://other.example.com"]
reload_interval_secs = 0
[sites.shop]
issuer = "{SITE}"
secret_file = "{dir}/site.secret"
actions = ["start", "stop", "restart", "kill", "console"]
[static]
app_dir = "{dir}/dist"
card_dir = "{dir}/dist/card"
[stream]
poll_interval_ms = 500
[store]
kind = "memory"
[ops]
listen = "127.0.0.1:0"
[limits]
request_timeout_secs = 5
header_read_timeout_secs = 5
# The fuzzer is one address sending thousands of requests: buckets wide open, so that
# requests reach the handlers rather than the 429.
ip_per_minute = 100000000
session_per_minute = 100000000
exchange_per_minute = 100000000
power_per_minute = 100000000
command_per_minute = 100000000
proxy_ip_per_minute = 100000000
proxy_key_per_minute = 100000000
proxy_per_minute = 100000000
upstream_per_minute = 100000
streams_per_ip = 100000
streams_per_session = 100000
"#,
        panel = sandbox.panel_url(),
        dir = dir.display()
    );
    let config = Config::from_toml(&text, "fuzz", std::iter::empty())?;
    let origin = ptero_origin::start(config).await?;
    let addr = origin.addr();

    let sign = |claims: serde_json::Value| {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )
    };
    let mut jti = 0u64;
    let mut claims = || {
        jti += 1;
        json!({
            "iss": SITE, "aud": "https://cards.example.com", "sub": "fuzz",
            "iat": now(), "exp": now() + 300, "jti": format!("fuzz-{jti}"),
            "servers": [seed::servers::RUNNING, seed::servers::OFFLINE],
            "actions": ["start", "stop", "console"],
        })
    };
    let http = reqwest::Client::new();
    let mut sessions = Vec::new();
    for _ in 0..3 {
        let grant: SessionGrant = http
            .post(format!("{}/v1/session", origin.url()))
            .header("origin", SITE)
            .json(&json!({"token": sign(claims())?}))
            .send()
            .await?
            .json()
            .await?;
        sessions.push(grant.session);
    }
    sandbox.reset_requests();

    println!("http_fuzz: seed {seed}, {seconds} s against {addr}");
    let mut rng = Rng(seed | 1);
    let started = Instant::now();
    let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut sent = 0u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        let mut batch = Vec::new();
        for _ in 0..16 {
            let method = rng.pick(METHODS).to_owned();
            let target = path(&mut rng);
            let token = sign(claims())?;
            let body = body(&mut rng, &token);
            let mut head = format!("{method} {target} HTTP/1.1\r\nHost: cards.example.com\r\n");
            if rng.chance(80) {
                head.push_str(&format!("Origin: {}\r\n", rng.pick(ORIGINS)));
            }
            match rng.below(6) {
                0 => {}
                1 => head.push_str(&format!(
                    "Authorization: Bearer {}\r\n",
                    sessions[rng.below(3)]
                )),
                2 => head.push_str(&format!("Authorization: Bearer {}\r\n", seed::keys::ALICE)),
                3 => head.push_str(&format!(
                    "Authorization: Bearer {}\r\n",
                    "x".repeat(rng.below(9000))
                )),
                4 => head.push_str("Authorization: Basic Zm9vOmJhcg==\r\n"),
                _ => head.push_str(&format!("Authorization: Bearer {token}\r\n")),
            }
            if rng.chance(20) {
                head.push_str("X-Forwarded-For: 203.0.113.7, 10.0.0.1\r\n");
            }
            if rng.chance(10) {
                head.push_str("Cookie: ptero-sso-000000000000=x\r\n");
            }
            head.push_str(rng.pick(&[
                "Content-Type: application/json\r\n",
                "Content-Type: application/x-www-form-urlencoded\r\n",
                "Content-Type: text/html\r\n",
                "",
            ]));
            head.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            let mut request = head.into_bytes();
            request.extend_from_slice(body.as_bytes());
            let well_formed = method.chars().all(|c| c.is_ascii_uppercase())
                && target.bytes().all(|b| b.is_ascii_graphic())
                && target.len() < 4000
                && target.starts_with('/');
            batch.push(async move {
                let status = send(addr, request).await;
                (method, target, well_formed, status)
            });
        }
        for (method, target, well_formed, status) in futures_util::future::join_all(batch).await {
            sent += 1;
            match status {
                Some(status) => {
                    *statuses.entry(status).or_default() += 1;
                    if status >= 500 {
                        failures.push(format!("{status} for {method} {target}"));
                    }
                }
                None if well_formed => {
                    failures.push(format!("no answer to {method} {target}"));
                }
                None => {}
            }
        }
    }

    let escaped: Vec<String> = sandbox
        .request_log()
        .into_iter()
        .filter(|entry| {
            let path = entry.target.split('?').next().unwrap_or_default();
            match path.strip_prefix("/api/client") {
                Some(rest) => client_routes::resolve(&entry.method, rest)
                    .map_or(true, |resolved| resolved.path != rest),
                None => true,
            }
        })
        .map(|entry| format!("{} {}", entry.method, entry.target))
        .collect();
    let panicked = panics.load(Ordering::Relaxed);
    println!(
        "http_fuzz: {sent} requests in {:?} ({:.0}/s); statuses {statuses:?}; {} reached the panel, {} outside the Client API; {panicked} panics; {} failures",
        started.elapsed(),
        sent as f64 / started.elapsed().as_secs_f64(),
        sandbox.request_log().len(),
        escaped.len(),
        failures.len(),
    );
    origin.shutdown().await;
    sandbox.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    for failure in failures.iter().take(20) {
        eprintln!("  {failure}");
    }
    for escape in escaped.iter().take(20) {
        eprintln!("  escaped the pass-through: {escape}");
    }
    if !failures.is_empty() || !escaped.is_empty() || panicked > 0 {
        eprintln!("http_fuzz FAILED (seed {seed}: rerun with `-- {seconds} {seed}`)");
        std::process::exit(1);
    }
    println!("http_fuzz: no panic, no 5xx, nothing outside the Client API");
    Ok(())
}
