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
        Self::Shared { per_minute, redis }
    }

    /// `Ok` when a request may pass (and counts it).
    pub async fn check(&self) -> Result<(), Refusal> {
        match self {
            Self::Local { per_minute, window } => {
                let mut window = window.lock().unwrap_or_else(PoisonError::into_inner);
                if window.0.elapsed() >= Duration::from_secs(60) {
                    *window = (Instant::now(), 0);
                }
                if window.1 >= *per_minute {
                    let left = 60u64.saturating_sub(window.0.elapsed().as_secs());
                    return Err(Refusal::Wait(left.max(1)));
                }
                window.1 += 1;
                Ok(())
            }
            Self::Shared { per_minute, redis } => {
                let mut connection = redis.manager.clone();
                let (count, left_ms): (u64, i64) = ::redis::Script::new(COUNT)
                    .key(format!("{PREFIX}proxy-window"))
                    .arg(WINDOW_MS)
                    .invoke_async(&mut connection)
                    .await
                    .map_err(|error| Refusal::Unavailable(error.to_string()))?;
                if count > u64::from(*per_minute) {
                    let left = u64::try_from(left_ms).unwrap_or(0).div_ceil(1000);
                    return Err(Refusal::Wait(left.clamp(1, 60)));
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

const WINDOW_MS: u64 = 60_000;

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
