//! `GET /servers/{server}/websocket`: a token for the server's node and the node's socket
//! address (panel `WebsocketController`). On 1.12 and Pelican the route is throttled per
//! server, all users together (`ResourceLimit::Websocket`: 5 a minute), after the
//! server-access checks and before the permission check; tokens carry `scope`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ptero_api::{ConflictReason, WebsocketToken};

use super::access::ServerAccess;
use crate::error::ApiError;
use crate::ratelimit::{self, Verdict};
use crate::state::AppState;
use crate::wings::token::{self, Grant};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/client/servers/{server}/websocket",
        get(websocket_show),
    )
}

async fn websocket_show(
    State(state): State<AppState>,
    access: ServerAccess,
) -> Result<Json<WebsocketToken>, ApiError> {
    // Root admins may watch an installing server's console; nobody a suspended one or one
    // on a node under maintenance.
    if let Some(reason) = access.conflict() {
        let admin_may = access.caller.user.root_admin
            && !matches!(
                reason,
                ConflictReason::Suspended | ConflictReason::Maintenance
            );
        if !admin_may {
            return Err(ApiError::conflict(&reason));
        }
    }
    if let Some(limiter) = &state.websocket_limiter {
        if let Verdict::Limited { limit, retry_after } = limiter.hit(&access.server.uuid) {
            return Err(ratelimit::too_many(limit, retry_after));
        }
    }
    if !access.meta.can("websocket.connect") {
        return Err(ApiError::websocket_forbidden());
    }
    let lifetime = state.config.ws_token_lifetime;
    let lifetime_secs = lifetime.as_secs() + u64::from(lifetime.subsec_nanos() > 0);
    let jwt = token::mint(Grant {
        panel_url: &state.panel_url,
        node_url: &access.node.base_url(),
        daemon_token: &access.node.daemon_token,
        server_uuid: &access.server.uuid,
        user_uuid: &access.caller.user.uuid,
        user_id: access.caller.user.id,
        permissions: access.meta.user_permissions.clone(),
        lifetime_secs,
        // The panel's clock running behind Wings' by more than a token's life.
        backdate_secs: if state.faults.get().stale_tokens {
            lifetime_secs + 60
        } else {
            0
        },
        unique_id: state.random_alphanumeric(16),
        flavor: state.config.flavor,
    })
    .map_err(|_| ApiError::unexpected())?;
    Ok(Json(WebsocketToken::new(
        jwt,
        access.node.socket_url(&access.server.uuid),
    )))
}
