//! `GET /servers/{server}/files/list`, `/files/contents`, and the signed URLs
//! `/files/download` and `/files/upload`, answered from the seeded file tree with Wings'
//! errors wrapped as the panel wraps them. The actions are in `file_actions.rs`.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ptero_api::{FileList, List, SignedUrlItem};

use super::access::UsableServer;
use super::power::wings_reachable;
use super::signed::{raw_url_decode, signed};
use crate::error::ApiError;
use crate::paging::Params;
use crate::state::AppState;
use crate::wings::token::UrlPurpose;
use crate::world::files::{self, FileContent, WingsFailure};

/// `PTERODACTYL_FILES_MAX_EDIT_SIZE` default.
pub const MAX_EDIT_SIZE: u64 = 4_194_304;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/client/servers/{server}/files/list", get(files_list))
        .route(
            "/api/client/servers/{server}/files/contents",
            get(files_contents),
        )
        .route(
            "/api/client/servers/{server}/files/download",
            get(files_download),
        )
        .route(
            "/api/client/servers/{server}/files/upload",
            get(files_upload),
        )
}

/// Wings refused: 4xx with its sentence, 5xx with the panel's own (panel
/// `DaemonConnectionException`).
pub fn wings_error(state: &AppState, failure: WingsFailure) -> ApiError {
    if failure.status >= 500 {
        return ApiError::new(ptero_api::ErrorEnvelope::single(
            "DaemonConnectionException",
            failure.status,
            format!(
                "There was an error while communicating with the machine running this server. This error has been logged, please try again. (code: {}) (request_id: {})",
                failure.status,
                state.random_uuid()
            ),
        ));
    }
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

/// The `file` query value (`required|string`).
fn file_param(query: &Params) -> Result<String, ApiError> {
    query
        .get("file")
        .map(str::trim)
        .filter(|file| !file.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| ApiError::invalid("file", "required", "The file field is required."))
}

async fn files_contents(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    query: Params,
) -> Result<Response, ApiError> {
    access.require("file.read-content")?;
    let file = file_param(&query)?;
    wings_reachable(&state)?;
    match files::read(&access.server.files, &file) {
        Ok(FileContent::Text(text)) if (text.len() as u64) <= MAX_EDIT_SIZE => {
            Ok(([(CONTENT_TYPE, "text/plain")], text).into_response())
        }
        Ok(_) => Err(ApiError::file_too_large()),
        Err(failure) => Err(wings_error(&state, failure)),
    }
}

/// A one-time URL on Wings for the file (`file.read-content`, as the panel's
/// `GetFileContentsRequest` asks); the panel does not ask Wings whether it exists.
async fn files_download(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    query: Params,
) -> Result<Json<SignedUrlItem>, ApiError> {
    access.require("file.read-content")?;
    let file = raw_url_decode(&file_param(&query)?);
    signed(&state, &access, UrlPurpose::Download { file })
}

/// A one-time URL on Wings to upload to (`file.create`); the browser adds
/// `&directory=`.
async fn files_upload(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
) -> Result<Json<SignedUrlItem>, ApiError> {
    access.require("file.create")?;
    signed(&state, &access, UrlPurpose::Upload)
}
