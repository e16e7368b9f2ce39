//! The origin server's own public API, shared by the card (client) and the origin
//! (server): session exchange, server summaries, the SSE stream, power/command bodies, the
//! SSO ticket and the error body.
//!
//! The stream: `POST /v1/stream` with a [`StreamRequest`] body carries the servers of
//! several sessions on one connection (a page holds one per origin, however many cards
//! and tokens it shows; the browser's six HTTP/1.1 connections per host stay free for
//! session exchanges and power). Each session is checked as every other call checks its
//! bearer (known, unexpired, minted for the request's `Origin`); one that fails, expires
//! or is revoked while the stream is open gets a [`StreamEvent::Refused`] naming its index
//! in the request, and its servers leave the stream unless another session still asks for
//! them. `GET /v1/stream?servers=…` with `Authorization: Bearer` is the one-session form.
//!
//! Error codes ([`OriginErrorCode`], `error.code` on the wire, snake_case):
//!
//! | code | HTTP | meaning |
//! |---|---|---|
//! | `bad_request` | 400 | the body or a parameter is malformed |
//! | `invalid_token` | 401 | the hand-off token's signature, issuer, audience or shape is wrong |
//! | `token_expired` | 401 | the hand-off token is out of its time window |
//! | `token_reused` | 401 | the hand-off token's `jti` was already used |
//! | `session_expired` | 401 | the session is unknown or expired: hand off again |
//! | `action_not_allowed` | 403 | the token does not grant this action |
//! | `server_not_allowed` | 403 | the token does not name this server |
//! | `origin_not_allowed` | 403 | the page's origin is not in the allow-list |
//! | `not_found` | 404 | no such route or server |
//! | `server_conflict` | 409 | the server is suspended, installing, transferring, … |
//! | `server_offline` | 409 | a command needs the server running |
//! | `rate_limited` | 429 | too many requests: back off |
//! | `too_many_streams` | 429 | this session or address has the most streams open |
//! | `panel_rejected` | 502 | the panel refused the origin's key (configuration problem) |
//! | `panel_error` | 502 | the panel answered an unexpected error |
//! | `panel_unreachable` | 504 | the panel or Wings could not be reached |
//! | `no_panel_account` | 404 | the viewer has no account on the panel (SSO, per-user keys) |
//! | `key_limit_reached` | 409 | the viewer's panel user has the most client keys allowed |
//! | `key_conflict` | 409 | a key described `ptero-origin` exists but the origin does not hold it |
//! | `not_configured` | 503 | the origin is not set up for this feature (SSO, application key) |
//! | `internal` | 500 | a bug in the origin |
//!
//! Unknown codes are kept as [`OriginErrorCode::Other`].

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::claims::Action;
use crate::error::PanelError;
use crate::resources::{PowerState, Stats};
use crate::server::Server;

pub use crate::resources::{CommandRequest, PowerRequest};

/// `POST /session`: exchange a hand-off token for a session.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRequest {
    pub token: String,
    /// What the embedding page asks for at most (the card's `actions` attribute). The
    /// origin grants the intersection of this, the token's actions and the site's; absent,
    /// the token's grant stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<Action>>,
}

impl fmt::Debug for SessionRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionRequest")
            .field("token", &"<redacted>")
            .field("actions", &self.actions)
            .finish()
    }
}

/// The session answer.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionGrant {
    /// Bearer value for later calls. Never log it.
    pub session: String,
    pub expires_in_secs: u64,
    /// Server identifiers the session covers.
    pub servers: Vec<String>,
    pub actions: Vec<Action>,
}

impl fmt::Debug for SessionGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionGrant")
            .field("session", &"<redacted>")
            .field("expires_in_secs", &self.expires_in_secs)
            .field("servers", &self.servers)
            .field("actions", &self.actions)
            .finish()
    }
}

/// `POST /v1/stream`: the sessions whose servers one stream carries. Sessions travel in
/// this body, never in a URL.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamRequest {
    pub sessions: Vec<StreamSession>,
}

/// One session of a [`StreamRequest`] and the servers it asks for.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamSession {
    /// Bearer value from [`SessionGrant::session`]. Never log it.
    pub session: String,
    pub servers: Vec<String>,
}

