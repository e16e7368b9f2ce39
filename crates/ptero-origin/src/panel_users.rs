//! Who a viewer is on the panel: the hand-off token's `external_id` or `email`, looked up
//! with the application API, compared exactly, and remembered for a few minutes so
//! repeated clicks do not each cost a lookup.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use ptero_api::origin::OriginErrorCode;

use crate::application::Application;
use crate::error::AppError;
use crate::store::{PanelIdentity, Session};

/// Panel user ids by viewer identity, with the application client that finds them.
#[derive(Debug)]
pub struct PanelUsers {
    application: Option<Application>,
    ttl: Duration,
    cache: Mutex<HashMap<PanelIdentity, (u64, Instant)>>,
}

impl PanelUsers {
    pub fn new(application: Option<Application>, ttl: Duration) -> Self {
        Self {
            application,
            ttl,
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn application(&self) -> Option<&Application> {
        self.application.as_ref()
    }

    /// The application client, or the refusal that says it is not set up.
    pub fn require_application(&self) -> Result<&Application, AppError> {
        self.application.as_ref().ok_or_else(|| {
            AppError::refused(
                OriginErrorCode::NotConfigured,
                "this origin has no application key, so it cannot find the viewer's panel account: set [panel] application_key_file (or PTERO_ORIGIN__PANEL__APPLICATION_KEY)",
            )
        })
    }

    fn cached(&self, identity: &PanelIdentity) -> Option<u64> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache
            .get(identity)
            .filter(|(_, at)| at.elapsed() < self.ttl)
            .map(|(id, _)| *id)
    }

    /// The viewer's panel user id.
    pub async fn resolve(&self, session: &Session) -> Result<u64, AppError> {
        let identity = session.panel_identity.as_ref().ok_or_else(|| {
            AppError::refused(
                OriginErrorCode::NoPanelAccount,
                "the site's hand-off token names neither `external_id` nor `email`, so the viewer's panel account cannot be found: the site must add one",
            )
        })?;
        if let Some(id) = self.cached(identity) {
            return Ok(id);
        }
        let application = self.require_application()?;
        let user = application.find_user(identity).await?.ok_or_else(|| {
            let what = match identity {
                PanelIdentity::ExternalId(_) => "external_id",
                PanelIdentity::Email(_) => "email",
            };
            AppError::refused(
                OriginErrorCode::NoPanelAccount,
                format!("the panel has no user with this viewer's {what}: the account must exist on the panel first"),
            )
        })?;
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.retain(|_, (_, at)| at.elapsed() < self.ttl);
        cache.insert(identity.clone(), (user.id, Instant::now()));
        Ok(user.id)
    }
}
