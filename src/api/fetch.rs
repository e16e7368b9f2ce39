//! Panel calls on the one request builder. It tells CORS refusals apart from unreachable
//! hosts: a browser reports both as the same TypeError, so after a failure we probe the
//! same URL with `no-cors`, which succeeds (opaquely) when the host answered.

use ptero_api::json_view::FromJsonView;
use ptero_api::PanelError;

use super::request::{Request, Response, Transport};
use super::{browser_json, ApiError};

/// A request ready to send: method, URL, the API key and optional body.
pub struct Call<'a> {
    pub method: &'static str,
    pub url: String,
    pub key: &'a str,
    pub body: Option<Body>,
}

/// A request body and its type.
pub enum Body {
    Json(String),
    /// A file's text (`files/write`), sent as the panel's UI sends it: `text/plain`.
    Text(String),
}

/// Sends `call`; 2xx answers come back as the raw response, anything else as `ApiError`.
pub async fn send(call: Call<'_>) -> Result<Response, ApiError> {
    let mut request = Request::new(call.method, call.url.clone())
        .header("Accept", "application/json")
        .bearer(call.key);
    request = match call.body {
        Some(Body::Json(json)) => request.json(json),
        Some(Body::Text(text)) => request.text(text),
        None => request.header("X-Requested-With", "XMLHttpRequest"),
    };
    let response = match request.send().await {
        Ok(response) => response,
        Err(Transport::Aborted) => return Err(ApiError::Aborted),
        Err(Transport::Failed) => return Err(classify_network_failure(&call.url).await),
    };
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let retry_after = response
        .header("Retry-After")
        .and_then(|v| v.trim().parse().ok());
    let body = response.text().await.unwrap_or_default();
    Err(PanelError::from_response(status, &body, retry_after).into())
}

/// The body of a 2xx answer as text.
pub async fn text(response: &Response) -> Result<String, ApiError> {
    response.text().await.map_err(|failure| match failure {
        Transport::Aborted => ApiError::Aborted,
        Transport::Failed => ApiError::Decode("the answer was cut off".into()),
    })
}

/// Sends `call` and decodes the JSON answer.
pub async fn json<T: FromJsonView>(call: Call<'_>) -> Result<T, ApiError> {
    let response = send(call).await?;
    let text = text(&response).await?;
    browser_json::read(&text).map_err(ApiError::Decode)
}

async fn classify_network_failure(url: &str) -> ApiError {
    match Request::get(url).no_cors().send().await {
        Ok(_) => ApiError::CorsBlocked {
            page_origin: page_origin(),
        },
        Err(Transport::Aborted) => ApiError::Aborted,
        Err(Transport::Failed) => ApiError::Unreachable {
            url: url.to_string(),
        },
    }
}

fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
