//! One server: its public summary, power and console commands, within the session's
//! grants.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use ptero_api::origin::{CommandRequest, OriginErrorCode, PowerRequest, ServerSummary};
use ptero_api::{Action, ServerId};

use crate::access;
use crate::audit::{self, Attempt};
use crate::auth::session::{SessionKey, Viewer};
use crate::error::{AppError, AppJson};
use crate::keys;
use crate::state::AppState;
use crate::store::{AuditAction, Session};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/servers/{id}", get(server_show))
        .route("/v1/servers/{id}/power", post(server_power))
        .route("/v1/servers/{id}/command", post(server_command))
}

/// The server named in the path, when the session covers it, as its 8-character short
/// id, whatever spelling the request (or the grant) used. Everything upstream — the
/// panel's URLs, the fan-out's and the read cache's keys — uses this one spelling: a
/// UUID made up around a granted short id (`1a7c3f02-0000-…`) would otherwise be polled
/// and cached under the real server's key, and answer 404 to every viewer of it.
pub fn granted_server(session: &Session, raw: &str) -> Result<ServerId, AppError> {
    let id = ServerId::parse(raw).map_err(|error| AppError::bad_request(error.to_string()))?;
    if !session.covers(&id) {
        return Err(AppError::refused(
            OriginErrorCode::ServerNotAllowed,
            format!("this session does not cover server {id}"),
        ));
    }
    ServerId::parse(id.short()).map_err(|error| AppError::Internal(error.to_string()))
}

pub fn require(state: &AppState, session: &Session, action: Action) -> Result<(), AppError> {
    if session.allows(action) {
        return Ok(());
    }
    state.metrics.reject("action_not_allowed");
    Err(AppError::refused(
        OriginErrorCode::ActionNotAllowed,
        format!("this session may not {action}"),
    ))
}

fn attempt<'a>(
    session: &'a Session,
    server: &'a str,
    action: AuditAction,
    detail: String,
) -> Attempt<'a> {
    Attempt {
        site: &session.site,
        viewer: &session.viewer,
        origin: session.origin.as_deref(),
        server: Some(server),
        action,
        detail,
    }
}

/// A server's summary: from the fan-out when a poller watches it, otherwise one upstream
/// read shared by every concurrent request ([`crate::reads`]); never one upstream call
/// per request. In per-user mode the viewer's own panel permissions are asked first.
async fn server_show(
    State(state): State<AppState>,
    Viewer(session): Viewer,
    SessionKey(key): SessionKey,
    Path(id): Path<String>,
) -> Result<AppJson<ServerSummary>, AppError> {
    let id = granted_server(&session, &id)?;
    access::require_status(&state, &session, &key, &id).await?;
    let mut summary = match state.hub.cached(&id) {
        Some(summary) => summary,
        None => state.reads.summary(&state.panel.for_viewers(), &id).await?,
    };
    let sites = state.sites.current();
    let site = sites.get(&session.site);
    summary.players = crate::players::as_shown(
        summary.players.take(),
        site.is_some_and(|site| site.players),
        site.is_some_and(|site| site.player_details),
    );
    Ok(AppJson(summary))
}

async fn server_power(
    State(state): State<AppState>,
    Viewer(session): Viewer,
    Path(id): Path<String>,
    AppJson(request): AppJson<PowerRequest>,
) -> Result<StatusCode, AppError> {
    let id = granted_server(&session, &id)?;
    require(&state, &session, Action::for_signal(request.signal))?;
    let server = id.to_string();
    let attempt = attempt(
        &session,
        &server,
        AuditAction::Power,
        request.signal.to_string(),
    );
    // Noted first: the stop must not look like a crash to whichever instance watches it.
    if let Err(error) = state
        .store
        .note_power(id.short(), request.signal.as_str(), crate::auth::now_ms())
        .await
    {
        tracing::warn!(%error, "noting a power signal failed");
    }
    let outcome = match keys::panel_for(&state, &session).await {
        Ok(panel) => panel.power(&id, &request).await,
        Err(error) => Err(error),
    };
    if outcome.is_err() {
        // Refused or failed: nothing was asked of the server after all.
        let _ = state.store.note_power(id.short(), "none", 0).await;
    }
    keys::forget_if_refused(&state, &session, &outcome).await;
    audit::record(state.store.as_ref(), &attempt, &outcome).await;
    outcome.map(|()| StatusCode::NO_CONTENT)
}

async fn server_command(
    State(state): State<AppState>,
    Viewer(session): Viewer,
    Path(id): Path<String>,
    AppJson(request): AppJson<CommandRequest>,
) -> Result<StatusCode, AppError> {
    let id = granted_server(&session, &id)?;
    require(&state, &session, Action::Console)?;
    let command = request.command.trim();
    let limit = state.config.limits.command_chars;
    if command.is_empty() || command.chars().count() > limit {
        return Err(AppError::bad_request(format!(
            "a command must have 1 to {limit} characters"
        )));
    }
    if command.chars().any(char::is_control) {
        return Err(AppError::bad_request(
            "a command is one line without control characters",
        ));
    }
    crate::fanout::wings::check_command(command)?;
    let server = id.to_string();
    // The command's text is the viewer's business; the log keeps its length only.
    let detail = format!("{} characters", command.chars().count());
    let attempt = attempt(&session, &server, AuditAction::Command, detail);
    let request = CommandRequest {
        command: command.to_owned(),
    };
    let outcome = match keys::panel_for(&state, &session).await {
        Ok(panel) => panel.command(&id, &request).await,
        Err(error) => Err(error),
    };
    keys::forget_if_refused(&state, &session, &outcome).await;
    audit::record(state.store.as_ref(), &attempt, &outcome).await;
    outcome.map(|()| StatusCode::NO_CONTENT)
}
