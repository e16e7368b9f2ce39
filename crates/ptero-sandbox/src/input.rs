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
