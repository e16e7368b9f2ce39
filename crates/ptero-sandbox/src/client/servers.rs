//! `GET /api/client` (the caller's servers, paged) and `GET /api/client/servers/{server}`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ptero_api::{Item, List, ServerDetail, ServerList};

use super::access::ServerAccess;
use super::transform::{self, Includes};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::paging::{self, Params};
use crate::state::{lock, AppState};
use crate::world::{ServerRecord, World};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/client", get(servers_index))
        .route("/api/client/servers/{server}", get(servers_show))
}

const FILTERS: [&str; 5] = ["uuid", "name", "description", "external_id", "*"];

/// `filter[...]` of the list: spatie partial matches (panel `MultiFieldServerFilter` for
/// `*`: uuid prefix, identifier, or name contains).
fn filter_matches(server: &ServerRecord, key: &str, value: &str) -> bool {
    let value = value.to_lowercase();
    let contains = |text: &str| text.to_lowercase().contains(&value);
    match key {
        "uuid" => contains(&server.uuid),
        "name" => contains(&server.name),
        "description" => contains(&server.description),
        "external_id" => false,
        _ => {
            server.uuid.starts_with(&value) || server.identifier == value || contains(&server.name)
        }
    }
}

fn visible(world: &World, caller: &Caller, kind: Option<&str>) -> Vec<ServerRecord> {
    let user = &caller.user;
    let attached = |server: &ServerRecord| {
        server.owner_id == user.id || server.subusers.iter().any(|sub| sub.user_id == user.id)
    };
    world
        .servers
        .iter()
        .filter(|server| match kind {
            Some("owner") => server.owner_id == user.id,
            // A non-admin asking for admin lists gets an empty list, not an error.
            Some("admin") => user.root_admin && !attached(server),
            Some("admin-all") => user.root_admin,
            _ => attached(server),
        })
        .cloned()
        .collect()
}

async fn servers_index(
    State(state): State<AppState>,
    caller: Caller,
    query: Params,
) -> Result<Json<ServerList>, ApiError> {
    let filters = query.filters(&FILTERS)?;
    // `min(per_page, 100)`, default 50.
    let per_page = query.per_page(50).min(100);
    let includes = Includes::parse(query.get("include"));
    let world = lock(&state.world);
    let servers: Vec<ServerRecord> = visible(&world, &caller, query.get("type"))
        .into_iter()
        .filter(|server| {
            filters
                .iter()
                .all(|(key, value)| filter_matches(server, key, value))
        })
        .collect();
    let url = format!("{}/api/client", state.panel_url);
    let (page, meta) = paging::paginate(servers, &query, per_page, &url);
    let objects = page.iter().filter_map(|server| {
        let access = super::access::permissions(&caller, server)?;
        let node = world.node(server.node_id)?;
        Some(transform::server_object(
            &world,
            server,
            node,
            caller.user.id,
            &access,
            includes,
        ))
    });
    let mut list = List::new("server", objects.collect::<Vec<_>>());
    list.meta = Some(meta);
    Ok(Json(list))
}

async fn servers_show(
    State(state): State<AppState>,
    access: ServerAccess,
    query: Params,
) -> Json<ServerDetail> {
    let includes = Includes::parse(query.get("include"));
    let world = lock(&state.world);
    let server = &access.server;
    let object = transform::server_object(
        &world,
        server,
        &access.node,
        access.caller.user.id,
        &access.meta,
        includes,
    );
    Json(Item::with_meta("server", object, access.meta.clone()))
}
