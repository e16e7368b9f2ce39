//! `GET /servers/{server}/startup` and `PUT /servers/{server}/startup/variable`
//! (panel `StartupController`).

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use ptero_api::{DockerImages, Item, List, StartupList, StartupMeta, StartupVariableItem};

use super::access::UsableServer;
use super::transform::{egg_variable, startup_command};
use crate::error::ApiError;
use crate::input::{self, Input};
use crate::rules;
use crate::state::{lock, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/client/servers/{server}/startup", get(startup_index))
        .route(
            "/api/client/servers/{server}/startup/variable",
            put(startup_variable_update),
        )
}

async fn startup_index(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
) -> Result<Json<StartupList>, ApiError> {
    access.require("startup.read")?;
    let world = lock(&state.world);
    let server = &access.server;
    let variables = server
        .variables
        .iter()
        .filter(|variable| variable.user_viewable)
        .map(egg_variable);
    let mut list = List::new("egg_variable", variables.collect::<Vec<_>>());
    list.meta = Some(StartupMeta {
        startup_command: startup_command(&world, server, false),
        raw_startup_command: server.startup.clone(),
        docker_images: Some(DockerImages(server.docker_images.clone())),
    });
    Ok(Json(list))
}

async fn startup_variable_update(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<Json<StartupVariableItem>, ApiError> {
    let body = input::object(&body)?;
    access.require("startup.update")?;
    let key = input::required_text(&body, "key")?;
    let value = match input::field(&body, "value") {
        Input::Missing => {
            return Err(ApiError::invalid(
                "value",
                "present",
                "The value field must be present.",
            ))
        }
        Input::Null => None,
        Input::Text(text) => Some(text),
        Input::Other(other) => Some(other.to_string()),
    };
    let mut world = lock(&state.world);
    let server = world
        .server_mut(&access.server.uuid)
        .ok_or_else(ApiError::not_found)?;
    let variable = server
        .variables
        .iter_mut()
        .find(|variable| variable.env == key && variable.user_viewable)
        .ok_or_else(|| {
            ApiError::bad_request("The environment variable you are trying to edit does not exist.")
        })?;
    if !variable.user_editable {
        return Err(ApiError::bad_request(
            "The environment variable you are trying to edit is read-only.",
        ));
    }
    let errors = rules::validate("value", value.as_deref(), &variable.rules);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    variable.server_value = value;
    let item = egg_variable(variable);
    let server = server.clone();
    let meta = StartupMeta {
        startup_command: startup_command(&world, &server, false),
        raw_startup_command: server.startup.clone(),
        docker_images: None,
    };
    Ok(Json(Item::with_meta("egg_variable", item, meta)))
}
