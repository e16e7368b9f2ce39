//! Wings: one listener per node, each serving its servers' websockets.

mod limiter;
mod socket;
pub mod token;

use axum::routing::get;
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
    Router::new()
        .route("/api/servers/{server}/ws", get(socket::socket_open))
        .with_state(WingsState {
            app: state,
            node_id,
        })
}
