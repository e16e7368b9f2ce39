//! Live fan-out, top-down:
//!
//! - [`hub`]: the registry of watched servers; the first viewer starts a server's
//!   upstream, the last one stops it. Whether the upstream runs in this instance
//!   ([`local`]) or wherever the cluster's lease is ([`cluster`]) is decided once.
//! - [`channel`]: the sink, what viewers receive (latest summary, live events, console).
//! - [`feed`]: one server's upstream, wherever it runs: its Wings socket ([`wings`]:
//!   session, token budget, reconnect with back-off) as the live source, `/resources`
//!   polling ([`poller`]) standing in while the socket is down, and the game's own player
//!   count ([`players`]) where a site shows it.
//! - [`cluster`]: several instances on one Redis (the lease, pub/sub, the shared token).
//!
//! Dependencies point down this list only: `channel`, `wings` and `poller` know nothing
//! above them.

pub mod channel;
pub mod cluster;
pub mod feed;
pub mod hub;
mod local;
pub mod players;
pub mod poller;
pub mod wings;

pub use hub::{Hub, Subscription};
