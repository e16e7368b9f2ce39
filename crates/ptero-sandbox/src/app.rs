//! The panel's router: Client API, application API, the panel's pages and SSO, and the
//! sandbox's control endpoints, under the content-negotiation, security-header and
//! tracing layers.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Uri};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::trace::TraceLayer;

use crate::error::ApiError;
use crate::state::AppState;
use crate::{admin, application, client, html, negotiate, panel};

pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(client::router(&state))
        .merge(application::router(&state))
        .merge(panel::routes())
        .merge(admin::routes(&state))
        .fallback(not_found)
        // Outermost first: trace every request, set 1.12's security headers on every
        // answer, then turn error envelopes into what the panel gives clients that did
        // not ask for JSON.
        .layer(from_fn_with_state(state.clone(), negotiate::browsers))
        .layer(from_fn_with_state(state.clone(), security_headers))
        .layer(TraceLayer::new_for_http())
        .layer(from_fn_with_state(state.clone(), crate::requests::log))
        .with_state(state)
}

/// The headers 1.12 and Pelican set on every answer that has none of its own (Pelican
/// `app/Http/Middleware/SetSecurityHeaders.php`): above all, the panel cannot be framed.
const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("x-xss-protection", "1; mode=block"),
    ("referrer-policy", "no-referrer-when-downgrade"),
];

async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if state.config.flavor.denies_framing() {
        let headers = response.headers_mut();
        for (name, value) in SECURITY_HEADERS {
            headers
                .entry(HeaderName::from_static(name))
                .or_insert(HeaderValue::from_static(value));
        }
    }
    response
}

async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::not_found().into_response()
    } else {
        (
            axum::http::StatusCode::NOT_FOUND,
            html::Html(html::page("Not Found", "404 | Not Found")),
        )
            .into_response()
    }
}
