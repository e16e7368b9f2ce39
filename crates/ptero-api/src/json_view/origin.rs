//! Readers of the origin's answers (the card).

use super::{optional, or_default, required, FromJsonView, JsonView, Malformed};
use crate::origin::{
    OriginError, OriginErrorBody, OriginErrorCode, PlayerCount, ServerSummary, SessionGrant,
    SsoTicket, StreamEvent, SummaryLimits, SummaryResources,
};

impl FromJsonView for OriginErrorCode {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        value
            .string()
            .map(|code| OriginErrorCode::parse(&code))
            .ok_or(super::WHOLE)
    }
}

impl FromJsonView for SummaryLimits {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            memory_mib: required(value, "memory_mib")?,
            disk_mib: required(value, "disk_mib")?,
            cpu_percent: required(value, "cpu_percent")?,
        })
    }
}

impl FromJsonView for SummaryResources {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            memory_bytes: required(value, "memory_bytes")?,
            cpu_absolute: required(value, "cpu_absolute")?,
            disk_bytes: required(value, "disk_bytes")?,
            network_rx_bytes: required(value, "network_rx_bytes")?,
            network_tx_bytes: required(value, "network_tx_bytes")?,
            uptime_ms: optional(value, "uptime_ms")?,
        })
    }
}

impl FromJsonView for ServerSummary {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            identifier: required(value, "identifier")?,
            name: required(value, "name")?,
            state: required(value, "state")?,
            status: optional(value, "status")?,
            is_suspended: or_default(value, "is_suspended")?,
            node_under_maintenance: or_default(value, "node_under_maintenance")?,
            limits: required(value, "limits")?,
            resources: optional(value, "resources")?,
            live: or_default(value, "live")?,
            address: optional(value, "address")?,
            egg: optional(value, "egg")?,
            players: optional(value, "players")?,
        })
    }
}

impl FromJsonView for PlayerCount {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            online: required(value, "online")?,
            max: required(value, "max")?,
            motd: optional(value, "motd")?,
            version: optional(value, "version")?,
        })
    }
}

impl FromJsonView for SessionGrant {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            session: required(value, "session")?,
            expires_in_secs: required(value, "expires_in_secs")?,
            servers: required(value, "servers")?,
            actions: required(value, "actions")?,
        })
    }
}

impl FromJsonView for SsoTicket {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            url: required(value, "url")?,
            expires_in_secs: required(value, "expires_in_secs")?,
        })
    }
}

impl FromJsonView for OriginError {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            code: required(value, "code")?,
            message: required(value, "message")?,
        })
    }
}

impl FromJsonView for OriginErrorBody {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            error: required(value, "error")?,
        })
    }
}

impl StreamEvent {
    /// Reads an event by its SSE `event:` name from its parsed `data:`.
    pub fn from_view<V: JsonView>(event: &str, data: &V) -> Result<Self, Malformed> {
        let server = || required(data, "server");
        Ok(match event {
            "summary" => StreamEvent::Summary(ServerSummary::from_view(data)?),
            "state" => StreamEvent::State {
                server: server()?,
                state: required(data, "state")?,
            },
            "resources" => StreamEvent::Resources {
                server: server()?,
                resources: required(data, "resources")?,
            },
            "console" => StreamEvent::Console {
                server: server()?,
                line: required(data, "line")?,
            },
            "error" => StreamEvent::Error {
                server: optional(data, "server")?,
                code: required(data, "code")?,
                message: required(data, "message")?,
            },
            "link" => StreamEvent::Link {
                server: server()?,
                live: required(data, "live")?,
                reason: optional(data, "reason")?,
            },
            "players" => StreamEvent::Players {
                server: server()?,
                players: required(data, "players")?,
            },
            "alert" => StreamEvent::Alert {
                server: server()?,
                kind: required(data, "kind")?,
                at_ms: required(data, "at_ms")?,
                detail: optional(data, "detail")?.unwrap_or_default(),
            },
            "refused" => StreamEvent::Refused {
                session: required(data, "session")?,
                code: required(data, "code")?,
                message: required(data, "message")?,
            },
            _ => return Err(Malformed("event")),
        })
    }
}
