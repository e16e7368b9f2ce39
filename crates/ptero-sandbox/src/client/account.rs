//! `GET /api/client/account`.

use axum::routing::get;
use axum::{Json, Router};
use ptero_api::{Account, AccountItem, Item};

use crate::auth::Caller;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/client/account", get(account_show))
}

async fn account_show(caller: Caller) -> Json<AccountItem> {
    let user = caller.user;
    Json(Item::new(
        "user",
        Account {
            id: user.id,
            admin: user.root_admin,
            username: user.username,
            email: user.email,
            first_name: user.first_name,
            last_name: user.last_name,
            language: user.language,
        },
    ))
}
