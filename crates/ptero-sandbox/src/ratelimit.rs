//! The panel's per-user rate limits (Laravel `ThrottleRequests`, fixed one-minute
//! windows keyed by user uuid): `X-RateLimit-Limit` / `-Remaining` on every
//! authenticated answer, 429 with `Retry-After` and `X-RateLimit-Reset` when exceeded.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::Caller;
use crate::clock;
use crate::error::ApiError;
use crate::state::{lock, AppState};

const WINDOW: Duration = Duration::from_secs(60);
const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// One limit, many users.
#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

/// The outcome of one hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed { limit: u32, remaining: u32 },
    Limited { limit: u32, retry_after: u64 },
}

impl RateLimiter {
    /// `limit` hits per minute.
    pub fn new(limit: u32) -> Self {
        Self::with_window(limit, WINDOW)
    }

    /// `limit` hits per `window` (the routes' own throttles: file pulls, restores).
    pub fn with_window(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    pub fn hit(&self, key: &str) -> Verdict {
        let now = Instant::now();
        let mut windows = lock(&self.windows);
        let (start, count) = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            *start = now;
            *count = 0;
        }
        if *count >= self.limit {
            let left = self.window.saturating_sub(now.duration_since(*start));
            return Verdict::Limited {
                limit: self.limit,
                retry_after: left.as_secs() + u64::from(left.subsec_nanos() > 0),
            };
        }
        *count += 1;
        Verdict::Allowed {
            limit: self.limit,
            remaining: self.limit - *count,
        }
    }
}

async fn throttle(limiter: &RateLimiter, request: Request, next: Next) -> Response {
    // Authentication runs first, so a 401 carries no rate-limit headers.
    let Some(caller) = request.extensions().get::<Caller>() else {
        return next.run(request).await;
    };
    match limiter.hit(&caller.user.uuid) {
        Verdict::Allowed { limit, remaining } => {
            let mut response = next.run(request).await;
            // A route's own limiter that refused (the websocket token's) threw in
            // Laravel: its exception's headers are the ones that reach the client.
            if response.status() == StatusCode::TOO_MANY_REQUESTS {
                return response;
            }
            let headers = response.headers_mut();
            headers.insert(LIMIT, HeaderValue::from(limit));
            headers.insert(REMAINING, HeaderValue::from(remaining));
            response
        }
        Verdict::Limited { limit, retry_after } => too_many(limit, retry_after).into_response(),
    }
}

/// Laravel's `ThrottleRequestsException` answer: 429 "Too Many Attempts." with
/// `Retry-After`, `X-RateLimit-Limit`, `-Remaining: 0` and `-Reset`.
pub fn too_many(limit: u32, retry_after: u64) -> ApiError {
    ApiError::throttled()
        .with_header(RETRY_AFTER, retry_after)
        .with_header(LIMIT, limit)
        .with_header(REMAINING, 0)
        .with_header(RESET, clock::now_unix() + retry_after)
}

/// Client API: `rate_limit_per_minute` per user.
pub async fn client(State(state): State<AppState>, request: Request, next: Next) -> Response {
    throttle(&state.client_limiter, request, next).await
}

/// Application API: `app_rate_limit_per_minute` per user.
pub async fn application(State(state): State<AppState>, request: Request, next: Next) -> Response {
    throttle(&state.app_limiter, request, next).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_per_key_and_counts_down() {
        let limiter = RateLimiter::new(2);
        assert_eq!(
            limiter.hit("a"),
            Verdict::Allowed {
                limit: 2,
                remaining: 1
            }
        );
        assert_eq!(
            limiter.hit("a"),
            Verdict::Allowed {
                limit: 2,
                remaining: 0
            }
        );
        assert!(matches!(
            limiter.hit("a"),
            Verdict::Limited {
                limit: 2,
                retry_after: 1..=60
            }
        ));
        assert_eq!(
            limiter.hit("b"),
            Verdict::Allowed {
                limit: 2,
                remaining: 1
            }
        );
    }
}
