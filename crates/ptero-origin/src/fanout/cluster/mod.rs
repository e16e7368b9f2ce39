//! Fan-out across several origin instances sharing one Redis: each watched server has one
//! upstream cluster-wide (one Wings socket, polling standing in when it is down).
//!
//! Every instance with viewers of a server runs [`follow`] for it: it subscribes to the
//! server's channels `server:{id}` (status events, the JSON the SSE carries) and
//! `console:{id}` (console updates) and, four times per poll interval, tries to hold the
//! server's lease `lease:{id}` (`SET NX PX ¾ interval`, renewed only by its holder,
//! [`lease`]). The holder runs the server's feed and publishes each step, keeping the
//! latest summary in `summary:{id}` and the last console lines in `console-history:{id}`
//! for instances that start following later ([`pubsub`]). Every instance, the holder
//! included, hands what arrives on the channels to its own viewers, so all viewers see
//! the same events in the same order.
//!
//! The socket's token is shared too ([`tokens`]): the holder keeps it in
//! `ws-token:{id}` until it runs out and takes `ws-token-slot:{id}` for each request, so
//! a new holder reuses the token and the panel sees at most one request per server per
//! `token_interval` cluster-wide.
//!
//! A holder that stops watching or shuts down releases its leases, so another instance
//! takes over within a quarter interval; one that dies leaves its lease to expire (¾
//! interval), and the next beat of another instance takes it: within one interval. While
//! Redis is unreachable no instance feeds, and viewers are told why: there is no
//! per-instance fallback.

mod follow;
mod lease;
mod pubsub;
mod tokens;

use std::collections::HashSet;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use ::redis::Script;
use tokio::task::JoinHandle;

pub use follow::follow;

use super::channel::lock;
use super::wings::SharedTokens;
use crate::redis::{Pushes, Redis, PREFIX};

pub fn lease_key(server: &str) -> String {
    format!("{PREFIX}lease:{server}")
}

pub fn topic(server: &str) -> String {
    format!("{PREFIX}server:{server}")
}

fn summary_key(server: &str) -> String {
    format!("{PREFIX}summary:{server}")
}

fn console_topic(server: &str) -> String {
    format!("{PREFIX}console:{server}")
}

fn console_history_key(server: &str) -> String {
    format!("{PREFIX}console-history:{server}")
}

struct Inner {
    redis: Redis,
    /// Random per process: what the lease holds.
    instance: String,
    routes: pubsub::Routes,
    /// Serializes SUBSCRIBE and UNSUBSCRIBE, so that a viewer leaving and another
    /// joining at once cannot leave the channel unsubscribed.
    subscribing: tokio::sync::Mutex<()>,
    /// Lease keys this instance holds, to release on shutdown.
    held: Mutex<HashSet<String>>,
    generations: AtomicU64,
    hold: Script,
    release: Script,
    /// The dispatcher and the keeper of the subscribing connection.
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

/// This instance's membership of the cluster (cheap to clone).
#[derive(Clone)]
pub struct Cluster {
    inner: Arc<Inner>,
}

impl Cluster {
    /// Starts routing the pushes of `redis` to local channels.
    pub fn start(redis: Redis, pushes: Pushes) -> Self {
        let routes = pubsub::Routes::default();
        let dropped = Arc::new(tokio::sync::Notify::new());
        let tasks = vec![
            tokio::spawn(pubsub::dispatch(
                Arc::clone(&routes),
                pushes,
                Arc::clone(&dropped),
            )),
            tokio::spawn(pubsub::keep_subscribed(
                redis.clone(),
                Arc::clone(&routes),
                dropped,
            )),
        ];
        Self {
            inner: Arc::new(Inner {
                redis,
                instance: instance_id(),
                routes,
                subscribing: tokio::sync::Mutex::new(()),
                held: Mutex::new(HashSet::new()),
                generations: AtomicU64::new(0),
                hold: Script::new(lease::HOLD),
                release: Script::new(lease::RELEASE),
                tasks: Mutex::new(tasks),
            }),
        }
    }

    /// This process's id, as written in the leases it holds.
    pub fn instance(&self) -> &str {
        &self.inner.instance
    }

    pub fn redis(&self) -> &Redis {
        &self.inner.redis
    }

    /// Tells `server`'s viewers on every instance `event` (an alert), in order with what
    /// its feed publishes.
    pub async fn announce(
        &self,
        server: &str,
        event: &ptero_api::origin::StreamEvent,
    ) -> Result<(), ::redis::RedisError> {
        self.publish(server, None, Some(event), std::time::Duration::ZERO)
            .await
    }

    /// Where `server`'s websocket token and request slot are shared.
    pub fn tokens_of(&self, server: &str) -> Arc<dyn SharedTokens> {
        Arc::new(tokens::RedisTokens::new(self.inner.redis.clone(), server))
    }

    /// Releases every lease this instance holds and stops routing (shutdown), so the
    /// other instances take over within one interval.
    pub async fn leave(&self) {
        let leases: Vec<String> = lock(&self.inner.held).drain().collect();
        for lease in leases {
            self.release(&lease).await;
        }
        for task in lock(&self.inner.tasks).drain(..) {
            task.abort();
        }
    }
}

fn instance_id() -> String {
    let mut bytes = [0u8; 8];
    // Without randomness the process id and time still tell instances apart.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        bytes[..4].copy_from_slice(&std::process::id().to_le_bytes());
        bytes[4..].copy_from_slice(&nanos.to_le_bytes());
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
