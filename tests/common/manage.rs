//! What the server-manager and account tests share: clients for the seeded users, the
//! bench servers each test owns on the manager sandbox, and assertions that an answer is
//! the specific typed error (403 for a missing permission, 429, a panel limit).
//!
//! Which sandbox: actions that change a server run on a bench server of the manager
//! sandbox (Pterodactyl 1.12, `PTERO_TEST_SANDBOX_MANAGER`), one per test, so no test
//! sees another's changes and 1.12's per-server throttles are each test's own. Its
//! per-user request limit is raised (the manager tests send a few hundred of Alice's
//! requests a minute); 1.12's own 256 a minute is spent on the limited sandbox, by users
//! no other test uses there. A panel limit that 1.12's creation throttle would answer
//! first (databases, allocations) is reached on the main sandbox (1.11, no creation
//! throttles) and what was created is removed again. Bob on the main sandbox's Shared
//! server holds only the seeded `BOB_SHARED_PERMISSIONS`; no wasm test changes them, so
//! his refusals are stable.
//!
//! Bench servers handed out (`servers::bench(n)` on the manager sandbox; the limited
//! sandbox's 1–5 are `app_limits.rs`'): 10–19 files; 20–29 backups (23: the backups tab
//! in `manager_pages.rs`); 30–39 settings; 40–59 schedules, databases, users, network,
//! activity.

use std::fmt::Debug;

use ptero_api::{ActivityList, ForbiddenReason, PanelError};
use ptero_web::api::{ApiError, PanelClient};

use super::{client, fetch_text, keys, sandbox};

/// Bob's key (subuser of Shared with file.read and file.read-content only) and the
/// other seeded keys the management tests use (`ptero_sandbox::seed::keys`).
pub mod more_keys {
    pub const BOB: &str = "ptlc_SbxBob00001BobSecret000123456789ABCDEFGHIJK";
    pub const CAROL: &str = "ptlc_SbxCarol001CarolSecret0123456789ABCDEFGHIJK";
    pub const ADMIN: &str = "ptlc_SbxAdmin001AdminSecret0123456789ABCDEFGHIJK";
}

/// Bob's own server and Carol's (`ptero_sandbox::seed::servers`).
pub const BOB_SERVER: &str = "6fc1c257";
pub const CAROL_SERVER: &str = "81e3e479";

/// The manager tests' Pterodactyl 1.12 sandbox (`PTERO_TEST_SANDBOX_MANAGER`): 60 bench
/// servers of Alice's, a raised per-user request limit.
pub fn sandbox_manager() -> &'static str {
    super::required(
        "PTERO_TEST_SANDBOX_MANAGER",
        option_env!("PTERO_TEST_SANDBOX_MANAGER"),
    )
}

/// Alice on the manager sandbox (where the bench servers are).
pub fn alice_manager() -> PanelClient {
    client(sandbox_manager(), keys::ALICE)
}

/// Alice on the main sandbox.
pub fn alice() -> PanelClient {
    client(sandbox(), keys::ALICE)
}

/// Bob on the main sandbox: a subuser of Shared who may only list and read files.
pub fn bob() -> PanelClient {
    client(sandbox(), more_keys::BOB)
}

/// The panel's 403 for a permission the account lacks ("This action is unauthorized.").
#[track_caller]
pub fn assert_missing_permission<T: Debug>(what: &str, result: Result<T, ApiError>) {
    match result {
        Err(ApiError::Panel(PanelError::Forbidden(ForbiddenReason::MissingPermission {
            ..
        }))) => {}
        other => panic!("{what}: expected the 403 of a missing permission, got {other:?}"),
    }
}

/// The panel's request-rate 429 ("Too Many Attempts."): `RateLimited`, not a sentence.
#[track_caller]
pub fn assert_rate_limited<T: Debug>(what: &str, result: Result<T, ApiError>) {
    match result {
        Err(ApiError::Panel(PanelError::RateLimited { .. })) => {}
        other => panic!("{what}: expected the panel's 429, got {other:?}"),
    }
}

/// The panel's 400 with its own sentence (a limit reached), containing `words`.
#[track_caller]
pub fn assert_refused<T: Debug>(what: &str, result: Result<T, ApiError>, words: &str) {
    match result {
        Err(ApiError::Panel(PanelError::Refused { detail })) if detail.contains(words) => {}
        other => panic!("{what}: expected the panel's refusal saying `{words}`, got {other:?}"),
    }
}

