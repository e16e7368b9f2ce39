//! The file actions the panel relays to Wings (panel `FileController`, its
//! `Requests/Api/Client/Servers/Files/*` for permissions and rules): write, create a
//! folder, rename/move, copy, delete, chmod, compress, decompress, pull. Each answers 204
//! (compress: the archive's `file_object`), 403 without its permission, 422 with the
//! panel's rule sentences, Wings' refusals wrapped as `DaemonConnectionException`.
//! `files/pull` has its own throttle per flavour (`Flavor::file_pull_limit`), counted
//! after the server-access checks and before the permission check, as route middleware
//! runs before the FormRequest.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{post, put};
use axum::{Json, Router};
use ptero_api::{FileItem, Item, LimitScope};
use serde_json::{Map, Value};

use super::access::{ServerAccess, UsableServer};
use super::files::wings_error;
use super::power::wings_reachable;
use crate::clock;
use crate::error::ApiError;
use crate::input::{self, Checks};
use crate::paging::Params;
use crate::ratelimit::{self, Verdict};
use crate::state::{lock, AppState};
use crate::world::file_ops;
use crate::world::files::{file_object, FileNode, WingsFailure};

/// The editor's writes are the only large bodies here.
const WRITE_BODY_LIMIT: usize = 16 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    let at = |action: &str| format!("/api/client/servers/{{server}}/files/{action}");
    Router::new()
        .route(
            &at("write"),
            post(files_write).layer(DefaultBodyLimit::max(WRITE_BODY_LIMIT)),
        )
        .route(&at("create-folder"), post(files_create_folder))
        .route(&at("rename"), put(files_rename))
        .route(&at("copy"), post(files_copy))
        .route(&at("delete"), post(files_delete))
        .route(&at("chmod"), post(files_chmod))
        .route(&at("compress"), post(files_compress))
        .route(&at("decompress"), post(files_decompress))
        .route(&at("pull"), post(files_pull))
}

/// Runs `change` on the server's file tree (Wings' side of the action).
fn on_files<T>(
    state: &AppState,
    access: &ServerAccess,
    change: impl FnOnce(&mut Vec<FileNode>, u64) -> Result<T, WingsFailure>,
) -> Result<T, ApiError> {
    wings_reachable(state)?;
    let mut world = lock(&state.world);
    let server = world
        .server_mut(&access.server.uuid)
        .ok_or_else(ApiError::not_found)?;
    change(&mut server.files, clock::now_unix()).map_err(|failure| wings_error(state, failure))
}

/// `root` as the rules take it: `sometimes|nullable|string` defaults to `/`.
fn root_of(checks: &mut Checks, body: &Map<String, Value>) -> String {
    checks
        .optional_text(body.get("root"), "root")
        .unwrap_or_else(|| "/".to_owned())
}

/// `files` as `required|array` of strings (`files.*` `string`).
fn names(checks: &mut Checks, body: &Map<String, Value>) -> Vec<String> {
    let Some(items) = checks.required_array(body.get("files"), "files") else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| match item {
            Value::String(name) => Some(name.trim().to_owned()),
            _ => {
                let key = format!("files.{index}");
                checks.fail(&key, "string", format!("The {key} must be a string."));
                None
            }
        })
        .collect()
}

