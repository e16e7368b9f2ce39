//! `/servers/{server}/users` (panel `SubuserController`, `SubuserRequest`,
//! `SubuserCreationService`) and `GET /api/client/permissions`: invite by email (an
//! unknown address gets a new account), change permissions, remove. Nobody edits
//! themselves, and a subuser grants only what they hold.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use ptero_api::resource_limits::Resource;
use ptero_api::subusers::ALWAYS_GRANTED;
use ptero_api::{
    ErrorEnvelope, Item, List, PermissionGroup, PermissionGroups, PermissionsItem, Subuser,
    SubuserItem, SubuserList, SystemPermissions,
};
use serde_json::{json, Map, Value};

use super::access::{ServerAccess, UsableServer};
use super::manage::{self, Peer};
use crate::clock;
use crate::error::ApiError;
use crate::input::{self, Checks};
use crate::rng::digest_hex;
use crate::state::{lock, AppState};
use crate::world::manage::Subject;
use crate::world::{SubuserRecord, User, World};

const BASE: &str = "/api/client/servers/{server}/users";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/client/permissions", get(permissions_index))
        .route(BASE, get(subusers_index).post(subusers_store))
        .route(
            &format!("{BASE}/{{user}}"),
            get(subusers_view)
                .post(subusers_update)
                .delete(subusers_delete),
        )
}

/// A group: name, description, `(key, description)`s.
type Group = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The panel's permission groups (`Models/Permission.php`), in its order.
const GROUPS: &[Group] = &[
    ("websocket", "Allows the user to connect to the server websocket, giving them access to view console output and realtime server stats.", &[
        ("connect", "Allows a user to connect to the websocket instance for a server to stream the console."),
    ]),
    ("control", "Permissions that control a user's ability to control the power state of a server, or send commands.", &[
        ("console", "Allows a user to send commands to the server instance via the console."),
        ("start", "Allows a user to start the server if it is stopped."),
        ("stop", "Allows a user to stop a server if it is running."),
        ("restart", "Allows a user to perform a server restart. This allows them to start the server if it is offline, but not put the server in a completely stopped state."),
    ]),
    ("user", "Permissions that allow a user to manage other subusers on a server. They will never be able to edit their own account, or assign permissions they do not have themselves.", &[
        ("create", "Allows a user to create new subusers for the server."),
        ("read", "Allows the user to view subusers and their permissions for the server."),
        ("update", "Allows a user to modify other subusers."),
        ("delete", "Allows a user to delete a subuser from the server."),
    ]),
    ("file", "Permissions that control a user's ability to modify the filesystem for this server.", &[
        ("create", "Allows a user to create additional files and folders via the Panel or direct upload."),
        ("read", "Allows a user to view the contents of a directory, but not view the contents of or download files."),
        ("read-content", "Allows a user to view the contents of a given file. This will also allow the user to download files."),
        ("update", "Allows a user to update the contents of an existing file or directory."),
        ("delete", "Allows a user to delete files or directories."),
        ("archive", "Allows a user to archive the contents of a directory as well as decompress existing archives on the system."),
        ("sftp", "Allows a user to connect to SFTP and manage server files using the other assigned file permissions."),
    ]),
    ("backup", "Permissions that control a user's ability to generate and manage server backups.", &[
        ("create", "Allows a user to create new backups for this server."),
        ("read", "Allows a user to view all backups that exist for this server."),
        ("delete", "Allows a user to remove backups from the system."),
        ("download", "Allows a user to download a backup for the server. Danger: this allows a user to access all files for the server in the backup."),
        ("restore", "Allows a user to restore a backup for the server. Danger: this allows the user to delete all of the server files in the process."),
    ]),
    ("allocation", "Permissions that control a user's ability to modify the port allocations for this server.", &[
        ("read", "Allows a user to view all allocations currently assigned to this server. Users with any level of access to this server can always view the primary allocation."),
        ("create", "Allows a user to assign additional allocations to the server."),
        ("update", "Allows a user to change the primary server allocation and attach notes to each allocation."),
        ("delete", "Allows a user to delete an allocation from the server."),
    ]),
    ("startup", "Permissions that control a user's ability to view this server's startup parameters.", &[
        ("read", "Allows a user to view the startup variables for a server."),
        ("update", "Allows a user to modify the startup variables for the server."),
        ("docker-image", "Allows a user to modify the Docker image used when running the server."),
    ]),
    ("database", "Permissions that control a user's access to the database management for this server.", &[
        ("create", "Allows a user to create a new database for this server."),
        ("read", "Allows a user to view the database associated with this server."),
        ("update", "Allows a user to rotate the password on a database instance. If the user does not have the view_password permission they will not see the updated password."),
        ("delete", "Allows a user to remove a database instance from this server."),
        ("view_password", "Allows a user to view the password associated with a database instance for this server."),
    ]),
    ("schedule", "Permissions that control a user's access to the schedule management for this server.", &[
        ("create", "Allows a user to create new schedules for this server."),
        ("read", "Allows a user to view schedules and the tasks associated with them for this server."),
        ("update", "Allows a user to update schedules and schedule tasks for this server."),
        ("delete", "Allows a user to delete schedules for this server."),
    ]),
    ("settings", "Permissions that control a user's access to the settings for this server.", &[
        ("rename", "Allows a user to rename this server and change the description of it."),
        ("reinstall", "Allows a user to trigger a reinstall of this server."),
    ]),
    ("activity", "Permissions that control a user's access to the server activity logs.", &[
        ("read", "Allows a user to view the activity logs for the server."),
    ]),
];

