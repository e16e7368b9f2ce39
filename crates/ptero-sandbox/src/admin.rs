//! The sandbox's own control endpoints under `/__sandbox`: request counters, faults,
//! crashes, backup events, the addon's audit log, open sockets, and the nodes' socket
//! addresses.
//! They answer CORS for the same origins as the Client API, so a browser test running on
//! an allowed origin can switch faults itself.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ptero_api::{BackupCompleted, Inbound};
use serde::Serialize;

use crate::faults::FaultSet;
use crate::requests::{LoggedRequest, RequestCount};
use crate::state::{lock, AppState};
use crate::world::AuditEntry;

pub fn routes(state: &AppState) -> Router<AppState> {
    let routes = Router::new()
        .route(
            "/__sandbox/requests",
            get(requests_index).delete(requests_reset),
        )
        .route("/__sandbox/requests/log", get(requests_log))
        .route(
            "/__sandbox/faults",
            get(faults_show).put(faults_replace).delete(faults_clear),
        )
        .route("/__sandbox/servers/{server}/crash", post(server_crash))
        .route("/__sandbox/servers/{server}/backup", post(server_backup))
        .route("/__sandbox/audit", get(audit_index))
        .route("/__sandbox/sockets", get(sockets_index))
        .route("/__sandbox/nodes", get(nodes_index));
    match crate::cors::layer(&state.cors_origins) {
        Some(cors) => routes.layer(cors),
        None => routes,
    }
}

/// Open Wings sockets per server (identifier), for benchmarks watching the 30-socket cap.
async fn sockets_index(
    State(state): State<AppState>,
) -> Json<std::collections::BTreeMap<String, usize>> {
    let servers: Vec<(String, String)> = lock(&state.world)
        .servers
        .iter()
        .map(|server| (server.identifier.clone(), server.uuid.clone()))
        .collect();
    Json(
        servers
            .into_iter()
            .filter_map(|(identifier, uuid)| {
                let open = state.runtimes.get(&uuid)?.sockets();
                (open > 0).then_some((identifier, open))
            })
            .collect(),
    )
}

async fn requests_index(State(state): State<AppState>) -> Json<Vec<RequestCount>> {
    Json(state.requests.snapshot())
}

async fn requests_log(State(state): State<AppState>) -> Json<Vec<LoggedRequest>> {
    Json(state.requests.log())
}

async fn requests_reset(State(state): State<AppState>) -> StatusCode {
    state.requests.reset();
    StatusCode::NO_CONTENT
}

async fn faults_show(State(state): State<AppState>) -> Json<FaultSet> {
    Json(state.faults.get())
}

async fn faults_replace(
    State(state): State<AppState>,
    faults: Result<Json<FaultSet>, JsonRejection>,
) -> Response {
    match faults {
        Ok(Json(faults)) => {
            state.faults.set(faults.clone());
            Json(faults).into_response()
        }
        Err(rejection) => (StatusCode::UNPROCESSABLE_ENTITY, rejection.body_text()).into_response(),
    }
}

async fn faults_clear(State(state): State<AppState>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

async fn server_crash(State(state): State<AppState>, Path(server): Path<String>) -> StatusCode {
    match state.runtime_of(&server) {
        Some(runtime) => {
            runtime.crash();
            StatusCode::NO_CONTENT
        }
        None => StatusCode::NOT_FOUND,
    }
}

/// Emits Wings' `backup completed` event (no `:uuid` suffix; the uuid is in the payload).
async fn server_backup(State(state): State<AppState>, Path(server): Path<String>) -> StatusCode {
    let Some(runtime) = state.runtime_of(&server) else {
        return StatusCode::NOT_FOUND;
    };
    runtime.emit(Inbound::BackupCompleted(BackupCompleted {
        uuid: state.random_uuid(),
        is_successful: true,
        checksum: crate::rng::digest_hex(&server) + "00000000",
        checksum_type: "sha1".to_owned(),
        file_size: 52_428_800,
    }));
    StatusCode::NO_CONTENT
}

async fn audit_index(State(state): State<AppState>) -> Json<Vec<AuditEntry>> {
    Json(lock(&state.world).audit.clone())
}

/// A node as the sandbox reports it (not a panel shape).
#[derive(Debug, Serialize)]
pub struct NodeInfo {
    pub id: u64,
    pub name: String,
    pub maintenance: bool,
    pub url: String,
}

async fn nodes_index(State(state): State<AppState>) -> Json<Vec<NodeInfo>> {
    Json(
        lock(&state.world)
            .nodes
            .iter()
            .map(|node| NodeInfo {
                id: node.id,
                name: node.name.clone(),
                maintenance: node.maintenance,
                url: node.base_url(),
            })
            .collect(),
    )
}
