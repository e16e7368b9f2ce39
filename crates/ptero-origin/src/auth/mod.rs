//! Who may call: hand-off tokens from hosting sites ([`handoff`]) become opaque sessions
//! ([`session`]) bound to the embedding page's origin.

pub mod handoff;
pub mod session;

use std::time::{SystemTime, UNIX_EPOCH};

/// Unix seconds now.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Unix milliseconds now.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}
