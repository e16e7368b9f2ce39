//! Token buckets that keep one viewer from starving the others: every `/v1/*` request
//! spends from its session's bucket and its client IP's, power, commands and SSO from
//! tighter buckets of their own, session exchanges from the IP's exchange bucket, and the
//! app's pass-through from its client IP's and its API key's (a hash of it: keys are never
//! held). Buckets are `governor`'s keyed GCRA limiters; idle keys are forgotten by
//! [`Throttles::forget_idle`], which the purge loop calls.
//!
//! The middleware sits inside the CORS layer, so a 429 still carries the CORS headers a
//! card needs to read it, and says in `Retry-After` when to come back.

use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::session::token_key;
use crate::config::ThrottleConfig;
use crate::error::AppError;
use crate::state::AppState;

/// What a request spends from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Exchange,
    Power,
    Command,
    Sso,
    /// Every other `/v1/*` route (reads, streams, sign-out).
    Api,
    /// The app's pass-through.
    Proxy,
}

impl Class {
    pub fn of(method: &Method, path: &str) -> Self {
        if path.starts_with("/panel/") {
            return Class::Proxy;
        }
        if *method == Method::POST {
            if path == "/v1/session" {
                return Class::Exchange;
            }
            if path.ends_with("/power") {
                return Class::Power;
            }
            if path.ends_with("/command") {
                return Class::Command;
            }
            if path.ends_with("/sso") {
                return Class::Sso;
            }
        }
        Class::Api
    }

    fn name(self) -> &'static str {
        match self {
            Class::Exchange => "session exchanges",
            Class::Power => "power signals",
            Class::Command => "console commands",
            Class::Sso => "panel sign-ins",
            Class::Api => "requests",
            Class::Proxy => "requests through the pass-through",
        }
    }
}

type Keyed<K> = DefaultKeyedRateLimiter<K>;

fn limiter<K: Hash + Eq + Clone>(per_minute: u32) -> Keyed<K> {
    let rate = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new((per_minute / 2).max(1)).unwrap_or(NonZeroU32::MIN);
    RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst))
}

/// Every bucket of the origin.
pub struct Throttles {
    trust_forwarded_for: bool,
    session: Keyed<String>,
    ip: Keyed<IpAddr>,
    exchange: Keyed<IpAddr>,
    power: Keyed<String>,
    command: Keyed<String>,
    sso: Keyed<String>,
    proxy_ip: Keyed<IpAddr>,
    proxy_key: Keyed<String>,
}

impl std::fmt::Debug for Throttles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttles").finish_non_exhaustive()
    }
}

impl Throttles {
    pub fn new(config: &ThrottleConfig) -> Self {
        Self {
            trust_forwarded_for: config.trust_forwarded_for,
            session: limiter(config.session_per_minute),
            ip: limiter(config.ip_per_minute),
            exchange: limiter(config.exchange_per_minute),
            power: limiter(config.power_per_minute),
            command: limiter(config.command_per_minute),
            sso: limiter(config.sso_per_minute),
            proxy_ip: limiter(config.proxy_ip_per_minute),
            proxy_key: limiter(config.proxy_key_per_minute),
        }
    }

    /// The client's address: the peer's, or with `trust_forwarded_for` the last entry of
    /// `X-Forwarded-For` (the one the proxy in front of the origin added); IPv6 by its /64.
    pub fn client_ip(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        self.client_address(peer, headers)
            .map(crate::listener::client_key)
    }

