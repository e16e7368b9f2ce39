//! `POST /v1/session`: a hosting site's hand-off token in, an opaque session out;
//! `DELETE /v1/session`: sign out.
//!
//! A session is bound to the page's `Origin`, which must be on the allow-list (the guard
//! already refused others). A token exchanged with no `Origin` at all is refused unless
//! its site opts in with `backend_exchange`. A site limited to some servers (`servers`,
//! `owners`) cannot grant others.

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use ptero_api::origin::{OriginErrorCode, SessionGrant, SessionRequest};
use ptero_api::ServerId;

use crate::auth::handoff::{self, Grant, Rejection};
use crate::auth::now;
use crate::auth::session::{mint_token, request_origin, token_key, SessionKey, Viewer};
use crate::config::Site;
use crate::error::{AppError, AppJson};
use crate::revocations::Ended;
use crate::state::AppState;
use crate::store::Session;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/session", post(session_create).delete(session_delete))
}

fn refuse(state: &AppState, rejection: &Rejection) -> AppError {
    state.metrics.reject(rejection.reason());
    tracing::info!(reason = rejection.reason(), detail = %rejection, "hand-off token refused");
    AppError::refused(rejection.code(), rejection.public_message())
}

/// With `owners` set, every granted server must belong to one of them (asked of the
/// application API).
async fn check_owners(state: &AppState, site: &Site, servers: &[ServerId]) -> Result<(), AppError> {
    if site.scope.owners.is_empty() {
        return Ok(());
    }
    for server in servers {
        let owned = state
            .panel_users
            .server(server)
            .await?
            .is_some_and(|found| {
                site.scope
                    .owners
                    .iter()
                    .any(|owner| found.is_shared_with(*owner))
            });
        if !owned {
            return Err(refuse(state, &Rejection::OutOfScope(server.to_string())));
        }
    }
    Ok(())
}

async fn session_create(
    State(state): State<AppState>,
    parts: Parts,
    AppJson(request): AppJson<SessionRequest>,
) -> Result<AppJson<SessionGrant>, AppError> {
    let origin = request_origin(&parts)?;
    let now = now();
    let audience = state.config.public_url.to_string();
    let sites = state.sites.current();
    let grant: Grant = handoff::verify(&request.token, &sites, &audience, now)
        .map_err(|rejection| refuse(&state, &rejection))?;
    let Some(site) = sites.get(&grant.site) else {
        return Err(refuse(&state, &Rejection::UnknownSite(grant.site)));
    };
    if origin.is_none() && !site.backend_exchange {
        state.metrics.reject("no_origin");
        return Err(AppError::refused(
            OriginErrorCode::OriginNotAllowed,
            "a session is exchanged from the embedding page, which sends its Origin: this request has none (a site whose back end exchanges tokens itself needs `backend_exchange = true`)",
        ));
    }
    // The jti is spent before anything that costs the panel a request: a replayed token
    // is refused for free.
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
    check_owners(&state, site, &grant.servers).await?;
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
    state.store.put_session(&token_key(&token), session).await?;
    state
        .metrics
        .sessions_created
        .fetch_add(1, Ordering::Relaxed);
    Ok(AppJson(answer))
}

/// Signs out: the session ends now, and so do its open streams.
async fn session_delete(
    State(state): State<AppState>,
    Viewer(session): Viewer,
    SessionKey(key): SessionKey,
) -> Result<StatusCode, AppError> {
    state.store.delete_session(&key).await?;
    state.revocations.announce(Ended::Session(key));
    tracing::info!(site = %session.site, viewer = %session.viewer, "signed out");
    Ok(StatusCode::NO_CONTENT)
}
