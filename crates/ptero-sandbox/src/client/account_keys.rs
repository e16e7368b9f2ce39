//! The account's own credentials (panel `ApiKeyController`, `SSHKeyController`,
//! `TwoFactorController::index`, `AccountController::update{Email,Password}`): client
//! API keys (at most 25, the secret shown once), SSH keys (Pelican removes them with
//! `DELETE /ssh-keys/{fingerprint}`), whether two-factor is on (Pelican has no route),
//! and email and password changes behind the current password.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use ptero_api::account_security::{
    SshKey, TwoFactorSetupData, API_KEY_LIMIT, MAX_ALLOWED_IPS, MAX_KEY_DESCRIPTION, MIN_PASSWORD,
    TWO_FACTOR_ALREADY_ENABLED,
};
use ptero_api::application::SecretTokenMeta;
use ptero_api::{
    CreatedApiKey, ErrorEnvelope, Flavor, Item, KeyKind, List, SshKeyItem, SshKeyList,
    TwoFactorSetup, UserApiKey, UserApiKeyList,
};
use serde_json::{json, Value};

use super::manage::{self, Peer};
use crate::auth::{is_ip_or_cidr, Caller};
use crate::clock;
use crate::error::ApiError;
use crate::input::{self, Checks};
use crate::ssh_keys;
use crate::state::{lock, AppState};
use crate::world::manage::{SshKeyRecord, Subject};
use crate::world::KeyRecord;

pub fn routes(flavor: Flavor) -> axum::Router<AppState> {
    let router = Router::new()
        .route(
            "/api/client/account/api-keys",
            get(api_keys_index).post(api_keys_store),
        )
        .route(
            "/api/client/account/api-keys/{identifier}",
            delete(api_keys_delete),
        )
        .route(
            "/api/client/account/ssh-keys",
            get(ssh_keys_index).post(ssh_keys_store),
        )
        .route("/api/client/account/email", put(email_update))
        .route("/api/client/account/password", put(password_update));
    if flavor == Flavor::Pelican {
        router.route(
            "/api/client/account/ssh-keys/{fingerprint}",
            delete(ssh_keys_delete_pelican),
        )
    } else {
        router
            .route("/api/client/account/ssh-keys/remove", post(ssh_keys_remove))
            .route("/api/client/account/two-factor", get(two_factor_index))
    }
}

fn key_object(key: &KeyRecord) -> UserApiKey {
    UserApiKey {
        identifier: key.identifier.clone(),
        description: key.description.clone(),
        allowed_ips: key.allowed_ips.clone(),
        last_used_at: key.last_used_at.map(|at| clock::atom(at, 0)),
        created_at: clock::atom(key.created_at, 0),
    }
}

fn is_account_key(key: &KeyRecord, user_id: u64) -> bool {
    key.user_id == user_id && !key.kind.is_application()
}

fn account(caller: &Caller) -> Subject {
    Subject::User(caller.user.id)
}

async fn api_keys_index(State(state): State<AppState>, caller: Caller) -> Json<UserApiKeyList> {
    let world = lock(&state.world);
    let keys: Vec<UserApiKey> = world
        .keys
        .iter()
        .filter(|key| is_account_key(key, caller.user.id))
        .map(key_object)
        .collect();
    Json(List::new("api_key", keys))
}