    fn client_address(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        if self.trust_forwarded_for {
            // The rightmost entry is the one the proxy added; those left of it are the
            // client's to write, so they are never read.
            let forwarded = headers
                .get_all("x-forwarded-for")
                .iter()
                .next_back()
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.rsplit(',').next())
                .and_then(|entry| entry.trim().parse::<IpAddr>().ok());
            if forwarded.is_some() {
                return forwarded;
            }
        }
        peer.map(|peer| peer.ip())
    }

    /// Spends one token of each bucket `class` draws from; the wait when one is empty.
    pub fn check(
        &self,
        class: Class,
        ip: Option<IpAddr>,
        bearer: Option<&str>,
    ) -> Result<(), Duration> {
        let key = bearer.map(token_key);
        let mut checks: Vec<Result<(), Duration>> = Vec::with_capacity(3);
        match class {
            Class::Proxy => {
                checks.push(spend(&self.proxy_ip, ip.as_ref()));
                checks.push(spend(&self.proxy_key, key.as_ref()));
            }
            Class::Exchange => checks.push(spend(&self.exchange, ip.as_ref())),
            _ => {
                checks.push(spend(&self.ip, ip.as_ref()));
                checks.push(spend(&self.session, key.as_ref()));
                let tight = match class {
                    Class::Power => Some(&self.power),
                    Class::Command => Some(&self.command),
                    Class::Sso => Some(&self.sso),
                    _ => None,
                };
                if let Some(tight) = tight {
                    checks.push(spend(tight, key.as_ref()));
                }
            }
        }
        checks
            .into_iter()
            .filter_map(Result::err)
            .max()
            .map_or(Ok(()), Err)
    }

    /// Forgets keys whose buckets are full again (called once a minute).
    pub fn forget_idle(&self) {
        self.session.retain_recent();
        self.ip.retain_recent();
        self.exchange.retain_recent();
        self.power.retain_recent();
        self.command.retain_recent();
        self.sso.retain_recent();
        self.proxy_ip.retain_recent();
        self.proxy_key.retain_recent();
    }
}

fn spend<K: Hash + Eq + Clone>(limiter: &Keyed<K>, key: Option<&K>) -> Result<(), Duration> {
    let Some(key) = key else {
        return Ok(());
    };
    limiter
        .check_key(key)
        .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty() && token.len() <= 256)
}

/// The middleware: 429 with `Retry-After` when a bucket is empty.
pub async fn throttle(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Preflights carry no credentials and cost nothing upstream.
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let class = Class::of(request.method(), request.uri().path());
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let ip = state.throttles.client_ip(peer, request.headers());
    let verdict = state.throttles.check(class, ip, bearer(request.headers()));
    match verdict {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            state.metrics.reject("throttled");
            let seconds = wait.as_millis().div_ceil(1000).max(1);
            let seconds = u64::try_from(seconds).unwrap_or(u64::MAX);
            AppError::Throttled {
                retry_after_secs: seconds,
                message: format!(
                    "too many {} from this viewer: wait {seconds} seconds",
                    class.name()
                ),
            }
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ThrottleConfig {
        ThrottleConfig {
            power_per_minute: 4,
            ..ThrottleConfig::default()
        }
    }

    #[test]
    fn routes_fall_into_their_classes() {
        assert_eq!(Class::of(&Method::POST, "/v1/session"), Class::Exchange);
        assert_eq!(
            Class::of(&Method::POST, "/v1/servers/1a2b3c4d/power"),
            Class::Power
        );
        assert_eq!(
            Class::of(&Method::GET, "/v1/servers/1a2b3c4d/power"),
            Class::Api
        );
        assert_eq!(Class::of(&Method::GET, "/panel/api/client"), Class::Proxy);
    }

    #[test]
    fn a_session_that_spends_its_power_bucket_waits_and_another_does_not() {
        let throttles = Throttles::new(&config());
        let ip: IpAddr = [127, 0, 0, 1].into();
        assert_eq!(throttles.check(Class::Power, Some(ip), Some("a")), Ok(()));
        assert_eq!(throttles.check(Class::Power, Some(ip), Some("a")), Ok(()));
        let wait = throttles
            .check(Class::Power, Some(ip), Some("a"))
            .expect_err("the third power signal in a burst of 2 waits");
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(15),
            "{wait:?}"
        );
        assert_eq!(throttles.check(Class::Power, Some(ip), Some("b")), Ok(()));
    }

    #[test]
    fn forwarded_for_is_read_only_when_trusted() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().expect("value"),
        );
        let peer: SocketAddr = "10.0.0.1:5000".parse().expect("addr");
        let plain = Throttles::new(&config());
        assert_eq!(plain.client_ip(Some(peer), &headers), Some(peer.ip()));
        let trusting = Throttles::new(&ThrottleConfig {
            trust_forwarded_for: true,
            ..config()
        });
        assert_eq!(
            trusting.client_ip(Some(peer), &headers),
            Some("198.51.100.7".parse().expect("ip"))
        );
    }
}
