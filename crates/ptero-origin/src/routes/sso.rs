//! SSO into the panel (PteroCA addon): `POST /v1/servers/{id}/sso` gives the card a
//! one-time ticket URL; `GET /sso/{ticket}`, opened in a new tab, redeems it once within
//! [`SSO_LIFETIME_SECS`] and answers the page that posts a freshly minted token to the
//! panel. The token exists only in that page's body.

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use ptero_api::claims::SSO_LIFETIME_SECS;
use ptero_api::origin::{OriginErrorCode, SsoTicket};
use ptero_api::Action;

use super::servers::{granted_server, require};
use crate::audit::{self, Attempt};
use crate::auth::now;
use crate::auth::session::{mint_token, Viewer};
use crate::config::SsoConfig;
use crate::error::{AppError, AppJson};
use crate::sso::{page, token};
use crate::state::AppState;
use crate::store::{AuditAction, SsoTicketRecord, TicketTake};

/// The CORS-guarded part (the card calls it).
pub fn api_routes() -> Router<AppState> {
    Router::new().route("/v1/servers/{id}/sso", post(ticket_issue))
}

/// The public part (a top-level navigation in a new tab; no `Origin` to check).
pub fn page_routes() -> Router<AppState> {
    Router::new().route("/sso/{ticket}", get(ticket_redeem))
}

fn sso_config(state: &AppState) -> Result<&SsoConfig, AppError> {
    state.config.sso.as_ref().ok_or_else(|| {
        AppError::refused(
            OriginErrorCode::NotConfigured,
            "SSO into the panel is not set up on this origin: add an [sso] section with the PteroCA addon's secret",
        )
    })
}

async fn ticket_issue(
    State(state): State<AppState>,
    Viewer(session): Viewer,
    Path(id): Path<String>,
) -> Result<AppJson<SsoTicket>, AppError> {
    let id = granted_server(&session, &id)?;
    require(&state, &session, Action::Sso)?;
    let server = id.to_string();
    let attempt = Attempt {
        site: &session.site,
        viewer: &session.viewer,
        origin: session.origin.as_deref(),
        server: Some(&server),
        action: AuditAction::Sso,
        detail: "ticket issued".to_owned(),
    };
    let outcome = async {
        sso_config(&state)?;
        state.panel_users.require_application()?;
        let panel_user_id = state.panel_users.resolve(&session).await?;
        let ticket = mint_token()?;
        let record = SsoTicketRecord {
            panel_user_id,
            site: session.site.clone(),
            viewer: session.viewer.clone(),
            server: server.clone(),
            origin: session.origin.clone(),
            expires_at: now() + SSO_LIFETIME_SECS,
        };
        state.store.put_ticket(&ticket, record).await?;
        Ok(SsoTicket {
            url: format!("{}/sso/{ticket}", state.config.public_url),
            expires_in_secs: SSO_LIFETIME_SECS,
        })
    }
    .await;
    audit::record(state.store.as_ref(), &attempt, &outcome).await;
    outcome.map(AppJson)
}

async fn ticket_redeem(
    State(state): State<AppState>,
    method: Method,
    Path(ticket): Path<String>,
) -> Response {
    // axum answers HEAD with this handler too; a link checker's HEAD must not use the
    // ticket up.
    if method == Method::HEAD {
        return page::refusal(StatusCode::OK, "Open this link in a browser.");
    }
    // Tickets are 43 base64url characters; anything else was never issued.
    if ticket.len() > 128 {
        return page::refusal(StatusCode::NOT_FOUND, "This sign-in link is not valid.");
    }
    let take = match state.store.take_ticket(&ticket, now()).await {
        Ok(take) => take,
        Err(error) => {
            tracing::error!(%error, "taking an SSO ticket failed");
            return page::refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on the origin server: close this tab and try again.",
            );
        }
    };
    let record = match take {
        TicketTake::Taken(record) => record,
        TicketTake::Used => {
            state.metrics.reject("sso_ticket_used");
            return page::refusal(
                StatusCode::GONE,
                "This sign-in link was already used: links work once. Click \"Open in panel\" again.",
            );
        }
        TicketTake::Expired => {
            state.metrics.reject("sso_ticket_expired");
            return page::refusal(
                StatusCode::GONE,
                "This sign-in link expired: links work for one minute. Click \"Open in panel\" again.",
            );
        }
        TicketTake::Unknown => {
            state.metrics.reject("sso_ticket_unknown");
            return page::refusal(StatusCode::NOT_FOUND, "This sign-in link is not valid.");
        }
    };
    let attempt = Attempt {
        site: &record.site,
        viewer: &record.viewer,
        origin: record.origin.as_deref(),
        server: Some(&record.server),
        action: AuditAction::Sso,
        detail: format!("signed in as panel user {}", record.panel_user_id),
    };
    let outcome = sso_config(&state).and_then(|config| {
        let claims = token::claims(config, &state.config.panel.url, record.panel_user_id, now())?;
        token::mint(config, &claims)
    });
    audit::record(state.store.as_ref(), &attempt, &outcome).await;
    let page = outcome.and_then(|token| page::handoff(&state.config.panel.url, &token));
    page.unwrap_or_else(|error| {
        let status = StatusCode::from_u16(error.code().http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        page::refusal(status, &error.body().error.message)
    })
}
