//! `/servers/{server}/databases` (panel `DatabaseController`,
//! `DeployServerDatabaseService`, `DatabaseManagementService`): list (`?include=password`
//! for users with `database.view_password`), create within the server's limit on a
//! host of its node, rotate the password, delete.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use ptero_api::databases::{DatabasePassword, DatabaseRelationships};
use ptero_api::resource_limits::Resource;
use ptero_api::{Database, DatabaseHost, DatabaseItem, DatabaseList, Item, List, Relation};
use serde_json::json;

use super::access::{ServerAccess, UsableServer};
use super::manage::{self, Peer};
use crate::error::ApiError;
use crate::input::{self, Checks};
use crate::paging::Params;
use crate::state::{lock, AppState};
use crate::world::manage::{database_hashid, DatabaseRecord, ManageData, Subject};

const BASE: &str = "/api/client/servers/{server}/databases";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(databases_index).post(databases_store))
        .route(
            &format!("{BASE}/{{database}}/rotate-password"),
            post(databases_rotate),
        )
        .route(&format!("{BASE}/{{database}}"), delete(databases_delete))
}

fn database_object(
    data: &ManageData,
    record: &DatabaseRecord,
    access: &ServerAccess,
    with_password: bool,
) -> Database {
    let host = data.host(record.host_id);
    let password = with_password.then(|| {
        if access.meta.can("database.view_password") {
            Relation::Item(Item::new(
                "database_password",
                DatabasePassword {
                    password: record.password.clone(),
                },
            ))
        } else {
            Relation::Null
        }
    });
    Database {
        id: database_hashid(record.id),
        host: DatabaseHost {
            address: host.map(|h| h.address.clone()).unwrap_or_default(),
            port: host.map_or(3306, |h| h.port),
        },
        name: record.name.clone(),
        username: record.username.clone(),
        connections_from: record.remote.clone(),
        max_connections: record.max_connections,
        relationships: password.map(|password| DatabaseRelationships {
            password: Some(password),
        }),
    }
}

async fn databases_index(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    query: Params,
) -> Result<Json<DatabaseList>, ApiError> {
    access.require("database.read")?;
    let with_password = query
        .get("include")
        .is_some_and(|include| include.split(',').any(|word| word.trim() == "password"));
    let world = lock(&state.world);
    let data = &world.manage;
    let items: Vec<Database> = data
        .databases_of(&access.server.uuid)
        .map(|record| database_object(data, record, &access, with_password))
        .collect();
    Ok(Json(List::new("server_database", items)))
}

/// The database named by its hashid in the path; 404 for another server's.
fn find(
    data: &ManageData,
    access: &ServerAccess,
    params: &HashMap<String, String>,
) -> Result<u64, ApiError> {
    let hashid = params.get("database").ok_or_else(ApiError::not_found)?;
    data.databases_of(&access.server.uuid)
        .find(|record| database_hashid(record.id) == *hashid)
        .map(|record| record.id)
        .ok_or_else(ApiError::not_found)
}

fn is_alpha_dash(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

async fn databases_store(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    peer: Peer,
    body: Bytes,
) -> Result<Json<DatabaseItem>, ApiError> {
    manage::throttle(&state, Resource::DatabaseCreate, &access.server.uuid)?;
    let body = input::object(&body)?;
    access.require("database.create")?;
    let prefix = format!("s{}_", access.server.internal_id);
    let mut checks = Checks::default();
    let name = checks.required_text(body.get("database"), "database");
    if let Some(name) = &name {
        let len = name.chars().count();
        if !is_alpha_dash(name) {
            checks.fail(
                "database",
                "alpha_dash",
                "The database may only contain letters, numbers, and dashes.".into(),
            );
        }
        if len < 3 {
            checks.fail(
                "database",
                "min",
                "The database must be at least 3 characters.".into(),
            );
        }
        if len > 48 {
            checks.fail(
                "database",
                "max",
                "The database may not be greater than 48 characters.".into(),
            );
        }
    }
    let remote = checks.required_text(body.get("remote"), "remote");
    if remote.as_ref().is_some_and(|r| {
        !r.chars()
            .all(|c| c.is_alphanumeric() || "_-/.%:".contains(c))
    }) {
        checks.fail("remote", "regex", "The remote format is invalid.".into());
    }
    let full_name = name.as_ref().map(|name| {
        let room = 48usize.saturating_sub(prefix.len());
        format!("{prefix}{}", name.chars().take(room).collect::<String>())
    });
    {
        let world = lock(&state.world);
        if full_name.as_ref().is_some_and(|full| {
            world
                .manage
                .databases_of(&access.server.uuid)
                .any(|d| &d.name == full)
        }) {
            checks.fail(
                "database",
                "unique",
                "The database name you have selected is already in use by this server.".into(),
            );
        }
    }
    checks.finish()?;
    let object = {
        let mut world = lock(&state.world);
        let node = access.server.node_id;
        let host_id = world
            .manage
            .database_hosts
            .iter()
            .find(|host| host.node_id == Some(node))
            .map(|host| host.id)
            .ok_or_else(|| {
                manage::refused(
                    "NoSuitableDatabaseHostException",
                    "No database host was found that meets the requirements for this server.",
                )
            })?;
        let count = world.manage.databases_of(&access.server.uuid).count() as u64;
        let limit = access.server.feature_limits.databases;
        if limit.is_some_and(|limit| count >= u64::from(limit)) {
            return Err(manage::refused(
                "TooManyDatabasesException",
                "Operation aborted: creating a new database would put this server over the defined limit.",
            ));
        }
        let id = world.manage.next_id();
        let record = DatabaseRecord {
            id,
            server_uuid: access.server.uuid.clone(),
            host_id,
            name: full_name.unwrap_or_default(),
            username: format!(
                "u{}_{}",
                access.server.internal_id,
                state.random_alphanumeric(10)
            ),
            remote: remote.unwrap_or_default(),
            password: state.random_alphanumeric(24),
            max_connections: Some(0),
        };
        let object = database_object(&world.manage, &record, &access, true);
        world.manage.databases.push(record);
        object
    };
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:database.create",
        json!({"name": object.name}),
        Subject::Server(access.server.uuid.clone()),
    );
    Ok(Json(Item::new("server_database", object)))
}

async fn databases_rotate(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
    peer: Peer,
) -> Result<Json<DatabaseItem>, ApiError> {
    let object = {
        let mut world = lock(&state.world);
        let id = find(&world.manage, &access, &params)?;
        access.require("database.update")?;
        let password = state.random_alphanumeric(24);
        let record = world
            .manage
            .databases
            .iter_mut()
            .find(|record| record.id == id)
            .ok_or_else(ApiError::not_found)?;
        record.password = password;
        let record = record.clone();
        database_object(&world.manage, &record, &access, true)
    };
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:database.rotate-password",
        json!({"name": object.name}),
        Subject::Server(access.server.uuid.clone()),
    );
    Ok(Json(Item::new("server_database", object)))
}

async fn databases_delete(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
    peer: Peer,
) -> Result<StatusCode, ApiError> {
    let name = {
        let mut world = lock(&state.world);
        let id = find(&world.manage, &access, &params)?;
        access.require("database.delete")?;
        let name = world
            .manage
            .databases
            .iter()
            .find(|record| record.id == id)
            .map(|record| record.name.clone())
            .unwrap_or_default();
        world.manage.databases.retain(|record| record.id != id);
        name
    };
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:database.delete",
        json!({"name": name}),
        Subject::Server(access.server.uuid.clone()),
    );
    Ok(StatusCode::NO_CONTENT)
}
