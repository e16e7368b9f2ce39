//! `/servers/{server}/settings/*` (panel `SettingsController`): rename (Pterodactyl: and
//! describe), Pelican's separate description, reinstall (202; the server is
//! `installing` until Wings finishes), the docker image (one of the egg's, unless an
//! administrator set another).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::{Json, Router};
use ptero_api::{Flavor, Inbound, PowerSignal, ServerStatus};

use super::access::UsableServer;
use super::power::wings_reachable;
use crate::error::ApiError;
use crate::input::{self, Checks, Input};
use crate::state::{lock, AppState};

pub fn routes(flavor: Flavor) -> Router<AppState> {
    let at = |action: &str| format!("/api/client/servers/{{server}}/settings/{action}");
    let routes = Router::new()
        .route(&at("rename"), post(settings_rename))
        .route(&at("reinstall"), post(settings_reinstall))
        .route(&at("docker-image"), put(settings_docker_image));
    if flavor.describes_apart() {
        routes.route(&at("description"), post(settings_description))
    } else {
        routes
    }
}

async fn settings_rename(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    access.require("settings.rename")?;
    let mut checks = Checks::default();
    let name = checks.required_text(body.get("name"), "name");
    if name.as_ref().is_some_and(|n| n.chars().count() > 191) {
        checks.fail(
            "name",
            "max",
            "The name may not be greater than 191 characters.".to_owned(),
        );
    }
    // Pelican's rules have no description: it is ignored there.
    let describes = !state.config.flavor.describes_apart() && body.contains_key("description");
    let description = if describes {
        match input::field(&body, "description") {
            Input::Text(text) => Some(text),
            Input::Null | Input::Missing => Some(String::new()),
            Input::Other(_) => {
                checks.fail(
                    "description",
                    "string",
                    "The description must be a string.".to_owned(),
                );
                None
            }
        }
    } else {
        None
    };
    checks.finish()?;
    let mut world = lock(&state.world);
    let server = world
        .server_mut(&access.server.uuid)
        .ok_or_else(ApiError::not_found)?;
    server.name = name.unwrap_or_default();
    if let Some(description) = description {
        server.description = description;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Pelican: `settings.description`; `null` empties it.
async fn settings_description(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    access.require("settings.description")?;
    let mut checks = Checks::default();
    let description = checks.optional_text(body.get("description"), "description");
    checks.finish()?;
    if let Some(server) = lock(&state.world).server_mut(&access.server.uuid) {
        server.description = description.unwrap_or_default();
    }
    Ok(StatusCode::NO_CONTENT)
}

/// 202 with `[]`: Wings stops the server and runs the egg's install script; the panel
/// marks it `installing` (409 for most actions) until Wings reports back.
async fn settings_reinstall(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
) -> Result<Response, ApiError> {
    access.require("settings.reinstall")?;
    wings_reachable(&state)?;
    let uuid = access.server.uuid.clone();
    if let Some(server) = lock(&state.world).server_mut(&uuid) {
        server.status = Some(ServerStatus::Installing);
    }
    let runtime = access.runtime(&state)?;
    let _ = runtime.power(PowerSignal::Kill);
    runtime.emit(Inbound::InstallStarted);
    let state = state.clone();
    tokio::spawn(async move {
        tokio::time::sleep(state.config.power_delay * 2).await;
        if let Some(server) = lock(&state.world).server_mut(&uuid) {
            server.status = None;
        }
        runtime.emit(Inbound::InstallCompleted);
    });
    Ok((StatusCode::ACCEPTED, Json(Vec::<()>::new())).into_response())
}

async fn settings_docker_image(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    access.require("startup.docker-image")?;
    let images: Vec<&String> = access.server.docker_images.values().collect();
    let mut checks = Checks::default();
    let image = checks.required_text(body.get("docker_image"), "docker_image");
    if let Some(image) = &image {
        if !images.contains(&image) {
            checks.fail(
                "docker_image",
                "in",
                "The selected docker image is invalid.".to_owned(),
            );
        }
    }
    checks.finish()?;
    if !images.contains(&&access.server.docker_image) {
        return Err(ApiError::bad_request(
            "This server's Docker image has been manually set by an administrator and cannot be updated.",
        ));
    }
    if let Some(server) = lock(&state.world).server_mut(&access.server.uuid) {
        server.docker_image = image.unwrap_or_default();
    }
    Ok(StatusCode::NO_CONTENT)
}
