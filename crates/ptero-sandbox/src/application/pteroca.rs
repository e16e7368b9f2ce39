//! `GET /api/application/pteroca/version` (PteroCA addon): a bare object, not an
//! envelope; the panel's 404 while the `pteroca_missing` fault is on.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ptero_api::PterocaVersion;

use crate::error::ApiError;
use crate::seed::PTEROCA_ADDON_VERSION;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/application/pteroca/version", get(version_show))
}

async fn version_show(State(state): State<AppState>) -> Result<Json<PterocaVersion>, ApiError> {
    if state.faults.get().pteroca_missing {
        return Err(ApiError::not_found());
    }
    Ok(Json(PterocaVersion {
        name: "PteroCA Pterodactyl Addon".to_owned(),
        version: PTEROCA_ADDON_VERSION.to_owned(),
        description: Some("Integration endpoints for PteroCA".to_owned()),
        installed: true,
    }))
}
