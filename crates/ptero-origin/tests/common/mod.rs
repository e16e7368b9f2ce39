//! A sandbox panel and an origin on loopback, with helpers to sign hand-off tokens,
//! open sessions and read SSE streams. Every test's logs go to one captured buffer.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures_util::StreamExt;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ptero_api::origin::{SessionGrant, StreamEvent};
use ptero_origin::store::AuditEntry;
use ptero_origin::{Config, Running};
use ptero_sandbox::{seed, Sandbox, SandboxConfig};
use serde_json::{json, Value};

pub const SITE: &str = "https://shop.example.com";
pub const OTHER_SITE: &str = "https://other.example.com";
pub const EVIL: &str = "https://evil.example.net";
pub const SECRET: &str = "test-site-secret-0123456789abcdef0123456789";
/// A well-formed application key the sandbox does not know (401).
pub const UNKNOWN_APPLICATION_KEY: &str = "ptla_Unknown0000Secret00000000000000000000000000";
/// 32 bytes in base64, for per-user keys at rest.
pub const ENCRYPTION_KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

/// `[panel]` keys and an `[sso]` section that turn SSO on against the sandbox.
pub const SSO_PANEL: &str = "application_key_file = \"{dir}/application.key\"";
pub const SSO_SECTION: &str =
    "[sso]\nissuer = \"https://shop.example.com\"\nsecret_file = \"{dir}/sso.secret\"\n";
/// `[keys]` for per-user mode.
pub const KEYS_SECTION: &str = "[keys]\nencryption_key_file = \"{dir}/encryption.key\"\n";

/// Everything logged by any test in this process.
pub fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = Arc::clone(&buffer);
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter("ptero_origin=trace,tower_http=trace")
            .with_ansi(false)
            .with_writer(move || Capture(Arc::clone(&writer)))
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        buffer
    })
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub struct Harness {
    pub sandbox: Sandbox,
    pub origin: Running,
    pub http: reqwest::Client,
    pub dir: PathBuf,
    pub config_path: PathBuf,
}

/// Writes files into a test's folder.
pub type Prepare = Box<dyn Fn(&std::path::Path) + Send + Sync>;

pub struct Options {
    pub poll_interval_ms: u64,
    pub session_ttl_secs: u64,
    pub viewer_buffer: usize,
    pub reload_secs: u64,
    /// `sqlite` (in the test's folder) or `memory`.
    pub store_kind: &'static str,
    /// The most the site may grant, as TOML list items.
    pub site_actions: &'static str,
    /// More keys for `[sites.shop]`.
    pub site_extra: String,
    /// More keys for `[panel]` (`{dir}` is the test's folder).
    pub panel_extra: String,
    /// More sections at the end of the file (`{dir}` is the test's folder).
    pub extra: String,
    /// `[stream] token_interval_ms` (the origin's default: a minute).
    pub token_interval_ms: u64,
    /// The sandbox's flavour and settings.
    pub sandbox: SandboxConfig,
    /// More keys for `[limits]`.
    pub limits: String,
    /// Streams one session may hold open (tests open several per session).
    pub streams_per_session: usize,
    /// Writes more files into the test's folder before the origin starts.
    pub before_start: Option<Prepare>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            poll_interval_ms: 200,
            session_ttl_secs: 900,
            viewer_buffer: 64,
            reload_secs: 0,
            store_kind: "sqlite",
            site_actions: r#""start", "stop", "restart", "console""#,
            site_extra: String::new(),
            panel_extra: String::new(),
            extra: String::new(),
            token_interval_ms: 60_000,
            sandbox: SandboxConfig::fast(),
            limits: String::new(),
            streams_per_session: 64,
            before_start: None,
        }
    }
}

fn temp_dir() -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ptero-origin-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(dir.join("dist/card")).expect("temp dir");
    dir
}

