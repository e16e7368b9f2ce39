//! Things that keep data live: intervals that pause while the tab is hidden. Every timer
//! and listener created here is released in `on_cleanup` by the function that made it.

pub mod budget;
mod dashboard;
mod interval;
mod sleep;
mod visibility;
mod wings;

pub use dashboard::{use_dashboard, Dashboard, RowLive, STALE_AFTER_MS};
pub use interval::use_polling;
pub use sleep::{backoff, pending_timers, sleep, Sleep, Ticker};
pub use visibility::use_page_visible;
pub use wings::{use_wings, CommandError, Link, WingsLive, SCROLLBACK};
