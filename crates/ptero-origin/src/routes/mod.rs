//! HTTP routes, each module holding its handlers and the routes that reach them.

pub mod app_files;
pub mod ops;
pub mod panel_proxy;
pub mod servers;
pub mod session;
pub mod sso;
pub mod stream;

use axum::routing::any;
use axum::Router;
use ptero_api::origin::OriginErrorCode;

use crate::error::AppError;
use crate::state::AppState;

/// The CORS-guarded API (`/v1/*`).
pub fn api() -> Router<AppState> {
    Router::new()
        .merge(session::routes())
        .merge(servers::routes())
        .merge(stream::routes())
        .merge(sso::api_routes())
        .route("/v1/{*rest}", any(api_not_found))
}

/// Unknown API paths answer JSON, not the app's index page.
async fn api_not_found() -> AppError {
    AppError::refused(OriginErrorCode::NotFound, "no such endpoint")
}