async fn api_keys_store(
    State(state): State<AppState>,
    caller: Caller,
    peer: Peer,
    body: Bytes,
) -> Result<Json<CreatedApiKey>, ApiError> {
    let body = input::object(&body)?;
    let mut checks = Checks::default();
    let description = checks.required_text(body.get("description"), "description");
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_KEY_DESCRIPTION)
    {
        checks.fail(
            "description",
            "max",
            format!("The description may not be greater than {MAX_KEY_DESCRIPTION} characters."),
        );
    }
    let mut ips = Vec::new();
    match body.get("allowed_ips") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            if items.len() > MAX_ALLOWED_IPS {
                checks.fail(
                    "allowed_ips",
                    "max",
                    format!("The allowed ips may not have more than {MAX_ALLOWED_IPS} items."),
                );
            }
            for (index, item) in items.iter().enumerate() {
                let text = item.as_str().map(str::trim).unwrap_or_default();
                if !item.is_string() {
                    checks.fail(
                        &format!("allowed_ips.{index}"),
                        "string",
                        format!("The allowed_ips.{index} must be a string."),
                    );
                } else if !is_ip_or_cidr(text) {
                    checks.fail(
                        &format!("allowed_ips.{index}"),
                        "",
                        format!("\"{text}\" is not a valid IP address or CIDR range."),
                    );
                } else {
                    ips.push(text.to_owned());
                }
            }
        }
        Some(_) => checks.fail(
            "allowed_ips",
            "array",
            "The allowed ips must be an array.".into(),
        ),
    }
    checks.finish()?;
    let created = {
        let mut world = lock(&state.world);
        let count = world
            .keys
            .iter()
            .filter(|key| is_account_key(key, caller.user.id))
            .count();
        if count >= API_KEY_LIMIT {
            return Err(manage::refused(
                "DisplayException",
                "You have reached the account limit for number of API keys.",
            ));
        }
        let prefix = state
            .config
            .flavor
            .family()
            .prefix(ptero_api::KeyUse::ClientApi);
        let identifier = format!("{prefix}{}", state.random_alphanumeric(16 - prefix.len()));
        let record = KeyRecord {
            identifier,
            secret: state.random_alphanumeric(32),
            user_id: caller.user.id,
            kind: if state.config.flavor == Flavor::Pelican {
                KeyKind::PelicanClient
            } else {
                KeyKind::Client
            },
            description: description.unwrap_or_default(),
            allowed_ips: ips,
            created_at: clock::now_unix(),
            last_used_at: None,
        };
        let created = Item::with_meta(
            "api_key",
            key_object(&record),
            SecretTokenMeta {
                secret_token: format!("{}{}", record.identifier, record.secret),
            },
        );
        world.keys.push(record);
        created
    };
    let identifier = created.attributes.identifier.clone();
    manage::log(
        &state,
        &caller,
        &peer,
        "user:api-key.create",
        json!({"identifier": identifier}),
        account(&caller),
    );
    Ok(Json(created))
}

async fn api_keys_delete(
    State(state): State<AppState>,
    caller: Caller,
    peer: Peer,
    Path(identifier): Path<String>,
) -> Result<StatusCode, ApiError> {
    {
        let mut world = lock(&state.world);
        let before = world.keys.len();
        world
            .keys
            .retain(|key| !(is_account_key(key, caller.user.id) && key.identifier == identifier));
        if world.keys.len() == before {
            return Err(ApiError::not_found());
        }
    }
    manage::log(
        &state,
        &caller,
        &peer,
        "user:api-key.delete",
        json!({"identifier": identifier}),
        account(&caller),
    );
    Ok(StatusCode::NO_CONTENT)
}

fn ssh_object(key: &SshKeyRecord) -> SshKey {
    SshKey {
        name: key.name.clone(),
        fingerprint: key.fingerprint.clone(),
        public_key: key.public_key.clone(),
        created_at: clock::atom(key.created_at, 0),
    }
}

async fn ssh_keys_index(State(state): State<AppState>, caller: Caller) -> Json<SshKeyList> {
    let world = lock(&state.world);
    let keys: Vec<SshKey> = world
        .manage
        .ssh_keys
        .iter()
        .filter(|key| key.user_id == caller.user.id)
        .map(ssh_object)
        .collect();
    Json(List::new("ssh_key", keys))
}

async fn ssh_keys_store(
    State(state): State<AppState>,
    caller: Caller,
    peer: Peer,
    body: Bytes,
) -> Result<Json<SshKeyItem>, ApiError> {
    let body = input::object(&body)?;
    let mut checks = Checks::default();
    let name = checks.required_text(body.get("name"), "name");
    let public_key = checks.required_text(body.get("public_key"), "public_key");
    checks.finish()?;
    let loaded = ssh_keys::parse(&public_key.unwrap_or_default())
        .map_err(|refusal| ApiError::invalid("public_key", "", refusal.detail()))?;
    let object = {
        let mut world = lock(&state.world);
        let keys = &mut world.manage.ssh_keys;
        if keys
            .iter()
            .any(|k| k.user_id == caller.user.id && k.fingerprint == loaded.fingerprint)
        {
            return Err(ApiError::invalid(
                "public_key",
                "",
                "The public key provided already exists on your account.",
            ));
        }
        let record = SshKeyRecord {
            user_id: caller.user.id,
            name: name.unwrap_or_default(),
            fingerprint: loaded.fingerprint,
            public_key: loaded.pkcs8_pem,
            created_at: clock::now_unix(),
        };
        let object = ssh_object(&record);
        keys.push(record);
        object
    };
    manage::log(
        &state,
        &caller,
        &peer,
        "user:ssh-key.create",
        json!({"fingerprint": object.fingerprint}),
        account(&caller),
    );
    Ok(Json(Item::new("ssh_key", object)))
}

