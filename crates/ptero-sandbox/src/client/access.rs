//! Which server a Client API request is about, and what the caller may do on it (panel
//! `AuthenticateServerAccess` and `GetUserPermissionsService`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use ptero_api::{ConflictReason, ServerMeta};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::power::ServerRuntime;
use crate::state::{lock, AppState};
use crate::world::{Node, ServerRecord};

/// Permissions of a root admin on any server.
const ADMIN_PERMISSIONS: [&str; 4] = [
    "*",
    "admin.websocket.errors",
    "admin.websocket.install",
    "admin.websocket.transfer",
];

/// A server the caller may see, whatever its state (`GET /servers/{id}` and the
/// websocket token use this directly).
#[derive(Debug, Clone)]
pub struct ServerAccess {
    pub caller: Caller,
    pub server: ServerRecord,
    pub node: Node,
    /// `is_server_owner` and `user_permissions`, as `GET /servers/{id}` shows them.
    pub meta: ServerMeta,
}

impl ServerAccess {
    /// 403 "This action is unauthorized." unless `permission` is granted.
    pub fn require(&self, permission: &str) -> Result<(), ApiError> {
        if self.meta.can(permission) {
            Ok(())
        } else {
            Err(ApiError::unauthorized())
        }
    }

    /// Why the server refuses most actions now, in the panel's order
    /// (`ServerStateConflictException`).
    pub fn conflict(&self) -> Option<ConflictReason> {
        if self.server.is_suspended() {
            Some(ConflictReason::Suspended)
        } else if self.node.maintenance {
            Some(ConflictReason::Maintenance)
        } else if self.server.is_installing() {
            Some(ConflictReason::Installing)
        } else if self.server.status == Some(ptero_api::ServerStatus::RestoringBackup) {
            Some(ConflictReason::Restoring)
        } else {
            None
        }
    }

    /// The server's process on Wings.
    pub fn runtime(&self, state: &AppState) -> Result<Arc<ServerRuntime>, ApiError> {
        state
            .runtimes
            .get(&self.server.uuid)
            .ok_or_else(ApiError::unexpected)
    }
}

/// Permissions of `caller` on `server`; `None` when the caller may not see it.
pub fn permissions(caller: &Caller, server: &ServerRecord) -> Option<ServerMeta> {
    let is_owner = server.owner_id == caller.user.id;
    if caller.user.root_admin || is_owner {
        let list: &[&str] = if caller.user.root_admin {
            &ADMIN_PERMISSIONS
        } else {
            &ADMIN_PERMISSIONS[..1]
        };
        return Some(ServerMeta {
            is_server_owner: is_owner,
            user_permissions: list.iter().map(|p| (*p).to_owned()).collect(),
        });
    }
    server
        .subusers
        .iter()
        .find(|sub| sub.user_id == caller.user.id)
        .map(|sub| ServerMeta {
            is_server_owner: false,
            user_permissions: sub.permissions.clone(),
        })
}

/// Resolves `{server}` for the caller: 404 when unknown or not visible.
pub fn resolve(state: &AppState, caller: Caller, id: &str) -> Result<ServerAccess, ApiError> {
    let world = lock(&state.world);
    let server = world.server(id).ok_or_else(ApiError::not_found)?;
    let meta = permissions(&caller, server).ok_or_else(ApiError::not_visible)?;
    let node = world
        .node(server.node_id)
        .cloned()
        .ok_or_else(ApiError::unexpected)?;
    Ok(ServerAccess {
        caller,
        server: server.clone(),
        node,
        meta,
    })
}

impl FromRequestParts<AppState> for ServerAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(ApiError::unauthenticated)?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        let id = params.get("server").ok_or_else(ApiError::not_found)?;
        resolve(state, caller, id)
    }
}

/// A server the caller may see *and* act on: 409 while suspended, on a node under
/// maintenance, installing, or restoring a backup.
#[derive(Debug, Clone)]
pub struct UsableServer(pub ServerAccess);

impl FromRequestParts<AppState> for UsableServer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let access = ServerAccess::from_request_parts(parts, state).await?;
        match access.conflict() {
            Some(reason) => Err(ApiError::conflict(&reason)),
            None => Ok(Self(access)),
        }
    }
}
