//! The sandbox panel's own web pages: the dashboard showing who is signed in, the login
//! page the API redirects browsers to, and the PteroCA addon's SSO endpoint
//! (`POST /pteroca/authorize`) that signs a user in from an HS256 token.

use std::collections::HashMap;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use ptero_api::claims::{SSO_AUTHORIZE_PATH, SSO_FORM_FIELD};
use ptero_api::SsoClaims;

use crate::html::{self, escape, Html};
use crate::seed::SSO_SECRET;
use crate::state::{lock, AppState};

pub const SESSION_COOKIE: &str = "pterodactyl_session";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard_show))
        .route("/auth/login", get(login_show))
        .route(SSO_AUTHORIZE_PATH, post(sso_authorize))
}

fn session_user(state: &AppState, headers: &HeaderMap) -> Option<u64> {
    let cookies = headers.get(COOKIE)?.to_str().ok()?;
    let session = cookies.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == SESSION_COOKIE).then_some(value)
    })?;
    lock(&state.sessions).get(session).copied()
}

async fn dashboard_show(State(state): State<AppState>, headers: HeaderMap) -> Html<String> {
    let user = session_user(&state, &headers).and_then(|id| lock(&state.world).user(id).cloned());
    let body = match user {
        Some(user) => format!(
            "<p id=\"signed-in\" data-user-id=\"{}\">Signed in as <strong>{}</strong> ({})</p>",
            user.id,
            escape(&user.username),
            escape(&user.email)
        ),
        None => {
            "<p id=\"signed-out\">Not signed in. <a href=\"/auth/login\">Sign in</a></p>".to_owned()
        }
    };
    Html(html::page_with_body("Dashboard", &body))
}

async fn login_show() -> Html<String> {
    Html(html::page(
        "Login",
        "This sandbox panel has no password login: sign in through PteroCA SSO.",
    ))
}

fn refuse(reason: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        Html(html::page("SSO login failed", reason)),
    )
        .into_response()
}

/// Verifies like the addon: HS256 with the shared secret, `exp` and `nbf`; it reads only
/// `user.id` (no `iss`/`aud` check, no replay record — ptero-web's side must do better).
async fn sso_authorize(
    State(state): State<AppState>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return refuse("The request was not a form.");
    };
    let Some(token) = form.get(SSO_FORM_FIELD) else {
        return refuse("The SSO token is missing.");
    };
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.validate_nbf = true;
    validation.validate_aud = false;
    let claims = match jsonwebtoken::decode::<SsoClaims>(
        token,
        &DecodingKey::from_secret(SSO_SECRET.as_bytes()),
        &validation,
    ) {
        Ok(data) => data.claims,
        Err(error) => return refuse(&format!("The SSO token was refused: {error}.")),
    };
    if lock(&state.world).user(claims.user.id).is_none() {
        return refuse("The SSO token names a user this panel does not know.");
    }
    let session = state.random_alphanumeric(40);
    lock(&state.sessions).insert(session.clone(), claims.user.id);
    (
        StatusCode::FOUND,
        [
            (LOCATION, format!("{}/", state.panel_url)),
            (
                SET_COOKIE,
                format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax"),
            ),
        ],
    )
        .into_response()
}
