//! The one place that talks to the panel's application API with the origin's application
//! key: finding a viewer's panel user, the per-user client keys of the nextscale addon,
//! and the PteroCA addon's version.

use ptero_api::origin::OriginErrorCode;
use ptero_api::{
    ApiKey, AppServer, AppServerList, AppUser, AppUserList, CreateApiKeyRequest, CreatedApiKey,
    PanelError, PanelUrl, PterocaVersion, UserApiKey, UserApiKeyList,
};
use reqwest::header::{ACCEPT, AUTHORIZATION};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::panel::{describe_transport, read_error};
use crate::store::PanelIdentity;

/// Description of the client keys the origin provisions; one per panel user.
pub const KEY_DESCRIPTION: &str = "ptero-origin";

/// Users asked for per lookup; the panel's filter is a `LIKE`, so more than one may match.
const LOOKUP_PAGE: u32 = 100;

/// Why an application API call failed, in words an administrator can act on.
#[derive(Debug)]
pub enum ApplicationError {
    /// 401/403: the application key is wrong, deleted or lacks a permission.
    KeyRefused {
        status: u16,
        detail: String,
    },
    /// 404 on the PteroCA version route: the addon is not installed.
    AddonMissing,
    /// 422 from key creation: the user has the most keys allowed.
    KeyLimit {
        detail: String,
    },
    /// 422 from key creation: a key with our description exists already.
    DuplicateDescription,
    Panel(PanelError),
    Unreachable(String),
    Unreadable(String),
}

impl std::fmt::Display for ApplicationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApplicationError::KeyRefused { status, detail } => write!(
                f,
                "the panel refused the origin's application key ({status}: {detail}): check that it exists and may read users and manage their API keys"
            ),
            ApplicationError::AddonMissing => f.write_str(
                "the PteroCA addon is missing on the panel (GET /api/application/pteroca/version answered 404): install the PteroCA Pterodactyl addon",
            ),
            ApplicationError::KeyLimit { detail } => write!(
                f,
                "the panel user has the most client keys allowed ({detail}): delete one of their keys in the panel"
            ),
            ApplicationError::DuplicateDescription => write!(
                f,
                "the panel user already has a key described \"{KEY_DESCRIPTION}\" whose secret this origin does not hold: revoke it with `ptero-origin keys revoke <user id>` (or delete it in the panel), then try again"
            ),
            ApplicationError::Panel(error) => write!(f, "the application API answered: {error}"),
            ApplicationError::Unreachable(detail) => {
                write!(f, "the panel could not be reached: {detail}")
            }
            ApplicationError::Unreadable(detail) => {
                write!(f, "the application API's answer is unreadable: {detail}")
            }
        }
    }
}

impl std::error::Error for ApplicationError {}

impl From<ApplicationError> for AppError {
    fn from(error: ApplicationError) -> Self {
        match error {
            ApplicationError::KeyRefused { .. } => {
                AppError::refused(OriginErrorCode::PanelRejected, error.to_string())
            }
            ApplicationError::AddonMissing => {
                AppError::refused(OriginErrorCode::NotConfigured, error.to_string())
            }
            ApplicationError::KeyLimit { .. } => {
                AppError::refused(OriginErrorCode::KeyLimitReached, error.to_string())
            }
            ApplicationError::DuplicateDescription => {
                AppError::refused(OriginErrorCode::KeyConflict, error.to_string())
            }
            ApplicationError::Panel(error) => AppError::Panel(error),
            ApplicationError::Unreachable(detail) => AppError::Unreachable(detail),
            ApplicationError::Unreadable(detail) => AppError::Internal(detail),
        }
    }
}

/// An application API client. Clones share one connection pool.
#[derive(Clone)]
pub struct Application {
    http: reqwest::Client,
    url: PanelUrl,
    key: ApiKey,
    /// Like the client key's: at most half the application API's announced limit, so no
    /// stream of scope checks or lookups can lock the application key out.
    ceiling: std::sync::Arc<crate::panel::Ceiling>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

/// Whether `user` is exactly the one `identity` names (the panel's filter also returns
/// partial matches). Emails compare without ASCII case, as mailboxes do in practice.
pub fn is_exactly(user: &AppUser, identity: &PanelIdentity) -> bool {
    match identity {
        PanelIdentity::ExternalId(id) => user.external_id.as_deref() == Some(id.as_str()),
        PanelIdentity::Email(email) => user.email.eq_ignore_ascii_case(email),
    }
}

impl Application {
    pub fn new(http: reqwest::Client, url: PanelUrl, key: ApiKey) -> Self {
        Self {
            http,
            url,
            key,
            ceiling: std::sync::Arc::new(crate::panel::Ceiling::new(None)),
        }
    }

