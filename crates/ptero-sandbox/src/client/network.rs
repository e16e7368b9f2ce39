//! `/servers/{server}/network/allocations` (panel `NetworkAllocationController`,
//! `FindAssignableAllocationService`): the server's ports with notes; make one primary;
//! add one within the server's limit (a free port of the primary's address, or a new
//! one in the node's range); remove one that is not primary.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ptero_api::network::MAX_NOTES;
use ptero_api::resource_limits::Resource;
use ptero_api::{Allocation, AllocationItem, AllocationList, Item, List};
use serde_json::json;

use super::access::{ServerAccess, UsableServer};
use super::manage::{self, Peer};
use crate::error::ApiError;
use crate::input::{self, Checks};
use crate::state::{lock, AppState};
use crate::world::manage::Subject;
use crate::world::{NodeAllocation, World};

const BASE: &str = "/api/client/servers/{server}/network/allocations";
/// The port range the panel creates allocations in (`client_features.allocations`).
const RANGE: (u16, u16) = (25565, 25700);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(allocations_index).post(allocations_store))
        .route(
            &format!("{BASE}/{{allocation}}"),
            post(allocations_update).delete(allocations_delete),
        )
        .route(
            &format!("{BASE}/{{allocation}}/primary"),
            post(allocations_primary),
        )
}

fn object(allocation: &NodeAllocation) -> Allocation {
    Allocation {
        id: allocation.id,
        ip: allocation.ip.clone(),
        ip_alias: allocation.alias.clone(),
        port: allocation.port,
        notes: allocation.notes.clone(),
        is_default: allocation.primary,
    }
}

fn address(allocation: &NodeAllocation) -> String {
    format!(
        "{}:{}",
        allocation.alias.as_deref().unwrap_or(&allocation.ip),
        allocation.port
    )
}

/// The server's allocation named in the path; 404 for another's.
fn allocation_mut<'a>(
    world: &'a mut World,
    access: &ServerAccess,
    params: &HashMap<String, String>,
) -> Result<&'a mut NodeAllocation, ApiError> {
    let id: u64 = params
        .get("allocation")
        .and_then(|id| id.parse().ok())
        .ok_or_else(ApiError::not_found)?;
    world
        .nodes
        .iter_mut()
        .filter(|node| node.id == access.server.node_id)
        .flat_map(|node| node.allocations.iter_mut())
        .find(|a| a.id == id && a.server.as_deref() == Some(access.server.uuid.as_str()))
        .ok_or_else(ApiError::not_found)
}

async fn allocations_index(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
) -> Result<Json<AllocationList>, ApiError> {
    access.require("allocation.read")?;
    let world = lock(&state.world);
    let server = world
        .server(&access.server.uuid)
        .ok_or_else(ApiError::not_found)?;
    let items: Vec<Allocation> = world
        .allocations_of(server)
        .into_iter()
        .map(object)
        .collect();
    Ok(Json(List::new("allocation", items)))
}

async fn allocations_store(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    peer: Peer,
) -> Result<Json<AllocationItem>, ApiError> {
    manage::throttle(&state, Resource::AllocationCreate, &access.server.uuid)?;
    access.require("allocation.create")?;
    let created = {
        let mut world = lock(&state.world);
        let server = world
            .server(&access.server.uuid)
            .ok_or_else(ApiError::not_found)?;
        let count = world.allocations_of(server).len() as u64;
        // PHP compares a missing limit as 0: no limit means no more allocations.
        let limit = access
            .server
            .feature_limits
            .allocations
            .map_or(0, u64::from);
        if count >= limit {
            return Err(manage::refused(
                "DisplayException",
                "Cannot assign additional allocations to this server: limit has been reached.",
            ));
        }
        let primary_ip = world
            .allocations_of(server)
            .into_iter()
            .find(|a| a.primary)
            .map(|a| a.ip.clone())
            .unwrap_or_default();
        let next_id = world
            .nodes
            .iter()
            .flat_map(|n| &n.allocations)
            .map(|a| a.id)
            .max()
            .unwrap_or(0)
            + 1;
        let node = world
            .nodes
            .iter_mut()
            .find(|node| node.id == access.server.node_id)
            .ok_or_else(ApiError::unexpected)?;
        let free = node
            .allocations
            .iter()
            .position(|a| a.server.is_none() && a.ip == primary_ip);
        let index = match free {
            Some(index) => index,
            None => {
                let taken: Vec<u16> = node
                    .allocations
                    .iter()
                    .filter(|a| a.ip == primary_ip)
                    .map(|a| a.port)
                    .collect();
                let port = (RANGE.0..=RANGE.1)
                    .find(|port| !taken.contains(port))
                    .ok_or_else(|| {
                        manage::refused(
                            "NoAutoAllocationSpaceAvailableException",
                            "Cannot assign additional allocation: no more space available on node.",
                        )
                    })?;
                let alias = node
                    .allocations
                    .iter()
                    .find(|a| a.ip == primary_ip)
                    .and_then(|a| a.alias.clone());
                node.allocations.push(NodeAllocation {
                    id: next_id,
                    ip: primary_ip,
                    alias,
                    port,
                    notes: None,
                    server: None,
                    primary: false,
                });
                node.allocations.len() - 1
            }
        };
        let allocation = &mut node.allocations[index];
        allocation.server = Some(access.server.uuid.clone());
        allocation.primary = false;
        allocation.clone()
    };
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:allocation.create",
        json!({"allocation": address(&created)}),
        Subject::Server(access.server.uuid.clone()),
    );
    Ok(Json(Item::new("allocation", object(&created))))
}