/// Spends `key`'s per-user request budget on `panel` (1.12: 256 a minute) until the
/// panel answers 429, so the next request of that user in this minute is refused. Each
/// test that does this uses a user no other wasm test uses on that sandbox.
pub async fn spend_request_budget(panel: &str, key: &str) {
    let url = format!("{panel}/api/client/account");
    let bearer = format!("Bearer {key}");
    let headers = [
        ("Authorization", bearer.as_str()),
        ("Accept", "application/json"),
    ];
    for _ in 0..20 {
        let batch = (0..32).map(|_| fetch_text("GET", &url, &headers));
        let answers = futures::future::join_all(batch).await;
        if answers.iter().any(|(status, _)| *status == 429) {
            return;
        }
        assert!(
            answers.iter().all(|(status, _)| *status == 200),
            "GET {url}: {:?}",
            answers.iter().map(|(s, _)| s).collect::<Vec<_>>()
        );
    }
    panic!("640 requests of one user and no 429 from {panel}");
}

/// Polls the async `check` every 200 ms until it gives `Ok`, for at most
/// [`super::WAIT`]; on timeout panics with `what` and the last `Err`.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let start = js_sys::Date::now();
    loop {
        match check().await {
            Ok(value) => return value,
            Err(last) if js_sys::Date::now() - start > super::WAIT.as_millis() as f64 => {
                panic!("waited {:?} for {what}; instead: {last}", super::WAIT)
            }
            Err(_) => ptero_web::live::sleep(std::time::Duration::from_millis(200)).await,
        }
    }
}

/// The Client API requests one test sent, held to the origin's pass-through allow-list
/// (`ptero_api::client_routes`): each request the app's API layer made straight to the
/// panel is one a ptero-origin would forward, to the same path (the app's other mode).
/// Tests run one at a time, so the sandbox's request log is the test's own once cleared.
pub struct RouteAudit {
    panel: &'static str,
}

impl RouteAudit {
    /// Clears `panel`'s request log.
    pub async fn start(panel: &'static str) -> Self {
        let url = format!("{panel}/__sandbox/requests");
        let (status, _) = fetch_text("DELETE", &url, &[]).await;
        assert!((200..300).contains(&status), "DELETE {url}: {status}");
        Self { panel }
    }

    /// `(method, target)` of each Client API request sent since [`RouteAudit::start`]
    /// (preflights left out), in order.
    pub async fn sent(&self) -> Vec<(String, String)> {
        let url = format!("{}/__sandbox/requests/log", self.panel);
        let (_, body) = fetch_text("GET", &url, &[]).await;
        let log: Vec<serde_json::Value> = serde_json::from_str(&body).expect("the JSON log");
        log.iter()
            .filter_map(|entry| {
                let method = entry["method"].as_str()?;
                let target = entry["target"].as_str()?;
                (method != "OPTIONS" && target.starts_with("/api/client"))
                    .then(|| (method.to_owned(), target.to_owned()))
            })
            .collect()
    }

    /// At least `expected` Client API requests were sent since [`RouteAudit::start`], and
    /// the pass-through forwards every one of them unchanged.
    pub async fn assert_forwardable(&self, expected: usize) {
        let sent = self.sent().await;
        let refused: Vec<String> = sent
            .iter()
            .filter_map(|(method, target)| {
                let path = target.split('?').next().unwrap_or_default();
                let rest = path.strip_prefix("/api/client").unwrap_or(path);
                match ptero_api::client_routes::resolve(method, rest) {
                    Ok(resolved) if resolved.path == rest => None,
                    other => Some(format!("{method} {target}: {other:?}")),
                }
            })
            .collect();
        assert_eq!(refused, Vec::<String>::new(), "not forwarded by the origin");
        assert!(
            sent.len() >= expected,
            "{} Client API requests, {expected} expected",
            sent.len()
        );
    }
}

/// The Pelican sandbox (`PTERO_TEST_SANDBOX_PELICAN`).
pub fn sandbox_pelican() -> &'static str {
    super::required(
        "PTERO_TEST_SANDBOX_PELICAN",
        option_env!("PTERO_TEST_SANDBOX_PELICAN"),
    )
}

/// A seeded key as Pelican issues it (`pacc_` for `ptlc_`).
pub fn pelican_key(key: &str) -> String {
    key.replacen("ptlc_", "pacc_", 1)
}

/// The event names of an activity page, newest first.
pub fn event_names(log: &ActivityList) -> Vec<&str> {
    log.data
        .iter()
        .map(|e| e.attributes.event.as_str())
        .collect()
}
