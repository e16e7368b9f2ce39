//! The Wings websocket codec: frames `{"event": "...", "args": ["..."]}` and the typed
//! events both ways. The browser encodes [`Outbound`] and decodes [`Inbound`]; the sandbox
//! does the opposite, so every event encodes and decodes.
//!
//! `args` is left out when empty and accepted missing or `null`; a `null` argument reads
//! as an empty string, as Wings reads it (Go unmarshals `null` into a `string` as
//! nothing, so `{"event":"send logs","args":[null]}` from the official panel UI is a
//! `send logs`). Decoding never panics: malformed frames come back as a [`WsError`].

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::resources::{PowerSignal, PowerState, WingsStats};

/// Event names, as Wings spells them.
pub mod event {
    pub const AUTH: &str = "auth";
    pub const SEND_COMMAND: &str = "send command";
    pub const SET_STATE: &str = "set state";
    pub const SEND_LOGS: &str = "send logs";
    pub const SEND_STATS: &str = "send stats";

    pub const AUTH_SUCCESS: &str = "auth success";
    pub const STATUS: &str = "status";
    pub const CONSOLE_OUTPUT: &str = "console output";
    pub const STATS: &str = "stats";
    pub const TOKEN_EXPIRING: &str = "token expiring";
    pub const TOKEN_EXPIRED: &str = "token expired";
    pub const JWT_ERROR: &str = "jwt error";
    pub const DAEMON_ERROR: &str = "daemon error";
    pub const DAEMON_MESSAGE: &str = "daemon message";
    pub const INSTALL_OUTPUT: &str = "install output";
    pub const INSTALL_STARTED: &str = "install started";
    pub const INSTALL_COMPLETED: &str = "install completed";
    pub const BACKUP_COMPLETED: &str = "backup completed";
    pub const BACKUP_RESTORE_COMPLETED: &str = "backup restore completed";
    pub const TRANSFER_LOGS: &str = "transfer logs";
    pub const TRANSFER_STATUS: &str = "transfer status";
    pub const DELETED: &str = "deleted";
    pub const THROTTLED: &str = "throttled";
}

/// Close code Wings sends after `deleted`.
pub const CLOSE_SERVER_DELETED: u16 = 1001;
/// Close code of newer Wings for a suspended server; do not reconnect.
pub const CLOSE_SUSPENDED: u16 = 4409;
/// Close code of newer Wings for an internal error; the panel's UI does not reconnect.
pub const CLOSE_INTERNAL: u16 = 4400;
/// Close code for a frame over Wings' read limit (gorilla/websocket's `ErrReadLimit`).
pub const CLOSE_MESSAGE_TOO_BIG: u16 = 1009;

/// The raw frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    pub event: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "args_or_null"
    )]
    pub args: Vec<String>,
}

fn args_or_null<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let args = Option::<Vec<Option<String>>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(args.into_iter().map(Option::unwrap_or_default).collect())
}

impl Frame {
    pub fn new(event: impl Into<String>, args: Vec<String>) -> Self {
        Self {
            event: event.into(),
            args,
        }
    }

    /// Reads a text frame.
    pub fn decode(text: &str) -> Result<Self, WsError> {
        serde_json::from_str(text).map_err(|error| WsError::Malformed {
            detail: error.to_string(),
        })
    }

    /// The text frame.
    pub fn encode(&self) -> String {
        // A struct of strings always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `args` joined, as Wings reads them.
    pub fn joined_args(&self) -> String {
        self.args.concat()
    }

    fn first_arg(&self) -> Result<&str, WsError> {
        self.args
            .first()
            .map(String::as_str)
            .ok_or_else(|| WsError::MissingArgument {
                event: self.event.clone(),
            })
    }
}

/// A frame that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsError {
    /// Not JSON, or not `{"event": string, "args"?: [string]}`.
    Malformed { detail: String },
    /// The event needs an argument and has none.
    MissingArgument { event: String },
    /// The argument does not fit the event (an unknown state, stats that are not JSON).
    BadArgument { event: String, detail: String },
}

