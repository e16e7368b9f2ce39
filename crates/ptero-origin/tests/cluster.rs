//! Three origin instances sharing one sandbox panel and one real `redis-server` on
//! loopback (`[store] kind = "redis"`): shared sessions and replay protection, one
//! upstream poller per server cluster-wide, fail-over of the lease holder, and a clear
//! failure when Redis is down, and one alert delivery per event however many instances
//! see it.
//!
//! `redis-server` must be installed (Debian: `apt-get install redis-server`); these
//! tests fail, not skip, without it.

mod common;
#[path = "support/hooks.rs"]
mod hooks;
#[path = "support/redis_server.rs"]
mod redis_server;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use ptero_api::origin::{OriginErrorBody, OriginErrorCode, StreamEvent};
use ptero_origin::{Config, Running};
use ptero_sandbox::seed;
use ptero_sandbox::seed::servers::RUNNING;
use ptero_sandbox::{Sandbox, SandboxConfig};
use redis_server::{free_port, RedisServer};
use serde_json::json;

const INTERVAL_MS: u64 = 200;
const INSTANCES: usize = 3;
const VIEWERS_PER_INSTANCE: usize = 10;

/// An origin instance that runs in a runtime of its own, so that dropping the runtime
/// ends it the way a crash would: no lease released, sockets just closed.
struct Crashable {
    url: String,
    instance: String,
    runtime: Option<tokio::runtime::Runtime>,
    running: Option<Running>,
}

