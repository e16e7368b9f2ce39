//! Per-user client keys (`[panel] key_mode = "per_user"`): the origin provisions one key
//! described [`KEY_DESCRIPTION`] for the viewer's panel user through the application API,
//! keeps it sealed in the store ([`seal`]), reuses it, and acts for that viewer with it.
//! `ptero-origin keys revoke <user>` deletes it ([`revoke`]).

pub mod seal;

use ptero_api::origin::OriginErrorCode;
use ptero_api::{full_key, ApiKey, PanelError};

use crate::application::{Application, KEY_DESCRIPTION};
use crate::audit::{self, Attempt};
use crate::auth::now;
use crate::config::KeyMode;
use crate::error::AppError;
use crate::panel::Panel;
use crate::state::AppState;
use crate::store::{AuditAction, Session, Store};

pub use seal::Sealer;

/// The store's single-use "issuer" under which provisioning claims are recorded.
const PROVISION_CLAIM: &str = "ptero-origin:key-provisioning";
/// How long a claim to provision one user's key lasts: longer than one application-API
/// call, short enough that a crashed instance does not block the user for long.
const PROVISION_LEASE_SECS: u64 = 20;

/// Provisions and opens per-user keys. One provisioning at a time, so two first clicks
/// of the same viewer do not make two keys.
#[derive(Debug)]
pub struct UserKeys {
    sealer: Sealer,
    application: Application,
    provisioning: tokio::sync::Mutex<()>,
}

impl UserKeys {
    pub fn new(sealer: Sealer, application: Application) -> Self {
        Self {
            sealer,
            application,
            provisioning: tokio::sync::Mutex::new(()),
        }
    }

    async fn stored(&self, store: &dyn Store, user_id: u64) -> Result<Option<ApiKey>, AppError> {
        store
            .key(user_id)
            .await?
            .map(|sealed| self.sealer.open(&sealed))
            .transpose()
    }

    /// The client key of panel user `user_id`, provisioned on first use for `session`'s
    /// viewer (audited).
    pub async fn key_for(
        &self,
        store: &dyn Store,
        user_id: u64,
        session: &Session,
    ) -> Result<ApiKey, AppError> {
        if let Some(key) = self.stored(store, user_id).await? {
            return Ok(key);
        }
        let _one_at_a_time = self.provisioning.lock().await;
        if let Some(key) = self.stored(store, user_id).await? {
            return Ok(key);
        }
        // Across instances sharing a store (Redis): the instance that claims the user
        // provisions; the others wait for its key instead of asking the panel for a
        // second one (which the panel would refuse as a duplicate description).
        if let Some(key) = self.wait_for_other_instance(store, user_id).await? {
            return Ok(key);
        }
        let attempt = Attempt {
            site: &session.site,
            viewer: &session.viewer,
            origin: session.origin.as_deref(),
            server: None,
            action: AuditAction::KeyProvisioned,
            detail: format!("panel user {user_id}"),
        };
        let outcome = self.provision(store, user_id).await;
        // Done either way: a later provisioning (after a revoke) need not wait out the lease.
        let _ = store
            .release_claim(PROVISION_CLAIM, &user_id.to_string())
            .await;
        audit::record(store, &attempt, &outcome).await;
        outcome
    }

