//! The server list's request budget: how far apart row refreshes go so the whole list
//! stays under a share of the panel's rate limit (pterodactyl/panel#5552: the official
//! dashboard locks users out at about 60 servers).
//!
//! The limit comes from the panel's `X-RateLimit-Limit` / `-Remaining` when the browser
//! may read them (through a ptero-origin: same origin), else 1.12.0's 120 a minute, the
//! strictest a panel ships. A row is never refreshed faster than the panel caches
//! `/resources` (20 s). Straight on the panel every request is preceded by a CORS
//! preflight (`max_age` 0 in the panel's `config/cors.php`), so it costs two at the panel.
//! A 429 pauses everything for its `Retry-After` (a minute when it is unreadable).
//!
//! Requests are spent from a bucket: a quarter of the minute's share at once (so a list
//! that opens fills its first rows without waiting), the rest refilled evenly, so no 60 s
//! window holds more than the share. Pure: the list controller measures, sleeps and asks.

use std::time::Duration;

/// The share of the panel's limit the list may spend.
pub const SHARE: f64 = 0.25;
/// The limit assumed when the panel's headers cannot be read (Pterodactyl 1.12.0's).
pub const UNKNOWN_LIMIT: u32 = 120;
/// The panel caches `/resources` this long: refreshing faster shows nothing new.
pub const PANEL_CACHE: Duration = Duration::from_secs(20);
/// The wait after a 429 without a readable `Retry-After`.
const DEFAULT_PAUSE: Duration = Duration::from_secs(60);

/// What the panel said about its limit, and whether requests cost a preflight.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    limit: Option<u32>,
    remaining: Option<u32>,
    preflight: bool,
    /// Requests in the bucket, and when it was last filled (ms).
    tokens: Option<f64>,
    filled_at: f64,
}

/// The share of a minute's requests that may go at once.
const BURST: f64 = 0.25;

impl Budget {
    /// A budget for a client that talks to the panel straight (`preflight`) or through
    /// an origin.
    pub fn new(preflight: bool) -> Self {
        Self {
            limit: None,
            remaining: None,
            preflight,
            tokens: None,
            filled_at: 0.0,
        }
    }

    fn burst(&self) -> f64 {
        (self.per_minute() * BURST).max(self.cost())
    }

    /// Requests refilled per second: what is left of the minute's share after a burst.
    fn refill(&self) -> f64 {
        (self.per_minute() - self.burst()).max(self.cost()) / 60.0
    }

    /// Takes one request's cost at `now` (ms), or says how long to wait for it.
    pub fn take(&mut self, now: f64) -> Result<(), Duration> {
        let burst = self.burst();
        let tokens = match self.tokens {
            None => burst,
            Some(tokens) => {
                (tokens + (now - self.filled_at).max(0.0) / 1000.0 * self.refill()).min(burst)
            }
        };
        self.filled_at = now;
        let cost = self.cost();
        if tokens >= cost {
            self.tokens = Some(tokens - cost);
            Ok(())
        } else {
            self.tokens = Some(tokens);
            Err(Duration::from_secs_f64((cost - tokens) / self.refill()))
        }
    }

    /// Takes the limit headers of an answer (absent when unreadable).
    pub fn observe(&mut self, limit: Option<u32>, remaining: Option<u32>) {
        if limit.is_some() {
            self.limit = limit;
        }
        if remaining.is_some() {
            self.remaining = remaining;
        }
    }

    /// The panel's limit as known.
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(UNKNOWN_LIMIT).max(1)
    }

    /// Requests the list may send a minute, counted at the panel (preflights included).
    pub fn per_minute(&self) -> f64 {
        let mut share = f64::from(self.limit()) * SHARE;
        // Others (other tabs, scripts) are spending the key too: keep to what is left.
        if let Some(remaining) = self.remaining {
            share = share.min(f64::from(remaining).max(1.0));
        }
        share.max(1.0)
    }

    /// What one refresh costs at the panel.
    pub fn cost(&self) -> f64 {
        if self.preflight {
            2.0
        } else {
            1.0
        }
    }

    /// How long each of `visible` rows waits between two refreshes, once the bucket's
    /// burst is spent.
    pub fn row_period(&self, visible: usize) -> Duration {
        let rows = visible.max(1) as f64;
        let steady = Duration::from_secs_f64(rows * self.cost() / self.refill());
        steady.max(PANEL_CACHE)
    }

    /// The pause a 429 asks for.
    pub fn pause(retry_after: Option<u64>) -> Duration {
        retry_after.map_or(DEFAULT_PAUSE, Duration::from_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_is_a_quarter_of_the_limit_read_or_assumed() {
        let mut budget = Budget::new(false);
        budget.observe(Some(256), Some(250));
        assert_eq!(budget.per_minute(), 64.0);
        let unknown = Budget::new(true);
        assert_eq!(unknown.per_minute(), 30.0);
        assert_eq!(unknown.cost(), 2.0);
    }

    #[test]
    fn rows_refresh_no_faster_than_the_panels_cache() {
        let mut budget = Budget::new(false);
        budget.observe(Some(256), None);
        assert_eq!(budget.row_period(3), PANEL_CACHE);
        // 40 rows at 48 a minute after the burst: each every 50 s.
        assert_eq!(budget.row_period(40), Duration::from_secs(50));
    }

    #[test]
    fn little_remaining_slows_down_and_429_pauses() {
        let mut budget = Budget::new(false);
        budget.observe(Some(256), Some(8));
        assert_eq!(budget.per_minute(), 8.0);
        assert_eq!(Budget::pause(Some(12)), Duration::from_secs(12));
        assert_eq!(Budget::pause(None), Duration::from_secs(60));
    }

    #[test]
    fn a_list_that_opens_fills_its_first_rows_at_once() {
        let mut budget = Budget::new(false);
        budget.observe(Some(256), None);
        let at_once = (0..100).take_while(|_| budget.take(0.0).is_ok()).count();
        assert_eq!(at_once, 16);
        assert!(budget.take(0.0).unwrap_err() <= Duration::from_millis(1_300));
    }

    /// Spending as fast as the bucket allows for ten minutes: no 60 s window holds more
    /// than the share, preflights counted.
    #[test]
    fn no_minute_holds_more_than_the_share() {
        for (preflight, limit) in [(false, Some(256)), (true, None), (false, Some(120))] {
            let mut budget = Budget::new(preflight);
            budget.observe(limit, None);
            let share = budget.per_minute();
            let mut sent = Vec::new();
            let mut now = 0.0;
            while now < 600_000.0 {
                match budget.take(now) {
                    Ok(()) => sent.push(now),
                    Err(wait) => now += wait.as_secs_f64() * 1000.0 + 1.0,
                }
            }
            for (index, start) in sent.iter().enumerate() {
                let in_window = sent[index..]
                    .iter()
                    .take_while(|at| **at < start + 60_000.0)
                    .count();
                let at_panel = in_window as f64 * budget.cost();
                assert!(
                    at_panel <= share + 1e-9,
                    "{at_panel} > {share} ({preflight}, {limit:?})"
                );
            }
        }
    }
}
