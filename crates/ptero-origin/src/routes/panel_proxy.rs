//! `/panel/api/client/*`: the standalone app's pass-through to the panel, for panels that
//! do not allow the app's origin. The user's own key rides in `Authorization` and is
//! neither stored nor logged; bodies are size-limited by the layer stack and the rate
//! is limited here.
//!
//! Only the Client API routes the app uses are forwarded ([`ptero_api::client_routes`]),
//! decided on the request target as it arrived (still percent-encoded), and the upstream
//! URL is checked once more after it is parsed: the panel's own scheme, host and port,
//! and exactly the resolved path under `/api/client`. Answers are JSON (or, for file
//! contents, plain text) with `nosniff` and a CSP that lets nothing run.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{
    ACCEPT, AUTHORIZATION, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY,
    CONTENT_TYPE, RETRY_AFTER, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use bytes::Bytes;
use ptero_api::client_routes::{self, Answer, Resolved, RouteError};
use ptero_api::origin::OriginErrorCode;
use ptero_api::PanelError;
use url::{form_urlencoded, Url};

use crate::error::AppError;
use crate::panel::describe_transport;
use crate::rate_limit::Refusal;
use crate::state::AppState;

/// The pass-through's prefix on this origin.
const PREFIX: &str = "/panel/api/client";
/// Longest query string forwarded.
const MAX_QUERY: usize = 2048;
/// Headers from the panel passed on (with the safety headers below).
const PASSED_ON: [axum::http::HeaderName; 3] = [
    RETRY_AFTER,
    axum::http::HeaderName::from_static("x-ratelimit-limit"),
    axum::http::HeaderName::from_static("x-ratelimit-remaining"),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/panel/api/client/{*rest}", any(forward))
        .route("/panel/api/client", any(forward))
}

fn refuse(error: &RouteError) -> AppError {
    let code = match error {
        RouteError::Segment { .. } => OriginErrorCode::BadRequest,
        RouteError::NotForwarded | RouteError::Method { .. } => OriginErrorCode::NotFound,
    };
    AppError::refused(code, error.to_string())
}

/// The query, re-encoded pair by pair (so nothing in it can reach the path).
fn query(raw: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(raw) = raw.filter(|raw| !raw.is_empty()) else {
        return Ok(None);
    };
    if raw.len() > MAX_QUERY {
        return Err(AppError::bad_request(format!(
            "the query string is longer than {MAX_QUERY} characters"
        )));
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        if name.chars().chain(value.chars()).any(char::is_control) {
            return Err(AppError::bad_request(
                "the query string may not contain control characters",
            ));
        }
        out.append_pair(&name, &value);
    }
    Ok(Some(out.finish()))
}

/// The upstream URL for `resolved`, after checking the parsed result stays on the panel
/// and under `/api/client`.
fn upstream_url(
    state: &AppState,
    resolved: &Resolved,
    query: Option<&str>,
) -> Result<Url, AppError> {
    let panel = state.panel.url();
    let escaped = || {
        AppError::Internal(format!(
            "the pass-through built a URL outside the panel's Client API for {}",
            resolved.path
        ))
    };
    let mut url = Url::parse(&panel.client_api(&resolved.path)).map_err(|_| escaped())?;
    url.set_query(query);
    let base = Url::parse(panel.as_str()).map_err(|_| escaped())?;
    let expected_path = format!(
        "{}/api/client{}",
        base.path().trim_end_matches('/'),
        resolved.path
    );
    let same_place = url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default()
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none()
        && url.path() == expected_path;
    if !same_place {
        return Err(escaped());
    }
    Ok(url)
}

async fn forward(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let rest = uri.path().strip_prefix(PREFIX).unwrap_or_default();
    let resolved = client_routes::resolve(method.as_str(), rest).map_err(|error| {
        state.metrics.reject("proxy_route_refused");
        tracing::info!(method = %method, problem = %error, "pass-through refused a route");
        refuse(&error)
    })?;
    let query = query(uri.query())?;
    let url = upstream_url(&state, &resolved, query.as_deref())?;
    if let Err(refusal) = state.proxy_limiter.check().await {
        return Err(match refusal {
            Refusal::Wait(seconds) => {
                state.metrics.reject("proxy_rate_limited");
                AppError::Throttled {
                    retry_after_secs: seconds,
                    message: format!(
                        "too many requests through the origin: wait {seconds} seconds"
                    ),
                }
            }
            Refusal::Unavailable(problem) => AppError::StoreUnavailable(problem),
        });
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
    answer(resolved.route.answer, upstream)
}

/// The panel's answer as this origin passes it on: JSON (or plain text for file
/// contents), never something a browser would render or sniff.
fn answer(kind: Answer, upstream: reqwest::Response) -> Result<Response, AppError> {
    let status =
        StatusCode::from_u16(upstream.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let content_type = upstream
        .headers()
        .get(CONTENT_TYPE.as_str())
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_json = content_type.starts_with("application/json")
        || content_type.starts_with("application/vnd.api+json");
    let empty = status == StatusCode::NO_CONTENT || upstream.content_length() == Some(0);
    let content_type = if is_json {
        Some(HeaderValue::from_static("application/json"))
    } else if empty {
        None
    } else if kind == Answer::Text && status.is_success() {
        Some(HeaderValue::from_static("text/plain; charset=utf-8"))
    } else {
        return Err(AppError::Panel(PanelError::Other {
            status: status.as_u16(),
            detail: format!(
                "the panel answered {} with {:?} where JSON was expected (a proxy or web server in front of it?)",
                status.as_u16(),
                content_type
            ),
        }));
    };
    let mut response = Response::builder().status(status);
    for name in PASSED_ON {
        if let Some(value) = upstream.headers().get(name.as_str()) {
            if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
                response = response.header(name, value);
            }
        }
    }
    if let Some(content_type) = content_type {
        response = response.header(CONTENT_TYPE, content_type);
    }
    if kind == Answer::Text {
        response = response.header(CONTENT_DISPOSITION, "attachment");
    }
    response
        .header(X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(
            CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        )
        .header(CACHE_CONTROL, "no-store")
        .body(Body::from_stream(upstream.bytes_stream()))
        .map_err(|error| AppError::Internal(format!("cannot build the proxied response: {error}")))
}
