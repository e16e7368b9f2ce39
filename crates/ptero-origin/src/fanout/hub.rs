//! The registry of watched servers. The first viewer of a server starts its upstream (a
//! Wings socket, with polling standing in); the last one to leave stops it. Viewers get
//! the latest summary on join, then the broadcast; a viewer that falls `viewer_buffer`
//! events behind is dropped by its stream. Whether the upstream runs here or follows the
//! cluster's lease ([`Upstreams`]) is decided once, when the hub is made.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use ptero_api::origin::{ServerSummary, StreamEvent};
use ptero_api::ServerId;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use super::channel::{lock, Channels};
use super::cluster::{self, Cluster};
use super::feed::{Observed, Upstream};
use super::local;
use super::wings::Tokens;
use crate::config::StreamConfig;
use crate::metrics::Metrics;
use crate::panel::Panel;

/// Where each watched server's upstream runs: in this instance, or wherever the
/// cluster's lease is.
#[derive(Clone)]
enum Upstreams {
    Local,
    Cluster(Cluster),
}

struct Entry {
    channels: Arc<Channels>,
    viewers: usize,
    task: JoinHandle<()>,
}

struct Inner {
    entries: Mutex<HashMap<String, Entry>>,
    /// Each server's websocket tokens, kept when its last viewer leaves: a viewer who
    /// comes back within the minute reuses the token instead of asking again.
    tokens: Mutex<HashMap<String, Tokens>>,
    panel: Panel,
    config: StreamConfig,
    metrics: Arc<Metrics>,
    upstreams: Upstreams,
    /// Where feeds running here send what they see (the alerts).
    observations: Option<mpsc::UnboundedSender<Observed>>,
}

/// Shared handle; clones see the same servers.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

/// One viewer of one server. Dropping it leaves; the last to leave stops the upstream.
pub struct Subscription {
    hub: Hub,
    key: String,
    pub snapshot: Option<ServerSummary>,
    pub receiver: Option<broadcast::Receiver<StreamEvent>>,
    /// Console history and live lines, for viewers granted `console`.
    pub console: Option<(Vec<String>, broadcast::Receiver<StreamEvent>)>,
}

impl Hub {
    pub fn new(panel: Panel, config: StreamConfig, metrics: Arc<Metrics>) -> Self {
        Self::with_cluster(panel, config, metrics, None)
    }

    /// A hub whose upstreams take turns with other instances' through `cluster`.
    pub fn with_cluster(
        panel: Panel,
        config: StreamConfig,
        metrics: Arc<Metrics>,
        cluster: Option<Cluster>,
    ) -> Self {
        Self::observed(panel, config, metrics, cluster, None)
    }

