//! The pass-through's budget of requests per minute, a fixed window shared by every
//! caller: counted in this process, or in Redis when several instances share one, so a
//! cluster allows the budget once rather than once per instance.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::redis::{Redis, PREFIX};

/// Why a request may not pass now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The window is spent: the seconds until it resets.
    Wait(u64),
    /// The shared count could not be read (Redis down): nothing passes uncounted.
    Unavailable(String),
}

#[derive(Debug)]
pub enum RateLimiter {
    Local {
        per_minute: u32,
        window: Mutex<(Instant, u32)>,
    },
    Shared {
        per_minute: u32,
        redis: Redis,
        count: ::redis::Script,
        /// The window's Redis key.
        key: String,
    },
}

impl RateLimiter {
    pub fn local(per_minute: u32) -> Self {
        Self::Local {
            per_minute,
            window: Mutex::new((Instant::now(), 0)),
        }
    }

    /// Counted in Redis, in one window for every instance.
    pub fn shared(per_minute: u32, redis: Redis) -> Self {
        Self::shared_as("proxy-window", per_minute, redis)
    }

    /// Counted in Redis under `name` (below the common prefix).
    pub fn shared_as(name: &str, per_minute: u32, redis: Redis) -> Self {
        Self::Shared {
            per_minute,
            redis,
            count: ::redis::Script::new(COUNT),
            key: format!("{PREFIX}{name}"),
        }
    }

    /// `Ok` when a request may pass (and counts it). A budget of 0 is no budget.
    pub async fn check(&self) -> Result<(), Refusal> {
        let (Self::Local { per_minute, .. } | Self::Shared { per_minute, .. }) = self;
        if *per_minute == 0 {
            return Ok(());
        }
        match self {
            Self::Local { per_minute, window } => {
                let mut window = window.lock().unwrap_or_else(PoisonError::into_inner);
                if window.0.elapsed() >= WINDOW {
                    *window = (Instant::now(), 0);
                }
                if window.1 >= *per_minute {
                    let left = WINDOW.saturating_sub(window.0.elapsed());
                    return Err(Refusal::Wait(wait_secs(left)));
                }
                window.1 += 1;
                Ok(())
            }
            Self::Shared {
                per_minute,
                redis,
                count,
                key,
            } => {
                let mut connection = redis.manager.clone();
                let (count, left_ms): (u64, i64) = count
                    .key(key)
                    .arg(u64::try_from(WINDOW.as_millis()).unwrap_or(u64::MAX))
                    .invoke_async(&mut connection)
                    .await
                    .map_err(|error| Refusal::Unavailable(error.to_string()))?;
                if count > u64::from(*per_minute) {
                    let left = Duration::from_millis(u64::try_from(left_ms).unwrap_or(0));
                    return Err(Refusal::Wait(wait_secs(left)));
                }
                Ok(())
            }
        }
    }
}

/// Counts one request in the window that the first one opened; answers the count and
/// the window's milliseconds left.
const COUNT: &str = r"
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {count, redis.call('PTTL', KEYS[1])}
";

/// The budget's window, opened by its first request.
const WINDOW: Duration = Duration::from_secs(60);

/// Whole seconds to wait (`Retry-After`, rounded up), at least 1 and at most the window.
fn wait_secs(left: Duration) -> u64 {
    let seconds = u64::try_from(left.as_millis().div_ceil(1000)).unwrap_or(u64::MAX);
    seconds.clamp(1, WINDOW.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_local_window_allows_the_budget_then_says_how_long_to_wait() {
        let limiter = RateLimiter::local(2);
        assert_eq!(limiter.check().await, Ok(()));
        assert_eq!(limiter.check().await, Ok(()));
        match limiter.check().await {
            Err(Refusal::Wait(seconds)) => assert!((1..=60).contains(&seconds), "{seconds}"),
            other => panic!("the third request passed: {other:?}"),
        }
    }
}
