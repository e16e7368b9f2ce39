//! What Wings does with a server's process: the power state machine
//! (offline → starting → running → stopping → offline, kill at once, crashes), the
//! console log, the moving stats, and the event stream every websocket of the server
//! listens to.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ptero_api::{Inbound, NetworkStats, PowerSignal, PowerState, WingsStats};
use tokio::sync::{broadcast, watch};

use crate::clock;
use crate::rng::Rng;
use crate::state::lock;
use crate::world::ServerRecord;

/// Lines Wings keeps; `send logs` replays the last [`LOG_REPLAY`] (`websocket_log_count`).
const LOG_KEEP: usize = 300;
pub const LOG_REPLAY: usize = 150;
/// A periodic console line every this many stats ticks while running.
const CHATTER_EVERY: u64 = 10;

const DAEMON: &str = "\u{1b}[33m\u{1b}[1m[Pterodactyl Daemon]:\u{1b}[39m ";
const CONTAINER: &str = "\u{1b}[1m\u{1b}[33mcontainer@pterodactyl~ \u{1b}[0m";

/// Another power action holds the lock (Wings: "another power action is currently being
/// processed for this server, please try again later").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PowerBusy;

/// Every server's runtime, by uuid.
#[derive(Debug, Default)]
pub struct Runtimes(BTreeMap<String, Arc<ServerRuntime>>);

impl Runtimes {
    pub fn new(servers: &[ServerRecord], seed: u64, power_delay: Duration) -> Self {
        Self(
            servers
                .iter()
                .map(|server| {
                    let runtime = ServerRuntime::new(server, seed, power_delay);
                    (server.uuid.clone(), Arc::new(runtime))
                })
                .collect(),
        )
    }

    pub fn get(&self, uuid: &str) -> Option<Arc<ServerRuntime>> {
        self.0.get(uuid).cloned()
    }

    pub fn all(&self) -> impl Iterator<Item = &Arc<ServerRuntime>> {
        self.0.values()
    }
}

#[derive(Debug)]
struct Inner {
    state: PowerState,
    /// When the process started (uptime), with `uptime_base_ms` already behind it.
    started: Option<Instant>,
    uptime_base_ms: u64,
    /// Bumped by every action; a pending transition applies only if unchanged.
    generation: u64,
    /// A stop (or the stop half of a restart) is in flight: Wings holds the power lock
    /// until the process has stopped, while a start releases it once the container runs.
    transition: bool,
    console: VecDeque<String>,
    rng: Rng,
    memory: u64,
    cpu: f64,
    rx: u64,
    tx: u64,
    disk: u64,
    ticks: u64,
}

/// One server's process as Wings runs it.
#[derive(Debug)]
pub struct ServerRuntime {
    inner: Mutex<Inner>,
    events: broadcast::Sender<Inbound>,
    /// Sockets Wings counts against the per-server cap (taken before the upgrade).
    sockets: AtomicUsize,
    /// Whether the panel suspended the server (its sockets watch this).
    suspended: watch::Sender<bool>,
    power_delay: Duration,
    memory_limit: u64,
}

impl ServerRuntime {
    fn new(server: &ServerRecord, seed: u64, power_delay: Duration) -> Self {
        let mut rng = Rng::derive(seed, 100 + server.internal_id);
        let memory_limit = u64::try_from(server.limits.memory).unwrap_or(1024) * 1024 * 1024;
        let running = server.initial_state == PowerState::Running;
        let mut inner = Inner {
            state: server.initial_state,
            started: running.then(Instant::now),
            uptime_base_ms: if running {
                rng.range(3_600_000, 259_200_000)
            } else {
                0
            },
            generation: 0,
            transition: false,
            console: VecDeque::new(),
            memory: 0,
            cpu: 0.0,
            rx: 0,
            tx: 0,
            disk: server.disk_bytes,
            ticks: 0,
            rng,
        };
        if running {
            inner.memory = memory_limit / 2;
            inner.cpu = 20.0;
            inner.rx = inner.rng.range(10_000_000, 5_000_000_000);
            inner.tx = inner.rng.range(10_000_000, 9_000_000_000);
            for line in boot_lines() {
                push_line(&mut inner.console, line);
            }
            push_line(&mut inner.console, done_line(&mut inner.rng));
        }
        let (events, _) = broadcast::channel(1024);
        Self {
            inner: Mutex::new(inner),
            events,
            sockets: AtomicUsize::new(0),
            suspended: watch::Sender::new(server.is_suspended()),
            power_delay,
            memory_limit,
        }
    }

    /// Events for one more listener (a websocket).
    pub fn subscribe(&self) -> broadcast::Receiver<Inbound> {
        self.events.subscribe()
    }

    /// Sockets open to this server now (upgrades in flight included).
    pub fn sockets(&self) -> usize {
        self.sockets.load(Ordering::Acquire)
    }

