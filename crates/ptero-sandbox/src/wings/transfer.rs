//! Wings' signed-URL routes, which browsers call directly with the panel's one-time
//! 15-minute tokens (wings `router/router_download.go`, `router_server_files.go`
//! `postServerUploadFiles`): `GET /download/file`, `POST /upload/file` (multipart
//! `files`, `?directory=`), `GET /download/backup`. Wings' CORS headers are on every
//! answer (`middleware.SetAccessControlHeaders`), preflights included.

use axum::body::Body;
use axum::extract::{Multipart, Query, Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE, CONTENT_DISPOSITION, CONTENT_LENGTH,
    CONTENT_TYPE, ORIGIN,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ptero_api::WingsUrlClaims;
use serde::Deserialize;
use serde_json::json;

use super::token::{self, Refusal};
use super::WingsState;
use crate::clock;
use crate::state::lock;
use crate::world::file_ops;
use crate::world::files::{self, FileKind};

/// Wings' 404 for an unknown server, a used token or a token of the wrong scope.
const NOT_FOUND: &str = "The requested resource was not found on this server.";

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
    #[serde(default)]
    directory: String,
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// Wings' answer to an error it has no sentence for (a bad or expired JWT), with the
/// request id it logs.
fn unexpected(wings: &WingsState) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({
            "error": file_ops::UNEXPECTED.message,
            "request_id": wings.app.random_uuid(),
        })),
    )
        .into_response()
}

/// Why Wings refuses a signed URL.
enum Refused {
    /// A bad signature or an expired token: Wings' generic 500.
    Unexpected,
    /// An unknown server, a second use, or (1.12, Pelican) the wrong scope.
    NotFound,
}

impl Refused {
    fn answer(self, wings: &WingsState) -> Response {
        match self {
            Refused::Unexpected => unexpected(wings),
            Refused::NotFound => error(StatusCode::NOT_FOUND, NOT_FOUND),
        }
    }
}

/// The token's claims for `scope`, or why Wings refuses it.
fn verified(wings: &WingsState, token: &str, scope: &str) -> Result<WingsUrlClaims, Refused> {
    let daemon_token = lock(&wings.app.world)
        .node(wings.node_id)
        .map(|node| node.daemon_token.clone())
        .ok_or(Refused::Unexpected)?;
    let claims = match token::verify_url(token, &daemon_token) {
        Ok(claims) => claims,
        Err(Refusal::Invalid(_) | Refusal::Expired) => return Err(Refused::Unexpected),
    };
    let on_node = lock(&wings.app.world)
        .servers
        .iter()
        .any(|server| server.uuid == claims.server_uuid && server.node_id == wings.node_id);
    let first_use = lock(&wings.app.used_tokens).insert(claims.unique_id.clone());
    let scoped = !wings.app.config.flavor.scoped_tokens() || claims.has_scope(scope);
    if !on_node || !first_use || !scoped {
        return Err(Refused::NotFound);
    }
    Ok(claims)
}

fn claims(wings: &WingsState, token: &str, scope: &str) -> Result<WingsUrlClaims, Box<Response>> {
    verified(wings, token, scope).map_err(|refused| Box::new(refused.answer(wings)))
}

fn attachment(name: &str, length: u64, body: Body) -> Response {
    let quoted = format!("attachment; filename={}", serde_json::Value::from(name));
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    if let Ok(value) = HeaderValue::from_str(&quoted) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    response
}

/// `length` zero bytes, in chunks (a large file whose bytes the sandbox does not keep).
fn zeros(length: u64) -> Body {
    const CHUNK: u64 = 64 * 1024;
    let chunks = (0..length.div_ceil(CHUNK)).map(move |index| {
        let size = CHUNK.min(length - index * CHUNK) as usize;
        Ok::<_, std::convert::Infallible>(vec![0u8; size])
    });
    Body::from_stream(futures_util::stream::iter(chunks))
}

pub async fn download_file(
    State(wings): State<WingsState>,
    Query(query): Query<TokenQuery>,
) -> Response {
    let claims = match claims(&wings, &query.token, "file-download") {
        Ok(claims) => claims,
        Err(refused) => return *refused,
    };
    let path = files::clean_path(claims.file_path.as_deref().unwrap_or("/"));
    let world = lock(&wings.app.world);
    let Some(node) = world
        .servers
        .iter()
        .find(|server| server.uuid == claims.server_uuid)
        .and_then(|server| files::find(&server.files, &path))
    else {
        return (
            StatusCode::NOT_FOUND,
            Json(
                json!({"error": "The requested resources was not found on the system.",
                        "request_id": wings.app.random_uuid()}),
            ),
        )
            .into_response();
    };
    let name = files::name_of(&path).to_owned();
    match &node.kind {
        FileKind::File {
            content: Some(text),
            ..
        } => attachment(&name, text.len() as u64, Body::from(text.clone())),
        FileKind::File {
            content: None,
            size,
        }
        | FileKind::Archive { size, .. } => attachment(&name, *size, zeros(*size)),
        FileKind::Directory | FileKind::Symlink { .. } => error(StatusCode::NOT_FOUND, NOT_FOUND),
    }
}

