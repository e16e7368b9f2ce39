//! Serde-free readers for the origin's answers, used by the card.
//!
//! The card receives objects that the browser's own `JSON.parse` built. Reading its few
//! shapes with serde_json and the derived deserializers costs about 20 KB brotli of the
//! card's 90 KB budget; these readers cost a tenth of that. Each reader builds the same
//! value as the type's serde derive: `tests/json_view.rs` holds the two equal on the
//! same inputs. One leniency: a `null` member reads as absent, so a defaulted field
//! takes its default where serde would refuse a `null` bool.

use std::str::FromStr;

use crate::claims::Action;
use crate::origin::{
    OriginError, OriginErrorBody, OriginErrorCode, ServerSummary, SessionGrant, SsoTicket,
    StreamEvent, SummaryLimits, SummaryResources,
};
use crate::resources::PowerState;

/// Read access to one parsed JSON value.
pub trait JsonView: Sized {
    /// Member `key` of an object; `None` when absent, `null`, or `self` is no object.
    fn member(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
    fn boolean(&self) -> Option<bool>;
    /// The elements of an array; `None` for anything else.
    fn items(&self) -> Option<Vec<Self>>;
}

/// The member that was missing or malformed (`""`: the value itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

/// A wire type readable from a [`JsonView`].
pub trait FromJsonView: Sized {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed>;
}

/// Member `key`, which must be there.
pub fn required<T: FromJsonView, V: JsonView>(
    value: &V,
    key: &'static str,
) -> Result<T, Malformed> {
    let member = value.member(key).ok_or(Malformed(key))?;
    T::from_view(&member).map_err(|inner| name(inner, key))
}

/// Member `key`, `None` when absent or `null`.
pub fn optional<T: FromJsonView, V: JsonView>(
    value: &V,
    key: &'static str,
) -> Result<Option<T>, Malformed> {
    value
        .member(key)
        .map(|member| T::from_view(&member).map_err(|inner| name(inner, key)))
        .transpose()
}

/// The innermost member named wins: `resources.memory_bytes` reports `memory_bytes`.
fn name(inner: Malformed, key: &'static str) -> Malformed {
    if inner.0.is_empty() {
        Malformed(key)
    } else {
        inner
    }
}

const WHOLE: Malformed = Malformed("");

impl FromJsonView for String {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        value.string().ok_or(WHOLE)
    }
}

impl FromJsonView for f64 {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        value.number().ok_or(WHOLE)
    }
}

impl FromJsonView for u64 {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        match value.number() {
            // Integral and in range, as serde_json requires of a u64.
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= u64::MAX as f64 => Ok(n as u64),
            _ => Err(WHOLE),
        }
    }
}

impl FromJsonView for bool {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        value.boolean().ok_or(WHOLE)
    }
}

impl<T: FromJsonView> FromJsonView for Vec<T> {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        value
            .items()
            .ok_or(WHOLE)?
            .iter()
            .map(T::from_view)
            .collect()
    }
}

/// A unit enum read from its wire word through `FromStr`.
fn word<T: FromStr, V: JsonView>(value: &V) -> Result<T, Malformed> {
    value
        .string()
        .and_then(|word| word.parse().ok())
        .ok_or(WHOLE)
}

impl FromJsonView for PowerState {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        word(value)
    }
}

impl FromJsonView for Action {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        word(value)
    }
}

impl FromJsonView for OriginErrorCode {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        value
            .string()
            .map(|code| OriginErrorCode::parse(&code))
            .ok_or(WHOLE)
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
            is_suspended: optional(value, "is_suspended")?.unwrap_or_default(),
            node_under_maintenance: optional(value, "node_under_maintenance")?.unwrap_or_default(),
            limits: required(value, "limits")?,
            resources: optional(value, "resources")?,
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
            _ => return Err(Malformed("event")),
        })
    }
}

/// serde_json's value, for the native side and the tests that hold both readers equal.
impl JsonView for serde_json::Value {
    fn member(&self, key: &str) -> Option<Self> {
        self.get(key).filter(|member| !member.is_null()).cloned()
    }

    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
}