    /// The same client under `ceiling` (a cluster's, shared through Redis).
    pub fn under(mut self, ceiling: std::sync::Arc<crate::panel::Ceiling>) -> Self {
        self.ceiling = ceiling;
        self
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url.application_api(path))
            .header(ACCEPT, "application/json")
            .header(AUTHORIZATION, self.key.bearer())
    }

    async fn send(&self, builder: RequestBuilder) -> Result<reqwest::Response, ApplicationError> {
        self.ceiling
            .acquire(
                self.key.identifier(),
                std::time::Duration::from_secs(5),
                crate::panel::Priority::Viewer,
            )
            .await
            .map_err(|_| {
                ApplicationError::Unreachable(
                    "the origin is holding its application API requests under the panel's rate limit: try again shortly".to_owned(),
                )
            })?;
        let response = builder
            .send()
            .await
            .map_err(|error| ApplicationError::Unreachable(describe_transport(&error)))?;
        if let Some(limit) = response
            .headers()
            .get("x-ratelimit-limit")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse().ok())
        {
            self.ceiling.learn(limit);
        }
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let error = read_error(response).await;
        Err(match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ApplicationError::KeyRefused {
                status: status.as_u16(),
                detail: error.to_string(),
            },
            _ => ApplicationError::Panel(error),
        })
    }

    async fn json<T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
    ) -> Result<T, ApplicationError> {
        let bytes = self
            .send(builder)
            .await?
            .bytes()
            .await
            .map_err(|error| ApplicationError::Unreachable(describe_transport(&error)))?;
        serde_json::from_slice(&bytes)
            .map_err(|error| ApplicationError::Unreadable(error.to_string()))
    }

    /// The panel user `identity` names exactly, if any.
    pub async fn find_user(
        &self,
        identity: &PanelIdentity,
    ) -> Result<Option<AppUser>, ApplicationError> {
        let (filter, value) = match identity {
            PanelIdentity::ExternalId(id) => ("filter[external_id]", id),
            PanelIdentity::Email(email) => ("filter[email]", email),
        };
        let per_page = LOOKUP_PAGE.to_string();
        let list: AppUserList = self
            .json(
                self.request(Method::GET, "/users")
                    .query(&[(filter, value.as_str()), ("per_page", per_page.as_str())]),
            )
            .await?;
        Ok(list
            .data
            .into_iter()
            .map(|item| item.attributes)
            .find(|user| is_exactly(user, identity)))
    }

    /// The server `id` names exactly, with its subusers, if any.
    pub async fn find_server(
        &self,
        id: &ptero_api::ServerId,
    ) -> Result<Option<AppServer>, ApplicationError> {
        let filter = match id {
            ptero_api::ServerId::Short(_) => "filter[uuidShort]",
            ptero_api::ServerId::Uuid(_) => "filter[uuid]",
        };
        let wanted = id.to_string();
        let per_page = LOOKUP_PAGE.to_string();
        let list: AppServerList = self
            .json(self.request(Method::GET, "/servers").query(&[
                (filter, wanted.as_str()),
                ("include", "subusers"),
                ("per_page", per_page.as_str()),
            ]))
            .await?;
        Ok(list
            .data
            .into_iter()
            .map(|item| item.attributes)
            .find(|server| server.identifier == wanted || server.uuid == wanted))
    }

    /// Whether the key may list users (one is enough to know).
    pub async fn can_read_users(&self) -> Result<Option<AppUser>, ApplicationError> {
        let list: AppUserList = self
            .json(
                self.request(Method::GET, "/users")
                    .query(&[("per_page", "1")]),
            )
            .await?;
        Ok(list.data.into_iter().next().map(|item| item.attributes))
    }

    pub async fn api_keys(&self, user_id: u64) -> Result<Vec<UserApiKey>, ApplicationError> {
        let list: UserApiKeyList = self
            .json(self.request(Method::GET, &format!("/users/{user_id}/api-keys")))
            .await?;
        Ok(list.data.into_iter().map(|item| item.attributes).collect())
    }

    /// Creates the origin's key for `user_id`. The answer holds the secret, once.
    pub async fn create_api_key(&self, user_id: u64) -> Result<CreatedApiKey, ApplicationError> {
        let body = CreateApiKeyRequest {
            description: KEY_DESCRIPTION.to_owned(),
            allowed_ips: Vec::new(),
        };
        let answer = self
            .json::<CreatedApiKey>(
                self.request(Method::POST, &format!("/users/{user_id}/api-keys"))
                    .json(&body),
            )
            .await;
        match answer {
            Err(ApplicationError::Panel(PanelError::Validation { errors })) => {
                Err(classify_refusal(errors))
            }
            other => other,
        }
    }

    pub async fn delete_api_key(
        &self,
        user_id: u64,
        identifier: &str,
    ) -> Result<(), ApplicationError> {
        self.send(self.request(
            Method::DELETE,
            &format!("/users/{user_id}/api-keys/{identifier}"),
        ))
        .await
        .map(drop)
    }

    /// The PteroCA addon's version; [`ApplicationError::AddonMissing`] on a 404.
    pub async fn pteroca_version(&self) -> Result<PterocaVersion, ApplicationError> {
        match self
            .json(self.request(Method::GET, "/pteroca/version"))
            .await
        {
            Err(ApplicationError::Panel(PanelError::NotFound)) => {
                Err(ApplicationError::AddonMissing)
            }
            other => other,
        }
    }
}