pub fn config_text(
    dir: &std::path::Path,
    panel: &str,
    origins: &[&str],
    options: &Options,
) -> String {
    let origins: Vec<String> = origins
        .iter()
        .map(|origin| format!("\"{origin}\""))
        .collect();
    format!(
        r#"listen = "127.0.0.1:0"
public_url = "https://cards.example.com"

[panel]
url = "{panel}"
client_key_file = "{dir}/panel.key"
{panel_extra}

[origins]
allowed = [{origins}]
reload_interval_secs = {reload}

[sites.shop]
issuer = "{SITE}"
algorithm = "HS256"
secret_file = "{dir}/site.secret"
actions = [{site_actions}]
{site_extra}

[static]
app_dir = "{dir}/dist"
card_dir = "{dir}/dist/card"

[stream]
poll_interval_ms = {poll}
viewer_buffer = {buffer}
max_backoff_secs = 1
token_interval_ms = {token_interval_ms}

[session]
ttl_secs = {ttl}

[store]
kind = "{store_kind}"
path = "{dir}/origin.db"

[ops]
listen = "127.0.0.1:0"

[limits]
streams_per_session = {streams_per_session}
{limits}

{extra}
"#,
        dir = dir.display(),
        origins = origins.join(", "),
        poll = options.poll_interval_ms,
        buffer = options.viewer_buffer,
        token_interval_ms = options.token_interval_ms,
        ttl = options.session_ttl_secs,
        reload = options.reload_secs,
        site_actions = options.site_actions,
        site_extra = options.site_extra,
        streams_per_session = options.streams_per_session,
        limits = options.limits,
        store_kind = options.store_kind,
        panel_extra = options
            .panel_extra
            .replace("{dir}", &dir.display().to_string()),
        extra = options.extra.replace("{dir}", &dir.display().to_string()),
    )
}

impl Harness {
    pub async fn start() -> Self {
        Self::with(Options::default()).await
    }

    pub async fn with(options: Options) -> Self {
        logs();
        let sandbox = Sandbox::start(options.sandbox.clone())
            .await
            .expect("sandbox");
        let dir = temp_dir();
        std::fs::write(dir.join("panel.key"), sandbox.key(seed::keys::ADMIN)).expect("key");
        std::fs::write(dir.join("site.secret"), SECRET).expect("secret");
        std::fs::write(dir.join("sso.secret"), seed::SSO_SECRET).expect("sso secret");
        std::fs::write(
            dir.join("application.key"),
            sandbox.key(seed::keys::APPLICATION),
        )
        .expect("app key");
        std::fs::write(dir.join("encryption.key"), ENCRYPTION_KEY).expect("encryption key");
        std::fs::write(dir.join("unknown-application.key"), UNKNOWN_APPLICATION_KEY)
            .expect("unknown key");
        std::fs::write(
            dir.join("dist/index.html"),
            "<!doctype html><title>app</title>",
        )
        .expect("index");
        std::fs::write(dir.join("dist/card/ptero-server-card.js"), "export {};").expect("card");
        if let Some(prepare) = &options.before_start {
            prepare(&dir);
        }
        let config_path = dir.join("ptero-origin.toml");
        let text = config_text(&dir, &sandbox.panel_url(), &[SITE, OTHER_SITE], &options);
        std::fs::write(&config_path, text).expect("config");
        let config = Config::load(&config_path).expect("config loads");
        let origin = ptero_origin::start(config).await.expect("origin");
        Self {
            sandbox,
            origin,
            http: reqwest::Client::new(),
            dir,
            config_path,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin.url())
    }

    /// A URL on the operations listener (`/metrics`, `/readyz`).
    pub fn ops_url(&self, path: &str) -> String {
        format!("{}{path}", self.origin.ops_url())
    }

    /// Stops the origin and starts it again from the same file (and database).
    pub async fn restart(self) -> Self {
        let Harness {
            sandbox,
            origin,
            http,
            dir,
            config_path,
        } = self;
        origin.shutdown().await;
        let config = Config::load(&config_path).expect("config loads");
        let origin = ptero_origin::start(config).await.expect("origin restarts");
        Self {
            sandbox,
            origin,
            http,
            dir,
            config_path,
        }
    }

