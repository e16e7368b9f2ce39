//! The hosting site's token URL (a card's `token-url`): a fresh hand-off token, fetched
//! with the site's cookies (the site knows who the viewer is, the card does not).

use std::fmt;

use ptero_api::json_view::JsonView;
use web_sys::AbortSignal;

use super::browser_json::BrowserJson;
use super::request::{Request, Transport};

/// Why no token came from the hosting site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    Unreachable { url: String },
    Refused { status: u16 },
    NotJson,
    Empty,
    Aborted,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Unreachable { url } => {
                write!(f, "Could not reach the hosting site's token URL ({url}).")
            }
            TokenError::Refused { status } => write!(
                f,
                "The hosting site's token URL answered {status}: are you signed in there?"
            ),
            TokenError::NotJson => {
                f.write_str("The hosting site's token URL answered something that is not JSON.")
            }
            TokenError::Empty => f.write_str("The hosting site's token URL returned no token."),
            TokenError::Aborted => f.write_str("The token request was cancelled."),
        }
    }
}

/// The token from `url`: a JSON `{"token": "…"}` or the bare token as text.
pub async fn fetch_token(url: &str, signal: &AbortSignal) -> Result<String, TokenError> {
    let failed = |failure| match failure {
        Transport::Aborted => TokenError::Aborted,
        Transport::Failed => TokenError::Unreachable {
            url: url.to_string(),
        },
    };
    let response = Request::get(url)
        .header("Accept", "application/json, text/plain")
        .with_credentials()
        .signal(signal)
        .send()
        .await
        .map_err(failed)?;
    if !response.ok() {
        return Err(TokenError::Refused {
            status: response.status(),
        });
    }
    let text = response.text().await.map_err(failed)?;
    let token = if text.trim_start().starts_with('{') {
        let answer = BrowserJson::parse(&text).ok_or(TokenError::NotJson)?;
        answer.member("token").and_then(|token| token.string())
    } else {
        Some(text.trim().to_string())
    };
    token.filter(|t| !t.is_empty()).ok_or(TokenError::Empty)
}

/// A language catalog (plain text) from next to the card's module; `None` when it cannot
/// be had (the card then speaks English).
pub async fn fetch_locale(url: &str) -> Option<String> {
    let response = Request::get(url)
        .header("Accept", "text/plain")
        .send()
        .await
        .ok()?;
    if !response.ok() {
        return None;
    }
    response.text().await.ok()
}
