//! The Client API (`/api/client`), with the panel's middleware as layers: request
//! counting, faults, key authentication, the per-user rate limit, and CORS.

mod access;
mod account;
mod account_keys;
mod activity;
mod backups;
mod databases;
mod file_actions;
mod files;
mod manage;
mod network;
mod power;
mod schedules;
mod servers;
mod settings;
mod signed;
mod startup;
mod subusers;
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
        .merge(schedules::routes())
        .merge(databases::routes())
        .merge(subusers::routes())
        .merge(network::routes())
        .merge(activity::routes())
        .merge(account_keys::routes(state.config.flavor))
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
