//! One fetch function for every panel call. It tells CORS refusals apart from
//! unreachable hosts: a browser reports both as the same TypeError, so after a failure
//! we probe the same URL with `no-cors`, which succeeds (opaquely) when the host answered.

use gloo_net::http::Response;
use gloo_net::http::{Method, Request, RequestBuilder};
use ptero_api::json_view::FromJsonView;
use web_sys::{AbortController, RequestMode};

use super::{browser_json, ApiError};
use ptero_api::PanelError;

/// A request ready to send: method, URL, the API key and optional JSON body.
pub struct Call<'a> {
    pub method: Method,
    pub url: String,
    pub key: &'a str,
    pub body: Option<String>,
}

/// Sends `call`; 2xx answers come back as the raw response, anything else as `ApiError`.
pub async fn send(call: Call<'_>) -> Result<Response, ApiError> {
    // Aborted when the owning view is disposed, so leaving a page cancels its requests.
    let abort = AbortController::new().ok();
    if let Some(abort) = abort.clone() {
        leptos::prelude::on_cleanup(move || abort.abort());
    }
    let mut builder: RequestBuilder = Request::get(&call.url)
        .method(call.method)
        .header("Accept", "application/json")
        .header("Authorization", &format!("Bearer {}", call.key))
        .abort_signal(abort.as_ref().map(|a| a.signal()).as_ref());
    let request = match call.body {
        Some(json) => builder
            .header("Content-Type", "application/json")
            .body(json),
        None => {
            builder = builder.header("X-Requested-With", "XMLHttpRequest");
            builder.build()
        }
    }
    .map_err(|e| ApiError::Decode(e.to_string()))?;

    let response = match request.send().await {
        Ok(response) => response,
        Err(_) => return Err(classify_network_failure(&call.url).await),
    };
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .and_then(|v| v.trim().parse().ok());
    let body = response.text().await.unwrap_or_default();
    Err(PanelError::from_response(status, &body, retry_after).into())
}

/// Sends `call` and decodes the JSON answer.
pub async fn json<T: FromJsonView>(call: Call<'_>) -> Result<T, ApiError> {
    let response = send(call).await?;
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    browser_json::read(&text).map_err(ApiError::Decode)
}

async fn classify_network_failure(url: &str) -> ApiError {
    let probe = Request::get(url).mode(RequestMode::NoCors).send().await;
    match probe {
        Ok(_) => ApiError::CorsBlocked {
            page_origin: page_origin(),
        },
        Err(_) => ApiError::Unreachable {
            url: url.to_string(),
        },
    }
}

fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
