//! The cluster's pub/sub: each watched server's status channel and console channel routed
//! to this instance's local channels, the holder's publishing (with the latest summary
//! and the console history kept for instances that start following later), and the
//! subscribing connection kept alive across Redis restarts.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ::redis::{AsyncCommands as _, PushKind, Value};
use ptero_api::origin::{ServerSummary, StreamEvent};

use super::super::channel::{lock, Channels, ConsoleUpdate, HISTORY};
use super::{console_history_key, console_topic, summary_key, topic, Cluster};
use crate::redis::{Pushes, Redis};

/// How long the console history outlives its last line.
const CONSOLE_HISTORY_TTL: Duration = Duration::from_secs(3600);
/// How often the subscribing connection is checked while it works, and retried while
/// it does not: its manager reconnects (and re-subscribes) only when a command fails.
const HEARTBEAT: Duration = Duration::from_secs(1);
const RECONNECT_EVERY: Duration = Duration::from_millis(100);

/// Where the messages of one Redis channel go.
#[derive(Clone)]
pub enum Target {
    Status(Arc<Channels>),
    Console(Arc<Channels>),
}

/// The local channel that a Redis channel feeds, and which watch registered it.
pub struct Route {
    generation: u64,
    target: Target,
}

pub type Routes = Arc<Mutex<HashMap<String, Route>>>;

impl Cluster {
    /// Routes `topic` to `channel` and subscribes, retrying while Redis is down. The
    /// returned guard undoes both when the watch ends.
    pub(super) async fn watch(
        &self,
        topic: &str,
        lease: &str,
        target: Target,
        retry: Duration,
    ) -> Watch {
        let generation = self.inner.generations.fetch_add(1, Ordering::Relaxed);
        lock(&self.inner.routes).insert(topic.to_owned(), Route { generation, target });
        let watch = Watch {
            cluster: self.clone(),
            topic: topic.to_owned(),
            lease: lease.to_owned(),
            generation,
        };
        let mut warned = false;
        loop {
            let subscribed = {
                let _serial = self.inner.subscribing.lock().await;
                let mut connection = self.inner.redis.subscriber.clone();
                connection.subscribe(topic).await
            };
            match subscribed {
                Ok(()) => return watch,
                Err(error) => {
                    if !warned {
                        tracing::warn!(topic, %error, "subscribing failed: retrying");
                        warned = true;
                    }
                    tokio::time::sleep(retry).await;
                }
            }
        }
    }

    /// Publishes what the holder's feed found: the summary for late joiners, then the
    /// event, in one transaction so nobody reads a summary older than an event.
    pub(super) async fn publish(
        &self,
        server: &str,
        summary: Option<&ServerSummary>,
        event: Option<&StreamEvent>,
        keep: Duration,
    ) -> Result<(), ::redis::RedisError> {
        let mut pipe = ::redis::pipe();
        pipe.atomic();
        if let Some(summary) = summary {
            let json = serde_json::to_string(summary).unwrap_or_default();
            pipe.cmd("SET")
                .arg(summary_key(server))
                .arg(json)
                .arg("PX")
                .arg(u64::try_from(keep.as_millis()).unwrap_or(u64::MAX).max(1))
                .ignore();
        }
        if let Some(event) = event {
            pipe.publish(topic(server), event.to_json()).ignore();
        }
        let mut connection = self.inner.redis.manager.clone();
        pipe.query_async::<()>(&mut connection).await
    }

    pub(super) async fn latest(&self, server: &str) -> Option<ServerSummary> {
        latest(&self.inner.redis, server).await
    }

    /// Publishes what the console relay's socket said, keeping the history in step.
    pub(super) async fn publish_console(
        &self,
        server: &str,
        update: &ConsoleUpdate,
    ) -> Result<(), ::redis::RedisError> {
        let history = console_history_key(server);
        let mut pipe = ::redis::pipe();
        pipe.atomic();
        match update {
            ConsoleUpdate::Reset => {
                pipe.del(&history).ignore();
            }
            ConsoleUpdate::Line(line) => {
                let keep = isize::try_from(HISTORY).unwrap_or(isize::MAX);
                let ttl = i64::try_from(CONSOLE_HISTORY_TTL.as_secs()).unwrap_or(i64::MAX);
                pipe.rpush(&history, line)
                    .ignore()
                    .ltrim(&history, -keep, -1)
                    .ignore()
                    .expire(&history, ttl)
                    .ignore();
            }
        }
        let json = serde_json::to_string(update).unwrap_or_default();
        pipe.publish(console_topic(server), json).ignore();
        let mut connection = self.inner.redis.manager.clone();
        pipe.query_async::<()>(&mut connection).await
    }

    pub(super) async fn console_history(&self, server: &str) -> Vec<String> {
        let mut connection = self.inner.redis.manager.clone();
        connection
            .lrange(console_history_key(server), 0, -1)
            .await
            .unwrap_or_default()
    }
}

