//! `POST /v1/session`: a hosting site's hand-off token in, an opaque session out.

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::request::Parts;
use axum::routing::post;
use axum::Router;
use ptero_api::origin::{SessionGrant, SessionRequest};

use crate::auth::handoff::{self, Rejection};
use crate::auth::now;
use crate::auth::session::{mint_token, request_origin};
use crate::error::{AppError, AppJson};
use crate::state::AppState;
use crate::store::Session;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/session", post(session_create))
}

fn refuse(state: &AppState, rejection: &Rejection) -> AppError {
    state.metrics.reject(rejection.reason());
    tracing::info!(reason = rejection.reason(), detail = %rejection, "hand-off token refused");
    AppError::refused(rejection.code(), rejection.public_message())
}

async fn session_create(
    State(state): State<AppState>,
    parts: Parts,
    AppJson(request): AppJson<SessionRequest>,
) -> Result<AppJson<SessionGrant>, AppError> {
    let origin = request_origin(&parts)?;
    let now = now();
    let audience = state.config.public_url.to_string();
    let grant = handoff::verify(&request.token, &state.config.sites, &audience, now)
        .map_err(|rejection| refuse(&state, &rejection))?;
    if !state
        .store
        .claim_jti(
            &grant.site,
            &grant.jti,
            grant.exp + handoff::LEEWAY_SECS,
            now,
        )
        .await?
    {
        return Err(refuse(&state, &Rejection::Replayed));
    }
    let ttl = state.config.session_ttl.as_secs();
    let token = mint_token()?;
    let session = Session {
        site: grant.site,
        viewer: grant.viewer,
        origin,
        servers: grant.servers,
        // The page may ask for less than the token grants, never for more.
        actions: match &request.actions {
            Some(asked) => grant
                .actions
                .into_iter()
                .filter(|action| asked.contains(action))
                .collect(),
            None => grant.actions,
        },
        expires_at: now + ttl,
        panel_identity: grant.panel_identity,
    };
    let answer = SessionGrant {
        session: token.clone(),
        expires_in_secs: ttl,
        servers: session.servers.iter().map(ToString::to_string).collect(),
        actions: session.actions.clone(),
    };
    tracing::info!(site = %session.site, viewer = %session.viewer, servers = session.servers.len(), "session created");
    state.store.put_session(&token, session).await?;
    state
        .metrics
        .sessions_created
        .fetch_add(1, Ordering::Relaxed);
    Ok(AppJson(answer))
}
