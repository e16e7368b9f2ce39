//! Wings: one listener per node, each serving its servers' websockets and the signed-URL
//! routes browsers call directly (downloads, uploads, backup downloads).

mod limiter;
mod socket;
pub mod token;
mod transfer;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// What a node's handlers need: the shared state and which node they are.
#[derive(Clone)]
pub struct WingsState {
    pub app: AppState,
    pub node_id: u64,
}

/// The Wings app of one node.
pub fn app(state: AppState, node_id: u64) -> Router {
    let wings = WingsState {
        // Several files per upload, each up to the limit.
        app: state,
        node_id,
    };
    let upload_body =
        usize::try_from(wings.app.config.upload_limit_mib * 1024 * 1024 * 4).unwrap_or(usize::MAX);
    Router::new()
        .route("/api/servers/{server}/ws", get(socket::socket_open))
        .route("/download/file", get(transfer::download_file))
        .route("/download/backup", get(transfer::download_backup))
        .route(
            "/upload/file",
            post(transfer::upload_files).layer(DefaultBodyLimit::max(upload_body)),
        )
        .layer(from_fn_with_state(wings.clone(), transfer::cors))
        .with_state(wings)
}
