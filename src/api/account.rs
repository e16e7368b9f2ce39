//! The Client API calls of the activity logs and of the account page: API and SSH keys,
//! two-factor status, email and password (panel `ActivityLogController`,
//! `ApiKeyController`, `SSHKeyController`, `TwoFactorController`, `AccountController`).

use ptero_api::account_security::TWO_FACTOR_ALREADY_ENABLED;
use ptero_api::activity::PER_PAGE;
use ptero_api::{
    ActivityList, CreateApiKeyRequest, CreatedApiKey, Flavor, PanelError, RemoveSshKeyRequest,
    SshKey, SshKeyItem, SshKeyList, StoreSshKeyRequest, TwoFactorSetup, TwoFactorStatus,
    UpdateEmailRequest, UpdatePasswordRequest, UserApiKey, UserApiKeyList,
};

use super::client::{encode, to_json};
use super::fetch;
use super::sections::{attributes, server};
use super::{ApiError, PanelClient};

/// Whose activity log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityOf {
    Server(String),
    Account,
}

impl PanelClient {
    // --- Activity --------------------------------------------------------------------

    /// One page (from 1) of a log, newest first, with each entry's actor.
    pub async fn activity(&self, of: &ActivityOf, page: u64) -> Result<ActivityList, ApiError> {
        let base = match of {
            ActivityOf::Server(id) => server(id, "/activity"),
            ActivityOf::Account => "/account/activity".to_owned(),
        };
        let path = format!("{base}?sort=-timestamp&include=actor&per_page={PER_PAGE}&page={page}");
        fetch::json(self.call("GET", &path, None)).await
    }

    // --- The account's keys and credentials ------------------------------------------

    pub async fn api_keys(&self) -> Result<Vec<UserApiKey>, ApiError> {
        let list: UserApiKeyList = fetch::json(self.call("GET", "/account/api-keys", None)).await?;
        Ok(attributes(list))
    }

    /// A new key; the answer's meta holds its secret, shown once.
    pub async fn create_api_key(
        &self,
        body: &CreateApiKeyRequest,
    ) -> Result<CreatedApiKey, ApiError> {
        fetch::json(self.call("POST", "/account/api-keys", to_json(body))).await
    }

    pub async fn delete_api_key(&self, identifier: &str) -> Result<(), ApiError> {
        self.send_json(
            "DELETE",
            &format!("/account/api-keys/{}", encode(identifier)),
            None,
        )
        .await
    }

    pub async fn ssh_keys(&self) -> Result<Vec<SshKey>, ApiError> {
        let list: SshKeyList = fetch::json(self.call("GET", "/account/ssh-keys", None)).await?;
        Ok(attributes(list))
    }

    pub async fn add_ssh_key(&self, body: &StoreSshKeyRequest) -> Result<SshKey, ApiError> {
        let item: SshKeyItem =
            fetch::json(self.call("POST", "/account/ssh-keys", to_json(body))).await?;
        Ok(item.attributes)
    }

    /// Removes a key by fingerprint: Pterodactyl's `POST /ssh-keys/remove`, Pelican's
    /// `DELETE /ssh-keys/{fingerprint}`.
    pub async fn remove_ssh_key(&self, flavor: Flavor, fingerprint: &str) -> Result<(), ApiError> {
        if flavor == Flavor::Pelican {
            return self
                .send_json(
                    "DELETE",
                    &format!("/account/ssh-keys/{}", encode(fingerprint)),
                    None,
                )
                .await;
        }
        let body = to_json(&RemoveSshKeyRequest {
            fingerprint: fingerprint.to_owned(),
        });
        self.send_json("POST", "/account/ssh-keys/remove", body)
            .await
    }

    /// Whether the account uses two-factor: the panel answers its setup route with 400
    /// "already enabled" when it does. Pelican has no such route (its panel pages manage
    /// two-factor): nothing is asked, the status is unknown.
    pub async fn two_factor(&self, flavor: Flavor) -> Result<TwoFactorStatus, ApiError> {
        if flavor == Flavor::Pelican {
            return Ok(TwoFactorStatus::Unknown);
        }
        match fetch::json::<TwoFactorSetup>(self.call("GET", "/account/two-factor", None)).await {
            Ok(_) => Ok(TwoFactorStatus::Disabled),
            Err(ApiError::Panel(PanelError::Refused { detail }))
                if detail == TWO_FACTOR_ALREADY_ENABLED =>
            {
                Ok(TwoFactorStatus::Enabled)
            }
            Err(ApiError::Panel(PanelError::NotFound)) => Ok(TwoFactorStatus::Unknown),
            Err(other) => Err(other),
        }
    }

    pub async fn update_email(&self, body: &UpdateEmailRequest) -> Result<(), ApiError> {
        self.send_json("PUT", "/account/email", to_json(body)).await
    }

    pub async fn update_password(&self, body: &UpdatePasswordRequest) -> Result<(), ApiError> {
        self.send_json("PUT", "/account/password", to_json(body))
            .await
    }
}
