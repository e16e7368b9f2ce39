//! Fetching a fresh hand-off token from the hosting site's `token-url` (with the
//! site's cookies: the site knows who the viewer is, the card does not).

use gloo_net::http::Request;
use web_sys::RequestCredentials;

/// The token from `url`: a JSON `{"token": "…"}` or the bare token as text.
pub async fn fetch_token(url: &str) -> Result<String, String> {
    let response = Request::get(url)
        .credentials(RequestCredentials::Include)
        .header("Accept", "application/json, text/plain")
        .send()
        .await
        .map_err(|_| format!("Could not reach the hosting site's token URL ({url})."))?;
    if !response.ok() {
        return Err(format!(
            "The hosting site's token URL answered {}: are you signed in there?",
            response.status()
        ));
    }
    let text = response.text().await.unwrap_or_default();
    let token = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) => value
            .get("token")
            .and_then(|t| t.as_str())
            .map(str::to_string),
        Err(_) => Some(text.trim().to_string()),
    };
    token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| "The hosting site's token URL returned no token.".to_string())
}
