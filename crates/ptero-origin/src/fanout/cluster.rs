//! Fan-out across several origin instances sharing one Redis: each watched server is
//! still polled once cluster-wide.
//!
//! Every instance with viewers of a server runs [`run`] for it: it subscribes to the
//! server's channel `server:{id}` and, four times per poll interval, tries to hold the
//! server's lease `lease:{id}` (`SET NX PX ¾ interval`, renewed only by its holder). The holder
//! polls upstream and publishes each event (the JSON the SSE carries) and the latest
//! summary (`summary:{id}`, for instances that start watching later). Every instance,
//! the holder included, hands what arrives on the channel to its own viewers, so all
//! viewers see the same events in the same order.
//!
//! A holder that stops watching or shuts down releases its leases, so another instance
//! takes over within a quarter interval; one that dies leaves its lease to expire (¾
//! interval), and the next beat of another instance takes it: within one interval. While
//! Redis is unreachable no instance polls, and viewers are told why: there is no
//! per-instance fallback.
//!
//! The console relay works the same way with its own lease `console-lease:{id}`: one
//! instance keeps the server's Wings websocket open and publishes each line on
//! `console:{id}` (and into `console-history:{id}`, the last lines for instances that
//! start following later), so Wings sees one socket per server however many instances
//! have console viewers.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ::redis::{AsyncCommands as _, PushKind, Script, Value};
use ptero_api::origin::{OriginErrorCode, ServerSummary, StreamEvent};
use ptero_api::ServerId;
use tokio::task::JoinHandle;

use super::console::{self, ConsoleChannel, ConsoleUpdate, HISTORY};
use super::hub::Channel;
use super::poller::{Outcome, Poller};
use super::wings::Tokens;
use crate::config::StreamConfig;
use crate::metrics::Metrics;
use crate::panel::Panel;
use crate::redis::{Pushes, Redis, PREFIX};

/// Takes the lease when free, renews it when ours; answers 1 when we hold it.
const HOLD: &str = r"
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
";

/// Deletes the lease only when it is still ours.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Lease beats (take or renew) per poll interval; a lease lasts one beat less.
const LEASE_BEATS_PER_INTERVAL: u32 = 4;
/// Beats closer than this would cost Redis round trips for nothing.
const MIN_BEAT: Duration = Duration::from_millis(20);

/// The latest summary is kept this many intervals after its last poll.
const SUMMARY_INTERVALS: u32 = 10;
/// How often the subscribing connection is checked while it works, and retried while
/// it does not: its manager reconnects (and re-subscribes) only when a command fails.
const HEARTBEAT: Duration = Duration::from_secs(1);
const RECONNECT_EVERY: Duration = Duration::from_millis(100);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub fn lease_key(server: &str) -> String {
    format!("{PREFIX}lease:{server}")
}

pub fn topic(server: &str) -> String {
    format!("{PREFIX}server:{server}")
}

fn summary_key(server: &str) -> String {
    format!("{PREFIX}summary:{server}")
}

pub fn console_lease_key(server: &str) -> String {
    format!("{PREFIX}console-lease:{server}")
}

fn console_topic(server: &str) -> String {
    format!("{PREFIX}console:{server}")
}

fn console_history_key(server: &str) -> String {
    format!("{PREFIX}console-history:{server}")
}

/// How long the console history outlives its last line.
const CONSOLE_HISTORY_TTL: Duration = Duration::from_secs(3600);

/// How often a lease is taken or renewed, and how long it lasts: a dead holder's lease
/// runs out after ¾ of an interval and the next beat elsewhere takes it, so it is
/// replaced within one interval.
fn lease_timing(interval: Duration) -> (Duration, Duration) {
    let beat = (interval / LEASE_BEATS_PER_INTERVAL).max(MIN_BEAT);
    (beat, beat.saturating_mul(LEASE_BEATS_PER_INTERVAL - 1))
}

