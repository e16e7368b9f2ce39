//! A server's lease: which instance runs its upstream. Taken when free and renewed by its
//! holder four times per poll interval, it lasts three beats, so a dead holder's lease
//! runs out and the next beat elsewhere takes it within one interval.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::super::channel::lock;
use super::Cluster;
use crate::metrics::Metrics;

/// Takes the lease when free, renews it when ours; answers 1 when we hold it.
pub const HOLD: &str = r"
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
";

/// Deletes the lease only when it is still ours.
pub const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Lease beats (take or renew) per poll interval; a lease lasts one beat less.
const LEASE_BEATS_PER_INTERVAL: u32 = 4;
/// Beats closer than this would cost Redis round trips for nothing.
const MIN_BEAT: Duration = Duration::from_millis(20);

/// How often a lease is taken or renewed, and how long it lasts.
pub fn timing(interval: Duration) -> (Duration, Duration) {
    let beat = (interval / LEASE_BEATS_PER_INTERVAL).max(MIN_BEAT);
    (beat, beat.saturating_mul(LEASE_BEATS_PER_INTERVAL - 1))
}

impl Cluster {
    /// Takes or renews `lease` for `ttl`; `Ok(true)` when this instance holds it.
    pub(super) async fn hold(
        &self,
        lease: &str,
        ttl: Duration,
    ) -> Result<bool, ::redis::RedisError> {
        let mut connection = self.inner.redis.manager.clone();
        let held: i64 = self
            .inner
            .hold
            .key(lease)
            .arg(&self.inner.instance)
            .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1))
            .invoke_async(&mut connection)
            .await?;
        let mut leases = lock(&self.inner.held);
        if held == 1 {
            leases.insert(lease.to_owned());
        } else {
            leases.remove(lease);
        }
        Ok(held == 1)
    }

    pub(super) async fn release(&self, lease: &str) {
        lock(&self.inner.held).remove(lease);
        let mut connection = self.inner.redis.manager.clone();
        let released: Result<i64, _> = self
            .inner
            .release
            .key(lease)
            .arg(&self.inner.instance)
            .invoke_async(&mut connection)
            .await;
        match released {
            Ok(1) => tracing::debug!(lease, "lease released"),
            Ok(_) => {}
            // It expires by itself within an interval.
            Err(error) => tracing::warn!(lease, %error, "releasing a lease failed"),
        }
    }
}

/// Counts this task's lease in the `leases` gauge while held, and uncounts it when the
/// task ends.
pub struct Holding {
    metrics: Arc<Metrics>,
    held: bool,
}

impl Holding {
    pub fn new(metrics: Arc<Metrics>) -> Self {
        Self {
            metrics,
            held: false,
        }
    }

    pub fn set(&mut self, held: bool) {
        if held != self.held {
            self.held = held;
            let change = if held { 1 } else { -1 };
            self.metrics.leases.fetch_add(change, Ordering::Relaxed);
        }
    }
}

impl Drop for Holding {
    fn drop(&mut self) {
        self.set(false);
    }
}
