//! The card's DOM events: `CustomEvent`s named `ptero-*` that bubble and cross the shadow
//! boundary (`composed`), with a plain-object `detail`. Only `ptero-power-request` is
//! cancelable: `preventDefault()` on it stops the signal before anything is sent.

use ptero_api::alerts::AlertKind;
use ptero_api::{PowerSignal, PowerState};
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

use super::error::CardError;

/// One event of the element's public contract.
#[derive(Clone, Debug, PartialEq)]
pub enum CardEvent<'a> {
    /// The first live data (detail: `server`, `state`).
    Ready { server: &'a str, state: PowerState },
    /// The power state changed (detail: `server`, `old`, `new`).
    StateChange {
        server: &'a str,
        old: PowerState,
        new: PowerState,
    },
    /// A power signal is about to be sent (detail: `signal`); cancelable.
    PowerRequest { signal: PowerSignal },
    /// The origin's answer to a power signal (detail: `signal`, `outcome`: `accepted` or an
    /// error code).
    Power {
        signal: PowerSignal,
        outcome: &'a str,
    },
    /// Something failed (detail: `code`, `message`).
    Error(&'a CardError),
    /// The session ended: the host may hand off a fresh token.
    SessionExpired,
    /// The origin noticed something about the server (detail: `kind`, `server`, `at` as
    /// an ISO 8601 time).
    Alert {
        server: &'a str,
        kind: AlertKind,
        at_ms: u64,
    },
}

impl CardEvent<'_> {
    /// Every event name, as the element's header comment and the README list them.
    pub const NAMES: [&'static str; 7] = [
        "ptero-ready",
        "ptero-state-change",
        "ptero-power-request",
        "ptero-power",
        "ptero-error",
        "ptero-session-expired",
        "ptero-alert",
    ];

    pub fn name(&self) -> &'static str {
        let index = match self {
            CardEvent::Ready { .. } => 0,
            CardEvent::StateChange { .. } => 1,
            CardEvent::PowerRequest { .. } => 2,
            CardEvent::Power { .. } => 3,
            CardEvent::Error(_) => 4,
            CardEvent::SessionExpired => 5,
            CardEvent::Alert { .. } => 6,
        };
        Self::NAMES[index]
    }

    fn detail(&self) -> Vec<(&'static str, String)> {
        match self {
            CardEvent::Ready { server, state } => {
                vec![
                    ("server", (*server).into()),
                    ("state", state.as_str().into()),
                ]
            }
            CardEvent::StateChange { server, old, new } => vec![
                ("server", (*server).into()),
                ("old", old.as_str().into()),
                ("new", new.as_str().into()),
            ],
            CardEvent::PowerRequest { signal } => vec![("signal", signal.as_str().into())],
            CardEvent::Power { signal, outcome } => vec![
                ("signal", signal.as_str().into()),
                ("outcome", (*outcome).into()),
            ],
            CardEvent::Error(error) => vec![
                ("code", error.code().into()),
                ("message", error.to_string()),
            ],
            CardEvent::SessionExpired => Vec::new(),
            CardEvent::Alert {
                server,
                kind,
                at_ms,
            } => vec![
                ("kind", kind.as_str().into()),
                ("server", (*server).into()),
                ("at", iso_time(*at_ms)),
            ],
        }
    }

    /// Dispatches the event on `host`; false when a listener cancelled it.
    pub fn dispatch(&self, host: &HtmlElement) -> bool {
        let detail = js_sys::Object::new();
        for (key, value) in self.detail() {
            let _ =
                js_sys::Reflect::set(&detail, &JsValue::from_str(key), &JsValue::from_str(&value));
        }
        let init = CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_cancelable(matches!(self, CardEvent::PowerRequest { .. }));
        init.set_detail(&detail);
        match CustomEvent::new_with_event_init_dict(self.name(), &init) {
            Ok(event) => host.dispatch_event(&event).unwrap_or(true),
            Err(_) => true,
        }
    }
}

/// `at_ms` as the browser writes an ISO 8601 time (`Date.prototype.toISOString`).
fn iso_time(at_ms: u64) -> String {
    js_sys::Date::new(&JsValue::from_f64(at_ms as f64))
        .to_iso_string()
        .into()
}