impl fmt::Display for WsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WsError::Malformed { detail } => write!(
                f,
                "a websocket frame was not a Wings event ({detail}): the socket may not be a Wings server"
            ),
            WsError::MissingArgument { event } => write!(
                f,
                "the websocket event {event:?} came without its argument: Wings may be a different version; the frame was ignored"
            ),
            WsError::BadArgument { event, detail } => write!(
                f,
                "the websocket event {event:?} had an unreadable argument ({detail}): Wings may be a different version; the frame was ignored"
            ),
        }
    }
}

impl std::error::Error for WsError {}

/// Browser → Wings.
#[derive(Clone, PartialEq, Eq)]
pub enum Outbound {
    /// `auth` [jwt]: first, and again on `token expiring`.
    Auth(String),
    /// `send command` [line]: needs `control.console`; dropped while offline.
    SendCommand(String),
    /// `set state` [signal].
    SetState(PowerSignal),
    /// `send logs`: the last lines as `console output` (only while running).
    SendLogs,
    /// `send stats`: one `stats` frame.
    SendStats,
    /// Any other event, kept as it came.
    Other { event: String, args: Vec<String> },
}

impl Outbound {
    pub fn to_frame(&self) -> Frame {
        match self {
            Outbound::Auth(token) => Frame::new(event::AUTH, vec![token.clone()]),
            Outbound::SendCommand(line) => Frame::new(event::SEND_COMMAND, vec![line.clone()]),
            Outbound::SetState(signal) => {
                Frame::new(event::SET_STATE, vec![signal.as_str().to_owned()])
            }
            Outbound::SendLogs => Frame::new(event::SEND_LOGS, Vec::new()),
            Outbound::SendStats => Frame::new(event::SEND_STATS, Vec::new()),
            Outbound::Other { event, args } => Frame::new(event.clone(), args.clone()),
        }
    }

    pub fn from_frame(frame: Frame) -> Result<Self, WsError> {
        Ok(match frame.event.as_str() {
            event::AUTH => Outbound::Auth(frame.first_arg()?.to_owned()),
            event::SEND_COMMAND => Outbound::SendCommand(frame.first_arg()?.to_owned()),
            event::SET_STATE => {
                let word = frame.first_arg()?;
                let signal = word.parse().map_err(|error: crate::UnknownPowerSignal| {
                    WsError::BadArgument {
                        event: frame.event.clone(),
                        detail: error.to_string(),
                    }
                })?;
                Outbound::SetState(signal)
            }
            event::SEND_LOGS => Outbound::SendLogs,
            event::SEND_STATS => Outbound::SendStats,
            _ => Outbound::Other {
                event: frame.event,
                args: frame.args,
            },
        })
    }

    pub fn encode(&self) -> String {
        self.to_frame().encode()
    }

    /// The text frame, unless it is longer than `limit` bytes (Wings 1.12 closes a socket
    /// that sends more than [`crate::flavor::WINGS_FRAME_LIMIT`]).
    pub fn encode_within(&self, limit: usize) -> Result<String, FrameTooLarge> {
        let text = self.encode();
        if text.len() > limit {
            return Err(FrameTooLarge {
                event: self.to_frame().event,
                bytes: text.len(),
                limit,
            });
        }
        Ok(text)
    }

    pub fn decode(text: &str) -> Result<Self, WsError> {
        Self::from_frame(Frame::decode(text)?)
    }
}

/// A frame Wings would not read: it closes the socket instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameTooLarge {
    pub event: String,
    pub bytes: usize,
    pub limit: usize,
}

impl fmt::Display for FrameTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.event == event::SEND_COMMAND {
            write!(
                f,
                "the command is too long: Wings reads at most {} bytes per message and this one would be {}; shorten it",
                self.limit, self.bytes
            )
        } else {
            write!(
                f,
                "the {:?} message would be {} bytes, over Wings' limit of {}; it was not sent",
                self.event, self.bytes, self.limit
            )
        }
    }
}

impl std::error::Error for FrameTooLarge {}