pub fn permission_groups() -> PermissionGroups {
    PermissionGroups(
        GROUPS
            .iter()
            .map(|(name, description, keys)| PermissionGroup {
                name: (*name).to_owned(),
                description: (*description).to_owned(),
                keys: keys
                    .iter()
                    .map(|(k, d)| ((*k).to_owned(), (*d).to_owned()))
                    .collect(),
            })
            .collect(),
    )
}

async fn permissions_index() -> Json<PermissionsItem> {
    Json(Item::new(
        "system_permissions",
        SystemPermissions {
            permissions: permission_groups(),
        },
    ))
}

/// A subuser as `SubuserTransformer` shows it: the user's own fields and the grant.
pub fn subuser_object(user: &User, grant: &SubuserRecord) -> Subuser {
    Subuser {
        uuid: user.uuid.clone(),
        username: user.username.clone(),
        email: user.email.clone(),
        image: format!(
            "https://gravatar.com/avatar/{}",
            digest_hex(&user.email.to_lowercase())
        ),
        two_factor_enabled: user.use_totp,
        created_at: clock::atom(user.created_at, 0),
        permissions: grant.permissions.clone(),
    }
}

async fn subusers_index(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
) -> Result<Json<SubuserList>, ApiError> {
    access.require("user.read")?;
    let world = lock(&state.world);
    let server = world
        .server(&access.server.uuid)
        .ok_or_else(ApiError::not_found)?;
    let items: Vec<Subuser> = server
        .subusers
        .iter()
        .filter_map(|grant| Some(subuser_object(world.user(grant.user_id)?, grant)))
        .collect();
    Ok(Json(List::new("server_subuser", items)))
}

/// The permissions asked for, as the panel keeps them: known ones only, plus
/// `websocket.connect`, each once.
fn cleaned(asked: &[String]) -> Vec<String> {
    let known = permission_groups().all();
    let mut out: Vec<String> = Vec::new();
    for permission in asked
        .iter()
        .filter(|p| known.contains(p))
        .chain([&ALWAYS_GRANTED.to_owned()])
    {
        if !out.contains(permission) {
            out.push(permission.clone());
        }
    }
    out
}

