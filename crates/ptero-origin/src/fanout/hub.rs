//! The registry of watched servers. The first viewer of a server starts its poller; the
//! last one to leave stops it. Viewers get the latest summary on join, then the
//! broadcast; a viewer that falls `viewer_buffer` events behind is dropped by its stream.
//! With a [`Cluster`], the task per server follows the cluster's lease instead of
//! polling on its own ([`cluster::run`]).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use ptero_api::origin::{ServerSummary, StreamEvent};
use ptero_api::ServerId;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

use super::cluster::{self, Cluster};
use super::console::{self, ConsoleChannel};
use super::poller;
use crate::config::StreamConfig;
use crate::metrics::Metrics;
use crate::panel::Panel;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What a poller shares with its viewers.
#[derive(Debug)]
pub struct Channel {
    sender: broadcast::Sender<StreamEvent>,
    last: Mutex<Option<ServerSummary>>,
}

impl Channel {
    /// Records `summary` as the latest (when given) and sends `event`, atomically with
    /// respect to joins: a joining viewer sees an event either in its snapshot or on
    /// its receiver, never both, never neither.
    pub fn publish(&self, summary: Option<ServerSummary>, event: Option<StreamEvent>) {
        let mut last = lock(&self.last);
        if let Some(summary) = summary {
            *last = Some(summary);
        }
        if let Some(event) = event {
            // No receivers is fine: the last viewer may just have left.
            let _ = self.sender.send(event);
        }
    }

    pub fn last(&self) -> Option<ServerSummary> {
        lock(&self.last).clone()
    }
}

struct Entry {
    channel: Arc<Channel>,
    viewers: usize,
    task: JoinHandle<()>,
    console: Arc<ConsoleChannel>,
    /// The Wings relay, started by the first viewer granted `console`.
    relay: Option<JoinHandle<()>>,
}

impl Entry {
    fn stop(self) {
        self.task.abort();
        if let Some(relay) = self.relay {
            relay.abort();
        }
    }
}

struct Inner {
    entries: Mutex<HashMap<String, Entry>>,
    panel: Panel,
    config: StreamConfig,
    metrics: Arc<Metrics>,
    /// Set with a shared Redis: pollers coordinate so one instance polls each server.
    cluster: Option<Cluster>,
}

/// Shared handle; clones see the same servers.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

/// One viewer of one server. Dropping it leaves; the last to leave stops the poller.
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

    /// A hub whose pollers take turns with other instances' through `cluster`.
    pub fn with_cluster(
        panel: Panel,
        config: StreamConfig,
        metrics: Arc<Metrics>,
        cluster: Option<Cluster>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                entries: Mutex::new(HashMap::new()),
                panel,
                config,
                metrics,
                cluster,
            }),
        }
    }

    /// This instance's membership of a cluster, when it is one.
    pub fn cluster(&self) -> Option<&Cluster> {
        self.inner.cluster.as_ref()
    }

    /// Joins the viewers of `server`, starting its poller when it is the first, and its
    /// console relay when `console` is asked for the first time.
    pub fn subscribe(&self, server: &ServerId, console: bool) -> Subscription {
        let key = server.short().to_owned();
        let mut entries = lock(&self.inner.entries);
        let entry = entries.entry(key.clone()).or_insert_with(|| {
            let (sender, _) = broadcast::channel(self.inner.config.viewer_buffer);
            let channel = Arc::new(Channel {
                sender,
                last: Mutex::new(None),
            });
            self.inner.metrics.pollers.fetch_add(1, Ordering::Relaxed);
            let (panel, config, metrics) = (
                self.inner.panel.clone(),
                self.inner.config.clone(),
                Arc::clone(&self.inner.metrics),
            );
            let task = match &self.inner.cluster {
                Some(member) => tokio::spawn(cluster::run(
                    server.clone(),
                    panel,
                    config,
                    Arc::clone(&channel),
                    metrics,
                    member.clone(),
                )),
                None => tokio::spawn(poller::run(
                    server.clone(),
                    panel,
                    config,
                    Arc::clone(&channel),
                    metrics,
                )),
            };
            Entry {
                channel,
                viewers: 0,
                task,
                console: Arc::new(ConsoleChannel::new(&key)),
                relay: None,
            }
        });
        if console && entry.relay.is_none() {
            let (panel, channel) = (self.inner.panel.clone(), Arc::clone(&entry.console));
            entry.relay = Some(match &self.inner.cluster {
                Some(member) => tokio::spawn(cluster::run_console(
                    server.clone(),
                    panel,
                    self.inner.config.clone(),
                    channel,
                    member.clone(),
                )),
                None => tokio::spawn(console::run(
                    server.clone(),
                    panel,
                    self.inner.config.token_interval,
                    channel,
                )),
            });
        }
        entry.viewers += 1;
        self.inner.metrics.viewers.fetch_add(1, Ordering::Relaxed);
        let (snapshot, receiver) = {
            let last = lock(&entry.channel.last);
            (last.clone(), entry.channel.sender.subscribe())
        };
        Subscription {
            hub: self.clone(),
            key,
            snapshot,
            receiver: Some(receiver),
            console: console.then(|| entry.console.join()),
        }
    }

    /// The latest summary of a watched server, when a poller has one.
    pub fn cached(&self, server: &ServerId) -> Option<ServerSummary> {
        lock(&self.inner.entries)
            .get(server.short())
            .and_then(|entry| entry.channel.last())
    }

    /// Servers with a running poller.
    pub fn watched(&self) -> usize {
        lock(&self.inner.entries).len()
    }

    /// Stops every poller (shutdown).
    pub fn stop_all(&self) {
        for (_, entry) in lock(&self.inner.entries).drain() {
            entry.stop();
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
                entry.stop();
                self.inner.metrics.pollers.fetch_sub(1, Ordering::Relaxed);
                tracing::debug!(server = key, "last viewer left: poller stopped");
            }
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.leave(&self.key);
    }
}
