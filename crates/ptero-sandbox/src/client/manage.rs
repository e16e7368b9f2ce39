//! What the management routes share: the creation throttles of 1.12 and Pelican, the
//! activity log's writer (with the caller's address), and the panel's 400 sentences
//! (`DisplayException`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ptero_api::resource_limits::Resource;
use ptero_api::ErrorEnvelope;
use serde_json::{Map, Value};

use crate::auth::Caller;
use crate::clock;
use crate::error::ApiError;
use crate::ratelimit::{self, Verdict};
use crate::state::{lock, AppState};
use crate::world::manage::{NewActivity, Subject};

/// The 429 of a creation throttle, counted per server (checked after the server-access
/// checks and before the permission check, as the route middleware runs).
pub fn throttle(state: &AppState, resource: Resource, server_uuid: &str) -> Result<(), ApiError> {
    match state
        .resource_limiters
        .get(&resource)
        .map(|l| l.hit(server_uuid))
    {
        Some(Verdict::Limited { limit, retry_after }) => {
            Err(ratelimit::too_many(limit, retry_after))
        }
        _ => Ok(()),
    }
}

/// 400 `DisplayException` with the panel's sentence.
pub fn refused(code: &str, detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorEnvelope::single(code, 400, detail))
}

/// The caller's address, as the activity log keeps it.
#[derive(Debug, Clone)]
pub struct Peer(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(
                || "127.0.0.1".to_owned(),
                |ConnectInfo(addr)| addr.ip().to_string(),
            );
        Ok(Peer(ip))
    }
}

/// Logs `event` by `caller` (always with an API key here) about `subject`.
pub fn log(
    state: &AppState,
    caller: &Caller,
    peer: &Peer,
    event: &'static str,
    properties: Value,
    subject: Subject,
) {
    let properties = match properties {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    lock(&state.world).manage.log(NewActivity {
        event,
        actor_id: Some(caller.user.id),
        api: true,
        ip: peer.0.clone(),
        properties,
        timestamp: clock::now_unix(),
        subjects: vec![subject],
    });
}
