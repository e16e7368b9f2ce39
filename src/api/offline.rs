//! The last server list each connection saw, with when, for an app opened offline: kept
//! beside the connection (the tab's storage, or the remembered one), forgotten with it.
//! Only what the offline list shows is kept (names, nodes, states), never a key.
//!
//! Written and read with the browser's JSON ([`super::browser_json`]) and a reader of its
//! own, not serde: the list is the first load's and serde's derives would weigh more.

use js_sys::{Array, Object, Reflect, JSON};
use ptero_api::json_view::{optional, or_default, required, FromJsonView, JsonView, Malformed};
use ptero_api::Server;
use wasm_bindgen::JsValue;

use super::browser_json;
use super::credentials::{storage, Persistence};

const KEY_PREFIX: &str = "ptero-web.last-list.";

/// A server as the offline list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedServer {
    pub identifier: String,
    pub name: String,
    pub node: String,
    /// The panel's status (`suspended`, `installing`…) when it had one.
    pub status: Option<String>,
}

/// A connection's last list and when it was fetched (ms since the epoch).
#[derive(Debug, Clone, PartialEq)]
pub struct CachedList {
    pub at_ms: f64,
    pub servers: Vec<CachedServer>,
}

impl FromJsonView for CachedServer {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            identifier: required(value, "identifier")?,
            name: required(value, "name")?,
            node: or_default(value, "node")?,
            status: optional(value, "status")?,
        })
    }
}

impl FromJsonView for CachedList {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            at_ms: required(value, "at_ms")?,
            servers: required(value, "servers")?,
        })
    }
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// Keeps `servers` as `connection`'s last list, in the storage the connection lives in.
pub fn remember(connection: &str, persistence: Persistence, servers: &[Server]) {
    let list: Array = servers
        .iter()
        .map(|server| {
            let object = Object::new();
            set(
                &object,
                "identifier",
                &JsValue::from_str(&server.identifier),
            );
            set(&object, "name", &JsValue::from_str(&server.name));
            set(&object, "node", &JsValue::from_str(&server.node));
            if let Some(status) = &server.status {
                set(&object, "status", &JsValue::from_str(status.as_str()));
            }
            JsValue::from(object)
        })
        .collect();
    let object = Object::new();
    set(&object, "at_ms", &JsValue::from_f64(js_sys::Date::now()));
    set(&object, "servers", &list);
    let (Some(storage), Ok(json)) = (storage(persistence), JSON::stringify(&object)) else {
        return;
    };
    let _ = storage.set_item(&format!("{KEY_PREFIX}{connection}"), &String::from(json));
}

/// `connection`'s last list, from whichever storage holds it.
pub fn recall(connection: &str) -> Option<CachedList> {
    [Persistence::Session, Persistence::Remembered]
        .into_iter()
        .find_map(|p| {
            let json = storage(p)?
                .get_item(&format!("{KEY_PREFIX}{connection}"))
                .ok()??;
            browser_json::read(&json).ok()
        })
}

/// Forgets `connection`'s list.
pub fn forget(connection: &str) {
    for p in [Persistence::Session, Persistence::Remembered] {
        if let Some(storage) = storage(p) {
            let _ = storage.remove_item(&format!("{KEY_PREFIX}{connection}"));
        }
    }
}

/// Forgets every cached list.
pub fn forget_all() {
    for p in [Persistence::Session, Persistence::Remembered] {
        let Some(storage) = storage(p) else { continue };
        let keys: Vec<String> = (0..storage.length().unwrap_or(0))
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|key| key.starts_with(KEY_PREFIX))
            .collect();
        for key in keys {
            let _ = storage.remove_item(&key);
        }
    }
}

/// Whether the browser says it is offline (`navigator.onLine` false).
pub fn browser_offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}