    pub async fn stop(self) {
        self.origin.shutdown().await;
        self.sandbox.shutdown().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// Opens a session from `SITE`'s page for `servers` and `actions`.
    pub async fn session(&self, servers: &[&str], actions: &[&str]) -> SessionGrant {
        self.session_from(claims(servers, actions)).await
    }

    /// Opens a session from `SITE`'s page with these claims.
    pub async fn session_from(&self, claims: Value) -> SessionGrant {
        let response = self.exchange(&token(claims), Some(SITE)).await;
        assert_eq!(response.status(), 200, "session exchange");
        response.json().await.expect("grant")
    }

    /// The origin's latest `limit` audit entries, newest first.
    pub async fn audit(&self, limit: usize) -> Vec<AuditEntry> {
        self.origin
            .state()
            .store
            .recent_audit(limit)
            .await
            .expect("audit")
    }

    pub async fn exchange(&self, token: &str, origin: Option<&str>) -> reqwest::Response {
        let mut request = self
            .http
            .post(self.url("/v1/session"))
            .json(&json!({ "token": token }));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send().await.expect("request")
    }

    /// A plain GET of `path`, as a browser tab opening it (no session).
    pub async fn open(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {path}: {error}"))
    }

    pub fn get(&self, path: &str, session: &str) -> reqwest::RequestBuilder {
        self.http
            .get(self.url(path))
            .header("origin", SITE)
            .bearer_auth(session)
    }

    pub fn post(&self, path: &str, session: &str, body: Value) -> reqwest::RequestBuilder {
        self.http
            .post(self.url(path))
            .header("origin", SITE)
            .bearer_auth(session)
            .json(&body)
    }

    /// Opens `/v1/stream` and yields its events.
    pub async fn stream(&self, session: &str, servers: &str) -> Events {
        let response = self
            .get(&format!("/v1/stream?servers={servers}"), session)
            .send()
            .await
            .expect("stream");
        assert_eq!(response.status(), 200, "stream opens");
        Events {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Claims naming the viewer's panel account by `email` or `external_id`.
pub fn claims_for(servers: &[&str], actions: &[&str], identity: (&str, &str)) -> Value {
    let mut claims = claims(servers, actions);
    claims[identity.0] = json!(identity.1);
    claims
}

pub fn claims(servers: &[&str], actions: &[&str]) -> Value {
    static JTI: AtomicU64 = AtomicU64::new(0);
    json!({
        "iss": SITE,
        "aud": "https://cards.example.com",
        "sub": "customer-42",
        "iat": now(),
        "exp": now() + 120,
        "jti": format!("jti-{}-{}", std::process::id(), JTI.fetch_add(1, Ordering::Relaxed)),
        "servers": servers,
        "actions": actions,
    })
}

pub fn token(claims: Value) -> String {
    token_with(Algorithm::HS256, SECRET.as_bytes(), &claims)
}

pub fn token_with(algorithm: Algorithm, secret: &[u8], claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("sign")
}

type ByteStream =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>;

/// An SSE reader.
pub struct Events {
    body: ByteStream,
    buffer: String,
}

impl Events {
    /// Reads the SSE body of `response`.
    pub fn from_response(response: reqwest::Response) -> Self {
        Self {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next event, `None` when the stream ended or nothing came within `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<StreamEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let data: String = block
                    .lines()
                    .filter_map(|line| line.strip_prefix("data:"))
                    .map(str::trim_start)
                    .collect();
                if data.is_empty() {
                    continue;
                }
                return serde_json::from_str(&data).ok();
            }
            let chunk = tokio::time::timeout_at(deadline, self.body.next())
                .await
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk.ok()?));
        }
    }

    /// The next event that satisfies `pick`.
    pub async fn until(
        &mut self,
        wait: Duration,
        pick: impl Fn(&StreamEvent) -> bool,
    ) -> Option<StreamEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let event = self.next(left).await?;
            if pick(&event) {
                return Some(event);
            }
        }
    }
}