    /// A hub whose feeds also send what they see to `observations`.
    pub fn observed(
        panel: Panel,
        config: StreamConfig,
        metrics: Arc<Metrics>,
        cluster: Option<Cluster>,
        observations: Option<mpsc::UnboundedSender<Observed>>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                entries: Mutex::new(HashMap::new()),
                tokens: Mutex::new(HashMap::new()),
                panel,
                config,
                metrics,
                upstreams: cluster.map_or(Upstreams::Local, Upstreams::Cluster),
                observations,
            }),
        }
    }

    /// This instance's membership of a cluster, when it is one.
    pub fn cluster(&self) -> Option<&Cluster> {
        match &self.inner.upstreams {
            Upstreams::Cluster(cluster) => Some(cluster),
            Upstreams::Local => None,
        }
    }

    fn upstream(&self, server: &ServerId) -> Upstream {
        let inner = &self.inner;
        let tokens = lock(&inner.tokens)
            .entry(server.short().to_owned())
            .or_insert_with(|| {
                let tokens = Tokens::new(
                    server.clone(),
                    inner.panel.clone(),
                    inner.config.token_interval,
                    Arc::clone(&inner.metrics),
                );
                match &inner.upstreams {
                    Upstreams::Cluster(cluster) => tokens.shared(cluster.tokens_of(server.short())),
                    Upstreams::Local => tokens,
                }
            })
            .clone();
        Upstream {
            panel: inner.panel.clone(),
            config: inner.config.clone(),
            metrics: Arc::clone(&inner.metrics),
            tokens,
            observations: inner.observations.clone(),
        }
    }

    /// Joins the viewers of `server`, starting its upstream when it is the first. Console
    /// lines come only with `console`.
    pub fn subscribe(&self, server: &ServerId, console: bool) -> Subscription {
        let key = server.short().to_owned();
        let mut entries = lock(&self.inner.entries);
        let entry = entries.entry(key.clone()).or_insert_with(|| {
            let channels = Arc::new(Channels::new(&key, self.inner.config.viewer_buffer));
            self.inner.metrics.pollers.fetch_add(1, Ordering::Relaxed);
            let upstream = self.upstream(server);
            let task = match &self.inner.upstreams {
                Upstreams::Local => {
                    tokio::spawn(local::run(server.clone(), upstream, Arc::clone(&channels)))
                }
                Upstreams::Cluster(cluster) => tokio::spawn(cluster::follow(
                    server.clone(),
                    upstream,
                    Arc::clone(&channels),
                    cluster.clone(),
                )),
            };
            Entry {
                channels,
                viewers: 0,
                task,
            }
        });
        entry.viewers += 1;
        self.inner.metrics.viewers.fetch_add(1, Ordering::Relaxed);
        let (snapshot, receiver) = entry.channels.status.join();
        Subscription {
            hub: self.clone(),
            key,
            snapshot,
            receiver: Some(receiver),
            console: console.then(|| entry.channels.console.join()),
        }
    }

    /// Tells the viewers of `server` (a short id) `event` beside what its feed says: here
    /// straight to its channels, in a cluster through Redis to every instance's viewers.
    /// Only the instance that feeds a server observes it, so one announcement reaches
    /// each viewer once. Nobody watching: nobody told.
    pub async fn announce(&self, server: &str, event: StreamEvent) {
        match &self.inner.upstreams {
            Upstreams::Local => {
                let channels = lock(&self.inner.entries)
                    .get(server)
                    .map(|entry| Arc::clone(&entry.channels));
                if let Some(channels) = channels {
                    channels.status.publish(None, Some(event));
                }
            }
            Upstreams::Cluster(cluster) => {
                if let Err(error) = cluster.announce(server, &event).await {
                    tracing::warn!(%server, %error, "telling viewers through Redis failed");
                }
            }
        }
    }

    /// The latest summary of a watched server, when its upstream has one.
    pub fn cached(&self, server: &ServerId) -> Option<ServerSummary> {
        lock(&self.inner.entries)
            .get(server.short())
            .and_then(|entry| entry.channels.status.last())
    }

    /// Servers being watched.
    pub fn watched(&self) -> usize {
        lock(&self.inner.entries).len()
    }

    /// Stops every upstream (shutdown).
    pub fn stop_all(&self) {
        for (_, entry) in lock(&self.inner.entries).drain() {
            entry.task.abort();
            self.inner.metrics.pollers.fetch_sub(1, Ordering::Relaxed);
        }
    }

    fn leave(&self, key: &str) {
        self.inner.metrics.viewers.fetch_sub(1, Ordering::Relaxed);
        let mut entries = lock(&self.inner.entries);
        let Some(entry) = entries.get_mut(key) else {
            return;
        };
        entry.viewers = entry.viewers.saturating_sub(1);
        if entry.viewers == 0 {
            if let Some(entry) = entries.remove(key) {
                entry.task.abort();
                self.inner.metrics.pollers.fetch_sub(1, Ordering::Relaxed);
                tracing::debug!(server = key, "last viewer left: upstream stopped");
            }
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.leave(&self.key);
    }
}