    /// Follows the server's suspension.
    pub fn suspension(&self) -> watch::Receiver<bool> {
        self.suspended.subscribe()
    }

    pub fn set_suspended(&self, suspended: bool) {
        self.suspended.send_replace(suspended);
    }

    /// One more socket, unless `cap` are open (Wings 1.12 `s.Websockets().Len() >= 30`).
    /// Wings counts sockets once upgraded, so a burst of upgrades can slip past its cap;
    /// the sandbox reserves before upgrading, so exactly `cap` get in.
    pub fn open_socket(self: &Arc<Self>, cap: Option<usize>) -> Option<SocketSlot> {
        let limit = cap.unwrap_or(usize::MAX);
        self.sockets
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| {
                (open < limit).then_some(open + 1)
            })
            .ok()
            .map(|_| SocketSlot(Arc::clone(self)))
    }

    pub fn state(&self) -> PowerState {
        lock(&self.inner).state
    }

    /// The numbers Wings reports (`stats` frame, `/resources`).
    pub fn stats(&self) -> WingsStats {
        stats_of(&lock(&self.inner), self.memory_limit)
    }

    /// The last `count` console lines.
    pub fn logs(&self, count: usize) -> Vec<String> {
        let inner = lock(&self.inner);
        let skip = inner.console.len().saturating_sub(count);
        inner.console.iter().skip(skip).cloned().collect()
    }

    /// Publishes an event to every listener (backup completed, daemon messages).
    pub fn emit(&self, event: Inbound) {
        // No listener is fine.
        let _ = self.events.send(event);
    }

    fn console(&self, inner: &mut Inner, line: String) {
        push_line(&mut inner.console, line.clone());
        self.emit(Inbound::ConsoleOutput(line));
    }

    fn set_state(&self, inner: &mut Inner, state: PowerState) {
        inner.state = state;
        self.emit(Inbound::Status(state));
    }

    fn set_offline(&self, inner: &mut Inner) {
        inner.started = None;
        inner.uptime_base_ms = 0;
        inner.memory = 0;
        inner.cpu = 0.0;
        inner.rx = 0;
        inner.tx = 0;
        self.set_state(inner, PowerState::Offline);
        // Wings sends one zeroed frame when the process stops.
        self.emit(Inbound::Stats(stats_of(inner, self.memory_limit)));
    }

    /// Runs a power action (wings `server/power.go`). While a stop holds the power lock,
    /// other actions are refused; a stop or restart while starting takes over; kill takes
    /// effect at once and cancels any transition.
    pub fn power(self: &Arc<Self>, signal: PowerSignal) -> Result<(), PowerBusy> {
        let mut inner = lock(&self.inner);
        if signal == PowerSignal::Kill {
            inner.generation += 1;
            inner.transition = false;
            if inner.state != PowerState::Offline {
                self.set_offline(&mut inner);
            }
            return Ok(());
        }
        if inner.transition {
            return Err(PowerBusy);
        }
        match (signal, inner.state) {
            (PowerSignal::Start | PowerSignal::Restart, PowerState::Offline) => {
                self.begin_start(&mut inner);
            }
            (PowerSignal::Stop, state) if state != PowerState::Offline => {
                self.begin_stop(&mut inner, false);
            }
            (PowerSignal::Restart, _) => self.begin_stop(&mut inner, true),
            // Start while running, stop while offline: Wings does nothing.
            _ => {}
        }
        Ok(())
    }

    fn begin_start(self: &Arc<Self>, inner: &mut Inner) {
        inner.transition = false;
        inner.generation += 1;
        let generation = inner.generation;
        inner.started = Some(Instant::now());
        inner.uptime_base_ms = 0;
        self.set_state(inner, PowerState::Starting);
        for line in boot_lines() {
            self.console(inner, line);
        }
        let this = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(this.power_delay).await;
            let mut inner = lock(&this.inner);
            if inner.generation == generation {
                inner.memory = this.memory_limit / 3;
                inner.cpu = 35.0;
                this.set_state(&mut inner, PowerState::Running);
                let done = done_line(&mut inner.rng);
                this.console(&mut inner, done);
            }
        });
    }

    fn begin_stop(self: &Arc<Self>, inner: &mut Inner, then_start: bool) {
        inner.transition = true;
        inner.generation += 1;
        let generation = inner.generation;
        self.set_state(inner, PowerState::Stopping);
        let now = clock::time_of_day(clock::now_unix());
        self.console(inner, format!("[{now} INFO]: Stopping the server"));
        self.console(inner, format!("[{now} INFO]: Saving worlds"));
        let this = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(this.power_delay).await;
            let mut inner = lock(&this.inner);
            if inner.generation == generation {
                inner.transition = false;
                this.set_offline(&mut inner);
                if then_start {
                    this.begin_start(&mut inner);
                }
            }
        });
    }

    /// The process dies on its own: offline, with Wings' crash notice.
    pub fn crash(&self) {
        let mut inner = lock(&self.inner);
        inner.generation += 1;
        inner.transition = false;
        if inner.state == PowerState::Offline {
            return;
        }
        self.set_offline(&mut inner);
        for line in [
            "---------- Detected server process in a crashed state! ----------",
            "Exit code: 137",
            "Out of memory: false",
            "Aborting automatic restart, last crash occurred less than 60 seconds ago.",
        ] {
            self.console(&mut inner, format!("{DAEMON}{line}"));
        }
    }

    /// A console command reaching the process (callers check it is running).
    pub fn command(&self, command: &str) {
        let mut inner = lock(&self.inner);
        let now = clock::time_of_day(clock::now_unix());
        let reply = match command.split_once(' ') {
            Some(("say", text)) => format!("[{now} INFO]: [Server] {text}"),
            _ if command == "list" => {
                format!("[{now} INFO]: There are 0 of a max of 20 players online: ")
            }
            _ => format!(
                "[{now} INFO]: Unknown or incomplete command, see below for error\n{command}<--[HERE]"
            ),
        };
        for line in reply.lines() {
            self.console(&mut inner, line.to_owned());
        }
    }

    /// One stats interval: values move while the process exists; every listener gets a
    /// `stats` frame, and now and then a console line.
    pub fn tick(&self) {
        let mut inner = lock(&self.inner);
        if inner.state == PowerState::Offline {
            return;
        }
        inner.ticks += 1;
        let limit = self.memory_limit.max(1);
        let step = inner.rng.range(0, limit / 20 + 1);
        inner.memory = if inner.rng.unit() < 0.5 {
            inner.memory.saturating_sub(step).max(limit / 5)
        } else {
            (inner.memory + step).min(limit * 9 / 10)
        };
        let jitter = inner.rng.unit() * 30.0 - 15.0;
        inner.cpu = ((inner.cpu + jitter).clamp(1.0, 180.0) * 1000.0).round() / 1000.0;
        inner.rx += inner.rng.range(500, 60_000);
        inner.tx += inner.rng.range(1_000, 120_000);
        inner.disk += inner.rng.range(0, 4096);
        let frame = stats_of(&inner, self.memory_limit);
        self.emit(Inbound::Stats(frame));
        if inner.state == PowerState::Running && inner.ticks % CHATTER_EVERY == 0 {
            let now = clock::time_of_day(clock::now_unix());
            let line = if inner.rng.unit() < 0.5 {
                format!("[{now} INFO]: Saving the game (this may take a moment!)")
            } else {
                format!("[{now} INFO]: Saved the game")
            };
            self.console(&mut inner, line);
        }
    }
}

