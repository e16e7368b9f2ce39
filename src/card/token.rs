//! Fetching a fresh hand-off token from the hosting site's `token-url` (with the
//! site's cookies: the site knows who the viewer is, the card does not).

use web_sys::RequestCredentials;

use ptero_api::json_view::JsonView;

use crate::api::browser::{self, Fetch};
use crate::api::browser_json::BrowserJson;

/// The token from `url`: a JSON `{"token": "…"}` or the bare token as text.
pub async fn fetch_token(url: &str) -> Result<String, String> {
    let response = Fetch {
        method: "GET",
        url,
        headers: &[("Accept", "application/json, text/plain")],
        body: None,
        credentials: Some(RequestCredentials::Include),
        signal: None,
    }
    .send()
    .await
    .map_err(|()| format!("Could not reach the hosting site's token URL ({url})."))?;
    if !response.ok() {
        return Err(format!(
            "The hosting site's token URL answered {}: are you signed in there?",
            response.status()
        ));
    }
    let text = browser::text(&response).await;
    let token = if text.trim_start().starts_with('{') {
        let answer = BrowserJson::parse(&text).ok_or_else(|| {
            "The hosting site's token URL answered something that is not JSON.".to_string()
        })?;
        answer.member("token").and_then(|token| token.string())
    } else {
        Some(text.trim().to_string())
    };
    token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| "The hosting site's token URL returned no token.".to_string())
}
