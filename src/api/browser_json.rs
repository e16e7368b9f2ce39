//! The browser's own JSON for both bundles: `JSON.parse` builds the value that the wire
//! crate's serde-free readers ([`ptero_api::json_view`]) walk, and `JSON.stringify`
//! escapes request bodies. serde_json and the derived deserializers would cost ~20 KB
//! brotli of the card's 90 KB budget, and more of the app's.

use js_sys::{Array, Object, Reflect, JSON};
use ptero_api::claims::Action;
use ptero_api::json_view::{FromJsonView, JsonView, Malformed};
use ptero_api::origin::StreamSession;
use wasm_bindgen::{JsCast, JsValue};

/// A value `JSON.parse` built.
pub struct BrowserJson(JsValue);

impl BrowserJson {
    pub fn parse(text: &str) -> Option<Self> {
        JSON::parse(text).ok().map(BrowserJson)
    }
}

/// Parses `text` and reads a `T`; the error says what was wrong, for a message.
pub fn read<T: FromJsonView>(text: &str) -> Result<T, String> {
    let value = BrowserJson::parse(text).ok_or_else(|| "it is not JSON".to_string())?;
    T::from_view(&value).map_err(|Malformed(member)| {
        if member.is_empty() {
            "it has an unexpected shape".to_string()
        } else {
            ["`", member, "` is missing or malformed"].concat()
        }
    })
}

/// A JSON object of string members, such as `{"token":"…"}`.
pub fn object(members: &[(&str, &str)]) -> String {
    stringify(&strings(members))
}

fn strings(members: &[(&str, &str)]) -> Object {
    let object = Object::new();
    for (key, value) in members {
        set(&object, key, &JsValue::from_str(value));
    }
    object
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> Array {
    items.into_iter().map(JsValue::from_str).collect()
}

fn stringify(value: &JsValue) -> String {
    JSON::stringify(value).map(String::from).unwrap_or_default()
}

/// `ptero_api::origin::SessionRequest`'s wire form: `{"token", "actions"?}`.
pub fn session_request(token: &str, actions: Option<&[Action]>) -> String {
    let object = strings(&[("token", token)]);
    if let Some(actions) = actions {
        set(
            &object,
            "actions",
            &list(actions.iter().map(|a| a.as_str())),
        );
    }
    stringify(&object)
}

/// `ptero_api::origin::StreamRequest`'s wire form: `{"sessions": [{"session", "servers"}]}`.
pub fn stream_request(members: &[StreamSession]) -> String {
    let sessions: Array = members
        .iter()
        .map(|member| {
            let object = strings(&[("session", &member.session)]);
            set(
                &object,
                "servers",
                &list(member.servers.iter().map(String::as_str)),
            );
            JsValue::from(object)
        })
        .collect();
    let object = Object::new();
    set(&object, "sessions", &sessions);
    stringify(&object)
}

impl JsonView for BrowserJson {
    fn member(&self, key: &str) -> Option<Self> {
        if !self.0.is_object() {
            return None;
        }
        Reflect::get(&self.0, &JsValue::from_str(key))
            .ok()
            .filter(|member| !member.is_null() && !member.is_undefined())
            .map(BrowserJson)
    }

    fn string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn items(&self) -> Option<Vec<Self>> {
        Array::is_array(&self.0).then(|| Array::from(&self.0).iter().map(BrowserJson).collect())
    }

    fn entries(&self) -> Option<Vec<(String, Self)>> {
        if !self.0.is_object() || Array::is_array(&self.0) {
            return None;
        }
        let object: &Object = self.0.unchecked_ref();
        Some(
            Object::entries(object)
                .iter()
                .map(|entry| {
                    let pair: Array = entry.unchecked_into();
                    (
                        pair.get(0).as_string().unwrap_or_default(),
                        BrowserJson(pair.get(1)),
                    )
                })
                .collect(),
        )
    }
}
