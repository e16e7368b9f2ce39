//! With `key_mode = "per_user"`, what the viewer's own panel user may see of a server:
//! its status and numbers (`websocket.connect`, as the panel's own console page needs) and
//! its console (`control.console`). Asked once per session and server with the viewer's
//! key (`GET /servers/{id}`, whose `meta.user_permissions` the panel fills), remembered
//! for the session's life; reads are then served from the shared fan-out. With the shared
//! key every read is the site's grant alone.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use ptero_api::origin::OriginErrorCode;
use ptero_api::{PanelError, ServerId};

use crate::auth::now;
use crate::config::KeyMode;
use crate::error::AppError;
use crate::keys;
use crate::state::AppState;
use crate::store::Session;

/// What a viewer's panel user may read of one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    pub status: bool,
    pub console: bool,
}

/// Answers by (session key, server), until the session expires.
#[derive(Debug, Default)]
pub struct Access {
    known: Mutex<HashMap<(String, String), (Reads, u64)>>,
}

impl Access {
    fn remembered(&self, session_key: &str, server: &ServerId) -> Option<Reads> {
        let known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        known
            .get(&(session_key.to_owned(), server.short().to_owned()))
            .filter(|(_, until)| *until > now())
            .map(|(reads, _)| *reads)
    }

    fn remember(&self, session_key: &str, server: &ServerId, reads: Reads, until: u64) {
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        let at = now();
        known.retain(|_, (_, expires)| *expires > at);
        known.insert(
            (session_key.to_owned(), server.short().to_owned()),
            (reads, until),
        );
    }
}

fn denied(what: &str, server: &ServerId) -> AppError {
    AppError::refused(
        OriginErrorCode::ServerNotAllowed,
        format!("the viewer's panel account may not {what} server {server}: its owner must add the permission on the panel"),
    )
}

/// What `session`'s viewer may read of `server`: everything with the shared key; in
/// per-user mode, what the viewer's own panel permissions allow.
pub async fn reads(
    state: &AppState,
    session: &Session,
    session_key: &str,
    server: &ServerId,
) -> Result<Reads, AppError> {
    if state.config.panel.key_mode == KeyMode::Shared {
        return Ok(Reads {
            status: true,
            console: true,
        });
    }
    if let Some(reads) = state.access.remembered(session_key, server) {
        return Ok(reads);
    }
    let panel = keys::panel_for(state, session).await?;
    let detail = match panel.server_detail(server).await {
        Ok(detail) => detail,
        // The panel hides servers a user may not see behind a 404.
        Err(AppError::Panel(PanelError::NotFound | PanelError::Forbidden(_))) => {
            return Err(denied("see", server));
        }
        Err(error) => {
            let outcome = Err::<Reads, _>(error);
            keys::forget_if_refused(state, session, &outcome).await;
            return outcome;
        }
    };
    let meta = detail.meta.unwrap_or_default();
    let reads = Reads {
        status: meta.is_server_owner || meta.can("websocket.connect"),
        console: meta.is_server_owner || meta.can("control.console"),
    };
    state
        .access
        .remember(session_key, server, reads, session.expires_at);
    Ok(reads)
}

/// Like [`reads`], refusing a viewer who may not see the server's status at all.
pub async fn require_status(
    state: &AppState,
    session: &Session,
    session_key: &str,
    server: &ServerId,
) -> Result<Reads, AppError> {
    let reads = reads(state, session, session_key, server).await?;
    if !reads.status {
        return Err(denied("watch", server));
    }
    Ok(reads)
}
