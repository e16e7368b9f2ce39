//! `/panel/api/client/*`: the standalone app's pass-through to the panel, for panels that
//! do not allow the app's origin. The user's own key rides in `Authorization` and is
//! neither stored nor logged; bodies are size-limited by the layer stack and the rate
//! is limited here.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use bytes::Bytes;
use ptero_api::origin::OriginErrorCode;

use crate::error::AppError;
use crate::panel::describe_transport;
use crate::rate_limit::Refusal;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/panel/api/client/{*rest}", any(panel_forward))
        .route("/panel/api/client", any(panel_forward_root))
}

async fn panel_forward_root(
    state: State<AppState>,
    method: Method,
    query: RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    forward(state, method, String::new(), query, headers, body).await
}

async fn panel_forward(
    state: State<AppState>,
    method: Method,
    Path(rest): Path<String>,
    query: RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    forward(state, method, format!("/{rest}"), query, headers, body).await
}

async fn forward(
    State(state): State<AppState>,
    method: Method,
    path: String,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    if let Err(refusal) = state.proxy_limiter.check().await {
        let seconds = match refusal {
            Refusal::Wait(seconds) => seconds,
            Refusal::Unavailable(problem) => return Err(AppError::StoreUnavailable(problem)),
        };
        state.metrics.reject("proxy_rate_limited");
        let mut response = AppError::refused(
            OriginErrorCode::RateLimited,
            format!("too many requests through the origin: wait {seconds} seconds"),
        )
        .into_response();
        if let Ok(value) = seconds.to_string().parse() {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
        return Ok(response);
    }
    if path.split('/').any(|segment| segment == "..") {
        return Err(AppError::bad_request("the path may not contain .."));
    }
    let mut url = state.panel.url().client_api(&path);
    if let Some(query) = query {
        url.push('?');
        url.push_str(&query);
    }
    let mut request = state
        .panel
        .http()
        .request(method, url)
        .header(ACCEPT, "application/json")
        .body(body);
    for name in [AUTHORIZATION, CONTENT_TYPE] {
        if let Some(value) = headers.get(&name) {
            request = request.header(name, value.clone());
        }
    }
    let upstream = request
        .send()
        .await
        .map_err(|error| AppError::Unreachable(describe_transport(&error)))?;
    let status =
        StatusCode::from_u16(upstream.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = Response::builder().status(status);
    for name in [CONTENT_TYPE, RETRY_AFTER] {
        if let Some(value) = upstream.headers().get(name.as_str()) {
            if let Ok(value) = axum::http::HeaderValue::from_bytes(value.as_bytes()) {
                response = response.header(name, value);
            }
        }
    }
    response
        .body(Body::from_stream(upstream.bytes_stream()))
        .map_err(|error| AppError::Internal(format!("cannot build the proxied response: {error}")))
}
