//! SSO into the panel (PteroCA addon): `POST /v1/servers/{id}/sso` gives the card a
//! one-time ticket URL, once the origin has checked through the application API that the
//! viewer's panel user owns the server or shares it as a subuser, and that it is not a
//! root administrator (unless the site opts in with `sso_admins`). `GET /sso/{ticket}`,
//! opened in a new tab, asks the person to confirm ("Sign in to the panel as …?") and sets
//! a `SameSite=Strict` cookie; the confirmation's `POST /sso/{ticket}` must carry the
//! cookie's value (so a link preview, or another site posting the form, spends nothing
//! and signs nobody in), redeems the ticket once within [`SSO_TICKET_LIFETIME_SECS`], and
//! answers the page that posts a freshly minted token to the panel. The token exists only
//! in that page's body.

use axum::extract::{Path, State};
use axum::http::header::{COOKIE, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use ptero_api::claims::SSO_TICKET_LIFETIME_SECS;
use ptero_api::origin::{OriginErrorCode, SsoTicket};
use ptero_api::{Action, ServerId};
use serde::Deserialize;

use super::servers::{granted_server, require};
use crate::audit::{self, Attempt};
use crate::auth::now;
use crate::auth::session::{mint_token, token_key, Viewer};
use crate::config::SsoConfig;
use crate::error::{AppError, AppJson};
use crate::panel_users::PanelUser;
use crate::sso::{page, token};
use crate::state::AppState;
use crate::store::{AuditAction, SsoTicketRecord, TicketTake};

/// The CORS-guarded part (the card calls it).
pub fn api_routes() -> Router<AppState> {
    Router::new().route("/v1/servers/{id}/sso", post(ticket_issue))
}

/// The public part (a top-level navigation in a new tab; no `Origin` to check).
pub fn page_routes() -> Router<AppState> {
    Router::new().route("/sso/{ticket}", get(ticket_confirm).post(ticket_redeem))
}

/// Whether `user` may be signed in for `server`: not a root administrator unless the site
/// allows it, and the server's owner or one of its subusers.
async fn may_sign_in(
    state: &AppState,
    session: &crate::store::Session,
    user: &PanelUser,
    server: &ServerId,
) -> Result<(), AppError> {
    let sites = state.sites.current();
    let site = sites.get(&session.site);
    let site_allows_admins = site.is_some_and(|site| site.sso_admins);
    if let Some(owners) = site
        .map(|site| &site.scope.owners)
        .filter(|owners| !owners.is_empty())
    {
        if !owners.contains(&user.id) {
            state.metrics.reject("sso_user_out_of_scope");
            return Err(AppError::refused(
                OriginErrorCode::ServerNotAllowed,
                "this viewer's panel account is not one of the panel users this site is limited to, so the panel cannot be opened for it",
            ));
        }
    }
    if user.root_admin && !site_allows_admins {
        state.metrics.reject("sso_admin_refused");
        return Err(AppError::refused(
            OriginErrorCode::ActionNotAllowed,
            "this viewer's panel account is a panel administrator, and the origin never signs anyone into an administrator account from an embedding page (a site may allow it with `sso_admins = true`)",
        ));
    }
    let shared = state
        .panel_users
        .server(server)
        .await?
        .is_some_and(|found| found.is_shared_with(user.id));
    if !shared {
        state.metrics.reject("sso_not_the_servers_user");
        return Err(AppError::refused(
            OriginErrorCode::ServerNotAllowed,
            format!("this viewer's panel account neither owns server {server} nor is one of its subusers, so the panel cannot be opened for it"),
        ));
    }
    Ok(())
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
        let user = state.panel_users.resolve_user(&session).await?;
        may_sign_in(&state, &session, &user, &id).await?;
        let ticket = mint_token()?;
        let record = SsoTicketRecord {
            panel_user_id: user.id,
            panel_user_label: user.email,
            site: session.site.clone(),
            viewer: session.viewer.clone(),
            server: server.clone(),
            origin: session.origin.clone(),
            expires_at: now() + SSO_TICKET_LIFETIME_SECS,
        };
        state.store.put_ticket(&token_key(&ticket), record).await?;
        Ok(SsoTicket {
            url: format!("{}/sso/{ticket}", state.config.public_url),
            expires_in_secs: SSO_TICKET_LIFETIME_SECS,
        })
    }
    .await;
    audit::record(state.store.as_ref(), &attempt, &outcome).await;
    outcome.map(AppJson)
}

/// The confirmation form's body.
#[derive(Debug, Deserialize)]
struct Confirmation {
    confirm: String,
}

