//! The Client API (`/api/client`), with the panel's middleware as layers: request
//! counting, faults, key authentication, the per-user rate limit, and CORS.

mod access;
mod account;
mod backups;
mod file_actions;
mod files;
mod power;
mod servers;
mod settings;
mod signed;
mod startup;
mod transform;
mod websocket;

use axum::middleware::from_fn_with_state;
use axum::Router;

use crate::state::AppState;
use crate::{auth, cors, faults, ratelimit, requests};

pub fn router(state: &AppState) -> Router<AppState> {
    let routes = Router::new()
        .merge(servers::routes())
        .merge(account::routes())
        .merge(power::routes())
        .merge(files::routes())
        .merge(file_actions::routes())
        .merge(backups::routes())
        .merge(settings::routes(state.config.flavor))
        .merge(startup::routes())
        .merge(websocket::routes())
        // Last added runs first: count → faults → authenticate → rate limit → handler.
        .route_layer(from_fn_with_state(state.clone(), ratelimit::client))
        .route_layer(from_fn_with_state(state.clone(), auth::client))
        .route_layer(from_fn_with_state(state.clone(), faults::http))
        .route_layer(from_fn_with_state(state.clone(), requests::count));
    match cors::layer(&state.cors_origins) {
        Some(cors) => routes.layer(cors),
        None => routes,
    }
}