/// Removes the caller's key with `fingerprint` (none such: still 204, as the panel).
fn remove_ssh_key(state: &AppState, caller: &Caller, peer: &Peer, fingerprint: &str) {
    let removed = {
        let mut world = lock(&state.world);
        let before = world.manage.ssh_keys.len();
        world
            .manage
            .ssh_keys
            .retain(|k| !(k.user_id == caller.user.id && k.fingerprint == fingerprint));
        world.manage.ssh_keys.len() != before
    };
    if removed {
        manage::log(
            state,
            caller,
            peer,
            "user:ssh-key.delete",
            json!({"fingerprint": fingerprint}),
            account(caller),
        );
    }
}

async fn ssh_keys_remove(
    State(state): State<AppState>,
    caller: Caller,
    peer: Peer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    let fingerprint = input::required_text(&body, "fingerprint")?;
    remove_ssh_key(&state, &caller, &peer, &fingerprint);
    Ok(StatusCode::NO_CONTENT)
}

async fn ssh_keys_delete_pelican(
    State(state): State<AppState>,
    caller: Caller,
    peer: Peer,
    Path(fingerprint): Path<String>,
) -> StatusCode {
    remove_ssh_key(&state, &caller, &peer, &fingerprint);
    StatusCode::NO_CONTENT
}

async fn two_factor_index(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<TwoFactorSetup>, ApiError> {
    if caller.user.use_totp {
        return Err(ApiError::bad_request(TWO_FACTOR_ALREADY_ENABLED));
    }
    const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let secret: String = state
        .random_alphanumeric(16)
        .bytes()
        .map(|b| char::from(BASE32[usize::from(b) % 32]))
        .collect();
    let email = caller.user.email.replace('@', "%40");
    Ok(Json(TwoFactorSetup {
        data: TwoFactorSetupData {
            image_url_data: format!(
                "otpauth://totp/Pterodactyl:{email}?secret={secret}&issuer=Pterodactyl"
            ),
            secret,
        },
    }))
}

/// 400 unless `password` is the account's (checked before the other rules).
fn current_password(caller: &Caller, password: Option<&Value>) -> Result<(), ApiError> {
    if password.and_then(Value::as_str) == Some(caller.user.password.as_str()) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorEnvelope::single(
            "InvalidPasswordProvidedException",
            400,
            "The password provided was invalid for this account.",
        )))
    }
}

async fn email_update(
    State(state): State<AppState>,
    caller: Caller,
    peer: Peer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    current_password(&caller, body.get("password"))?;
    let mut checks = Checks::default();
    let email = checks.required_text(body.get("email"), "email");
    let valid = email.as_ref().is_some_and(|e| {
        e.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !e.contains(char::is_whitespace)
        })
    });
    if email.is_some() && !valid {
        checks.fail(
            "email",
            "email",
            "The email must be a valid email address.".into(),
        );
    }
    let email = email.unwrap_or_default();
    {
        let world = lock(&state.world);
        if valid
            && world
                .users
                .iter()
                .any(|u| u.id != caller.user.id && u.email.eq_ignore_ascii_case(&email))
        {
            checks.fail(
                "email",
                "unique",
                "The email has already been taken.".into(),
            );
        }
    }
    checks.finish()?;
    let old = caller.user.email.clone();
    if let Some(user) = lock(&state.world)
        .users
        .iter_mut()
        .find(|u| u.id == caller.user.id)
    {
        user.email = email.clone();
    }
    if old != email {
        manage::log(
            &state,
            &caller,
            &peer,
            "user:account.email-changed",
            json!({"old": old, "new": email}),
            account(&caller),
        );
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn password_update(
    State(state): State<AppState>,
    caller: Caller,
    peer: Peer,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = input::object(&body)?;
    current_password(&caller, body.get("current_password"))?;
    let mut checks = Checks::default();
    let password = checks.required_text(body.get("password"), "password");
    if let Some(password) = &password {
        if body.get("password_confirmation").and_then(Value::as_str) != Some(password.as_str()) {
            checks.fail(
                "password",
                "confirmed",
                "The password confirmation does not match.".into(),
            );
        }
        if password.chars().count() < MIN_PASSWORD {
            checks.fail(
                "password",
                "min",
                format!("The password must be at least {MIN_PASSWORD} characters."),
            );
        }
    }
    checks.finish()?;
    if let Some(user) = lock(&state.world)
        .users
        .iter_mut()
        .find(|u| u.id == caller.user.id)
    {
        user.password = password.unwrap_or_default();
    }
    manage::log(
        &state,
        &caller,
        &peer,
        "user:account.password-changed",
        json!({}),
        account(&caller),
    );
    Ok(StatusCode::NO_CONTENT)
}
