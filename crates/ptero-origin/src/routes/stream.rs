//! The live stream: one SSE connection carrying the servers of one or several sessions.
//!
//! - `POST /v1/stream` with a [`StreamRequest`] body (`{"sessions": [{"session", "servers"}]}`):
//!   the page's one connection to this origin, however many cards and hand-off tokens it
//!   shows. Browsers open at most six HTTP/1.1 connections per host; a stream per token
//!   spent them all, and the cards' session exchanges queued behind the streams.
//! - `GET /v1/stream?servers=a,b` with `Authorization: Bearer`: the same for one session.
//!
//! Every session is admitted as the [`Viewer`] extractor admits a bearer (known, unexpired,
//! minted for this request's `Origin`), and followed while the stream is open: when it
//! expires or is revoked (its origin removed from the allow-list) the viewer gets a
//! `refused` event naming it, and its servers leave the stream unless another session
//! still asks for them. The stream ends when no session is left, on shutdown, or when
//! the viewer falls behind (it reconnects and starts fresh rather than being buffered).
//! Sessions granted `console` also get console lines of their servers (the last 100, then
//! live). What one stream holds is bounded: [`MAX_SESSIONS`], [`MAX_SERVERS`], and the
//! events queued for it (see `carrier`).

mod carrier;

use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use ptero_api::origin::{OriginErrorCode, StreamRequest};
use ptero_api::ServerId;
use serde::Deserialize;

use super::servers::granted_server;
use crate::auth::now;
use crate::auth::session::request_origin;
#[cfg(doc)]
use crate::auth::session::Viewer;
use crate::error::{AppError, AppJson};
use crate::state::AppState;
use crate::store::Session;
use carrier::{Carrier, Member};

/// Distinct servers one stream may carry.
pub const MAX_SERVERS: usize = 50;
/// Sessions one stream may carry.
pub const MAX_SESSIONS: usize = 50;
/// The longest a session bearer may be (as the `Viewer` extractor bounds it).
const MAX_TOKEN_LEN: usize = 128;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/stream", get(stream_open).post(stream_open_many))
}

#[derive(Debug, Deserialize)]
struct StreamQuery {
    servers: String,
}

/// The SSE response of an open stream.
type EventStream = Response;

/// `GET /v1/stream?servers=…`: one session, its bearer in `Authorization`.
async fn stream_open(
    State(state): State<AppState>,
    parts: Parts,
    Query(query): Query<StreamQuery>,
) -> Result<EventStream, AppError> {
    let origin = request_origin(&parts)?;
    let token = bearer(&parts).ok_or_else(|| {
        AppError::refused(
            OriginErrorCode::SessionExpired,
            "no session: send Authorization: Bearer <session> from POST /v1/session",
        )
    })?;
    let session = admit(&state, origin.as_deref(), token).await?;
    let servers: Vec<String> = query.servers.split(',').map(str::to_owned).collect();
    let member = member_of(0, session, &servers)?;
    Ok(sse(Carrier::open(state, origin, vec![member], Vec::new())))
}

/// The `Authorization: Bearer` value (as the [`Viewer`] extractor reads it).
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// `POST /v1/stream`: several sessions, each in the body with the servers it asks for.
async fn stream_open_many(
    State(state): State<AppState>,
    parts: Parts,
    AppJson(request): AppJson<StreamRequest>,
) -> Result<EventStream, AppError> {
    if request.sessions.is_empty() || request.sessions.len() > MAX_SESSIONS {
        return Err(AppError::bad_request(format!(
            "name 1 to {MAX_SESSIONS} sessions: {{\"sessions\": [{{\"session\": \"…\", \"servers\": [\"1a2b3c4d\"]}}]}}"
        )));
    }
    let origin = request_origin(&parts)?;
    let mut members = Vec::new();
    let mut refused = Vec::new();
    for (index, asked) in request.sessions.into_iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let admitted = admit(&state, origin.as_deref(), &asked.session)
            .await
            .and_then(|session| member_of(index, session, &asked.servers));
        match admitted {
            Ok(member) => members.push(member),
            // A store that does not answer decides nothing, for any session.
            Err(error @ AppError::StoreUnavailable(_)) => return Err(error),
            Err(error) => refused.push((index, error)),
        }
    }
    within_limits(&members)?;
    if members.is_empty() {
        // Nothing to carry: answer the (first) reason, as a one-session request would.
        let (_, error) = refused
            .into_iter()
            .next()
            .ok_or_else(|| AppError::bad_request("name 1 or more sessions"))?;
        return Err(error);
    }
    Ok(sse(Carrier::open(state, origin, members, refused)))
}

fn sse(carrier: Carrier) -> EventStream {
    Sse::new(carrier.into_events())
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// The session behind a bearer carried in a body, when it may be used from `origin`:
/// the checks the [`Viewer`] extractor makes on an `Authorization` header.
async fn admit(state: &AppState, origin: Option<&str>, token: &str) -> Result<Session, AppError> {
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Err(AppError::refused(
            OriginErrorCode::SessionExpired,
            "that is not a session token",
        ));
    }
    let session = state.store.session(token, now()).await?.ok_or_else(|| {
        state.metrics.reject("session_expired");
        AppError::refused(
            OriginErrorCode::SessionExpired,
            "the session is unknown or expired: ask the site to hand off again",
        )
    })?;
    if session.origin.as_deref() != origin {
        state.metrics.reject("session_origin_mismatch");
        return Err(AppError::refused(
            OriginErrorCode::OriginNotAllowed,
            "this session was created for another site's page",
        ));
    }
    Ok(session)
}

/// `session` asking for `servers` (each one it covers, once; 1 to [`MAX_SERVERS`]).
fn member_of(index: u32, session: Session, servers: &[String]) -> Result<Member, AppError> {
    let mut ids: Vec<ServerId> = Vec::new();
    for raw in servers
        .iter()
        .map(|raw| raw.trim())
        .filter(|raw| !raw.is_empty())
    {
        let id = granted_server(&session, raw)?;
        if !ids.iter().any(|known| known.short() == id.short()) {
            ids.push(id);
        }
    }
    if ids.is_empty() || ids.len() > MAX_SERVERS {
        return Err(AppError::bad_request(format!(
            "name 1 to {MAX_SERVERS} servers per session: ?servers=1a2b3c4d,5e6f7a8b"
        )));
    }
    Ok(Member {
        index,
        session,
        servers: ids,
    })
}

/// Refuses a stream of more than [`MAX_SERVERS`] distinct servers.
fn within_limits(members: &[Member]) -> Result<(), AppError> {
    let mut distinct: Vec<&str> = members
        .iter()
        .flat_map(|member| member.servers.iter().map(ServerId::short))
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() > MAX_SERVERS {
        return Err(AppError::bad_request(format!(
            "one stream carries at most {MAX_SERVERS} servers; open another for the rest"
        )));
    }
    Ok(())
}
