//! `GET /api/application/users`, with spatie's partial `filter[...]` (SQL `LIKE %v%`,
//! case-insensitive) and `sort`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ptero_api::{AppUser, AppUserList, List};

use crate::clock;
use crate::error::ApiError;
use crate::paging::{self, Params};
use crate::state::{lock, AppState};
use crate::world::User;

const FILTERS: [&str; 4] = ["email", "uuid", "username", "external_id"];

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/application/users", get(users_index))
}

pub fn app_user(user: &User) -> AppUser {
    AppUser {
        id: user.id,
        external_id: user.external_id.clone(),
        uuid: user.uuid.clone(),
        username: user.username.clone(),
        email: user.email.clone(),
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        language: user.language.clone(),
        root_admin: user.root_admin,
        two_factor: false,
        created_at: clock::atom(user.created_at, 0),
        updated_at: Some(clock::atom(user.created_at, 0)),
    }
}

fn field<'a>(user: &'a User, name: &str) -> &'a str {
    match name {
        "email" => &user.email,
        "uuid" => &user.uuid,
        "username" => &user.username,
        _ => user.external_id.as_deref().unwrap_or_default(),
    }
}

async fn users_index(
    State(state): State<AppState>,
    query: Params,
) -> Result<Json<AppUserList>, ApiError> {
    let filters = query.filters(&FILTERS)?;
    let mut users: Vec<User> = lock(&state.world)
        .users
        .iter()
        .filter(|user| {
            filters.iter().all(|(name, value)| {
                field(user, name)
                    .to_lowercase()
                    .contains(&value.to_lowercase())
            })
        })
        .cloned()
        .collect();
    match query.get("sort") {
        Some("-id") => users.sort_by_key(|user| std::cmp::Reverse(user.id)),
        Some("uuid") => users.sort_by(|a, b| a.uuid.cmp(&b.uuid)),
        Some("-uuid") => users.sort_by(|a, b| b.uuid.cmp(&a.uuid)),
        _ => users.sort_by_key(|user| user.id),
    }
    let per_page = query.per_page(50);
    let url = format!("{}/api/application/users", state.panel_url);
    let (page, meta) = paging::paginate(users, &query, per_page, &url);
    let mut list = List::new("user", page.iter().map(app_user).collect::<Vec<_>>());
    list.meta = Some(meta);
    Ok(Json(list))
}