// The auth token grants console and power: keep it out of logs.
impl fmt::Debug for Outbound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outbound::Auth(_) => f.write_str("Auth(<redacted>)"),
            Outbound::SendCommand(line) => f.debug_tuple("SendCommand").field(line).finish(),
            Outbound::SetState(signal) => f.debug_tuple("SetState").field(signal).finish(),
            Outbound::SendLogs => f.write_str("SendLogs"),
            Outbound::SendStats => f.write_str("SendStats"),
            Outbound::Other { event, args } => f
                .debug_struct("Other")
                .field("event", event)
                .field("args", args)
                .finish(),
        }
    }
}

/// The JSON string of a `backup completed` frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupCompleted {
    pub uuid: String,
    #[serde(default)]
    pub is_successful: bool,
    #[serde(default)]
    pub checksum: String,
    #[serde(default)]
    pub checksum_type: String,
    #[serde(default)]
    pub file_size: u64,
}

/// Wings → browser.
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    AuthSuccess,
    Status(PowerState),
    /// One line, ANSI escapes included.
    ConsoleOutput(String),
    Stats(WingsStats),
    /// At most 60 s left: fetch a new token and send `auth` again on the same socket.
    TokenExpiring,
    TokenExpired,
    /// See [`JwtErrorKind`].
    JwtError(String),
    /// "Error Event [<uuid>]: <msg>"; a bad token signature lands here too.
    DaemonError(String),
    DaemonMessage(String),
    InstallOutput(String),
    InstallStarted,
    InstallCompleted,
    /// The event name has no `:uuid` suffix: the uuid is in the payload.
    BackupCompleted(BackupCompleted),
    BackupRestoreCompleted,
    TransferLogs(String),
    /// `pending`, `processing`, `cancelling`, `cancelled`, `failed`, `completed`, …
    TransferStatus(String),
    /// The server was deleted; Wings closes with 1001 next.
    Deleted,
    /// Newer Wings: the named event was dropped by its rate limiter.
    Throttled(String),
    /// Any other event, kept as it came.
    Other {
        event: String,
        args: Vec<String>,
    },
}

fn bad_argument(event: &str, detail: impl fmt::Display) -> WsError {
    WsError::BadArgument {
        event: event.to_owned(),
        detail: detail.to_string(),
    }
}

impl Inbound {
    pub fn to_frame(&self) -> Frame {
        let one = |event: &str, arg: &str| Frame::new(event, vec![arg.to_owned()]);
        let none = |event: &str| Frame::new(event, Vec::new());
        match self {
            Inbound::AuthSuccess => none(event::AUTH_SUCCESS),
            Inbound::Status(state) => one(event::STATUS, state.as_str()),
            Inbound::ConsoleOutput(line) => one(event::CONSOLE_OUTPUT, line),
            Inbound::Stats(stats) => one(
                event::STATS,
                &serde_json::to_string(stats).unwrap_or_default(),
            ),
            Inbound::TokenExpiring => none(event::TOKEN_EXPIRING),
            Inbound::TokenExpired => none(event::TOKEN_EXPIRED),
            Inbound::JwtError(text) => one(event::JWT_ERROR, text),
            Inbound::DaemonError(text) => one(event::DAEMON_ERROR, text),
            Inbound::DaemonMessage(text) => one(event::DAEMON_MESSAGE, text),
            Inbound::InstallOutput(line) => one(event::INSTALL_OUTPUT, line),
            // Wings sends an empty string with these three, and "null" with `deleted`.
            Inbound::InstallStarted => one(event::INSTALL_STARTED, ""),
            Inbound::InstallCompleted => one(event::INSTALL_COMPLETED, ""),
            Inbound::BackupCompleted(backup) => one(
                event::BACKUP_COMPLETED,
                &serde_json::to_string(backup).unwrap_or_default(),
            ),
            Inbound::BackupRestoreCompleted => one(event::BACKUP_RESTORE_COMPLETED, ""),
            Inbound::TransferLogs(line) => one(event::TRANSFER_LOGS, line),
            Inbound::TransferStatus(status) => one(event::TRANSFER_STATUS, status),
            Inbound::Deleted => one(event::DELETED, "null"),
            Inbound::Throttled(name) => one(event::THROTTLED, name),
            Inbound::Other { event, args } => Frame::new(event.clone(), args.clone()),
        }
    }