async fn allocations_update(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
    peer: Peer,
    body: Bytes,
) -> Result<Json<AllocationItem>, ApiError> {
    let body = input::object(&body)?;
    let (updated, old) = {
        let mut world = lock(&state.world);
        let allocation = allocation_mut(&mut world, &access, &params)?;
        access.require("allocation.update")?;
        let mut checks = Checks::default();
        if !body.contains_key("notes") {
            checks.fail(
                "notes",
                "present",
                "The notes field must be present.".into(),
            );
        }
        let notes = checks.optional_text(body.get("notes"), "notes");
        if notes
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTES)
        {
            checks.fail(
                "notes",
                "max",
                format!("The notes may not be greater than {MAX_NOTES} characters."),
            );
        }
        checks.finish()?;
        let old = std::mem::replace(&mut allocation.notes, notes);
        (allocation.clone(), old)
    };
    if old != updated.notes {
        let properties = json!({"allocation": address(&updated), "old": old, "new": updated.notes});
        manage::log(
            &state,
            &access.caller,
            &peer,
            "server:allocation.notes",
            properties,
            Subject::Server(access.server.uuid.clone()),
        );
    }
    Ok(Json(Item::new("allocation", object(&updated))))
}

async fn allocations_primary(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
    peer: Peer,
) -> Result<Json<AllocationItem>, ApiError> {
    let primary = {
        let mut world = lock(&state.world);
        let id = allocation_mut(&mut world, &access, &params)?.id;
        access.require("allocation.update")?;
        let mut chosen = None;
        for node in world
            .nodes
            .iter_mut()
            .filter(|n| n.id == access.server.node_id)
        {
            for allocation in node
                .allocations
                .iter_mut()
                .filter(|a| a.server.as_deref() == Some(access.server.uuid.as_str()))
            {
                allocation.primary = allocation.id == id;
                if allocation.primary {
                    chosen = Some(allocation.clone());
                }
            }
        }
        chosen.ok_or_else(ApiError::not_found)?
    };
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:allocation.primary",
        json!({"allocation": address(&primary)}),
        Subject::Server(access.server.uuid.clone()),
    );
    Ok(Json(Item::new("allocation", object(&primary))))
}

async fn allocations_delete(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
    peer: Peer,
) -> Result<StatusCode, ApiError> {
    let removed = {
        let mut world = lock(&state.world);
        let allocation = allocation_mut(&mut world, &access, &params)?;
        access.require("allocation.delete")?;
        if access
            .server
            .feature_limits
            .allocations
            .is_none_or(|limit| limit == 0)
        {
            return Err(manage::refused(
                "DisplayException",
                "You cannot delete allocations for this server: no allocation limit is set.",
            ));
        }
        if allocation.primary {
            return Err(manage::refused(
                "DisplayException",
                "You cannot delete the primary allocation for this server.",
            ));
        }
        allocation.server = None;
        allocation.notes = None;
        allocation.clone()
    };
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:allocation.delete",
        json!({"allocation": address(&removed)}),
        Subject::Server(access.server.uuid.clone()),
    );
    Ok(StatusCode::NO_CONTENT)
}
