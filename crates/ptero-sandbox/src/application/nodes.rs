//! `GET /api/application/nodes/{node}/allocations/free` (nextscale addon): allocations
//! no server uses, paged.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use ptero_api::{FreeAllocation, FreeAllocationList, List};

use crate::error::ApiError;
use crate::paging::{self, Params};
use crate::state::{lock, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/application/nodes/{node}/allocations/free",
        get(free_allocations_index),
    )
}

async fn free_allocations_index(
    State(state): State<AppState>,
    Path(node): Path<String>,
    query: Params,
) -> Result<Json<FreeAllocationList>, ApiError> {
    let free: Vec<FreeAllocation> = {
        let world = lock(&state.world);
        let node = node
            .parse::<u64>()
            .ok()
            .and_then(|id| world.node(id))
            .ok_or_else(ApiError::not_found)?;
        node.allocations
            .iter()
            .filter(|allocation| allocation.server.is_none())
            .map(|allocation| FreeAllocation {
                id: allocation.id,
                ip: allocation.ip.clone(),
                alias: allocation.alias.clone(),
                port: allocation.port,
                notes: allocation.notes.clone(),
                assigned: false,
            })
            .collect()
    };
    let per_page = query.per_page(50);
    let url = format!(
        "{}/api/application/nodes/{node}/allocations/free",
        state.panel_url
    );
    let (page, meta) = paging::paginate(free, &query, per_page, &url);
    let mut list = List::new("allocation", page);
    list.meta = Some(meta);
    Ok(Json(list))
}
