//! Live fan-out: one upstream poller per watched server ([`poller`]), shared by every
//! viewer through a broadcast channel ([`hub`]); with several instances, one poller per
//! server cluster-wide ([`cluster`]).

pub mod cluster;
pub mod console;
pub mod hub;
pub mod poller;
pub mod wings;

pub use hub::{Hub, Subscription};