/// A 422 from key creation: our description taken, or the user's limit reached.
fn classify_refusal(errors: Vec<ptero_api::FieldError>) -> ApplicationError {
    let duplicate = errors.iter().any(|error| {
        (error.source_field == "description" && error.rule == "unique")
            || error
                .detail
                .contains("already have an API key with this description")
    });
    if duplicate {
        return ApplicationError::DuplicateDescription;
    }
    let limit = errors
        .iter()
        .find(|error| error.rule == "max" || error.detail.contains("maximum"));
    match limit {
        Some(error) => ApplicationError::KeyLimit {
            detail: error.detail.clone(),
        },
        None => ApplicationError::Panel(PanelError::Validation { errors }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptero_api::FieldError;

    fn user(email: &str, external_id: Option<&str>) -> AppUser {
        serde_json::from_value(serde_json::json!({
            "id": 2, "uuid": "u", "username": "alice", "email": email,
            "external_id": external_id,
        }))
        .expect("user")
    }

    #[test]
    fn only_an_exact_match_is_the_viewer() {
        let alice = user("alice@example.com", Some("pteroca-2"));
        let email = |text: &str| PanelIdentity::Email(text.to_owned());
        let external = |text: &str| PanelIdentity::ExternalId(text.to_owned());
        assert!(is_exactly(&alice, &email("Alice@Example.com")));
        assert!(!is_exactly(&alice, &email("lice@example.com")));
        assert!(is_exactly(&alice, &external("pteroca-2")));
        assert!(!is_exactly(&alice, &external("pteroca-")));
        assert!(!is_exactly(&user("a@b.c", None), &external("")));
    }

    #[test]
    fn a_duplicate_description_and_the_limit_are_told_apart() {
        let duplicate = FieldError::new(
            "description",
            "unique",
            "You already have an API key with this description.",
        );
        assert!(matches!(
            classify_refusal(vec![duplicate]),
            ApplicationError::DuplicateDescription
        ));
        let limit = FieldError::new(
            "user",
            "max",
            "You have reached the maximum of 5 API keys for this user.",
        );
        assert!(matches!(
            classify_refusal(vec![limit]),
            ApplicationError::KeyLimit { .. }
        ));
        let other = FieldError::new("allowed_ips.0", "ip", "not an ip");
        assert!(matches!(
            classify_refusal(vec![other]),
            ApplicationError::Panel(_)
        ));
    }
}