    pub fn from_frame(frame: Frame) -> Result<Self, WsError> {
        let name = frame.event.as_str();
        let text = || frame.first_arg().map(str::to_owned);
        Ok(match name {
            event::AUTH_SUCCESS => Inbound::AuthSuccess,
            event::STATUS => {
                let word = frame.first_arg()?;
                Inbound::Status(word.parse().map_err(|error| bad_argument(name, error))?)
            }
            event::CONSOLE_OUTPUT => Inbound::ConsoleOutput(text()?),
            event::STATS => {
                let json = frame.first_arg()?;
                Inbound::Stats(
                    serde_json::from_str(json).map_err(|error| bad_argument(name, error))?,
                )
            }
            event::TOKEN_EXPIRING => Inbound::TokenExpiring,
            event::TOKEN_EXPIRED => Inbound::TokenExpired,
            event::JWT_ERROR => Inbound::JwtError(text()?),
            event::DAEMON_ERROR => Inbound::DaemonError(text()?),
            event::DAEMON_MESSAGE => Inbound::DaemonMessage(text()?),
            event::INSTALL_OUTPUT => Inbound::InstallOutput(text()?),
            event::INSTALL_STARTED => Inbound::InstallStarted,
            event::INSTALL_COMPLETED => Inbound::InstallCompleted,
            event::BACKUP_COMPLETED => {
                let json = frame.first_arg()?;
                Inbound::BackupCompleted(
                    serde_json::from_str(json).map_err(|error| bad_argument(name, error))?,
                )
            }
            event::BACKUP_RESTORE_COMPLETED => Inbound::BackupRestoreCompleted,
            event::TRANSFER_LOGS => Inbound::TransferLogs(text()?),
            event::TRANSFER_STATUS => Inbound::TransferStatus(text()?),
            event::DELETED => Inbound::Deleted,
            event::THROTTLED => Inbound::Throttled(frame.joined_args()),
            _ => Inbound::Other {
                event: frame.event,
                args: frame.args,
            },
        })
    }

    pub fn encode(&self) -> String {
        self.to_frame().encode()
    }

    pub fn decode(text: &str) -> Result<Self, WsError> {
        Self::from_frame(Frame::decode(text)?)
    }
}

/// Wings' `jwt error` texts (wings `router/websocket`, gbrlsnchs/jwt for `exp`).
pub mod jwt_message {
    pub const EXP_INVALID: &str = "jwt: exp claim is invalid";
    pub const NO_JWT: &str = "jwt: no jwt present";
    pub const NO_CONNECT: &str = "jwt: missing connect permission";
    pub const UUID_MISMATCH: &str = "jwt: server uuid mismatch";
    pub const DENYLISTED: &str = "jwt: created too far in past (denylist)";
}

/// Fresh tokens a client may send without an `auth success` in between before it gives
/// the socket up: a panel whose clock runs behind Wings' hands out tokens that are dead
/// on arrival, and asking again at once would only ask the panel in a loop.
pub const MAX_TOKEN_RENEWALS: u32 = 3;

/// What a client says when it gave a socket up because Wings accepted none of its tokens.
pub const TOKENS_REFUSED: &str = "Wings did not accept the panel's websocket token (if this \
     persists, the panel's and Wings' clocks may disagree)";

/// What a `jwt error` asks of the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtErrorKind {
    /// The token ran out or predates a denylist cut: fetch a new one, `auth` again.
    Renew,
    /// Wings relays server events from the moment a socket opens, so a busy server's
    /// event can beat the client's `auth`: harmless, the `auth` in flight settles it.
    NotYetAuthenticated,
    /// A token that can never work here (wrong server, missing permission).
    Refused,
}

impl JwtErrorKind {
    /// Classifies a `jwt error` text (Wings may prefix it with `Error Event [uuid]: `).
    pub fn of(message: &str) -> Self {
        if message.contains(jwt_message::EXP_INVALID) || message.contains("(denylist)") {
            Self::Renew
        } else if message.contains(jwt_message::NO_JWT) {
            Self::NotYetAuthenticated
        } else {
            Self::Refused
        }
    }
}
