//! The panel's router: Client API, application API, the panel's pages and SSO, and the
//! sandbox's control endpoints, under the content-negotiation and tracing layers.

use axum::http::Uri;
use axum::middleware::from_fn_with_state;
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
        // Outermost first: trace every request, then turn error envelopes into what the
        // panel gives clients that did not ask for JSON.
        .layer(from_fn_with_state(state.clone(), negotiate::browsers))
        .layer(TraceLayer::new_for_http())
        .layer(from_fn_with_state(state.clone(), crate::requests::log))
        .with_state(state)
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
