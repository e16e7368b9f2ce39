//! The nextscale `pterodactyl-client-api` addon: a user's client keys through the
//! application API, at most `max_keys_per_user`, descriptions unique per user, every
//! action in the audit log. Keys made here work on the Client API at once.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use ptero_api::{
    CreatedApiKey, FieldError, Item, KeyKind, KeyUse, List, SecretTokenMeta, UserApiKey,
    UserApiKeyList,
};
use serde_json::Value;

use crate::auth::{self, Caller};
use crate::clock;
use crate::error::ApiError;
use crate::input::{self, Input};
use crate::state::{lock, AppState};
use crate::world::{AuditEntry, KeyRecord, World};

pub const DUPLICATE_DESCRIPTION: &str = "You already have an API key with this description.";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/application/users/{user}/api-keys",
            get(keys_index).post(keys_store),
        )
        .route(
            "/api/application/users/{user}/api-keys/{identifier}",
            delete(keys_destroy),
        )
}

fn user_id(world: &World, raw: &str) -> Result<u64, ApiError> {
    raw.parse::<u64>()
        .ok()
        .filter(|id| world.user(*id).is_some())
        .ok_or_else(ApiError::not_found)
}

fn audit(world: &mut World, caller: &Caller, action: &str, user_id: u64, key: &str) {
    world.audit.push(AuditEntry {
        at: clock::atom(clock::now_unix(), 0),
        action: action.to_owned(),
        actor_key: caller.key_identifier.clone(),
        user_id,
        key_identifier: key.to_owned(),
    });
}

fn api_key(key: &KeyRecord) -> UserApiKey {
    UserApiKey {
        identifier: key.identifier.clone(),
        description: key.description.clone(),
        allowed_ips: key.allowed_ips.clone(),
        last_used_at: key.last_used_at.map(|at| clock::atom(at, 0)),
        created_at: clock::atom(key.created_at, 0),
    }
}

fn client_keys_of(world: &World, user_id: u64) -> impl Iterator<Item = &KeyRecord> {
    world
        .keys
        .iter()
        .filter(move |key| key.user_id == user_id && key.kind.use_for() == Some(KeyUse::ClientApi))
}

async fn keys_index(
    State(state): State<AppState>,
    caller: Caller,
    Path(user): Path<String>,
) -> Result<Json<UserApiKeyList>, ApiError> {
    let mut world = lock(&state.world);
    let user_id = user_id(&world, &user)?;
    let keys: Vec<UserApiKey> = client_keys_of(&world, user_id).map(api_key).collect();
    audit(&mut world, &caller, "api_key.list", user_id, "");
    Ok(Json(List::new("api_key", keys)))
}

fn allowed_ips(body: &serde_json::Map<String, Value>) -> Result<Vec<String>, ApiError> {
    let list = match body.get("allowed_ips") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err(ApiError::invalid(
                "allowed_ips",
                "array",
                "The allowed ips must be an array.",
            ))
        }
    };
    let mut ips = Vec::new();
    let mut errors = Vec::new();
    for (index, entry) in list.iter().enumerate() {
        match entry.as_str().map(str::trim) {
            Some(ip) if auth::is_ip_or_cidr(ip) => ips.push(ip.to_owned()),
            _ => errors.push(FieldError::new(
                format!("allowed_ips.{index}"),
                "ip",
                format!("The allowed_ips.{index} must be a valid IP address or CIDR range."),
            )),
        }
    }
    if errors.is_empty() {
        Ok(ips)
    } else {
        Err(ApiError::validation(errors))
    }
}

async fn keys_store(
    State(state): State<AppState>,
    caller: Caller,
    Path(user): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<CreatedApiKey>), ApiError> {
    let body = input::object(&body)?;
    let description = match input::field(&body, "description") {
        Input::Text(text) if text.chars().count() > 500 => {
            return Err(ApiError::invalid(
                "description",
                "max",
                "The description may not be greater than 500 characters.",
            ))
        }
        Input::Text(text) => text,
        _ => input::required_text(&body, "description")?,
    };
    let allowed_ips = allowed_ips(&body)?;
    let family = state.config.flavor.family();
    let identifier = format!(
        "{}{}",
        family.prefix(KeyUse::ClientApi),
        state.random_alphanumeric(11)
    );
    let secret = state.random_alphanumeric(ptero_api::key::SECRET_LENGTH);
    let max = state.config.max_keys_per_user;
    let mut world = lock(&state.world);
    let user_id = user_id(&world, &user)?;
    if client_keys_of(&world, user_id).any(|key| key.description == description) {
        return Err(ApiError::invalid(
            "description",
            "unique",
            DUPLICATE_DESCRIPTION,
        ));
    }
    if client_keys_of(&world, user_id).count() >= max {
        return Err(ApiError::invalid(
            "user",
            "max",
            format!("You have reached the maximum of {max} API keys for this user."),
        ));
    }
    let record = KeyRecord {
        identifier: identifier.clone(),
        secret: secret.clone(),
        user_id,
        kind: KeyKind::of(family, KeyUse::ClientApi),
        description,
        allowed_ips,
        created_at: clock::now_unix(),
        last_used_at: None,
    };
    let item = api_key(&record);
    world.keys.push(record);
    audit(&mut world, &caller, "api_key.create", user_id, &identifier);
    Ok((
        StatusCode::CREATED,
        Json(Item::with_meta(
            "api_key",
            item,
            SecretTokenMeta {
                secret_token: secret,
            },
        )),
    ))
}

async fn keys_destroy(
    State(state): State<AppState>,
    caller: Caller,
    Path((user, identifier)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let mut world = lock(&state.world);
    let user_id = user_id(&world, &user)?;
    let position = world
        .keys
        .iter()
        .position(|key| {
            key.user_id == user_id
                && key.kind.use_for() == Some(KeyUse::ClientApi)
                && key.identifier == identifier
        })
        .ok_or_else(ApiError::not_found)?;
    world.keys.remove(position);
    audit(&mut world, &caller, "api_key.delete", user_id, &identifier);
    Ok(StatusCode::NO_CONTENT)
}