/// One socket counted against the cap; dropping it frees the place.
#[derive(Debug)]
pub struct SocketSlot(Arc<ServerRuntime>);

impl Drop for SocketSlot {
    fn drop(&mut self) {
        self.0.sockets.fetch_sub(1, Ordering::AcqRel);
    }
}

fn stats_of(inner: &Inner, memory_limit: u64) -> WingsStats {
    let uptime = inner
        .started
        .map(|started| inner.uptime_base_ms + started.elapsed().as_millis() as u64)
        .unwrap_or(0);
    WingsStats {
        memory_bytes: inner.memory,
        memory_limit_bytes: memory_limit,
        cpu_absolute: inner.cpu,
        network: NetworkStats {
            rx_bytes: inner.rx,
            tx_bytes: inner.tx,
        },
        uptime,
        state: inner.state,
        disk_bytes: inner.disk,
    }
}

fn push_line(console: &mut VecDeque<String>, line: String) {
    if console.len() >= LOG_KEEP {
        console.pop_front();
    }
    console.push_back(line);
}

fn boot_lines() -> Vec<String> {
    let now = clock::time_of_day(clock::now_unix());
    vec![
        format!("{DAEMON}Checking server disk space usage, this could take a few seconds..."),
        format!("{DAEMON}Updating process configuration files..."),
        format!(
            "{DAEMON}Ensuring file permissions are set correctly, this could take a few seconds..."
        ),
        format!("{CONTAINER}java -version"),
        "openjdk version \"17.0.10\" 2024-01-16".to_owned(),
        format!("{CONTAINER}java -Xms128M -Xmx4096M -Dterminal.jline=false -jar server.jar"),
        format!("[{now} INFO]: Starting minecraft server version 1.20.4"),
        format!("[{now} INFO]: Preparing level \"world\""),
    ]
}

fn done_line(rng: &mut Rng) -> String {
    let now = clock::time_of_day(clock::now_unix());
    format!(
        "[{now} INFO]: Done ({}.{:03}s)! For help, type \"help\"",
        rng.range(2, 9),
        rng.range(0, 1000)
    )
}
