//! `POST /api/application/servers/{id}/suspend` and `/unsuspend` (panel
//! `SuspensionController`, by internal id): 204. Suspending stops the process; Wings 1.12
//! closes the server's open sockets with 4409 (wings PR #287), 1.11 leaves them open.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use ptero_api::{PowerSignal, ServerStatus};

use crate::error::ApiError;
use crate::state::{lock, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/application/servers/{id}/suspend",
            post(server_suspend),
        )
        .route(
            "/api/application/servers/{id}/unsuspend",
            post(server_unsuspend),
        )
}

async fn server_suspend(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_suspended(&state, &id, true)
}

async fn server_unsuspend(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_suspended(&state, &id, false)
}

fn set_suspended(state: &AppState, id: &str, suspended: bool) -> Result<StatusCode, ApiError> {
    let uuid = {
        let mut world = lock(&state.world);
        let server = id
            .parse::<u64>()
            .ok()
            .and_then(|id| world.servers.iter_mut().find(|s| s.internal_id == id))
            .ok_or_else(ApiError::not_found)?;
        server.status = if suspended {
            Some(ServerStatus::Suspended)
        } else {
            None
        };
        server.uuid.clone()
    };
    if let Some(runtime) = state.runtimes.get(&uuid) {
        if suspended {
            let _ = runtime.power(PowerSignal::Kill);
        }
        runtime.set_suspended(suspended);
    }
    lock(&state.resources_cache).remove(&uuid);
    Ok(StatusCode::NO_CONTENT)
}
