//! Sessions that end before their time: signed out (`DELETE /v1/session`), their origin
//! removed from the allow-list, their site removed from `[sites]`. The store forgets them
//! at once; this announces it to the open streams of this instance, which end within a
//! moment. Another instance's revocations reach a stream through [`ended`]'s periodic
//! look at the store.

use std::time::Duration;

use tokio::sync::broadcast;

use crate::auth::now;
use crate::state::AppState;
use crate::store::Session;

/// How often an open stream asks the store whether its session still exists (for
/// revocations on other instances of a cluster; this instance's arrive at once).
pub const RECHECK: Duration = Duration::from_secs(15);

/// What ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// One session, by its key.
    Session(String),
    /// Every session bound to this origin.
    Origin(String),
    /// Every session of this site (`iss`).
    Site(String),
}

impl Ended {
    /// Whether this ends the session stored under `key`.
    pub fn covers(&self, key: &str, session: &Session) -> bool {
        match self {
            Ended::Session(ended) => ended == key,
            Ended::Origin(origin) => session.origin.as_deref() == Some(origin.as_str()),
            Ended::Site(site) => session.site == *site,
        }
    }
}

/// The announcements of this instance.
#[derive(Debug, Clone)]
pub struct Revocations {
    sender: broadcast::Sender<Ended>,
}

impl Default for Revocations {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(256).0,
        }
    }
}

impl Revocations {
    pub fn announce(&self, ended: Ended) {
        // Nobody listening is fine: no stream is open.
        let _ = self.sender.send(ended);
    }

    /// The announcements from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Ended> {
        self.sender.subscribe()
    }
}

/// Resolves when the session stored under `key` ends: it expires, this instance revokes
/// it, the store no longer has it, or the origin shuts down.
pub async fn ended(state: &AppState, key: &str, session: &Session) {
    let mut announcements = state.revocations.sender.subscribe();
    let expires_in = Duration::from_secs(session.expires_at.saturating_sub(now()));
    let expiry = tokio::time::sleep(expires_in);
    tokio::pin!(expiry);
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK);
    loop {
        tokio::select! {
            () = &mut expiry => return,
            () = state.shutdown.cancelled() => return,
            announced = announcements.recv() => match announced {
                Ok(ended) if ended.covers(key, session) => return,
                Ok(_) => {}
                // Missed some: look at the store instead.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    if !still_stored(state, key).await {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = recheck.tick() => {
                if !still_stored(state, key).await {
                    return;
                }
            }
        }
    }
}

async fn still_stored(state: &AppState, key: &str) -> bool {
    match state.store.session(key, now()).await {
        Ok(found) => found.is_some(),
        // A store that does not answer ends nothing: the next look decides.
        Err(error) => {
            tracing::warn!(%error, "checking an open stream's session failed");
            true
        }
    }
}