/// Where the messages of one Redis channel go.
#[derive(Clone)]
enum Target {
    Status(Arc<Channel>),
    Console(Arc<ConsoleChannel>),
}

/// The local channel that a Redis channel feeds, and which watch registered it.
struct Route {
    generation: u64,
    target: Target,
}

type Routes = Arc<Mutex<HashMap<String, Route>>>;

struct Inner {
    redis: Redis,
    /// Random per process: what the lease holds.
    instance: String,
    routes: Routes,
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
        let routes = Routes::default();
        let dropped = Arc::new(tokio::sync::Notify::new());
        let tasks = vec![
            tokio::spawn(dispatch(Arc::clone(&routes), pushes, Arc::clone(&dropped))),
            tokio::spawn(keep_subscribed(redis.clone(), Arc::clone(&routes), dropped)),
        ];
        Self {
            inner: Arc::new(Inner {
                redis,
                instance: instance_id(),
                routes,
                subscribing: tokio::sync::Mutex::new(()),
                held: Mutex::new(HashSet::new()),
                generations: AtomicU64::new(0),
                hold: Script::new(HOLD),
                release: Script::new(RELEASE),
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

    /// Takes or renews `lease` for `ttl`; `Ok(true)` when this instance holds it.
    async fn hold(&self, lease: &str, ttl: Duration) -> Result<bool, ::redis::RedisError> {
        let mut connection = self.inner.redis.manager.clone();
        let held: i64 = self
            .inner
            .hold
            .key(lease)
            .arg(&self.inner.instance)
            .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1))
            .invoke_async(&mut connection)
            .await?;
        let mut leases = lock(&self.inner.held);
        if held == 1 {
            leases.insert(lease.to_owned());
        } else {
            leases.remove(lease);
        }
        Ok(held == 1)
    }

    async fn release(&self, lease: &str) {
        lock(&self.inner.held).remove(lease);
        let mut connection = self.inner.redis.manager.clone();
        let released: Result<i64, _> = self
            .inner
            .release
            .key(lease)
            .arg(&self.inner.instance)
            .invoke_async(&mut connection)
            .await;
        match released {
            Ok(1) => tracing::debug!(lease, "lease released"),
            Ok(_) => {}
            // It expires by itself within an interval.
            Err(error) => tracing::warn!(lease, %error, "releasing a lease failed"),
        }
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

    /// Routes `topic` to `channel` and subscribes, retrying while Redis is down. The
    /// returned guard undoes both when the watch ends.
    async fn watch(&self, topic: &str, lease: &str, target: Target, retry: Duration) -> Watch {
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

    /// Publishes what the holder's poll found: the summary for late joiners, then the
    /// event, in one transaction so nobody reads a summary older than an event.
    async fn publish(
        &self,
        server: &str,
        outcome: &Outcome,
        keep: Duration,
    ) -> Result<(), ::redis::RedisError> {
        let mut pipe = ::redis::pipe();
        pipe.atomic();
        if let Some(summary) = &outcome.summary {
            let json = serde_json::to_string(summary).unwrap_or_default();
            pipe.cmd("SET")
                .arg(summary_key(server))
                .arg(json)
                .arg("PX")
                .arg(u64::try_from(keep.as_millis()).unwrap_or(u64::MAX).max(1))
                .ignore();
        }
        if let Some(event) = &outcome.event {
            pipe.publish(topic(server), event.to_json()).ignore();
        }
        let mut connection = self.inner.redis.manager.clone();
        pipe.query_async::<()>(&mut connection).await
    }

    async fn latest(&self, server: &str) -> Option<ServerSummary> {
        latest(&self.inner.redis, server).await
    }

    /// Publishes what the console relay's socket said, keeping the history in step.
    async fn publish_console(
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

    async fn console_history(&self, server: &str) -> Vec<String> {
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
struct Watch {
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

/// Counts this task's lease in the `leases` gauge while held, and uncounts it when the
/// task ends.
struct Holding {
    metrics: Arc<Metrics>,
    held: bool,
}

impl Holding {
    fn set(&mut self, held: bool) {
        if held != self.held {
            self.held = held;
            let change = if held { 1 } else { -1 };
            self.metrics.leases.fetch_add(change, Ordering::Relaxed);
        }
    }
}

impl Drop for Holding {
    fn drop(&mut self) {
        self.set(false);
    }
}

/// Watches `server` for this instance's viewers until aborted by the hub: follows the
/// channel, and polls upstream while holding the lease.
pub async fn run(
    server: ServerId,
    panel: Panel,
    config: StreamConfig,
    channel: Arc<Channel>,
    metrics: Arc<Metrics>,
    cluster: Cluster,
) {
    let id = server.short().to_owned();
    let lease = lease_key(&id);
    let interval = config.poll_interval;
    let (beat, ttl) = lease_timing(interval);
    let keep = interval.saturating_mul(SUMMARY_INTERVALS);
    let target = Target::Status(Arc::clone(&channel));
    let _watch = cluster.watch(&topic(&id), &lease, target, interval).await;

    if channel.last().is_none() {
        if let Some(summary) = cluster.latest(&id).await {
            // The holder may have published a newer one meanwhile: keep that.
            if channel.last().is_none() {
                channel.publish(Some(summary.clone()), Some(StreamEvent::Summary(summary)));
            }
        }
    }

    let mut tick = tokio::time::interval(beat);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Set while this instance holds the lease; a fresh one on every take-over.
    let mut poller: Option<Poller> = None;
    let mut next_poll = tokio::time::Instant::now();
    let mut redis_down = false;
    let mut holding = Holding {
        metrics: Arc::clone(&metrics),
        held: false,
    };
    loop {
        let now = tick.tick().await;
        match cluster.hold(&lease, ttl).await {
            Ok(true) => {
                if redis_down {
                    tracing::info!(server = %id, "Redis is back: live updates resume");
                    redis_down = false;
                }
                holding.set(true);
                let poller = poller.get_or_insert_with(|| {
                    tracing::debug!(server = %id, instance = cluster.instance(), "lease taken: polling");
                    Poller::new(server.clone(), panel.clone(), config.clone(), Arc::clone(&metrics))
                });
                if now < next_poll {
                    continue; // backing off, but keeping the lease
                }
                let outcome = {
                    let previous = channel.last();
                    let poll = poller.poll(previous.as_ref());
                    tokio::pin!(poll);
                    // A slow panel must not cost the lease: renew while waiting.
                    loop {
                        tokio::select! {
                            outcome = &mut poll => break outcome,
                            _ = tick.tick() => {
                                let _ = cluster.hold(&lease, ttl).await;
                            }
                        }
                    }
                };
                next_poll = now + outcome.delay;
                if let Err(error) = cluster.publish(&id, &outcome, keep).await {
                    tracing::warn!(server = %id, %error, "publishing to Redis failed");
                }
            }
            Ok(false) => {
                holding.set(false);
                if redis_down {
                    tracing::info!(server = %id, "Redis is back: live updates resume");
                    redis_down = false;
                }
                if poller.take().is_some() {
                    tracing::debug!(server = %id, "lease lost: another instance polls");
                }
            }
            Err(error) => {
                holding.set(false);
                poller = None;
                if !redis_down {
                    redis_down = true;
                    tracing::error!(server = %id, %error, "Redis unreachable: live updates paused");
                    channel.publish(
                        None,
                        Some(StreamEvent::Error {
                            server: Some(server.to_string()),
                            code: OriginErrorCode::Internal,
                            message:
                                "live updates are paused: the origin lost its connection to Redis"
                                    .to_owned(),
                        }),
                    );
                }
            }
        }
    }
}

/// Follows `server`'s console for this instance's viewers until aborted by the hub: the
/// lines published on its channel, and while this instance holds the console lease, the
/// Wings websocket whose lines it publishes.
pub async fn run_console(
    server: ServerId,
    panel: Panel,
    config: StreamConfig,
    channel: Arc<ConsoleChannel>,
    cluster: Cluster,
) {
    let interval = config.poll_interval;
    let id = server.short().to_owned();
    let lease = console_lease_key(&id);
    let (beat, ttl) = lease_timing(interval);
    let target = Target::Console(Arc::clone(&channel));
    let _watch = cluster
        .watch(&console_topic(&id), &lease, target, interval)
        .await;
    channel.seed(cluster.console_history(&id).await);

    let mut tick = tokio::time::interval(beat);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Outlives each turn at the lease: a token held is reused, the budget kept.
    let mut tokens = Tokens::new(server.clone(), panel.clone(), config.token_interval);
    loop {
        tick.tick().await;
        if !matches!(cluster.hold(&lease, ttl).await, Ok(true)) {
            continue;
        }
        tracing::debug!(server = %id, instance = cluster.instance(), "console lease taken: relaying");
        // The socket lives while the lease does; its updates go out through Redis, so
        // every instance (this one too) hands them to its viewers in the same order.
        let (updates, mut published) = tokio::sync::mpsc::unbounded_channel();
        let relaying = async {
            let mut deliver = move |update| {
                let _ = updates.send(update);
            };
            console::keep_relaying(&server, &panel, &mut tokens, &mut deliver).await;
        };
        tokio::pin!(relaying);
        loop {
            tokio::select! {
                () = &mut relaying => break,
                Some(update) = published.recv() => {
                    if let Err(error) = cluster.publish_console(&id, &update).await {
                        tracing::warn!(server = %id, %error, "publishing a console line to Redis failed");
                    }
                }
                _ = tick.tick() => {
                    if !matches!(cluster.hold(&lease, ttl).await, Ok(true)) {
                        tracing::debug!(server = %id, "console lease lost: relay closed");
                        break;
                    }
                }
            }
        }
    }
}

/// Pings both connections now and then, and often right after the subscription
/// dropped, so that their managers reconnect (and re-subscribe) as soon as Redis is
/// back rather than failing the first request that comes after.
/// Once back, each watched server's latest summary is handed to its viewers, in case
/// an event went by while the subscription was being restored.
async fn keep_subscribed(redis: Redis, routes: Routes, dropped: Arc<tokio::sync::Notify>) {
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
    let watched: Vec<(String, Arc<Channel>)> = lock(routes)
        .iter()
        .filter_map(|(topic, route)| match &route.target {
            Target::Status(channel) => Some((topic.clone(), Arc::clone(channel))),
            Target::Console(_) => None,
        })
        .collect();
    for (topic, channel) in watched {
        let Some(server) = topic.strip_prefix(&self::topic("")) else {
            continue;
        };
        if let Some(summary) = latest(redis, server).await {
            if channel.last().as_ref() != Some(&summary) {
                apply(&channel, StreamEvent::Summary(summary));
            }
        }
    }
}

/// Hands each pub/sub message to the local channel of its server.
async fn dispatch(routes: Routes, mut pushes: Pushes, dropped: Arc<tokio::sync::Notify>) {
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
                    Some(Target::Status(channel)) => serde_json::from_str(&payload)
                        .map(|event| apply(&channel, event))
                        .is_ok(),
                    Some(Target::Console(channel)) => serde_json::from_str(&payload)
                        .map(|update| channel.apply(update))
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

/// Keeps the channel's latest summary in step with the events, then sends the event.
fn apply(channel: &Channel, event: StreamEvent) {
    let next = match (&event, channel.last()) {
        (StreamEvent::Summary(summary), _) => Some(summary.clone()),
        (StreamEvent::State { state, .. }, Some(mut last)) => {
            last.state = *state;
            Some(last)
        }
        (StreamEvent::Resources { resources, .. }, Some(mut last)) => {
            last.resources = Some(resources.clone());
            Some(last)
        }
        _ => None,
    };
    channel.publish(next, Some(event));
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