/// `SubuserRequest::validatePermissionsCanBeAssigned`: a subuser may grant only what
/// they hold (owners and root admins anything).
fn assignable(access: &ServerAccess, asked: &[String]) -> Result<(), ApiError> {
    if access.caller.user.root_admin || access.meta.is_server_owner {
        return Ok(());
    }
    if asked
        .iter()
        .any(|p| !access.meta.user_permissions.contains(p))
    {
        return Err(ApiError::new(ErrorEnvelope::single(
            "HttpForbiddenException",
            403,
            "Cannot assign permissions to a subuser that your account does not actively possess.",
        )));
    }
    Ok(())
}

/// `permissions` as sent, when it is a list (its non-string members fail later).
fn asked(body: &Map<String, Value>) -> Vec<String> {
    body.get("permissions")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn check_permissions(checks: &mut Checks, body: &Map<String, Value>) {
    if let Some(items) = checks.required_array(body.get("permissions"), "permissions") {
        for (index, item) in items.iter().enumerate() {
            if !item.is_string() {
                checks.fail(
                    &format!("permissions.{index}"),
                    "string",
                    format!("The permissions.{index} must be a string."),
                );
            }
        }
    }
}

fn valid_email(email: &str) -> bool {
    email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !email.contains(char::is_whitespace)
    })
}

async fn subusers_store(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    peer: Peer,
    body: Bytes,
) -> Result<Json<SubuserItem>, ApiError> {
    manage::throttle(&state, Resource::SubuserCreate, &access.server.uuid)?;
    let body = input::object(&body)?;
    access.require("user.create")?;
    assignable(&access, &asked(&body))?;
    let mut checks = Checks::default();
    let email = checks.required_text(body.get("email"), "email");
    if let Some(email) = &email {
        if !valid_email(email) {
            checks.fail(
                "email",
                "email",
                "The email must be a valid email address.".into(),
            );
        } else if email.chars().count() > 191 {
            checks.fail(
                "email",
                "between",
                "The email must be between 1 and 191 characters.".into(),
            );
        }
    }
    check_permissions(&mut checks, &body);
    checks.finish()?;
    let email = email.unwrap_or_default();
    let permissions = cleaned(&asked(&body));
    let object = {
        let mut world = lock(&state.world);
        let user_id = find_or_create_user(&mut world, &state, &email);
        let server = world
            .server(&access.server.uuid)
            .ok_or_else(ApiError::not_found)?;
        if server.owner_id == user_id {
            return Err(manage::refused(
                "UserIsServerOwnerException",
                "You cannot add the server owner as a subuser for this server.",
            ));
        }
        if server.subusers.iter().any(|grant| grant.user_id == user_id) {
            return Err(manage::refused(
                "ServerSubuserExistsException",
                "A user with that email address is already assigned as a subuser for this server.",
            ));
        }
        let grant = SubuserRecord {
            user_id,
            permissions,
            created_at: clock::now_unix(),
        };
        let user = world
            .user(user_id)
            .cloned()
            .ok_or_else(ApiError::unexpected)?;
        let object = subuser_object(&user, &grant);
        if let Some(server) = world.server_mut(&access.server.uuid) {
            server.subusers.push(grant);
        }
        object
    };
    let properties = json!({"email": object.email, "permissions": object.permissions});
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:subuser.create",
        properties,
        Subject::Server(access.server.uuid.clone()),
    );
    Ok(Json(Item::new("server_subuser", object)))
}

/// The user with `email` (case-insensitive), or a new account named after it.
fn find_or_create_user(world: &mut World, state: &AppState, email: &str) -> u64 {
    if let Some(user) = world
        .users
        .iter()
        .find(|u| u.email.eq_ignore_ascii_case(email))
    {
        return user.id;
    }
    let id = world.users.iter().map(|u| u.id).max().unwrap_or(0) + 1;
    let local: String = email
        .split('@')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_alphanumeric() || "_.-".contains(*c))
        .take(64)
        .collect();
    world.users.push(User {
        id,
        uuid: state.random_uuid(),
        username: format!("{local}{}", state.random_alphanumeric(3)),
        email: email.to_owned(),
        first_name: "Server".into(),
        last_name: "Subuser".into(),
        language: "en".into(),
        root_admin: false,
        external_id: None,
        created_at: clock::now_unix(),
        password: state.random_alphanumeric(16),
        use_totp: false,
    });
    id
}

