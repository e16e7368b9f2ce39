//! Wings 1.12's inbound throttling of one socket (pterodactyl/wings PR #290:
//! `router/websocket/limiter.go`, `router/router_server_ws.go`; the same in Pelican Wings):
//! token buckets as Go's `rate.Limiter` keeps them (full at first, refilled evenly).
//!
//! - Every frame: burst 10, one more every 200 ms; over it the frame is dropped and
//!   `throttled ["global"]` is sent once, until a frame passes again.
//! - Per event, after that: `auth` and `send logs` (a bucket each) burst 2, one per 5 s;
//!   `send command` burst 10, one per second; every other event shares one bucket, burst
//!   4, one per second. Over it the event is dropped and `throttled [event]` sent once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ptero_api::ws::event;

/// Go's `rate.Limiter`: `burst` tokens at most, one more every `every`.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    burst: f64,
    every: Duration,
    last: Instant,
}

impl Bucket {
    fn new(every: Duration, burst: u32, now: Instant) -> Self {
        Self {
            tokens: f64::from(burst),
            burst: f64::from(burst),
            every,
            last: now,
        }
    }

    fn allow(&mut self, now: Instant) -> bool {
        let refilled = now.duration_since(self.last).as_secs_f64() / self.every.as_secs_f64();
        self.tokens = (self.tokens + refilled).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// What the throttle decided about one frame or event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Dropped; `notify` carries the `throttled` argument the first time in a row.
    Dropped {
        notify: Option<String>,
    },
}

/// The throttle of one socket.
#[derive(Debug)]
pub struct Throttle {
    global: Bucket,
    global_throttled: bool,
    buckets: HashMap<&'static str, Bucket>,
    /// Events whose last attempt was dropped (a `throttled` was already sent).
    throttled: HashMap<String, bool>,
}

const GLOBAL: &str = "global";
const DEFAULT_BUCKET: &str = "_default";

impl Throttle {
    pub fn new() -> Self {
        Self {
            global: Bucket::new(Duration::from_millis(200), 10, Instant::now()),
            global_throttled: false,
            buckets: HashMap::new(),
            throttled: HashMap::new(),
        }
    }

    /// Every frame passes this first, before it is even parsed.
    pub fn frame(&mut self) -> Verdict {
        if self.global.allow(Instant::now()) {
            self.global_throttled = false;
            return Verdict::Allowed;
        }
        let first = !self.global_throttled;
        self.global_throttled = true;
        Verdict::Dropped {
            notify: first.then(|| GLOBAL.to_owned()),
        }
    }

    /// Then each event, by name.
    pub fn event(&mut self, name: &str) -> Verdict {
        let (bucket, every, burst) = match name {
            event::AUTH => (event::AUTH, Duration::from_secs(5), 2),
            event::SEND_LOGS => (event::SEND_LOGS, Duration::from_secs(5), 2),
            event::SEND_COMMAND => (event::SEND_COMMAND, Duration::from_secs(1), 10),
            _ => (DEFAULT_BUCKET, Duration::from_secs(1), 4),
        };
        let now = Instant::now();
        let allowed = self
            .buckets
            .entry(bucket)
            .or_insert_with(|| Bucket::new(every, burst, now))
            .allow(now);
        let was = self.throttled.insert(name.to_owned(), !allowed);
        if allowed {
            return Verdict::Allowed;
        }
        Verdict::Dropped {
            notify: (was != Some(true)).then(|| name.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_gets_two_then_one_throttled_notice() {
        let mut throttle = Throttle::new();
        assert_eq!(throttle.event(event::AUTH), Verdict::Allowed);
        assert_eq!(throttle.event(event::AUTH), Verdict::Allowed);
        assert_eq!(
            throttle.event(event::AUTH),
            Verdict::Dropped {
                notify: Some("auth".into())
            }
        );
        assert_eq!(
            throttle.event(event::AUTH),
            Verdict::Dropped { notify: None }
        );
        // Other events have their own buckets.
        assert_eq!(throttle.event(event::SEND_COMMAND), Verdict::Allowed);
    }

    #[test]
    fn other_events_share_a_bucket_of_four() {
        let mut throttle = Throttle::new();
        for name in ["send stats", "set state", "send stats", "set state"] {
            assert_eq!(throttle.event(name), Verdict::Allowed, "{name}");
        }
        assert_eq!(
            throttle.event("send stats"),
            Verdict::Dropped {
                notify: Some("send stats".into())
            }
        );
    }

    #[test]
    fn frames_get_a_burst_of_ten_then_global() {
        let mut throttle = Throttle::new();
        for _ in 0..10 {
            assert_eq!(throttle.frame(), Verdict::Allowed);
        }
        assert_eq!(
            throttle.frame(),
            Verdict::Dropped {
                notify: Some("global".into())
            }
        );
        assert_eq!(throttle.frame(), Verdict::Dropped { notify: None });
    }
}