impl fmt::Debug for StreamRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.sessions).finish()
    }
}

impl fmt::Debug for StreamSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamSession")
            .field("session", &"<redacted>")
            .field("servers", &self.servers)
            .finish()
    }
}

/// What the card may show about one server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerSummary {
    pub identifier: String,
    pub name: String,
    pub state: PowerState,
    /// The panel's `status` (`installing`, `suspended`, …), `None` when usable.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub is_suspended: bool,
    #[serde(default)]
    pub node_under_maintenance: bool,
    pub limits: SummaryLimits,
    /// `None` when the panel gave no numbers (suspended, installing, unreachable).
    #[serde(default)]
    pub resources: Option<SummaryResources>,
    /// Whether Wings' socket feeds the numbers (about once a second); otherwise they are
    /// polled from the panel, which caches them for 20 s.
    #[serde(default)]
    pub live: bool,
    /// The primary allocation as players type it (`play.example.com:25565`, the alias
    /// when the panel has one); `None` when the key cannot see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The egg's name (`Paper`, `Vanilla Bedrock`, …), when the panel said it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egg: Option<String>,
    /// Players as the game itself reports them, where the site shows them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub players: Option<PlayerCount>,
}

/// Players of a running game, from its own status query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerCount {
    pub online: u32,
    pub max: u32,
    /// The message of the day, where the site shows details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motd: Option<String>,
    /// The game's version, where the site shows details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// Limits; 0 means unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryLimits {
    pub memory_mib: u64,
    pub disk_mib: u64,
    pub cpu_percent: u64,
}

/// Current use.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SummaryResources {
    pub memory_bytes: u64,
    pub cpu_absolute: f64,
    pub disk_bytes: u64,
    pub network_rx_bytes: u64,
    pub network_tx_bytes: u64,
    #[serde(default)]
    pub uptime_ms: Option<u64>,
}

impl From<&crate::resources::Resources> for SummaryResources {
    fn from(resources: &crate::resources::Resources) -> Self {
        Self {
            memory_bytes: resources.memory_bytes,
            cpu_absolute: resources.cpu_absolute,
            disk_bytes: resources.disk_bytes,
            network_rx_bytes: resources.network_rx_bytes,
            network_tx_bytes: resources.network_tx_bytes,
            uptime_ms: resources.uptime,
        }
    }
}

impl ServerSummary {
    /// The summary of a panel server and, when fetched, its `/resources`.
    pub fn from_panel(server: &Server, stats: Option<&Stats>) -> Self {
        let positive = |value: i64| u64::try_from(value).unwrap_or(0);
        Self {
            identifier: server.identifier.clone(),
            name: server.name.clone(),
            state: stats.map_or(PowerState::Offline, Stats::state),
            status: server
                .status
                .as_ref()
                .map(|status| status.as_str().to_owned()),
            is_suspended: server.is_suspended || stats.is_some_and(|stats| stats.is_suspended),
            node_under_maintenance: server.is_node_under_maintenance,
            limits: SummaryLimits {
                memory_mib: positive(server.limits.memory),
                disk_mib: positive(server.limits.disk),
                cpu_percent: positive(server.limits.cpu),
            },
            resources: stats.map(|stats| SummaryResources::from(&stats.resources)),
            live: false,
            egg: server
                .relationships
                .as_ref()
                .and_then(|relationships| relationships.egg.as_ref())
                .and_then(|egg| egg.items().first())
                .map(|egg| egg.attributes.name.clone()),
            players: None,
            address: server.default_allocation().map(|allocation| {
                let host = allocation
                    .ip_alias
                    .as_deref()
                    .filter(|alias| !alias.is_empty())
                    .unwrap_or(&allocation.ip);
                // An IPv6 address needs brackets before its port.
                if host.contains(':') {
                    format!("[{host}]:{}", allocation.port)
                } else {
                    format!("{host}:{}", allocation.port)
                }
            }),
        }
    }
}

