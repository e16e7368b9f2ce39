//! The application API slice (`/api/application`): users, servers, suspending them, the
//! nextscale addon's per-user client keys and free allocations, and the PteroCA addon's
//! version. Application keys, or a root admin's client key; 240 requests per minute.

mod keys;
mod nodes;
mod pteroca;
mod servers;
mod suspension;
mod users;

use axum::middleware::from_fn_with_state;
use axum::Router;

use crate::state::AppState;
use crate::{auth, faults, ratelimit, requests};

pub fn router(state: &AppState) -> Router<AppState> {
    let routes = Router::new()
        .merge(users::routes())
        .merge(keys::routes())
        .merge(nodes::routes())
        .merge(pteroca::routes())
        .merge(servers::routes())
        .merge(suspension::routes())
        .route_layer(from_fn_with_state(state.clone(), ratelimit::application))
        .route_layer(from_fn_with_state(state.clone(), auth::application))
        .route_layer(from_fn_with_state(state.clone(), faults::http))
        .route_layer(from_fn_with_state(state.clone(), requests::count));
    // The panel's CORS paths cover `/api/application` too (`config/cors.php`).
    match crate::cors::layer(&state.cors_origins) {
        Some(cors) => routes.layer(cors),
        None => routes,
    }
}