    /// Claims the right to provision `user_id`'s key (a single-use record in the store,
    /// held for [`PROVISION_LEASE_SECS`]). `Some(key)` when another instance finished
    /// first; `None` when this instance holds the claim and should provision.
    async fn wait_for_other_instance(
        &self,
        store: &dyn Store,
        user_id: u64,
    ) -> Result<Option<ApiKey>, AppError> {
        let claim = user_id.to_string();
        let give_up = now() + PROVISION_LEASE_SECS + 1;
        loop {
            let at = now();
            if store
                .claim_jti(PROVISION_CLAIM, &claim, at + PROVISION_LEASE_SECS, at)
                .await?
            {
                // The previous holder may have finished (and released) just now.
                let finished = self.stored(store, user_id).await?;
                if finished.is_some() {
                    let _ = store.release_claim(PROVISION_CLAIM, &claim).await;
                }
                return Ok(finished);
            }
            if let Some(key) = self.stored(store, user_id).await? {
                return Ok(Some(key));
            }
            if at > give_up {
                return Err(AppError::Refused {
                    code: OriginErrorCode::RateLimited,
                    message: "Another origin instance is still creating this viewer's panel key; try again in a few seconds.".into(),
                });
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    async fn provision(&self, store: &dyn Store, user_id: u64) -> Result<ApiKey, AppError> {
        let created = self.application.create_api_key(user_id).await?;
        let key = full_key(&created).map_err(|error| {
            AppError::Internal(format!("the panel's new key is not usable: {error}"))
        })?;
        let sealed = self.sealer.seal(user_id, &key, now())?;
        if let Err(error) = store.put_key(sealed).await {
            // A key we cannot keep would block the next attempt as a duplicate: take it
            // back off the panel.
            let _ = self
                .application
                .delete_api_key(user_id, key.identifier())
                .await;
            return Err(error.into());
        }
        Ok(key)
    }
}

/// The panel client that acts for `session`'s viewer: the origin's own key, or in
/// per-user mode the viewer's panel user's key.
pub async fn panel_for(state: &AppState, session: &Session) -> Result<Panel, AppError> {
    if state.config.panel.key_mode == KeyMode::Shared {
        return Ok(state.panel.for_viewers());
    }
    let keys = state.user_keys.as_ref().ok_or_else(|| {
        AppError::refused(
            OriginErrorCode::NotConfigured,
            "per-user keys need an application key and [keys] encryption_key_file",
        )
    })?;
    let user_id = state.panel_users.resolve(session).await?;
    let key = keys.key_for(state.store.as_ref(), user_id, session).await?;
    Ok(state.panel.for_viewers().with_key(key))
}

/// After the panel refused a viewer's key (401: deleted or expired on the panel), drops
/// the stored copy so the next action provisions a fresh one.
pub async fn forget_if_refused<T>(
    state: &AppState,
    session: &Session,
    outcome: &Result<T, AppError>,
) {
    if state.config.panel.key_mode != KeyMode::PerUser
        || !matches!(outcome, Err(AppError::Panel(PanelError::Unauthenticated)))
    {
        return;
    }
    let Ok(user_id) = state.panel_users.resolve(session).await else {
        return;
    };
    match state.store.delete_key(user_id).await {
        Ok(true) => tracing::info!(
            panel_user = user_id,
            "the panel refused the viewer's stored key: it will be provisioned again"
        ),
        Ok(false) => {}
        Err(error) => tracing::warn!(%error, "dropping a refused key failed"),
    }
}

/// What `keys revoke` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Revoked {
    /// Identifiers deleted on the panel.
    pub on_panel: Vec<String>,
    /// Whether the origin held a sealed key for the user.
    pub stored: bool,
}

/// Deletes panel user `user_id`'s `ptero-origin` keys on the panel (the stored one, and
/// any other with that description, whose secret the origin may have lost) and the
/// sealed record.
pub async fn revoke(
    application: &Application,
    store: &dyn Store,
    user_id: u64,
) -> Result<Revoked, AppError> {
    let stored = store.key(user_id).await?;
    let mut doomed: Vec<String> = application
        .api_keys(user_id)
        .await?
        .into_iter()
        .filter(|key| {
            key.description == KEY_DESCRIPTION
                || stored
                    .as_ref()
                    .is_some_and(|sealed| sealed.identifier == key.identifier)
        })
        .map(|key| key.identifier)
        .collect();
    doomed.dedup();
    for identifier in &doomed {
        application.delete_api_key(user_id, identifier).await?;
    }
    let removed = store.delete_key(user_id).await?;
    Ok(Revoked {
        on_panel: doomed,
        stored: removed,
    })
}