/// The subuser named by their user uuid: 404 unless they are one of this server's;
/// 403 for the caller's own account.
fn subuser_of(
    state: &AppState,
    access: &ServerAccess,
    params: &HashMap<String, String>,
) -> Result<u64, ApiError> {
    let uuid = params
        .get("user")
        .ok_or_else(ApiError::not_found)?
        .to_ascii_lowercase();
    let world = lock(&state.world);
    let server = world
        .server(&access.server.uuid)
        .ok_or_else(ApiError::not_found)?;
    let user_id = server
        .subusers
        .iter()
        .filter_map(|grant| world.user(grant.user_id))
        .find(|user| user.uuid == uuid)
        .map(|user| user.id)
        .ok_or_else(ApiError::not_found)?;
    if user_id == access.caller.user.id {
        return Err(ApiError::unauthorized());
    }
    Ok(user_id)
}

fn grant_of(
    world: &World,
    server_uuid: &str,
    user_id: u64,
) -> Result<(User, SubuserRecord), ApiError> {
    let server = world.server(server_uuid).ok_or_else(ApiError::not_found)?;
    let grant = server
        .subusers
        .iter()
        .find(|g| g.user_id == user_id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let user = world
        .user(user_id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    Ok((user, grant))
}

async fn subusers_view(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
) -> Result<Json<SubuserItem>, ApiError> {
    let user_id = subuser_of(&state, &access, &params)?;
    access.require("user.read")?;
    let world = lock(&state.world);
    let (user, grant) = grant_of(&world, &access.server.uuid, user_id)?;
    Ok(Json(Item::new(
        "server_subuser",
        subuser_object(&user, &grant),
    )))
}

async fn subusers_update(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
    peer: Peer,
    body: Bytes,
) -> Result<Json<SubuserItem>, ApiError> {
    let user_id = subuser_of(&state, &access, &params)?;
    let body = input::object(&body)?;
    access.require("user.update")?;
    assignable(&access, &asked(&body))?;
    let mut checks = Checks::default();
    check_permissions(&mut checks, &body);
    checks.finish()?;
    let permissions = cleaned(&asked(&body));
    let object = {
        let mut world = lock(&state.world);
        let server = world
            .server_mut(&access.server.uuid)
            .ok_or_else(ApiError::not_found)?;
        if let Some(grant) = server.subusers.iter_mut().find(|g| g.user_id == user_id) {
            grant.permissions = permissions;
        }
        let (user, grant) = grant_of(&world, &access.server.uuid, user_id)?;
        subuser_object(&user, &grant)
    };
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:subuser.update",
        json!({"email": object.email, "new": object.permissions, "revoked": true}),
        Subject::Server(access.server.uuid.clone()),
    );
    Ok(Json(Item::new("server_subuser", object)))
}

async fn subusers_delete(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
    peer: Peer,
) -> Result<StatusCode, ApiError> {
    let user_id = subuser_of(&state, &access, &params)?;
    access.require("user.delete")?;
    let email = {
        let mut world = lock(&state.world);
        let email = world
            .user(user_id)
            .map(|u| u.email.clone())
            .unwrap_or_default();
        if let Some(server) = world.server_mut(&access.server.uuid) {
            server.subusers.retain(|g| g.user_id != user_id);
        }
        email
    };
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:subuser.delete",
        json!({"email": email, "revoked": true}),
        Subject::Server(access.server.uuid.clone()),
    );
    Ok(StatusCode::NO_CONTENT)
}
