//! `GET /servers/{server}/files/list` and `GET /servers/{server}/files/contents`, answered
//! from the seeded file tree with Wings' errors wrapped as the panel wraps them.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ptero_api::{FileList, List};

use super::access::UsableServer;
use super::power::wings_reachable;
use crate::error::ApiError;
use crate::paging::Params;
use crate::state::AppState;
use crate::world::files::{self, FileContent, WingsFailure};

/// `PTERODACTYL_FILES_MAX_EDIT_SIZE` default.
const MAX_EDIT_SIZE: u64 = 4_194_304;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/client/servers/{server}/files/list", get(files_list))
        .route(
            "/api/client/servers/{server}/files/contents",
            get(files_contents),
        )
}

fn wings_error(state: &AppState, failure: WingsFailure) -> ApiError {
    ApiError::from_wings(failure.status, failure.message, &state.random_uuid())
}

async fn files_list(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    query: Params,
) -> Result<Json<FileList>, ApiError> {
    access.require("file.read")?;
    wings_reachable(&state)?;
    let directory = query.get("directory").unwrap_or("/");
    let objects = match files::list(&access.server.files, directory) {
        Ok(entries) => entries
            .into_iter()
            .map(|node| files::file_object(node, access.node.utc_offset_minutes))
            .collect::<Vec<_>>(),
        Err(failure) => return Err(wings_error(&state, failure)),
    };
    Ok(Json(List::new("file_object", objects)))
}

async fn files_contents(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    query: Params,
) -> Result<Response, ApiError> {
    access.require("file.read-content")?;
    let file = query
        .get("file")
        .map(str::trim)
        .filter(|file| !file.is_empty())
        .ok_or_else(|| ApiError::invalid("file", "required", "The file field is required."))?
        .to_owned();
    wings_reachable(&state)?;
    match files::read(&access.server.files, &file) {
        Ok(FileContent::Text(text)) if (text.len() as u64) <= MAX_EDIT_SIZE => {
            Ok(([(CONTENT_TYPE, "text/plain")], text).into_response())
        }
        Ok(_) => Err(ApiError::file_too_large()),
        Err(failure) => Err(wings_error(&state, failure)),
    }
}
