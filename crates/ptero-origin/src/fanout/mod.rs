//! Live fan-out: one upstream poller per watched server ([`poller`]), shared by every
//! viewer through a broadcast channel ([`hub`]).

pub mod console;
pub mod hub;
pub mod poller;

pub use hub::{Hub, Subscription};
