//! Request bodies read as Laravel reads them: JSON objects whose strings are trimmed and
//! whose empty strings are `null` (`TrimStrings`, `ConvertEmptyStringsToNull`), with the
//! panel's 400 for a body that is not JSON.

use axum::body::Bytes;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// One field of the body.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Missing,
    Null,
    Text(String),
    Other(Value),
}

impl Input {
    pub fn text(&self) -> Option<&str> {
        match self {
            Input::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// The body as a JSON object; an empty body is an empty object, and so is JSON that is
/// not an object.
pub fn object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Ok(Map::new()),
        Err(_) => Err(ApiError::malformed_json()),
    }
}

/// A field, trimmed, `""` read as null.
pub fn field(map: &Map<String, Value>, key: &str) -> Input {
    match map.get(key) {
        None => Input::Missing,
        Some(Value::Null) => Input::Null,
        Some(Value::String(text)) => {
            let trimmed = text.trim();
            if trimmed.is_empty() {
                Input::Null
            } else {
                Input::Text(trimmed.to_owned())
            }
        }
        // Laravel compares numbers and booleans as their string form in most rules.
        Some(Value::Number(number)) => Input::Text(number.to_string()),
        Some(other) => Input::Other(other.clone()),
    }
}

/// 422 `required` when the field is missing, null or empty.
pub fn required_text(map: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match field(map, key) {
        Input::Text(text) => Ok(text),
        Input::Other(_) => Err(ApiError::invalid(
            key,
            "string",
            format!("The {key} must be a string."),
        )),
        Input::Missing | Input::Null => Err(ApiError::invalid(
            key,
            "required",
            format!("The {key} field is required."),
        )),
    }
}

/// Laravel's name for a field in a sentence: `docker_image` → `docker image`.
pub fn attribute(key: &str) -> String {
    key.replace('_', " ")
}

/// A value as the middlewares leave it (trimmed, `""` as null), at any depth.
fn converted(value: Option<&Value>) -> Input {
    let mut holder = Map::new();
    if let Some(value) = value {
        holder.insert(String::new(), value.clone());
    }
    field(&holder, "")
}

/// A FormRequest's rules checked one field at a time, every failure kept (the panel
/// answers them all in one 422).
#[derive(Debug, Default)]
pub struct Checks(Vec<ptero_api::FieldError>);

impl Checks {
    pub fn fail(&mut self, key: &str, rule: &str, detail: String) {
        self.0.push(ptero_api::FieldError::new(key, rule, detail));
    }

    /// `required|string`: the text, or `None` with the failure noted.
    pub fn required_text(&mut self, value: Option<&Value>, key: &str) -> Option<String> {
        match converted(value) {
            Input::Text(text) => Some(text),
            Input::Other(_) => {
                self.fail(
                    key,
                    "string",
                    format!("The {} must be a string.", attribute(key)),
                );
                None
            }
            Input::Missing | Input::Null => {
                self.fail(
                    key,
                    "required",
                    format!("The {} field is required.", attribute(key)),
                );
                None
            }
        }
    }

    /// `nullable|string`: the text, `None` when null or missing.
    pub fn optional_text(&mut self, value: Option<&Value>, key: &str) -> Option<String> {
        match converted(value) {
            Input::Text(text) => Some(text),
            Input::Other(_) => {
                self.fail(
                    key,
                    "string",
                    format!("The {} must be a string.", attribute(key)),
                );
                None
            }
            Input::Missing | Input::Null => None,
        }
    }

    /// `boolean` (`true`, `false`, `0`, `1`, `"0"`, `"1"`); absent is false.
    pub fn boolean(&mut self, value: Option<&Value>, key: &str) -> bool {
        match value {
            None | Some(Value::Null) => false,
            Some(Value::Bool(flag)) => *flag,
            Some(Value::Number(n)) if n.as_u64() == Some(0) => false,
            Some(Value::Number(n)) if n.as_u64() == Some(1) => true,
            Some(Value::String(s)) if matches!(s.trim(), "0" | "1" | "true" | "false") => {
                matches!(s.trim(), "1" | "true")
            }
            Some(_) => {
                self.fail(
                    key,
                    "boolean",
                    format!("The {} field must be true or false.", attribute(key)),
                );
                false
            }
        }
    }

    /// `required|array`: the elements, or `None` with the failure noted.
    pub fn required_array<'a>(
        &mut self,
        value: Option<&'a Value>,
        key: &str,
    ) -> Option<&'a [Value]> {
        match value {
            Some(Value::Array(items)) if !items.is_empty() => Some(items),
            None | Some(Value::Null) | Some(Value::Array(_)) => {
                self.fail(
                    key,
                    "required",
                    format!("The {} field is required.", attribute(key)),
                );
                None
            }
            Some(Value::String(text)) if text.trim().is_empty() => {
                self.fail(
                    key,
                    "required",
                    format!("The {} field is required.", attribute(key)),
                );
                None
            }
            Some(_) => {
                self.fail(
                    key,
                    "array",
                    format!("The {} must be an array.", attribute(key)),
                );
                None
            }
        }
    }

    /// The 422 when anything failed.
    pub fn finish(self) -> Result<(), crate::error::ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(crate::error::ApiError::validation(self.0))
        }
    }
}
