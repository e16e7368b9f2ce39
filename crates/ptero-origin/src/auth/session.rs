//! Session tokens: minted after a hand-off, presented as `Authorization: Bearer`, bound to
//! the `Origin` they were minted for.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, ORIGIN};
use axum::http::request::Parts;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ptero_api::origin::OriginErrorCode;
use ptero_api::Origin;

use super::now;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::Session;

/// A fresh 256-bit token, base64url.
pub fn mint_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| {
        AppError::Internal(format!("no randomness for a session token: {error}"))
    })?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What a bearer token (a session, a ticket, an API key) is stored and counted under: its
/// SHA-256 in hex, so the store, the buckets and the logs never hold the token itself.
pub fn token_key(token: &str) -> String {
    use sha2::{Digest as _, Sha256};
    let digest = Sha256::digest(token.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
    }
    hex
}

/// The request's `Origin`, normalised (`None` when absent; refused when unreadable).
pub fn request_origin(parts: &Parts) -> Result<Option<String>, AppError> {
    let Some(value) = parts.headers.get(ORIGIN) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|text| Origin::parse(text).ok())
        .map(|origin| Some(origin.to_string()))
        .ok_or_else(|| {
            AppError::refused(
                OriginErrorCode::OriginNotAllowed,
                "the request's Origin header is not an origin",
            )
        })
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// `session` as its site allows it now: the site's `[sites]` entry may have changed since
/// the session was minted (actions narrowed, servers removed, the site removed), and a
/// session never outlives what its site may grant.
pub fn current_grant(state: &AppState, mut session: Session) -> Result<Session, AppError> {
    let sites = state.sites.current();
    let Some(site) = sites.get(&session.site) else {
        state.metrics.reject("session_site_removed");
        return Err(AppError::refused(
            OriginErrorCode::SessionExpired,
            "the site this session came from is no longer configured on this origin",
        ));
    };
    session
        .actions
        .retain(|action| site.actions.contains(action));
    if !site.scope.servers.is_empty() {
        session.servers.retain(|server| {
            site.scope
                .servers
                .iter()
                .any(|allowed| allowed.matches(server))
        });
    }
    Ok(session)
}

/// The caller's live session.
#[derive(Debug, Clone)]
pub struct Viewer(pub Session);

/// The key the caller's session is stored under (the SHA-256 of its bearer token), for
/// sign-out and per-session bookkeeping. Extract it beside [`Viewer`], which checks that
/// the session exists.
#[derive(Debug, Clone)]
pub struct SessionKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SessionKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        bearer(parts)
            .filter(|token| !token.is_empty())
            .map(|token| SessionKey(token_key(token)))
            .ok_or_else(|| {
                AppError::refused(
                    OriginErrorCode::SessionExpired,
                    "no session: send Authorization: Bearer <session> from POST /v1/session",
                )
            })
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| {
                AppError::refused(
                    OriginErrorCode::SessionExpired,
                    "no session: send Authorization: Bearer <session> from POST /v1/session",
                )
            })?;
        if token.len() > 128 {
            return Err(AppError::refused(
                OriginErrorCode::SessionExpired,
                "that is not a session token",
            ));
        }
        let session = state
            .store
            .session(&token_key(token), now())
            .await?
            .ok_or_else(|| {
                state.metrics.reject("session_expired");
                AppError::refused(
                    OriginErrorCode::SessionExpired,
                    "the session is unknown or expired: ask the site to hand off again",
                )
            })?;
        let session = current_grant(state, session)?;
        if request_origin(parts)? != session.origin {
            state.metrics.reject("session_origin_mismatch");
            return Err(AppError::refused(
                OriginErrorCode::OriginNotAllowed,
                "this session was created for another site's page",
            ));
        }
        Ok(Viewer(session))
    }
}