/// One event of the origin's SSE stream; `type` names it and is also the SSE `event:`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum StreamEvent {
    /// A full summary (sent first, and when something other than numbers changes).
    Summary(ServerSummary),
    State {
        server: String,
        state: PowerState,
    },
    Resources {
        server: String,
        resources: SummaryResources,
    },
    Console {
        server: String,
        line: String,
    },
    Error {
        #[serde(default)]
        server: Option<String>,
        code: OriginErrorCode,
        message: String,
    },
    /// Whether Wings' socket feeds the server now; when it does not, why, and the numbers
    /// come from polling until it does again (a marked gap, not silence).
    Link {
        server: String,
        live: bool,
        #[serde(default)]
        reason: Option<String>,
    },
    /// Players of a running server, asked of the game (at most every 15 s).
    Players {
        server: String,
        players: PlayerCount,
    },
    /// Something a person wants to be told about the server happened
    /// ([`crate::alerts::Detector`] on the origin): a crash, an unexpected stop, recovery,
    /// sustained high use, its node unreachable, or online after a start.
    Alert {
        server: String,
        kind: crate::alerts::AlertKind,
        /// When it was noticed, unix ms.
        at_ms: u64,
        /// What the detector saw, for people (English).
        #[serde(default)]
        detail: String,
    },
    /// The stream no longer carries the servers of the [`StreamRequest`]'s session at
    /// index `session` (0 for the one-session `GET`): refused when the stream opened,
    /// expired or revoked since. Servers another session asks for stay.
    Refused {
        session: u32,
        code: OriginErrorCode,
        message: String,
    },
}

impl StreamEvent {
    /// The SSE `event:` name.
    pub fn event_name(&self) -> &'static str {
        match self {
            StreamEvent::Summary(_) => "summary",
            StreamEvent::State { .. } => "state",
            StreamEvent::Resources { .. } => "resources",
            StreamEvent::Console { .. } => "console",
            StreamEvent::Error { .. } => "error",
            StreamEvent::Link { .. } => "link",
            StreamEvent::Players { .. } => "players",
            StreamEvent::Alert { .. } => "alert",
            StreamEvent::Refused { .. } => "refused",
        }
    }

    /// The SSE `data:` (JSON, one line).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// `POST /servers/{id}/sso`: where to send the browser, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoTicket {
    pub url: String,
    pub expires_in_secs: u64,
}

/// The origin's error body: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginErrorBody {
    pub error: OriginError,
}

/// `error` of [`OriginErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginError {
    pub code: OriginErrorCode,
    /// A sentence for the person using the card.
    pub message: String,
}

impl OriginErrorBody {
    pub fn new(code: OriginErrorCode, message: impl Into<String>) -> Self {
        Self {
            error: OriginError {
                code,
                message: message.into(),
            },
        }
    }

    /// The body for a panel failure: a code from [`OriginErrorCode::from_panel`] and the
    /// error's own sentence.
    pub fn from_panel(error: &PanelError) -> Self {
        Self::new(OriginErrorCode::from_panel(error), error.to_string())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// `error.code` of the origin (table in the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OriginErrorCode {
    BadRequest,
    InvalidToken,
    TokenExpired,
    TokenReused,
    SessionExpired,
    ActionNotAllowed,
    ServerNotAllowed,
    OriginNotAllowed,
    NotFound,
    ServerConflict,
    ServerOffline,
    RateLimited,
    /// More streams open for this session or address than allowed.
    TooManyStreams,
    PanelRejected,
    PanelError,
    PanelUnreachable,
    NoPanelAccount,
    KeyLimitReached,
    KeyConflict,
    NotConfigured,
    Internal,
    /// A code this version does not know.
    Other(String),
}

impl OriginErrorCode {
    const KNOWN: [OriginErrorCode; 21] = [
        OriginErrorCode::BadRequest,
        OriginErrorCode::InvalidToken,
        OriginErrorCode::TokenExpired,
        OriginErrorCode::TokenReused,
        OriginErrorCode::SessionExpired,
        OriginErrorCode::ActionNotAllowed,
        OriginErrorCode::ServerNotAllowed,
        OriginErrorCode::OriginNotAllowed,
        OriginErrorCode::NotFound,
        OriginErrorCode::ServerConflict,
        OriginErrorCode::ServerOffline,
        OriginErrorCode::RateLimited,
        OriginErrorCode::TooManyStreams,
        OriginErrorCode::PanelRejected,
        OriginErrorCode::PanelError,
        OriginErrorCode::PanelUnreachable,
        OriginErrorCode::NoPanelAccount,
        OriginErrorCode::KeyLimitReached,
        OriginErrorCode::KeyConflict,
        OriginErrorCode::NotConfigured,
        OriginErrorCode::Internal,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            OriginErrorCode::BadRequest => "bad_request",
            OriginErrorCode::InvalidToken => "invalid_token",
            OriginErrorCode::TokenExpired => "token_expired",
            OriginErrorCode::TokenReused => "token_reused",
            OriginErrorCode::SessionExpired => "session_expired",
            OriginErrorCode::ActionNotAllowed => "action_not_allowed",
            OriginErrorCode::ServerNotAllowed => "server_not_allowed",
            OriginErrorCode::OriginNotAllowed => "origin_not_allowed",
            OriginErrorCode::NotFound => "not_found",
            OriginErrorCode::ServerConflict => "server_conflict",
            OriginErrorCode::ServerOffline => "server_offline",
            OriginErrorCode::RateLimited => "rate_limited",
            OriginErrorCode::TooManyStreams => "too_many_streams",
            OriginErrorCode::PanelRejected => "panel_rejected",
            OriginErrorCode::PanelError => "panel_error",
            OriginErrorCode::PanelUnreachable => "panel_unreachable",
            OriginErrorCode::NoPanelAccount => "no_panel_account",
            OriginErrorCode::KeyLimitReached => "key_limit_reached",
            OriginErrorCode::KeyConflict => "key_conflict",
            OriginErrorCode::NotConfigured => "not_configured",
            OriginErrorCode::Internal => "internal",
            OriginErrorCode::Other(code) => code,
        }
    }

