//! `GET /api/application/servers`: the panel's server list for administrators, with
//! spatie's partial `filter[...]` (`uuid`, `uuidShort`, `name`, `external_id`) and
//! `include=subusers` (`Application\ServerTransformer`, `SubuserTransformer`). The origin
//! reads it to learn who owns or shares a server.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ptero_api::{AppServer, AppServerList, AppServerRelationships, AppSubuser, List, Relation};

use crate::error::ApiError;
use crate::paging::{self, Params};
use crate::state::{lock, AppState};
use crate::world::ServerRecord;

const FILTERS: [&str; 4] = ["uuid", "uuidShort", "name", "external_id"];

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/application/servers", get(servers_index))
}

fn field<'a>(server: &'a ServerRecord, name: &str) -> &'a str {
    match name {
        "uuid" => &server.uuid,
        "uuidShort" => &server.identifier,
        "name" => &server.name,
        _ => "",
    }
}

fn app_server(server: &ServerRecord, subusers: bool) -> AppServer {
    AppServer {
        id: server.internal_id,
        external_id: None,
        uuid: server.uuid.clone(),
        identifier: server.identifier.clone(),
        name: server.name.clone(),
        suspended: server.is_suspended(),
        user: server.owner_id,
        relationships: subusers.then(|| AppServerRelationships {
            subusers: Some(Relation::List(List::new(
                "subuser",
                server
                    .subusers
                    .iter()
                    .zip(1u64..)
                    .map(|(subuser, index)| AppSubuser {
                        id: server.internal_id * 100 + index,
                        user_id: subuser.user_id,
                        server_id: server.internal_id,
                        permissions: subuser.permissions.clone(),
                    }),
            ))),
        }),
    }
}

async fn servers_index(
    State(state): State<AppState>,
    query: Params,
) -> Result<Json<AppServerList>, ApiError> {
    let filters = query.filters(&FILTERS)?;
    let subusers = query
        .get("include")
        .is_some_and(|include| include.split(',').any(|name| name.trim() == "subusers"));
    let servers: Vec<AppServer> = lock(&state.world)
        .servers
        .iter()
        .filter(|server| {
            filters.iter().all(|(name, value)| {
                field(server, name)
                    .to_lowercase()
                    .contains(&value.to_lowercase())
            })
        })
        .map(|server| app_server(server, subusers))
        .collect();
    let per_page = query.per_page(50);
    let url = format!("{}/api/application/servers", state.panel_url);
    let (page, meta) = paging::paginate(servers, &query, per_page, &url);
    let mut list = List::new("server", page);
    list.meta = Some(meta);
    Ok(Json(list))
}
