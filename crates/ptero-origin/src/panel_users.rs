//! Who a viewer is on the panel: the hand-off token's `external_id` or `email` (only from
//! sites that declare their emails verified), looked up with the application API, compared
//! exactly, and remembered for a few minutes per site and identity (one site's `alice`
//! is not another's) so repeated clicks do not each cost a lookup.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use ptero_api::origin::OriginErrorCode;

use crate::application::Application;
use crate::error::AppError;
use crate::store::{PanelIdentity, Session};

/// A viewer's panel user, as much as the origin needs of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelUser {
    pub id: u64,
    pub email: String,
    pub root_admin: bool,
}

/// Panel users by (site, viewer identity), with the application client that finds them,
/// and who owns and shares each server (asked once per cache lifetime: scope and SSO checks
/// must not cost the application key a request each).
#[derive(Debug)]
pub struct PanelUsers {
    application: Option<Application>,
    ttl: Duration,
    cache: Mutex<HashMap<(String, PanelIdentity), (PanelUser, Instant)>>,
    servers: Mutex<HashMap<String, (Option<ptero_api::AppServer>, Instant)>>,
}

impl PanelUsers {
    pub fn new(application: Option<Application>, ttl: Duration) -> Self {
        Self {
            application,
            ttl,
            cache: Mutex::new(HashMap::new()),
            servers: Mutex::new(HashMap::new()),
        }
    }

    /// Who owns and shares `server` (the application API's `server` with its subusers),
    /// remembered for the cache lifetime.
    pub async fn server(
        &self,
        server: &ptero_api::ServerId,
    ) -> Result<Option<ptero_api::AppServer>, AppError> {
        let key = server.short().to_owned();
        {
            let servers = self.servers.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((found, at)) = servers.get(&key) {
                if at.elapsed() < self.ttl {
                    return Ok(found.clone());
                }
            }
        }
        let found = self.require_application()?.find_server(server).await?;
        let mut servers = self.servers.lock().unwrap_or_else(PoisonError::into_inner);
        servers.retain(|_, (_, at)| at.elapsed() < self.ttl);
        servers.insert(key, (found.clone(), Instant::now()));
        Ok(found)
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

    fn cached(&self, key: &(String, PanelIdentity)) -> Option<PanelUser> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache
            .get(key)
            .filter(|(_, at)| at.elapsed() < self.ttl)
            .map(|(user, _)| user.clone())
    }

    /// The viewer's panel user id.
    pub async fn resolve(&self, session: &Session) -> Result<u64, AppError> {
        Ok(self.resolve_user(session).await?.id)
    }

    /// The viewer's panel user.
    pub async fn resolve_user(&self, session: &Session) -> Result<PanelUser, AppError> {
        let identity = session.panel_identity.as_ref().ok_or_else(|| {
            AppError::refused(
                OriginErrorCode::NoPanelAccount,
                "the site's hand-off token names no `external_id` (nor an `email` this origin may trust: the site must set `emails_verified = true` for that), so the viewer's panel account cannot be found",
            )
        })?;
        let key = (session.site.clone(), identity.clone());
        if let Some(user) = self.cached(&key) {
            return Ok(user);
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
        let user = PanelUser {
            id: user.id,
            email: user.email,
            root_admin: user.root_admin,
        };
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.retain(|_, (_, at)| at.elapsed() < self.ttl);
        cache.insert(key, (user.clone(), Instant::now()));
        Ok(user)
    }
}
