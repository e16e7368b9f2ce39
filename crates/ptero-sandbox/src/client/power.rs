//! `GET /servers/{server}/resources`, `POST /servers/{server}/power` and
//! `POST /servers/{server}/command`: what the panel relays to Wings.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ptero_api::{Item, PowerSignal, ReportedState, Stats, StatsItem};

use super::access::UsableServer;
use crate::error::ApiError;
use crate::input::{self, Input};
use crate::state::{lock, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/client/servers/{server}/resources",
            get(resources_show),
        )
        .route("/api/client/servers/{server}/power", post(power_send))
        .route("/api/client/servers/{server}/command", post(command_send))
}

/// 504 when the fault "Wings is down" is on.
pub fn wings_reachable(state: &AppState) -> Result<(), ApiError> {
    if state.faults.daemon_down() {
        Err(ApiError::daemon_unreachable())
    } else {
        Ok(())
    }
}

async fn resources_show(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
) -> Result<Json<StatsItem>, ApiError> {
    let ttl = state.config.resources_cache_ttl;
    let uuid = &access.server.uuid;
    if let Some((at, stats)) = lock(&state.resources_cache).get(uuid) {
        if at.elapsed() < ttl {
            return Ok(Json(Item::new("stats", stats.clone())));
        }
    }
    wings_reachable(&state)?;
    let wings = access.runtime(&state)?.stats();
    let stats = Stats {
        current_state: ReportedState::from(wings.state),
        is_suspended: access.server.is_suspended(),
        resources: wings.resources(),
    };
    if !ttl.is_zero() {
        lock(&state.resources_cache).insert(uuid.clone(), (Instant::now(), stats.clone()));
    }
    Ok(Json(Item::new("stats", stats)))
}

async fn power_send(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    peer: super::manage::Peer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    let signal = input::field(&body, "signal");
    let parsed = signal
        .text()
        .and_then(|word| word.parse::<PowerSignal>().ok());
    // The request's authorize() runs before its rules: an unknown signal needs the
    // pseudo-permission `__invalid`, so a subuser gets 403 where an owner gets 422.
    access.require(parsed.map_or("__invalid", PowerSignal::permission))?;
    let signal = match (signal, parsed) {
        (_, Some(signal)) => signal,
        (Input::Missing | Input::Null, None) => {
            return Err(ApiError::invalid(
                "signal",
                "required",
                "The signal field is required.",
            ))
        }
        _ => {
            return Err(ApiError::invalid(
                "signal",
                "in",
                "The selected signal is invalid.",
            ))
        }
    };
    wings_reachable(&state)?;
    // Wings answers 202 and runs the action in the background, so a held power lock
    // does not reach the panel's caller.
    let _ = access.runtime(&state)?.power(signal);
    let event = match signal {
        PowerSignal::Start => "server:power.start",
        PowerSignal::Stop => "server:power.stop",
        PowerSignal::Restart => "server:power.restart",
        PowerSignal::Kill => "server:power.kill",
    };
    let subject = crate::world::manage::Subject::Server(access.server.uuid.clone());
    super::manage::log(
        &state,
        &access.caller,
        &peer,
        event,
        serde_json::json!({}),
        subject,
    );
    Ok(StatusCode::NO_CONTENT)
}

async fn command_send(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    access.require("control.console")?;
    let command = input::required_text(&body, "command")?;
    wings_reachable(&state)?;
    let runtime = access.runtime(&state)?;
    if !runtime.state().accepts_commands() {
        return Err(ApiError::server_offline());
    }
    runtime.command(&command);
    Ok(StatusCode::NO_CONTENT)
}