    /// Reads a code; unknown ones are kept.
    pub fn parse(code: &str) -> Self {
        Self::KNOWN
            .into_iter()
            .find(|known| known.as_str() == code)
            .unwrap_or_else(|| OriginErrorCode::Other(code.to_owned()))
    }

    /// The HTTP status the origin answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            OriginErrorCode::BadRequest => 400,
            OriginErrorCode::InvalidToken
            | OriginErrorCode::TokenExpired
            | OriginErrorCode::TokenReused
            | OriginErrorCode::SessionExpired => 401,
            OriginErrorCode::ActionNotAllowed
            | OriginErrorCode::ServerNotAllowed
            | OriginErrorCode::OriginNotAllowed => 403,
            OriginErrorCode::NotFound | OriginErrorCode::NoPanelAccount => 404,
            OriginErrorCode::ServerConflict
            | OriginErrorCode::ServerOffline
            | OriginErrorCode::KeyLimitReached
            | OriginErrorCode::KeyConflict => 409,
            OriginErrorCode::RateLimited | OriginErrorCode::TooManyStreams => 429,
            OriginErrorCode::PanelRejected | OriginErrorCode::PanelError => 502,
            OriginErrorCode::PanelUnreachable => 504,
            OriginErrorCode::NotConfigured => 503,
            OriginErrorCode::Internal | OriginErrorCode::Other(_) => 500,
        }
    }

    /// The code for a panel failure seen by the origin.
    pub fn from_panel(error: &PanelError) -> Self {
        match error {
            PanelError::NotFound => OriginErrorCode::NotFound,
            PanelError::Conflict { .. } => OriginErrorCode::ServerConflict,
            PanelError::Offline => OriginErrorCode::ServerOffline,
            PanelError::RateLimited { .. } | PanelError::Throttled { .. } => {
                OriginErrorCode::RateLimited
            }
            PanelError::Validation { .. } | PanelError::Refused { .. } => {
                OriginErrorCode::BadRequest
            }
            PanelError::Daemon { .. } | PanelError::Unavailable { .. } => {
                OriginErrorCode::PanelUnreachable
            }
            PanelError::Unauthenticated
            | PanelError::Forbidden(_)
            | PanelError::TwoFactorRequired
            | PanelError::LoginRedirect
            | PanelError::NotApi { .. } => OriginErrorCode::PanelRejected,
            PanelError::Other { .. } => OriginErrorCode::PanelError,
        }
    }
}

impl fmt::Display for OriginErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for OriginErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for OriginErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Ok(OriginErrorCode::parse(&code))
    }
}