/// The cookie that pairs a confirmation page with its form (one per ticket, so two open
/// tabs do not spoil each other).
fn cookie_name(ticket: &str, secure: bool) -> String {
    // On https the `__Host-` prefix: no sibling subdomain can plant it.
    let prefix = if secure { "__Host-" } else { "" };
    format!("{prefix}ptero-sso-{}", &token_key(ticket)[..12])
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn is_https(state: &AppState) -> bool {
    state.config.public_url.to_string().starts_with("https://")
}

/// Equal without telling, by timing, how much of it was right.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `GET /sso/{ticket}`: asks before anything is spent (link previews and `HEAD` included).
async fn ticket_confirm(
    State(state): State<AppState>,
    method: Method,
    Path(ticket): Path<String>,
) -> Response {
    if method == Method::HEAD {
        return page::refusal(StatusCode::OK, "Open this link in a browser.");
    }
    if ticket.len() > 128 {
        return page::refusal(StatusCode::NOT_FOUND, "This sign-in link is not valid.");
    }
    let record = match state.store.peek_ticket(&token_key(&ticket), now()).await {
        Ok(record) => record,
        Err(error) => {
            tracing::error!(%error, "reading an SSO ticket failed");
            return page::refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on the origin server: close this tab and try again.",
            );
        }
    };
    let record = match record {
        TicketTake::Taken(record) => record,
        other => return not_usable(&state, &other),
    };
    let confirm = match page::nonce() {
        Ok(confirm) => confirm,
        Err(error) => {
            tracing::error!(?error, "no randomness for a confirmation");
            return page::refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on the origin server: close this tab and try again.",
            );
        }
    };
    let action = format!("/sso/{ticket}");
    let mut response = match page::confirm(
        &action,
        &record.panel_user_label,
        &confirm,
        SSO_TICKET_LIFETIME_SECS,
    ) {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(?error, "building the confirmation page failed");
            return page::refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on the origin server: close this tab and try again.",
            );
        }
    };
    let secure = is_https(&state);
    let cookie = format!(
        "{}={confirm}; Path={}; Max-Age={SSO_TICKET_LIFETIME_SECS}; HttpOnly; SameSite=Strict{}",
        cookie_name(&ticket, secure),
        if secure { "/" } else { "/sso/" },
        if secure { "; Secure" } else { "" },
    );
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// What a ticket that cannot be used says.
fn not_usable(state: &AppState, take: &TicketTake) -> Response {
    match take {
        TicketTake::Used => {
            state.metrics.reject("sso_ticket_used");
            page::refusal(
                StatusCode::GONE,
                "This sign-in link was already used: links work once. Click \"Open in panel\" again.",
            )
        }
        TicketTake::Expired => {
            state.metrics.reject("sso_ticket_expired");
            page::refusal(
                StatusCode::GONE,
                "This sign-in link expired: links work for half a minute. Click \"Open in panel\" again.",
            )
        }
        TicketTake::Unknown | TicketTake::Taken(_) => {
            state.metrics.reject("sso_ticket_unknown");
            page::refusal(StatusCode::NOT_FOUND, "This sign-in link is not valid.")
        }
    }
}

/// `POST /sso/{ticket}`: the person confirmed on the page this origin served them.
async fn ticket_redeem(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(ticket): Path<String>,
    form: Result<Form<Confirmation>, axum::extract::rejection::FormRejection>,
) -> Response {
    if ticket.len() > 128 {
        return page::refusal(StatusCode::NOT_FOUND, "This sign-in link is not valid.");
    }
    // Browsers send the confirmation's own Origin (its page's referrer policy is
    // same-origin, so not `null`), and `Sec-Fetch-Site: same-origin` where they send that.
    let own = state.config.public_url.to_string();
    let from_elsewhere = headers
        .get(ORIGIN)
        .and_then(|value| value.to_str().ok())
        .is_none_or(|origin| origin != own)
        || headers
            .get("sec-fetch-site")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|site| site != "same-origin");
    let paired = match (
        &form,
        cookie_value(&headers, &cookie_name(&ticket, is_https(&state))),
    ) {
        (Ok(Form(form)), Some(cookie)) => same(&form.confirm, cookie),
        _ => false,
    };
    if from_elsewhere || !paired {
        state.metrics.reject("sso_confirmation_forged");
        tracing::warn!(
            from_elsewhere,
            "an SSO confirmation did not come from its own page"
        );
        return page::refusal(
            StatusCode::FORBIDDEN,
            "This sign-in was not confirmed on the page this server showed you: open the link from \"Open in panel\" again and confirm there.",
        );
    }
    let take = match state.store.take_ticket(&token_key(&ticket), now()).await {
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
        other => return not_usable(&state, &other),
    };
    // The site may have been removed, or lost `sso`, since the ticket was issued.
    let still_granted = state
        .sites
        .current()
        .get(&record.site)
        .is_some_and(|site| site.actions.contains(&Action::Sso));
    if !still_granted {
        state.metrics.reject("sso_site_withdrawn");
        return page::refusal(
            StatusCode::FORBIDDEN,
            "The site you came from may no longer open the panel: sign in to the panel directly.",
        );
    }
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