async fn files_write(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    query: Params,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    access.require("file.create")?;
    let file = query
        .get("file")
        .map(str::trim)
        .filter(|file| !file.is_empty())
        .ok_or_else(|| ApiError::invalid("file", "required", "The file field is required."))?
        .to_owned();
    on_files(&state, &access, |tree, now| {
        file_ops::write(tree, &file, &body, now)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

async fn files_create_folder(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    access.require("file.create")?;
    let mut checks = Checks::default();
    let root = root_of(&mut checks, &body);
    let name = checks.required_text(body.get("name"), "name");
    checks.finish()?;
    let name = name.unwrap_or_default();
    on_files(&state, &access, |tree, now| {
        file_ops::create_folder(tree, &root, &name, now)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

async fn files_rename(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    access.require("file.update")?;
    let mut checks = Checks::default();
    let root = root_required(&mut checks, &body);
    let mut moves = Vec::new();
    for (index, item) in checks
        .required_array(body.get("files"), "files")
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let Value::Object(entry) = item else {
            let key = format!("files.{index}");
            checks.fail(&key, "array", format!("The {key} must be an array."));
            continue;
        };
        let to = checks.required_text(entry.get("to"), &format!("files.{index}.to"));
        let from = checks.required_text(entry.get("from"), &format!("files.{index}.from"));
        if let (Some(from), Some(to)) = (from, to) {
            moves.push((from, to));
        }
    }
    checks.finish()?;
    on_files(&state, &access, |tree, now| {
        moves
            .iter()
            .try_for_each(|(from, to)| file_ops::rename(tree, &root, from, to, now))
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// `root` as `required|nullable|string`: present (an empty string reads as null and
/// fails `required`).
fn root_required(checks: &mut Checks, body: &Map<String, Value>) -> String {
    checks
        .required_text(body.get("root"), "root")
        .unwrap_or_else(|| "/".to_owned())
}

async fn files_copy(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    access.require("file.create")?;
    let mut checks = Checks::default();
    let location = checks.required_text(body.get("location"), "location");
    checks.finish()?;
    let location = location.unwrap_or_default();
    on_files(&state, &access, |tree, now| {
        file_ops::copy(tree, &location, now)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

async fn files_delete(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    access.require("file.delete")?;
    let mut checks = Checks::default();
    let root = root_required(&mut checks, &body);
    let files = names(&mut checks, &body);
    checks.finish()?;
    on_files(&state, &access, |tree, _| {
        file_ops::delete(tree, &root, &files)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

async fn files_chmod(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    access.require("file.update")?;
    let mut checks = Checks::default();
    let root = root_required(&mut checks, &body);
    let mut changes = Vec::new();
    for (index, item) in checks
        .required_array(body.get("files"), "files")
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let entry = item.as_object();
        let file = checks.required_text(
            entry.and_then(|e| e.get("file")),
            &format!("files.{index}.file"),
        );
        let key = format!("files.{index}.mode");
        let mode = match entry.and_then(|e| e.get("mode")) {
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::String(text)) if text.trim().parse::<f64>().is_ok() => {
                Some(text.trim().to_owned())
            }
            Some(Value::String(text)) if !text.trim().is_empty() => {
                checks.fail(&key, "numeric", format!("The {key} must be a number."));
                None
            }
            _ => {
                checks.fail(&key, "required", format!("The {key} field is required."));
                None
            }
        };
        if let (Some(file), Some(mode)) = (file, mode) {
            changes.push((file, mode));
        }
    }
    checks.finish()?;
    on_files(&state, &access, |tree, _| {
        changes
            .iter()
            .try_for_each(|(file, mode)| file_ops::chmod(tree, &root, file, mode))
    })?;
    Ok(StatusCode::NO_CONTENT)
}

async fn files_compress(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<Json<FileItem>, ApiError> {
    let body = input::object(&body)?;
    access.require("file.archive")?;
    let mut checks = Checks::default();
    let root = root_of(&mut checks, &body);
    let files = names(&mut checks, &body);
    checks.finish()?;
    let offset = access.node.utc_offset_minutes;
    // Wings names it `archive-{RFC 3339 time without colons}.tar.gz`.
    let stamp = clock::atom(clock::now_unix(), offset).replace(':', "");
    let archive = on_files(&state, &access, |tree, now| {
        file_ops::compress(tree, &root, &files, &stamp, now)
    })?;
    Ok(Json(Item::new(
        "file_object",
        file_object(&archive, offset),
    )))
}

async fn files_decompress(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    // Pterodactyl and Pelican both ask `file.create` here, not `file.archive`.
    access.require("file.create")?;
    let mut checks = Checks::default();
    let root = root_of(&mut checks, &body);
    let file = checks.required_text(body.get("file"), "file");
    checks.finish()?;
    let file = file.unwrap_or_default();
    on_files(&state, &access, |tree, now| {
        file_ops::decompress(tree, &root, &file, now)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// Laravel's `url` rule, as far as pulls need it: an http(s) URL with a host.
fn is_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !text.contains(char::is_whitespace)
    })
}

async fn files_pull(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let limit = state.config.flavor.file_pull_limit();
    let key = match limit.per {
        LimitScope::User => access.caller.user.uuid.clone(),
        LimitScope::Server => access.server.uuid.clone(),
    };
    if let Verdict::Limited { limit, retry_after } = state.pull_limiter.hit(&key) {
        return Err(ratelimit::too_many(limit, retry_after));
    }
    let body = input::object(&body)?;
    access.require("file.create")?;
    let mut checks = Checks::default();
    let url = checks.required_text(body.get("url"), "url");
    if let Some(url) = &url {
        if !is_url(url) {
            checks.fail("url", "url", "The url format is invalid.".to_owned());
        }
    }
    let directory = checks
        .optional_text(body.get("directory"), "directory")
        .unwrap_or_else(|| "/".to_owned());
    let filename = checks.optional_text(body.get("filename"), "filename");
    checks.boolean(body.get("use_header"), "use_header");
    checks.boolean(body.get("foreground"), "foreground");
    checks.finish()?;
    let url = url.unwrap_or_default();
    // Wings fetches it; the sandbox does not reach out, it writes what it would name the
    // file with a line saying where it came from.
    let name = file_ops::pulled_name(&url, filename.as_deref());
    let path = ptero_api::join_path(&directory, &name);
    let content = format!("pulled by the sandbox from {url}\n");
    on_files(&state, &access, |tree, now| {
        file_ops::write(tree, &path, content.as_bytes(), now)
    })?;
    Ok(StatusCode::NO_CONTENT)
}
