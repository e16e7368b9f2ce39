//! Power: the server's state ([`PowerState`]), the signals that change it
//! ([`PowerSignal`]), the `/resources` answer ([`Stats`]) and Wings' `stats` frame
//! ([`WingsStats`]), plus the power and command request bodies.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::envelope::Item;

/// `GET /servers/{id}/resources` answer (`object: "stats"`).
pub type StatsItem = Item<Stats>;

/// A server's power state as Wings reports it.
///
/// Parsing also accepts `stopped` (what `/resources` says when Wings reported nothing)
/// and reads it as `Offline`; use [`ReportedState`] to keep the difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PowerState {
    #[serde(alias = "stopped")]
    Offline,
    Starting,
    Running,
    Stopping,
}

impl PowerState {
    pub const ALL: [PowerState; 4] = [
        PowerState::Offline,
        PowerState::Starting,
        PowerState::Running,
        PowerState::Stopping,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PowerState::Offline => "offline",
            PowerState::Starting => "starting",
            PowerState::Running => "running",
            PowerState::Stopping => "stopping",
        }
    }

    /// Whether the server accepts console commands in this state.
    pub fn accepts_commands(self) -> bool {
        matches!(self, PowerState::Running | PowerState::Starting)
    }
}

impl fmt::Display for PowerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PowerState {
    type Err = UnknownPowerState;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        ReportedState::from_str(value).map(ReportedState::power_state)
    }
}

/// A state word that is not `offline`, `starting`, `running`, `stopping` or `stopped`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPowerState(pub String);

impl fmt::Display for UnknownPowerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown server state {:?}: expected offline, starting, running or stopping",
            self.0
        )
    }
}

impl std::error::Error for UnknownPowerState {}

/// `current_state` exactly as `/resources` sent it, `stopped` included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportedState {
    Offline,
    Starting,
    Running,
    Stopping,
    /// The panel's fallback when Wings sent no state: treat as offline.
    Stopped,
}

impl ReportedState {
    /// The power state this report means (`stopped` is offline).
    pub fn power_state(self) -> PowerState {
        match self {
            ReportedState::Offline | ReportedState::Stopped => PowerState::Offline,
            ReportedState::Starting => PowerState::Starting,
            ReportedState::Running => PowerState::Running,
            ReportedState::Stopping => PowerState::Stopping,
        }
    }

    /// Whether this is the panel's placeholder rather than a state Wings reported.
    pub fn is_placeholder(self) -> bool {
        self == ReportedState::Stopped
    }
}

impl From<PowerState> for ReportedState {
    fn from(state: PowerState) -> Self {
        match state {
            PowerState::Offline => ReportedState::Offline,
            PowerState::Starting => ReportedState::Starting,
            PowerState::Running => ReportedState::Running,
            PowerState::Stopping => ReportedState::Stopping,
        }
    }
}

impl FromStr for ReportedState {
    type Err = UnknownPowerState;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "offline" => Ok(ReportedState::Offline),
            "starting" => Ok(ReportedState::Starting),
            "running" => Ok(ReportedState::Running),
            "stopping" => Ok(ReportedState::Stopping),
            "stopped" => Ok(ReportedState::Stopped),
            other => Err(UnknownPowerState(other.to_owned())),
        }
    }
}

/// A power action: `POST /servers/{id}/power` and the websocket's `set state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PowerSignal {
    Start,
    Stop,
    Restart,
    Kill,
}

impl PowerSignal {
    pub const ALL: [PowerSignal; 4] = [
        PowerSignal::Start,
        PowerSignal::Stop,
        PowerSignal::Restart,
        PowerSignal::Kill,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PowerSignal::Start => "start",
            PowerSignal::Stop => "stop",
            PowerSignal::Restart => "restart",
            PowerSignal::Kill => "kill",
        }
    }

    /// The panel permission this signal needs (`kill` needs `control.stop`).
    pub fn permission(self) -> &'static str {
        match self {
            PowerSignal::Start => "control.start",
            PowerSignal::Stop | PowerSignal::Kill => "control.stop",
            PowerSignal::Restart => "control.restart",
        }
    }
}

impl fmt::Display for PowerSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PowerSignal {
    type Err = UnknownPowerSignal;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "start" => Ok(PowerSignal::Start),
            "stop" => Ok(PowerSignal::Stop),
            "restart" => Ok(PowerSignal::Restart),
            "kill" => Ok(PowerSignal::Kill),
            other => Err(UnknownPowerSignal(other.to_owned())),
        }
    }
}

/// A power signal word that is not `start`, `stop`, `restart` or `kill`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPowerSignal(pub String);

impl fmt::Display for UnknownPowerSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown power signal {:?}: use start, stop, restart or kill",
            self.0
        )
    }
}

impl std::error::Error for UnknownPowerSignal {}

/// Body of `POST /servers/{id}/power` (and of the origin's power endpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerRequest {
    pub signal: PowerSignal,
}

/// Body of `POST /servers/{id}/command` (and of the origin's command endpoint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandRequest {
    pub command: String,
}

/// `attributes` of `/resources`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// `stopped` when Wings sent nothing.
    #[serde(default = "stopped")]
    pub current_state: ReportedState,
    #[serde(default)]
    pub is_suspended: bool,
    #[serde(default)]
    pub resources: Resources,
}

fn stopped() -> ReportedState {
    ReportedState::Stopped
}

impl Stats {
    /// The power state (`stopped` read as offline).
    pub fn state(&self) -> PowerState {
        self.current_state.power_state()
    }
}

/// `attributes.resources` of `/resources`. Byte counts exceed 2³²; `cpu_absolute` is a
/// percentage of one core, so above 100 on multi-core servers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Resources {
    #[serde(default)]
    pub memory_bytes: u64,
    #[serde(default)]
    pub cpu_absolute: f64,
    #[serde(default)]
    pub disk_bytes: u64,
    #[serde(default)]
    pub network_rx_bytes: u64,
    #[serde(default)]
    pub network_tx_bytes: u64,
    /// Milliseconds; older panels omit it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uptime: Option<u64>,
}

/// The JSON string inside a websocket `stats` frame's `args[0]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WingsStats {
    #[serde(default)]
    pub memory_bytes: u64,
    #[serde(default)]
    pub memory_limit_bytes: u64,
    #[serde(default)]
    pub cpu_absolute: f64,
    #[serde(default)]
    pub network: NetworkStats,
    /// Milliseconds.
    #[serde(default)]
    pub uptime: u64,
    #[serde(default = "offline")]
    pub state: PowerState,
    #[serde(default)]
    pub disk_bytes: u64,
}

fn offline() -> PowerState {
    PowerState::Offline
}

impl WingsStats {
    /// The same numbers in the `/resources` shape.
    pub fn resources(&self) -> Resources {
        Resources {
            memory_bytes: self.memory_bytes,
            cpu_absolute: self.cpu_absolute,
            disk_bytes: self.disk_bytes,
            network_rx_bytes: self.network.rx_bytes,
            network_tx_bytes: self.network.tx_bytes,
            uptime: Some(self.uptime),
        }
    }
}

/// `network` of a Wings `stats` frame.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkStats {
    #[serde(default)]
    pub rx_bytes: u64,
    #[serde(default)]
    pub tx_bytes: u64,
}