/// The summary the holder last published, for viewers of an instance that has just
/// started watching or has just got its subscription back.
async fn latest(redis: &Redis, server: &str) -> Option<ServerSummary> {
    let mut connection = redis.manager.clone();
    let json: Option<String> = connection.get(summary_key(server)).await.ok()?;
    serde_json::from_str(&json?).ok()
}

/// One instance's watch of one server; dropping it (the task aborted when the last
/// local viewer left) unsubscribes and releases the lease in the background.
pub struct Watch {
    cluster: Cluster,
    topic: String,
    lease: String,
    generation: u64,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let cluster = self.cluster.clone();
        let topic = std::mem::take(&mut self.topic);
        let lease = std::mem::take(&mut self.lease);
        let generation = self.generation;
        runtime.spawn(async move {
            let _serial = cluster.inner.subscribing.lock().await;
            let ours = {
                let mut routes = lock(&cluster.inner.routes);
                let ours = routes
                    .get(&topic)
                    .is_some_and(|route| route.generation == generation);
                if ours {
                    routes.remove(&topic);
                }
                ours
            };
            // A newer watch of the same server took the route over: it keeps the
            // subscription, and the lease (same instance id) if this one held it.
            if ours {
                cluster.release(&lease).await;
                let mut connection = cluster.inner.redis.subscriber.clone();
                if let Err(error) = connection.unsubscribe(&topic).await {
                    tracing::debug!(topic, %error, "unsubscribing failed");
                }
            }
        });
    }
}

/// Pings both connections now and then, and often right after the subscription
/// dropped, so that their managers reconnect (and re-subscribe) as soon as Redis is
/// back rather than failing the first request that comes after.
/// Once back, each watched server's latest summary is handed to its viewers, in case
/// an event went by while the subscription was being restored.
pub async fn keep_subscribed(redis: Redis, routes: Routes, dropped: Arc<tokio::sync::Notify>) {
    let mut down = false;
    loop {
        let wait = if down { RECONNECT_EVERY } else { HEARTBEAT };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = dropped.notified() => down = true,
        }
        let mut connection = redis.subscriber.clone();
        let subscriber = ::redis::cmd("PING")
            .query_async::<Value>(&mut connection)
            .await;
        let answered = subscriber.is_ok() & redis.ping().await.is_ok();
        match (answered, down) {
            (true, true) => {
                down = false;
                tracing::info!("the Redis subscription is back");
                resync(&redis, &routes).await;
            }
            (false, false) => down = true,
            _ => {}
        }
    }
}

async fn resync(redis: &Redis, routes: &Routes) {
    let watched: Vec<(String, Arc<Channels>)> = lock(routes)
        .iter()
        .filter_map(|(topic, route)| match &route.target {
            Target::Status(channels) => Some((topic.clone(), Arc::clone(channels))),
            Target::Console(_) => None,
        })
        .collect();
    for (topic, channels) in watched {
        let channel = &channels.status;
        let Some(server) = topic.strip_prefix(&self::topic("")) else {
            continue;
        };
        if let Some(summary) = latest(redis, server).await {
            if channel.last().as_ref() != Some(&summary) {
                channel.apply(StreamEvent::Summary(summary));
            }
        }
    }
}

/// Hands each pub/sub message to the local channel of its server.
pub async fn dispatch(routes: Routes, mut pushes: Pushes, dropped: Arc<tokio::sync::Notify>) {
    while let Some(push) = pushes.recv().await {
        match push.kind {
            PushKind::Message => {
                let Some((topic, payload)) = message(&push.data) else {
                    tracing::warn!("an unreadable message on a server channel: ignored");
                    continue;
                };
                let target = lock(&routes).get(&topic).map(|route| route.target.clone());
                let delivered = match target {
                    None => true,
                    Some(Target::Status(channels)) => serde_json::from_str(&payload)
                        .map(|event| channels.status.apply(event))
                        .is_ok(),
                    Some(Target::Console(channels)) => serde_json::from_str(&payload)
                        .map(|update| channels.console.apply(update))
                        .is_ok(),
                };
                if !delivered {
                    tracing::warn!(topic, "an unreadable message on a server channel: ignored");
                }
            }
            PushKind::Disconnection => {
                tracing::warn!("the Redis subscription dropped: reconnecting");
                dropped.notify_one();
            }
            _ => {}
        }
    }
}

/// `[channel, payload]` of a `message` push.
fn message(data: &[Value]) -> Option<(String, String)> {
    let [topic, payload] = data else {
        return None;
    };
    let topic: String = ::redis::from_redis_value_ref(topic).ok()?;
    let payload: String = ::redis::from_redis_value_ref(payload).ok()?;
    Some((topic, payload))
}