impl Crashable {
    fn crash(mut self) {
        drop(self.running.take());
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

struct Cluster {
    sandbox: Sandbox,
    redis: RedisServer,
    origins: Vec<Option<Running>>,
    http: reqwest::Client,
    dir: std::path::PathBuf,
    config: Config,
}

impl Cluster {
    async fn start() -> Self {
        Self::start_with(Options {
            poll_interval_ms: INTERVAL_MS,
            ..Options::default()
        })
        .await
    }

    async fn start_with(options: Options) -> Self {
        logs();
        let sandbox = Sandbox::start(SandboxConfig::fast())
            .await
            .expect("sandbox");
        let redis = RedisServer::start();
        let dir = std::env::temp_dir().join(format!(
            "ptero-origin-cluster-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(dir.join("dist/card")).expect("temp dir");
        std::fs::write(dir.join("panel.key"), seed::keys::ADMIN).expect("key");
        std::fs::write(dir.join("site.secret"), SECRET).expect("secret");
        std::fs::write(dir.join("application.key"), seed::keys::APPLICATION).expect("app key");
        std::fs::write(dir.join("encryption.key"), ENCRYPTION_KEY).expect("encryption key");
        if let Some(prepare) = &options.before_start {
            prepare(&dir);
        }
        // The shared test configuration with its [store] section swapped for Redis.
        let mut text = config_text(&dir, &sandbox.panel_url(), &[SITE], &options);
        if let Some(store) = text.find("[store]") {
            let end = text[store + 1..]
                .find("\n[")
                .map_or(text.len(), |next| store + 1 + next + 1);
            text.replace_range(store..end, "");
        }
        text.push_str(&format!(
            "[store]\nkind = \"redis\"\nredis_url = \"{}\"\n",
            redis.url()
        ));
        let path = dir.join("ptero-origin.toml");
        std::fs::write(&path, text).expect("config");
        let config = Config::load(&path).expect("config loads");
        let mut origins = Vec::new();
        for _ in 0..INSTANCES {
            let running = ptero_origin::start(config.clone()).await.expect("origin");
            origins.push(Some(running));
        }
        Self {
            sandbox,
            redis,
            origins,
            http: reqwest::Client::new(),
            dir,
            config,
        }
    }

    fn config_path(&self) -> std::path::PathBuf {
        self.dir.join("ptero-origin.toml")
    }

    fn origin(&self, index: usize) -> &Running {
        self.origins[index].as_ref().expect("a running instance")
    }

    fn url(&self, index: usize, path: &str) -> String {
        format!("{}{path}", self.origin(index).url())
    }

    fn ops_url(&self, index: usize, path: &str) -> String {
        format!("{}{path}", self.origin(index).ops_url())
    }

    fn instance(&self, index: usize) -> String {
        let cluster = self.origin(index).state().hub.cluster();
        cluster.expect("clustered").instance().to_owned()
    }

    /// The index of the running instance whose id is `id` (as written in a lease).
    fn index_of(&self, id: &str) -> Option<usize> {
        (0..INSTANCES).find(|index| self.origins[*index].is_some() && self.instance(*index) == id)
    }

    async fn exchange_at(&self, base: &str, token: &str) -> reqwest::Response {
        self.http
            .post(format!("{base}/v1/session"))
            .header("origin", SITE)
            .json(&json!({ "token": token }))
            .send()
            .await
            .expect("request")
    }

    async fn session(&self, index: usize) -> String {
        self.session_granting(index, &["start"]).await
    }

    async fn session_granting(&self, index: usize, actions: &[&str]) -> String {
        let response = self
            .exchange_at(
                &self.origin(index).url(),
                &token(claims(&[RUNNING], actions)),
            )
            .await;
        assert_eq!(response.status(), 200, "session exchange");
        let grant: ptero_api::origin::SessionGrant = response.json().await.expect("grant");
        grant.session
    }

    async fn server_status(&self, base: &str, session: &str) -> u16 {
        self.http
            .get(format!("{base}/v1/servers/{RUNNING}"))
            .header("origin", SITE)
            .bearer_auth(session)
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    }

    /// Opens a stream of `RUNNING` at `base` and records every event with its arrival.
    async fn viewer(&self, base: &str, session: &str) -> Viewer {
        let response = self
            .http
            .get(format!("{base}/v1/stream?servers={RUNNING}"))
            .header("origin", SITE)
            .bearer_auth(session)
            .send()
            .await
            .expect("stream");
        assert_eq!(response.status(), 200, "stream opens");
        let mut events = Events::from_response(response);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let task = tokio::spawn(async move {
            while let Some(event) = events.next(Duration::from_secs(30)).await {
                log.lock().expect("log").push((Instant::now(), event));
            }
        });
        Viewer { seen, task }
    }

    /// Sends a console command through instance `index`.
    async fn command(&self, index: usize, session: &str, command: &str) {
        let response = self
            .http
            .post(self.url(index, &format!("/v1/servers/{RUNNING}/command")))
            .header("origin", SITE)
            .bearer_auth(session)
            .json(&json!({ "command": command }))
            .send()
            .await
            .expect("command");
        assert_eq!(response.status(), 204, "command accepted");
    }

    async fn stop(mut self) {
        for running in self.origins.iter_mut().filter_map(Option::take) {
            running.shutdown().await;
        }
        self.sandbox.shutdown().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One SSE viewer's events, with when each arrived.
struct Viewer {
    seen: Arc<Mutex<Vec<(Instant, StreamEvent)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Viewer {
    fn live_since(&self, since: Instant) -> usize {
        self.seen
            .lock()
            .expect("log")
            .iter()
            .filter(|(at, event)| {
                *at > since
                    && matches!(
                        event,
                        StreamEvent::Summary(_)
                            | StreamEvent::Resources { .. }
                            | StreamEvent::State { .. }
                    )
            })
            .count()
    }

    fn got_summary(&self) -> bool {
        self.seen
            .lock()
            .expect("log")
            .iter()
            .any(|(_, event)| matches!(event, StreamEvent::Summary(summary) if summary.identifier == RUNNING))
    }

    fn got_console_line(&self, words: &str) -> bool {
        self.seen.lock().expect("log").iter().any(
            |(_, event)| matches!(event, StreamEvent::Console { line, .. } if line.contains(words)),
        )
    }

    fn got_error_naming(&self, word: &str) -> bool {
        self.seen.lock().expect("log").iter().any(
            |(_, event)| matches!(event, StreamEvent::Error { message, .. } if message.contains(word)),
        )
    }

    /// The longest wait between two events after `since`.
    fn longest_gap_since(&self, since: Instant) -> Duration {
        let seen = self.seen.lock().expect("log");
        let times: Vec<Instant> = seen
            .iter()
            .map(|(at, _)| *at)
            .filter(|at| *at > since)
            .collect();
        let mut longest = times.first().map_or(Duration::ZERO, |first| *first - since);
        for pair in times.windows(2) {
            longest = longest.max(pair[1] - pair[0]);
        }
        longest
    }
}

impl Drop for Viewer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        if Instant::now() >= deadline {
            let logs = String::from_utf8_lossy(&logs().lock().expect("logs")).into_owned();
            let fanout: Vec<&str> = logs
                .lines()
                .filter(|line| line.contains("fanout") || line.contains("redis"))
                .collect();
            panic!(
                "{what} within {limit:?}; fan-out logs:\n{}",
                fanout.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn interval() -> Duration {
    Duration::from_millis(INTERVAL_MS)
}

fn resources_path() -> String {
    format!("/api/client/servers/{RUNNING}/resources")
}

#[tokio::test]
async fn a_session_from_one_instance_works_on_all_and_a_replayed_token_is_refused() {
    let cluster = Cluster::start().await;
    let hand_off = token(claims(&[RUNNING], &["start"]));
    let first = cluster
        .exchange_at(&cluster.origin(0).url(), &hand_off)
        .await;
    assert_eq!(first.status(), 200);
    let grant: ptero_api::origin::SessionGrant = first.json().await.expect("grant");
    for index in 0..INSTANCES {
        assert_eq!(
            cluster
                .server_status(&cluster.origin(index).url(), &grant.session)
                .await,
            200,
            "the session works on instance {index}"
        );
    }
    for index in 1..INSTANCES {
        let replay = cluster
            .exchange_at(&cluster.origin(index).url(), &hand_off)
            .await;
        assert_eq!(replay.status(), 401, "replay to instance {index}");
        let body: OriginErrorBody = replay.json().await.expect("error body");
        assert_eq!(body.error.code, OriginErrorCode::TokenReused);
    }
    cluster.stop().await;
}

#[tokio::test]
async fn revoking_an_origin_on_one_instance_ends_its_sessions_on_all() {
    let cluster = Cluster::start().await;
    let session = cluster.session(1).await;
    let revoked = cluster
        .origin(0)
        .state()
        .store
        .revoke_origin(SITE)
        .await
        .expect("revoke");
    assert_eq!(revoked, 1);
    for index in 0..INSTANCES {
        assert_eq!(
            cluster
                .server_status(&cluster.origin(index).url(), &session)
                .await,
            401,
            "instance {index} no longer knows the session"
        );
    }
    cluster.stop().await;
}

#[tokio::test]
async fn viewers_on_every_instance_share_one_upstream_socket() {
    let cluster = Cluster::start().await;
    let session = cluster.session(0).await;
    let mut viewers = Vec::new();
    for index in 0..INSTANCES {
        for _ in 0..VIEWERS_PER_INSTANCE {
            viewers.push(cluster.viewer(&cluster.origin(index).url(), &session).await);
        }
    }
    wait_for(
        "every viewer gets a summary",
        Duration::from_secs(5),
        || viewers.iter().all(Viewer::got_summary),
    )
    .await;
    wait_for("one Wings socket", Duration::from_secs(5), || {
        cluster.sandbox.open_sockets(RUNNING) == 1
    })
    .await;

    let polls_before = cluster.sandbox.request_count(&resources_path());
    let started = Instant::now();
    tokio::time::sleep(interval() * 10).await;
    let polls = cluster.sandbox.request_count(&resources_path()) - polls_before;
    let sockets = cluster.sandbox.open_sockets(RUNNING);
    eprintln!("{sockets} Wings socket(s) and {polls} /resources polls in 10 intervals for {} viewers on {INSTANCES} instances", viewers.len());
    // One upstream: one socket, and no polling while it is live (three instances on their
    // own would hold three; one poller makes one poll per interval, ten here). A lease
    // that changes hands on a loaded machine (its 150 ms run out between two renewals)
    // starts the new holder's feed with one poll for the server's details.
    assert_eq!(sockets, 1, "one Wings socket cluster-wide");
    assert!(polls <= 4, "{polls} polls while the socket is live");
    let leases: Vec<i64> = (0..INSTANCES)
        .map(|index| {
            let metrics = &cluster.origin(index).state().metrics;
            metrics.leases.load(std::sync::atomic::Ordering::Relaxed)
        })
        .collect();
    assert_eq!(
        leases.iter().sum::<i64>(),
        1,
        "one lease holder: {leases:?}"
    );
    for (index, viewer) in viewers.iter().enumerate() {
        assert!(
            viewer.live_since(started) >= 3,
            "viewer {index} (instance {}) got live events",
            index / VIEWERS_PER_INSTANCE
        );
    }
    drop(viewers);
    cluster.stop().await;
}

/// Five hundred viewers of one server spread over three instances: one Wings socket,
/// one websocket token, and the socket's stats reach viewers on every instance.
#[tokio::test]
async fn five_hundred_viewers_on_three_instances_hold_one_wings_socket() {
    let cluster = Cluster::start_with(Options {
        poll_interval_ms: INTERVAL_MS,
        streams_per_session: 1000,
        limits: "streams_per_ip = 1000\nip_per_minute = 100000\nsession_per_minute = 100000".into(),
        ..Options::default()
    })
    .await;
    cluster.sandbox.reset_requests();
    let session = cluster.session(0).await;
    let mut viewers = Vec::new();
    for n in 0..500 {
        let base = cluster.origin(n % INSTANCES).url();
        viewers.push(cluster.viewer(&base, &session).await);
    }
    wait_for("one Wings socket", Duration::from_secs(10), || {
        cluster.sandbox.open_sockets(RUNNING) == 1
    })
    .await;
    let since = Instant::now();
    tokio::time::sleep(interval() * 5).await;
    assert_eq!(
        cluster.sandbox.open_sockets(RUNNING),
        1,
        "one socket for 500 viewers"
    );
    let tokens = cluster
        .sandbox
        .request_count(&format!("/api/client/servers/{RUNNING}/websocket"));
    eprintln!("500 viewers on {INSTANCES} instances: 1 Wings socket, {tokens} token request(s)");
    assert_eq!(tokens, 1, "one token cluster-wide");
    let quiet = viewers
        .iter()
        .filter(|viewer| viewer.live_since(since) == 0)
        .count();
    assert_eq!(quiet, 0, "every viewer gets the socket's stats");
    drop(viewers);
    cluster.stop().await;
}

/// Console viewers on every instance: one Wings websocket cluster-wide, whose lines
/// reach all of them; when its holder stops, another instance opens the one socket.
#[tokio::test]
async fn console_viewers_on_every_instance_share_one_wings_socket() {
    let mut cluster = Cluster::start().await;
    let mut sessions = Vec::new();
    for index in 0..INSTANCES {
        sessions.push(cluster.session_granting(index, &["console"]).await);
    }
    let mut viewers = Vec::new();
    for (index, session) in sessions.iter().enumerate().take(INSTANCES - 1) {
        viewers.push(cluster.viewer(&cluster.origin(index).url(), session).await);
    }
    let sockets = || cluster.sandbox.open_sockets(RUNNING);
    wait_for("one Wings socket", Duration::from_secs(5), || {
        sockets() == 1
    })
    .await;
    cluster
        .command(1, &sessions[1], "say cluster-wide-console")
        .await;
    wait_for("the line on both instances", Duration::from_secs(8), || {
        viewers
            .iter()
            .all(|viewer| viewer.got_console_line("cluster-wide-console"))
    })
    .await;
    // The last instance's first console viewer gets the recent lines from Redis.
    let last = INSTANCES - 1;
    viewers.push(
        cluster
            .viewer(&cluster.origin(last).url(), &sessions[last])
            .await,
    );
    wait_for(
        "the recent line on the instance that joined later",
        Duration::from_secs(5),
        || viewers[last].got_console_line("cluster-wide-console"),
    )
    .await;
    // Several lease beats later, still one socket (three instances relaying on their
    // own would hold three).
    tokio::time::sleep(interval() * 4).await;
    assert_eq!(sockets(), 1, "Wings sockets for {INSTANCES} instances");

    let holder = cluster
        .redis
        .lease_holder(RUNNING)
        .await
        .and_then(|id| cluster.index_of(&id))
        .expect("an instance holds the console lease");
    let running = cluster.origins[holder].take().expect("running");
    running.shutdown().await;
    let survivor = (holder + 1) % INSTANCES;
    // The survivor's command goes to Wings at once; its output needs the new socket, which
    // replays recent lines when it opens, so the line arrives either way.
    cluster
        .command(survivor, &sessions[survivor], "say after-the-holder-left")
        .await;
    wait_for(
        "the line on the surviving instances",
        Duration::from_secs(8),
        || {
            viewers
                .iter()
                .enumerate()
                .filter(|(index, _)| *index != holder)
                .all(|(_, viewer)| viewer.got_console_line("after-the-holder-left"))
        },
    )
    .await;
    wait_for("one Wings socket again", Duration::from_secs(5), || {
        sockets() == 1
    })
    .await;
    drop(viewers);
    cluster.stop().await;
}

/// The pass-through's budget is the cluster's: three instances allow it once between
/// them, not once each.
#[tokio::test]
async fn the_pass_through_budget_is_shared_by_every_instance() {
    let cluster = Cluster::start_with(Options {
        poll_interval_ms: INTERVAL_MS,
        limits: "proxy_per_minute = 4".into(),
        ..Options::default()
    })
    .await;
    let mut statuses = Vec::new();
    for request in 0..6 {
        let response = cluster
            .http
            .get(cluster.url(request % INSTANCES, "/panel/api/client/account"))
            .bearer_auth(seed::keys::ALICE)
            .send()
            .await
            .expect("proxy");
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429]);
    cluster.stop().await;
}

/// The first watcher of a server takes its lease; returns its index.
async fn holder_index(cluster: &Cluster) -> usize {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let holder = cluster.redis.lease_holder(RUNNING).await;
        if let Some(index) = holder.and_then(|id| cluster.index_of(&id)) {
            return index;
        }
        assert!(Instant::now() < deadline, "a lease holder within 5 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Polls the lease until a holder other than `old` has it; answers how long it took.
async fn takeover_after(cluster: &Cluster, old: &str, since: Instant, limit: Duration) -> Duration {
    loop {
        if let Some(holder) = cluster.redis.lease_holder(RUNNING).await {
            if holder != old {
                return since.elapsed();
            }
        }
        assert!(
            since.elapsed() < limit,
            "another instance took the lease within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_stopped_lease_holder_is_replaced_within_one_interval() {
    let mut cluster = Cluster::start().await;
    let session = cluster.session(0).await;
    let mut viewers = Vec::new();
    for index in 0..INSTANCES {
        viewers.push(cluster.viewer(&cluster.origin(index).url(), &session).await);
    }
    wait_for(
        "every viewer gets a summary",
        Duration::from_secs(5),
        || viewers.iter().all(Viewer::got_summary),
    )
    .await;
    let holder = holder_index(&cluster).await;
    let old = cluster.instance(holder);

    let running = cluster.origins[holder].take().expect("running");
    running.shutdown().await;
    let stopped = Instant::now();
    let takeover = takeover_after(&cluster, &old, stopped, interval() * 5).await;
    eprintln!("graceful stop: the lease moved after {takeover:?} (interval {INTERVAL_MS} ms)");
    // A released lease is taken at the next try of a survivor: within one interval,
    // plus scheduling slack on a busy machine.
    assert!(
        takeover <= interval() + Duration::from_millis(150),
        "took {takeover:?}"
    );

    tokio::time::sleep(interval() * 4).await;
    for (index, viewer) in viewers
        .iter()
        .enumerate()
        .filter(|(index, _)| *index != holder)
    {
        assert!(
            viewer.live_since(stopped + takeover) >= 2,
            "viewer on surviving instance {index} keeps receiving events"
        );
        let gap = viewer.longest_gap_since(stopped);
        eprintln!("viewer on instance {index}: longest gap after the stop {gap:?}");
        assert!(gap <= interval() * 3, "gap {gap:?}");
    }
    // Still one poller cluster-wide.
    let before = cluster.sandbox.request_count(&resources_path());
    let window = Instant::now();
    tokio::time::sleep(interval() * 6).await;
    let polls = cluster.sandbox.request_count(&resources_path()) - before;
    let intervals = window.elapsed().as_millis() / u128::from(INTERVAL_MS);
    assert!(
        u128::from(polls) <= intervals + 2,
        "{polls} polls in {intervals} intervals"
    );
    drop(viewers);
    cluster.stop().await;
}

#[tokio::test]
async fn a_crashed_lease_holder_is_replaced_once_its_lease_expires() {
    let cluster = Cluster::start().await;
    // A fourth instance in a runtime of its own, watched first so that it holds the
    // lease; then it crashes.
    let config = cluster.config.clone();
    let doomed = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let running = runtime
            .block_on(ptero_origin::start(config))
            .expect("origin");
        Crashable {
            url: running.url(),
            instance: running
                .state()
                .hub
                .cluster()
                .expect("clustered")
                .instance()
                .to_owned(),
            runtime: Some(runtime),
            running: Some(running),
        }
    })
    .join()
    .expect("the fourth instance starts");
    let session = cluster.session(0).await;
    let first = cluster.viewer(&doomed.url, &session).await;
    wait_for(
        "the first viewer gets a summary",
        Duration::from_secs(5),
        || first.got_summary(),
    )
    .await;
    assert_eq!(
        cluster.redis.lease_holder(RUNNING).await.as_deref(),
        Some(doomed.instance.as_str())
    );
    let mut survivors = Vec::new();
    for index in 0..INSTANCES {
        survivors.push(cluster.viewer(&cluster.origin(index).url(), &session).await);
    }
    wait_for(
        "every viewer gets a summary",
        Duration::from_secs(5),
        || survivors.iter().all(Viewer::got_summary),
    )
    .await;

    let old = doomed.instance.clone();
    std::thread::spawn(move || doomed.crash())
        .join()
        .expect("crash");
    drop(first);
    let crashed = Instant::now();
    // Its lease runs out (¾ interval after its last renewal), then a survivor takes it
    // at its next beat (¼ interval): a killed holder is replaced within one interval.
    let takeover = takeover_after(&cluster, &old, crashed, interval() * 6).await;
    eprintln!("crash: the lease moved after {takeover:?} (interval {INTERVAL_MS} ms)");
    assert!(
        takeover <= interval() + Duration::from_millis(150),
        "took {takeover:?}"
    );
    tokio::time::sleep(interval() * 4).await;
    for (index, viewer) in survivors.iter().enumerate() {
        assert!(
            viewer.live_since(crashed + takeover) >= 2,
            "viewer on instance {index} keeps receiving events"
        );
        let gap = viewer.longest_gap_since(crashed);
        eprintln!("viewer on instance {index}: longest gap after the crash {gap:?}");
        assert!(
            gap <= interval() * 2 + Duration::from_millis(150),
            "gap {gap:?}"
        );
    }
    drop(survivors);
    cluster.stop().await;
}

#[tokio::test]
async fn redis_down_fails_readiness_and_session_exchange_instead_of_using_local_state() {
    // With a pass-through budget, which only Redis can count for the cluster.
    let mut cluster = Cluster::start_with(Options {
        poll_interval_ms: INTERVAL_MS,
        limits: "proxy_per_minute = 100".into(),
        ..Options::default()
    })
    .await;
    let session = cluster.session(0).await;
    let ready = cluster
        .http
        .get(cluster.ops_url(1, "/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 200);
    let viewers = [
        cluster.viewer(&cluster.origin(0).url(), &session).await,
        cluster.viewer(&cluster.origin(1).url(), &session).await,
    ];
    wait_for("the viewers get a summary", Duration::from_secs(5), || {
        viewers.iter().all(Viewer::got_summary)
    })
    .await;

    cluster.redis.kill();
    for index in 0..INSTANCES {
        let ready = cluster
            .http
            .get(cluster.ops_url(index, "/readyz"))
            .send()
            .await
            .expect("readyz");
        assert_eq!(ready.status(), 503, "instance {index} is not ready");
        let body: OriginErrorBody = ready.json().await.expect("error body");
        assert!(
            body.error.message.contains("Redis"),
            "{}",
            body.error.message
        );
    }
    let exchange = cluster
        .exchange_at(
            &cluster.origin(1).url(),
            &token(claims(&[RUNNING], &["start"])),
        )
        .await;
    assert_eq!(
        exchange.status(),
        503,
        "no session without the shared store"
    );
    let body: OriginErrorBody = exchange.json().await.expect("error body");
    assert!(
        body.error.message.contains("cannot reach its store"),
        "{}",
        body.error.message
    );
    assert_eq!(
        cluster
            .server_status(&cluster.origin(2).url(), &session)
            .await,
        503,
        "an existing session is not accepted on local say-so"
    );
    let passed = cluster
        .http
        .get(cluster.url(0, "/panel/api/client/account"))
        .bearer_auth(seed::keys::ALICE)
        .send()
        .await
        .expect("proxy");
    assert_eq!(
        passed.status(),
        503,
        "the pass-through does not count its budget locally"
    );
    wait_for(
        "the viewers are told that live updates paused",
        interval() * 10,
        || {
            viewers
                .iter()
                .all(|viewer| viewer.got_error_naming("Redis"))
        },
    )
    .await;

    // Back on the same port: ready again and live again, without restarting the origins.
    let port = cluster.redis.port;
    cluster.redis = RedisServer::start_on(port);
    let restarted = Instant::now();
    for index in 0..INSTANCES {
        loop {
            let ready = cluster
                .http
                .get(cluster.ops_url(index, "/readyz"))
                .send()
                .await
                .expect("readyz");
            if ready.status() == 200 {
                break;
            }
            assert!(
                restarted.elapsed() < Duration::from_secs(10),
                "instance {index} ready again within 10 s of Redis returning"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    eprintln!(
        "all instances ready {:?} after Redis restarted",
        restarted.elapsed()
    );
    let back = Instant::now();
    wait_for(
        "the viewers get live events again",
        Duration::from_secs(10),
        || viewers.iter().all(|viewer| viewer.live_since(back) >= 2),
    )
    .await;
    eprintln!("live again {:?} after Redis answered", back.elapsed());
    let _ = cluster.session(2).await;
    drop(viewers);
    cluster.stop().await;
}

#[tokio::test]
async fn check_reports_whether_redis_answers() {
    let mut cluster = Cluster::start().await;
    let mut out = Vec::new();
    let code = ptero_origin::cli::check(&cluster.config_path(), &mut out).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{text}");
    assert!(text.contains("✓ Redis at 127.0.0.1:"), "{text}");

    cluster.redis.kill();
    let mut out = Vec::new();
    let code = ptero_origin::cli::check(&cluster.config_path(), &mut out).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    assert_eq!(code, std::process::ExitCode::FAILURE, "{text}");
    assert!(
        text.contains(&format!(
            "✗ Redis at 127.0.0.1:{}/0 failed",
            cluster.redis.port
        )),
        "{text}"
    );
    assert!(text.contains("kind = \"sqlite\""), "{text}");
    cluster.stop().await;
}

#[tokio::test]
async fn the_lease_follows_the_viewers_and_polling_stops_with_the_last_one() {
    let cluster = Cluster::start().await;
    let session = cluster.session(0).await;
    let first = cluster.viewer(&cluster.origin(0).url(), &session).await;
    wait_for(
        "the first viewer gets a summary",
        Duration::from_secs(5),
        || first.got_summary(),
    )
    .await;
    assert_eq!(holder_index(&cluster).await, 0);
    let second = cluster.viewer(&cluster.origin(1).url(), &session).await;
    wait_for(
        "the second viewer gets a summary",
        Duration::from_secs(5),
        || second.got_summary(),
    )
    .await;

    // The holder's last viewer leaves: its instance stops watching and hands over.
    drop(first);
    let left = Instant::now();
    let takeover = takeover_after(&cluster, &cluster.instance(0), left, interval() * 5).await;
    eprintln!("last local viewer left: the lease moved after {takeover:?}");
    assert_eq!(holder_index(&cluster).await, 1);
    assert!(
        takeover <= interval() + Duration::from_millis(150),
        "took {takeover:?}"
    );
    tokio::time::sleep(interval() * 3).await;
    assert!(
        second.live_since(left + takeover) >= 1,
        "the other viewer keeps receiving events"
    );

    // The last viewer anywhere leaves: nobody polls, the lease is gone.
    drop(second);
    wait_for_lease_gone(&cluster).await;
    tokio::time::sleep(interval() * 2).await;
    let after = cluster.sandbox.request_count(&resources_path());
    tokio::time::sleep(interval() * 5).await;
    assert_eq!(
        cluster.sandbox.request_count(&resources_path()),
        after,
        "polling stops with the last viewer of the cluster"
    );
    cluster.stop().await;
}

async fn wait_for_lease_gone(cluster: &Cluster) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while cluster.redis.lease_holder(RUNNING).await.is_some() {
        assert!(
            Instant::now() < deadline,
            "the lease is released within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn garbage_on_a_server_channel_is_ignored_and_events_keep_flowing() {
    let cluster = Cluster::start().await;
    let session = cluster.session(0).await;
    let viewer = cluster.viewer(&cluster.origin(1).url(), &session).await;
    wait_for("the viewer gets a summary", Duration::from_secs(5), || {
        viewer.got_summary()
    })
    .await;
    let mut connection = cluster.redis.connection().await;
    for garbage in ["not json", "{\"type\":\"summary\"}", ""] {
        redis::cmd("PUBLISH")
            .arg(format!("ptero-origin:server:{RUNNING}"))
            .arg(garbage)
            .query_async::<i64>(&mut connection)
            .await
            .expect("PUBLISH");
    }
    let after = Instant::now();
    tokio::time::sleep(interval() * 3).await;
    assert!(viewer.live_since(after) >= 1, "events keep flowing");
    let bad = viewer
        .seen
        .lock()
        .expect("log")
        .iter()
        .filter(|(at, _)| *at > after)
        .filter(
            |(_, event)| matches!(event, StreamEvent::Summary(summary) if summary.name.is_empty()),
        )
        .count();
    assert_eq!(bad, 0, "nothing unreadable reached the viewer");
    drop(viewer);
    cluster.stop().await;
}

/// Per-user keys across instances: the first action of one viewer reaching two instances
/// at once provisions one key on the panel, not two (the second would be refused as a
/// duplicate description).
#[tokio::test]
async fn a_viewers_first_actions_on_two_instances_provision_one_key() {
    let cluster = Cluster::start_with(Options {
        poll_interval_ms: INTERVAL_MS,
        site_actions: r#""start", "stop", "restart""#,
        site_extra: "emails_verified = true".to_owned(),
        panel_extra: "application_key_file = \"{dir}/application.key\"\nkey_mode = \"per_user\""
            .to_owned(),
        extra: KEYS_SECTION.to_owned(),
        ..Options::default()
    })
    .await;
    let response = cluster
        .exchange_at(
            &cluster.origin(0).url(),
            &token(claims_for(
                &[RUNNING],
                &["restart"],
                ("email", seed::users::ALICE_EMAIL),
            )),
        )
        .await;
    assert_eq!(response.status(), 200, "session exchange");
    let grant: ptero_api::origin::SessionGrant = response.json().await.expect("grant");
    let restart_at = |index: usize| {
        cluster
            .http
            .post(cluster.url(index, &format!("/v1/servers/{RUNNING}/power")))
            .header("origin", SITE)
            .bearer_auth(&grant.session)
            .json(&json!({"signal": "restart"}))
            .send()
    };
    let (first, second) = tokio::join!(restart_at(0), restart_at(1));
    for (index, response) in [first, second].into_iter().enumerate() {
        let response = response.expect("power");
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(status, 204, "instance {index}: {body}");
    }

    let keys: serde_json::Value = cluster
        .http
        .get(format!(
            "{}/api/application/users/{}/api-keys",
            cluster.sandbox.panel_url(),
            seed::users::ALICE_ID
        ))
        .bearer_auth(seed::keys::APPLICATION)
        .header("accept", "application/json")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("keys");
    let ours = keys["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter(|k| k["attributes"]["description"] == "ptero-origin")
        .count();
    assert_eq!(ours, 1, "one key for the viewer: {keys}");
    cluster.stop().await;
}

/// With three instances on one Redis, a crash of a server that a rule watches (no viewer)
/// reaches each target once, not once per instance; and viewers on every instance are
/// told of it once each.
#[tokio::test]
async fn three_instances_deliver_an_alert_once_and_tell_viewers_on_each_once() {
    let (receiver, addr) = hooks::start_receiver().await;
    let cluster = Cluster::start_with(Options {
        poll_interval_ms: INTERVAL_MS,
        extra: format!(
            r#"[alerts.targets.discord]
kind = "discord"
url_file = "{{dir}}/discord.url"
[alerts.targets.hook]
kind = "webhook"
url_file = "{{dir}}/hook.url"
secret_file = "{{dir}}/hook.secret"
[alerts.rules.running]
servers = ["{RUNNING}"]
targets = ["discord", "hook"]
"#
        ),
        before_start: Some(Box::new(move |dir: &std::path::Path| {
            for name in ["discord", "hook"] {
                std::fs::write(
                    dir.join(format!("{name}.url")),
                    format!("http://{addr}/hooks/{name}"),
                )
                .expect("url");
            }
            std::fs::write(
                dir.join("hook.secret"),
                "alert-hook-secret-0123456789abcdef",
            )
            .expect("secret");
        })),
        ..Options::default()
    })
    .await;
    wait_for(
        "the rule's server is watched",
        Duration::from_secs(10),
        || cluster.sandbox.open_sockets(RUNNING) == 1,
    )
    .await;
    let session = cluster.session(0).await;
    let mut viewers = Vec::new();
    for index in 0..INSTANCES {
        viewers.push(cluster.viewer(&cluster.origin(index).url(), &session).await);
    }
    wait_for(
        "every viewer gets a summary",
        Duration::from_secs(5),
        || viewers.iter().all(Viewer::got_summary),
    )
    .await;
    // Its first status has reached the detector.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    assert!(
        cluster.sandbox.crash(RUNNING),
        "the sandbox crashed the server"
    );
    wait_for("both targets get the crash", Duration::from_secs(5), || {
        receiver.seen().len() >= 2
    })
    .await;
    eprintln!(
        "a crash seen by {INSTANCES} instances reached 2 targets in {:?}",
        started.elapsed()
    );
    let alerts = |viewer: &Viewer| {
        viewer
            .seen
            .lock()
            .expect("log")
            .iter()
            .filter(|(_, event)| {
                matches!(
                    event,
                    StreamEvent::Alert {
                        kind: ptero_api::alerts::AlertKind::Crash,
                        ..
                    }
                )
            })
            .count()
    };
    wait_for("every viewer is told", Duration::from_secs(5), || {
        viewers.iter().all(|viewer| alerts(viewer) >= 1)
    })
    .await;
    // Time for any duplicate: every instance's outbox worker runs meanwhile.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let seen = receiver.seen();
    let endpoints: Vec<&str> = seen.iter().map(|r| r.endpoint.as_str()).collect();
    assert_eq!(endpoints.len(), 2, "one delivery per target: {endpoints:?}");
    assert!(endpoints.contains(&"discord") && endpoints.contains(&"hook"));
    for (index, viewer) in viewers.iter().enumerate() {
        assert_eq!(
            alerts(viewer),
            1,
            "viewer on instance {index}: one crash alert"
        );
    }
    drop(viewers);
    cluster.stop().await;
}
