//! The live stream: one SSE connection carrying the servers of one or several sessions.
//!
//! - `POST /v1/stream` with a [`StreamRequest`] body (`{"sessions": [{"session", "servers"}]}`):
//!   the page's one connection to this origin, however many cards and hand-off tokens it
//!   shows. Browsers open at most six HTTP/1.1 connections per host; a stream per token
//!   spent them all, and the cards' session exchanges queued behind the streams.
//! - `GET /v1/stream?servers=a,b` with `Authorization: Bearer`: the same for one session.
//!
//! Every session is admitted as the [`Viewer`] extractor admits a bearer (known, unexpired,
//! minted for this request's `Origin`, bounded by its site's grant now; in per-user mode
//! each server checked against the viewer's own panel permissions), counted against the
//! streams its session and its client's address may hold, and followed while the stream
//! is open: when it expires or is revoked (signed out, its origin or its site removed)
//! the viewer gets a `refused` event naming it, and its servers leave the stream unless
//! another session still asks for them. The stream ends when no session is left, on shutdown, or when
//! the viewer falls behind (it reconnects and starts fresh rather than being buffered).
//! Sessions granted `console` also get console lines of their servers (the last 100, then
//! live). What one stream holds is bounded: [`MAX_SESSIONS`], [`MAX_SERVERS`], and the
//! events queued for it (see `carrier`).

mod carrier;

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use ptero_api::origin::{OriginErrorCode, StreamRequest};
use ptero_api::ServerId;
use serde::Deserialize;

use super::servers::granted_server;
use crate::access;
#[cfg(doc)]
use crate::auth::session::Viewer;
use crate::auth::session::{admit, bearer, request_origin};
use crate::error::{AppError, AppJson};
use crate::state::AppState;
use crate::store::Session;
use crate::stream_slots::StreamSlot;
use carrier::{Carrier, Member};

/// Distinct servers one stream may carry.
pub const MAX_SERVERS: usize = 50;
/// Sessions one stream may carry.
pub const MAX_SESSIONS: usize = 50;

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
    let (session, key) = admit(&state, origin.as_deref(), token).await?;
    let servers: Vec<String> = query.servers.split(',').map(str::to_owned).collect();
    let member = member_of(&state, 0, session, key, &servers).await?;
    let slot = slot_for(&state, &parts, std::slice::from_ref(&member))?;
    Ok(sse(Carrier::open(
        state,
        origin,
        vec![member],
        Vec::new(),
        slot,
    )))
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
        let admitted = match admit(&state, origin.as_deref(), &asked.session).await {
            Ok((session, key)) => member_of(&state, index, session, key, &asked.servers).await,
            Err(error) => Err(error),
        };
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
    let slot = slot_for(&state, &parts, &members)?;
    Ok(sse(Carrier::open(state, origin, members, refused, slot)))
}

/// The stream's place among the streams its sessions and its client's address hold.
fn slot_for(state: &AppState, parts: &Parts, members: &[Member]) -> Result<StreamSlot, AppError> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let ip = state.throttles.client_ip(peer, &parts.headers);
    let keys: Vec<&str> = members.iter().map(|member| member.key.as_str()).collect();
    state.stream_slots.acquire_many(&keys, ip)
}

fn sse(carrier: Carrier) -> EventStream {
    Sse::new(carrier.into_events())
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// `session` asking for `servers` (each one it covers, once; 1 to [`MAX_SERVERS`]),
/// each checked against the viewer's own panel permissions in per-user mode.
async fn member_of(
    state: &AppState,
    index: u32,
    session: Session,
    key: String,
    servers: &[String],
) -> Result<Member, AppError> {
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
    let mut console = Vec::new();
    for id in &ids {
        if access::require_status(state, &session, &key, id)
            .await?
            .console
        {
            console.push(id.short().to_owned());
        }
    }
    Ok(Member {
        index,
        key,
        session,
        servers: ids,
        console,
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