pub async fn download_backup(
    State(wings): State<WingsState>,
    Query(query): Query<TokenQuery>,
) -> Response {
    let claims = match claims(&wings, &query.token, "backup-download") {
        Ok(claims) => claims,
        Err(refused) => return *refused,
    };
    let uuid = claims.backup_uuid.unwrap_or_default();
    let world = lock(&wings.app.world);
    let backup = world
        .servers
        .iter()
        .find(|server| server.uuid == claims.server_uuid)
        .and_then(|server| server.backups.iter().find(|b| b.uuid == uuid))
        .filter(|backup| backup.successful);
    let Some(backup) = backup else {
        return error(
            StatusCode::NOT_FOUND,
            "The requested backup was not found on this server.",
        );
    };
    // The archive is not kept; its listing stands in for the bytes (gzip's magic first).
    let mut body = vec![0x1f, 0x8b, 0x08, 0x00];
    for node in &backup.snapshot {
        body.extend_from_slice(node.path.as_bytes());
        body.push(b'\n');
    }
    attachment(
        &format!("{uuid}.tar.gz"),
        body.len() as u64,
        Body::from(body),
    )
}

pub async fn upload_files(
    State(wings): State<WingsState>,
    Query(query): Query<TokenQuery>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let claims = match claims(&wings, &query.token, "file-upload") {
        Ok(claims) => claims,
        Err(refused) => return *refused,
    };
    let Ok(mut form) = form else {
        return error(
            StatusCode::BAD_REQUEST,
            "Failed to get multipart form data from request.",
        );
    };
    let limit_mib = wings.app.config.upload_limit_mib;
    let mut received = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("files") => {
                let name = field
                    .file_name()
                    .map(files::name_of)
                    .unwrap_or("")
                    .to_owned();
                let Ok(bytes) = field.bytes().await else {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "Failed to get multipart form data from request.",
                    );
                };
                if bytes.len() as u64 > limit_mib * 1024 * 1024 {
                    let message = format!(
                        "File {name} is larger than the maximum file upload size of {limit_mib} MB."
                    );
                    return error(StatusCode::BAD_REQUEST, &message);
                }
                received.push((name, bytes));
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Failed to get multipart form data from request.",
                )
            }
        }
    }
    if received.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "No files were found on the request body.",
        );
    }
    let now = clock::now_unix();
    let mut world = lock(&wings.app.world);
    let Some(server) = world.server_mut(&claims.server_uuid) else {
        return error(StatusCode::NOT_FOUND, NOT_FOUND);
    };
    for (name, bytes) in received {
        let path = ptero_api::join_path(&query.directory, &name);
        if let Err(failure) = file_ops::write(&mut server.files, &path, &bytes, now) {
            return (
                StatusCode::from_u16(failure.status).unwrap_or(StatusCode::BAD_REQUEST),
                Json(json!({"error": failure.message, "request_id": wings.app.random_uuid()})),
            )
                .into_response();
        }
    }
    StatusCode::OK.into_response()
}

/// Wings' CORS headers on every answer: the panel's URL, or the request's `Origin` when
/// `allowed_origins` lists it (or has `*`); a preflight ends here with 204.
pub async fn cors(State(wings): State<WingsState>, request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(ORIGIN)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let panel = wings.app.panel_url.to_string();
    let allowed = &wings.app.config.node_allowed_origins;
    let allow = match &origin {
        Some(origin) if *origin != panel => allowed
            .iter()
            .find(|o| o.as_str() == "*" || o.as_str() == origin.as_str())
            .cloned()
            .unwrap_or(panel),
        _ => panel,
    };
    let mut response = if request.method() == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    set(headers, ACCESS_CONTROL_ALLOW_ORIGIN, &allow);
    set(headers, ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    set(
        headers,
        ACCESS_CONTROL_ALLOW_METHODS,
        "GET, POST, PATCH, PUT, DELETE, OPTIONS",
    );
    set(headers, ACCESS_CONTROL_ALLOW_HEADERS, "Accept, Accept-Encoding, Authorization, Cache-Control, Content-Type, Content-Length, Origin, X-Real-IP, X-CSRF-Token");
    set(headers, ACCESS_CONTROL_MAX_AGE, "7200");
    response
}
