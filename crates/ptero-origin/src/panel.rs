//! The one place that talks to the panel's Client API with the origin's own key (or a
//! viewer's, in per-user mode), under the origin's own ceiling of upstream requests per
//! key ([`Ceiling`]): whatever viewers do, the panel sees at most that many a minute.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use ptero_api::{
    Account, AccountItem, ApiKey, CommandRequest, PanelError, PanelUrl, PowerRequest, Server,
    ServerDetail, ServerId, Stats, StatsItem, WebsocketCredentials, WebsocketToken,
};
use reqwest::header::{ACCEPT, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::AppError;
use crate::rate_limit::{RateLimiter as SharedWindow, Refusal};
use crate::redis::Redis;

/// The ceiling until the panel has announced its limit: half of Pterodactyl 1.12.0's
/// 120 a minute, the lowest limit panels in the field have.
pub const CEILING_UNTIL_KNOWN: u32 = 60;

/// Upstream requests per minute per key, shared by every clone of a [`Panel`]. Configured
/// (`[limits] upstream_per_minute`), or half of what the panel announces in
/// `X-RateLimit-Limit`, so viewers never spend more than half of the key's budget and
/// never lock the key out. Requests over it wait their turn (pollers slow down); one
/// that would wait longer than the request timeout is refused instead.
///
/// governor's limiters cannot change their quota, so a new announced limit replaces them.
///
/// In a cluster the minute's count is kept in Redis as well, so all instances together stay
/// under it (each alone would otherwise spend the whole of it).
#[derive(Debug)]
pub struct Ceiling {
    configured: Option<u32>,
    state: Mutex<CeilingState>,
    /// Set in a cluster: the instances' shared count.
    redis: Option<Redis>,
    /// Upstream requests sent, all keys (metrics and tests).
    pub sent: AtomicU64,
}

#[derive(Debug)]
struct CeilingState {
    per_minute: u32,
    limiters: HashMap<(String, Share), Arc<DefaultDirectRateLimiter>>,
    shared: HashMap<(String, Share), Arc<SharedWindow>>,
}

/// Who a request is for: the fan-out's feeds (polls, websocket tokens, for every viewer
/// at once) or one viewer's action or read. Viewers' requests may spend at most half of
/// the ceiling, so however many sessions send commands or reads, the feeds keep half
/// of it and every card stays fresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Priority {
    Feed,
    Viewer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Share {
    All,
    Viewers,
}

impl Share {
    fn of(self, per_minute: u32) -> u32 {
        match self {
            Share::All => per_minute,
            Share::Viewers => (per_minute / 2).max(1),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Share::All => "ceiling",
            Share::Viewers => "ceiling-viewers",
        }
    }
}

impl Ceiling {
    pub fn new(configured: Option<u32>) -> Self {
        Self::with_redis(configured, None)
    }

    /// A ceiling shared by the instances that share `redis`.
    pub fn with_redis(configured: Option<u32>, redis: Option<Redis>) -> Self {
        Self {
            configured,
            state: Mutex::new(CeilingState {
                per_minute: configured.unwrap_or(CEILING_UNTIL_KNOWN),
                limiters: HashMap::new(),
                shared: HashMap::new(),
            }),
            redis,
            sent: AtomicU64::new(0),
        }
    }

    /// The Redis this ceiling counts in, in a cluster.
    pub fn redis(&self) -> Option<&Redis> {
        self.redis.as_ref()
    }

    /// The requests per minute each key may send now.
    pub fn per_minute(&self) -> u32 {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .per_minute
    }

    fn limiter(&self, key: &str, share: Share) -> Arc<DefaultDirectRateLimiter> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let per_minute = share.of(state.per_minute);
        Arc::clone(
            state
                .limiters
                .entry((key.to_owned(), share))
                .or_insert_with(|| {
                    let rate = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
                    // Ten seconds' worth at once, then the steady rate.
                    let burst = NonZeroU32::new((per_minute / 6).max(1)).unwrap_or(NonZeroU32::MIN);
                    Arc::new(RateLimiter::direct(
                        Quota::per_minute(rate).allow_burst(burst),
                    ))
                }),
        )
    }

    fn shared(&self, key: &str, share: Share) -> Option<Arc<SharedWindow>> {
        let redis = self.redis.as_ref()?;
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let per_minute = share.of(state.per_minute);
        Some(Arc::clone(
            state
                .shared
                .entry((key.to_owned(), share))
                .or_insert_with(|| {
                    Arc::new(SharedWindow::shared_as(
                        &format!("{}:{key}", share.name()),
                        per_minute,
                        redis.clone(),
                    ))
                }),
        ))
    }

    /// One share's turn: smoothed in this instance, or counted for the minute in Redis
    /// for all instances together (the panel counts per minute too).
    async fn turn(&self, key: &str, share: Share) -> Result<(), AppError> {
        let Some(shared) = self.shared(key, share) else {
            self.limiter(key, share).until_ready().await;
            return Ok(());
        };
        loop {
            match shared.check().await {
                Ok(()) => return Ok(()),
                Err(Refusal::Wait(seconds)) => {
                    tokio::time::sleep(Duration::from_secs(seconds.min(5))).await;
                }
                Err(Refusal::Unavailable(problem)) => {
                    return Err(AppError::StoreUnavailable(problem))
                }
            }
        }
    }

    /// Waits for `key`'s turn for `priority`, at most `wait`.
    pub async fn acquire(
        &self,
        key: &str,
        wait: Duration,
        priority: Priority,
    ) -> Result<(), AppError> {
        let turn = async {
            if priority == Priority::Viewer {
                self.turn(key, Share::Viewers).await?;
            }
            self.turn(key, Share::All).await
        };
        match tokio::time::timeout(wait, turn).await {
            Ok(Ok(())) => {
                self.sent.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Ok(Err(error)) => Err(error),
            Err(_) => Err(AppError::Throttled {
                retry_after_secs: wait.as_secs().max(1),
                message: "the origin is holding its requests to the panel under the panel's rate limit, and this one would wait too long: try again shortly".to_owned(),
            }),
        }
    }

    /// The panel said its limit: follow half of it, unless one is configured.
    pub fn learn(&self, announced: u32) {
        if self.configured.is_some() || announced == 0 {
            return;
        }
        let next = (announced / 2).max(1);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.per_minute != next {
            tracing::info!(
                announced,
                ceiling = next,
                "following the panel's rate limit"
            );
            state.per_minute = next;
            state.limiters.clear();
            state.shared.clear();
        }
    }
}

/// A Client API client holding the origin's key. Clones share one connection pool and
/// one [`Ceiling`].
#[derive(Clone)]
pub struct Panel {
    http: reqwest::Client,
    url: PanelUrl,
    key: ApiKey,
    /// How long the panel (and its Wings) may take to answer.
    timeout: Duration,
    ceiling: Arc<Ceiling>,
    priority: Priority,
}

impl std::fmt::Debug for Panel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Panel")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

/// The plain-language cause of a failed connection.
pub fn describe_transport(error: &reqwest::Error) -> String {
    let cause = if error.is_timeout() {
        "it did not answer in time (a firewall dropping packets, or the panel is overloaded)"
    } else if error.is_connect() {
        "no connection could be made: check the URL, DNS, TLS certificate and firewall"
    } else if error.is_decode() || error.is_body() {
        "its answer could not be read"
    } else {
        "the request failed"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        detail = inner.to_string();
        source = inner.source();
    }
    if detail.is_empty() {
        cause.to_owned()
    } else {
        format!("{cause} ({detail})")
    }
}

impl Panel {
    pub fn new(url: PanelUrl, key: ApiKey, timeout: Duration) -> Result<Self, AppError> {
        Self::with_ceiling(url, key, timeout, Arc::new(Ceiling::new(None)))
    }

    pub fn with_ceiling(
        url: PanelUrl,
        key: ApiKey,
        timeout: Duration,
        ceiling: Arc<Ceiling>,
    ) -> Result<Self, AppError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| {
                AppError::Internal(format!("cannot build the HTTP client: {error}"))
            })?;
        Ok(Self {
            http,
            url,
            key,
            timeout,
            ceiling,
            priority: Priority::Feed,
        })
    }

    /// The same client spending the viewers' share of the ceiling (actions and reads one
    /// viewer asks for).
    pub fn for_viewers(&self) -> Self {
        Self {
            priority: Priority::Viewer,
            ..self.clone()
        }
    }

    pub fn ceiling(&self) -> &Arc<Ceiling> {
        &self.ceiling
    }

    /// The same client acting with another key (a viewer's own); shares the pool.
    pub fn with_key(&self, key: ApiKey) -> Self {
        Self {
            http: self.http.clone(),
            url: self.url.clone(),
            key,
            timeout: self.timeout,
            ceiling: Arc::clone(&self.ceiling),
            priority: self.priority,
        }
    }

    pub fn url(&self) -> &PanelUrl {
        &self.url
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url.client_api(path))
            .header(ACCEPT, "application/json")
            .header(AUTHORIZATION, self.key.bearer())
    }

    async fn send(&self, builder: RequestBuilder) -> Result<Response, AppError> {
        // Half the request's time at most in the queue: a request starved by the ceiling
        // answers 429 with Retry-After, not the layer stack's 408.
        self.ceiling
            .acquire(self.key.identifier(), self.timeout / 2, self.priority)
            .await?;
        let response = builder
            .send()
            .await
            .map_err(|error| AppError::Unreachable(describe_transport(&error)))?;
        if let Some(limit) = response
            .headers()
            .get("x-ratelimit-limit")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse().ok())
        {
            self.ceiling.learn(limit);
        }
        if response.status().is_success() {
            return Ok(response);
        }
        Err(AppError::Panel(read_error(response).await))
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, AppError> {
        let response = self.send(self.request(Method::GET, path)).await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|error| AppError::Unreachable(describe_transport(&error)))?;
        serde_json::from_slice(&bytes).map_err(|error| {
            AppError::Panel(PanelError::Other {
                status: 200,
                detail: format!("unreadable answer: {error}"),
            })
        })
    }

    async fn post<B: Serialize>(&self, path: &str, body: &B) -> Result<(), AppError> {
        self.send(self.request(Method::POST, path).json(body))
            .await
            .map(drop)
    }

    pub async fn server(&self, id: &ServerId) -> Result<Server, AppError> {
        Ok(self.server_detail(id).await?.attributes)
    }

    /// The server with `meta`: whether this key's user owns it, and its permissions.
    pub async fn server_detail(&self, id: &ServerId) -> Result<ServerDetail, AppError> {
        // The egg names the game, whose status query tells its players.
        self.get_json(&format!("/servers/{id}?include=egg")).await
    }

    pub async fn resources(&self, id: &ServerId) -> Result<Stats, AppError> {
        let item: StatsItem = self.get_json(&format!("/servers/{id}/resources")).await?;
        Ok(item.attributes)
    }

    pub async fn account(&self) -> Result<Account, AppError> {
        let item: AccountItem = self.get_json("/account").await?;
        Ok(item.attributes)
    }

    pub async fn power(&self, id: &ServerId, request: &PowerRequest) -> Result<(), AppError> {
        self.post(&format!("/servers/{id}/power"), request).await
    }

    /// A Wings websocket token and address for `id`. Never log the token.
    pub async fn websocket(&self, id: &ServerId) -> Result<WebsocketCredentials, AppError> {
        let answer: WebsocketToken = self.get_json(&format!("/servers/{id}/websocket")).await?;
        Ok(answer.data)
    }

    pub async fn command(&self, id: &ServerId, request: &CommandRequest) -> Result<(), AppError> {
        self.post(&format!("/servers/{id}/command"), request).await
    }
}

/// The panel's error answer as a [`PanelError`].
pub async fn read_error(response: Response) -> PanelError {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse().ok());
    let body = response.text().await.unwrap_or_default();
    PanelError::from_response(status, &body, retry_after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn viewers_cannot_starve_the_feeds() {
        // 60 a minute: the feeds' burst is 10, the viewers' 5.
        let ceiling = Ceiling::new(Some(60));
        let short = Duration::from_millis(100);
        let mut viewers = 0;
        while ceiling.acquire("k", short, Priority::Viewer).await.is_ok() {
            viewers += 1;
            assert!(viewers < 100, "viewers were never held back");
        }
        assert!(viewers <= 6, "viewers took {viewers}");
        ceiling
            .acquire("k", short, Priority::Feed)
            .await
            .expect("a feed still gets its turn");
    }
}
