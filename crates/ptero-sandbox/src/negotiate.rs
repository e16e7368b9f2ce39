//! What the panel answers a client that did not ask for JSON (no `Accept:
//! application/json`, no `X-Requested-With: XMLHttpRequest`): an authentication failure
//! is a 302 to the login page, a validation failure a 302 back, anything else an HTML
//! error page (Laravel's `Handler::render` / `expectsJson`).

use axum::extract::{Request, State};
use axum::http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, REFERER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ErrorMarker;
use crate::html;
use crate::state::AppState;

/// Laravel's `expectsJson()`: an XHR accepting anything, or a first `Accept` type that is
/// JSON.
pub fn expects_json(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let first = accept.split(',').next().unwrap_or_default();
    let first = first.split(';').next().unwrap_or_default().trim();
    let wants_json = first.contains("/json") || first.contains("+json");
    let ajax = headers
        .get("x-requested-with")
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"XMLHttpRequest"));
    let accepts_any = accept.is_empty() || accept.contains("*/*") || accept.trim() == "*";
    wants_json || (ajax && accepts_any)
}

pub async fn browsers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let wants_json = expects_json(request.headers());
    let back = request
        .headers()
        .get(REFERER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let Some(ErrorMarker(status)) = response.extensions().get::<ErrorMarker>().copied() else {
        return response;
    };
    if wants_json {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(CONTENT_LENGTH);
    parts.headers.remove(CONTENT_TYPE);
    let location = match status {
        StatusCode::UNAUTHORIZED => Some(format!("{}/auth/login", state.panel_url)),
        StatusCode::UNPROCESSABLE_ENTITY => {
            Some(back.unwrap_or_else(|| format!("{}/", state.panel_url)))
        }
        _ => None,
    };
    if let Some(location) = location {
        parts.status = StatusCode::FOUND;
        if let Ok(value) = HeaderValue::from_str(&location) {
            parts.headers.insert(LOCATION, value);
        }
        let page = html::page("Redirecting", &format!("Redirecting to {location}."));
        return (parts, html::Html(page)).into_response();
    }
    let reason = status.canonical_reason().unwrap_or("Error");
    let page = html::page(reason, &format!("{} | {reason}", status.as_u16()));
    (parts, html::Html(page)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn json_is_expected_only_when_asked_for() {
        assert!(expects_json(&headers(&[("accept", "application/json")])));
        assert!(expects_json(&headers(&[(
            "accept",
            "application/vnd.api+json, */*"
        )])));
        assert!(expects_json(&headers(&[(
            "x-requested-with",
            "XMLHttpRequest"
        )])));
        assert!(!expects_json(&headers(&[])));
        assert!(!expects_json(&headers(&[(
            "accept",
            "text/html,application/json"
        )])));
    }
}
