//! The one place that talks to the panel's Client API with the origin's own key.

use std::time::Duration;

use ptero_api::{
    Account, AccountItem, ApiKey, CommandRequest, PanelError, PanelUrl, PowerRequest, Server,
    ServerDetail, ServerId, Stats, StatsItem, WebsocketCredentials, WebsocketToken,
};
use reqwest::header::{ACCEPT, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::AppError;

/// A Client API client holding the origin's key. Clones share one connection pool.
#[derive(Clone)]
pub struct Panel {
    http: reqwest::Client,
    url: PanelUrl,
    key: ApiKey,
    /// How long the panel (and its Wings) may take to answer.
    timeout: Duration,
}

impl std::fmt::Debug for Panel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Panel")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

/// The plain-language cause of a failed connection.
pub fn describe_transport(error: &reqwest::Error) -> String {
    let cause = if error.is_timeout() {
        "it did not answer in time (a firewall dropping packets, or the panel is overloaded)"
    } else if error.is_connect() {
        "no connection could be made: check the URL, DNS, TLS certificate and firewall"
    } else if error.is_decode() || error.is_body() {
        "its answer could not be read"
    } else {
        "the request failed"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        detail = inner.to_string();
        source = inner.source();
    }
    if detail.is_empty() {
        cause.to_owned()
    } else {
        format!("{cause} ({detail})")
    }
}

impl Panel {
    pub fn new(url: PanelUrl, key: ApiKey, timeout: Duration) -> Result<Self, AppError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| {
                AppError::Internal(format!("cannot build the HTTP client: {error}"))
            })?;
        Ok(Self {
            http,
            url,
            key,
            timeout,
        })
    }

    /// The same client acting with another key (a viewer's own); shares the pool.
    pub fn with_key(&self, key: ApiKey) -> Self {
        Self {
            http: self.http.clone(),
            url: self.url.clone(),
            key,
            timeout: self.timeout,
        }
    }

    pub fn url(&self) -> &PanelUrl {
        &self.url
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url.client_api(path))
            .header(ACCEPT, "application/json")
            .header(AUTHORIZATION, self.key.bearer())
    }

    async fn send(builder: RequestBuilder) -> Result<Response, AppError> {
        let response = builder
            .send()
            .await
            .map_err(|error| AppError::Unreachable(describe_transport(&error)))?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(AppError::Panel(read_error(response).await))
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, AppError> {
        let response = Self::send(self.request(Method::GET, path)).await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|error| AppError::Unreachable(describe_transport(&error)))?;
        serde_json::from_slice(&bytes).map_err(|error| {
            AppError::Panel(PanelError::Other {
                status: 200,
                detail: format!("unreadable answer: {error}"),
            })
        })
    }

    async fn post<B: Serialize>(&self, path: &str, body: &B) -> Result<(), AppError> {
        Self::send(self.request(Method::POST, path).json(body))
            .await
            .map(drop)
    }

    pub async fn server(&self, id: &ServerId) -> Result<Server, AppError> {
        let item: ServerDetail = self.get_json(&format!("/servers/{id}")).await?;
        Ok(item.attributes)
    }

    pub async fn resources(&self, id: &ServerId) -> Result<Stats, AppError> {
        let item: StatsItem = self.get_json(&format!("/servers/{id}/resources")).await?;
        Ok(item.attributes)
    }

    pub async fn account(&self) -> Result<Account, AppError> {
        let item: AccountItem = self.get_json("/account").await?;
        Ok(item.attributes)
    }

    pub async fn power(&self, id: &ServerId, request: &PowerRequest) -> Result<(), AppError> {
        self.post(&format!("/servers/{id}/power"), request).await
    }

    /// A Wings websocket token and address for `id`. Never log the token.
    pub async fn websocket(&self, id: &ServerId) -> Result<WebsocketCredentials, AppError> {
        let answer: WebsocketToken = self.get_json(&format!("/servers/{id}/websocket")).await?;
        Ok(answer.data)
    }

    pub async fn command(&self, id: &ServerId, request: &CommandRequest) -> Result<(), AppError> {
        self.post(&format!("/servers/{id}/command"), request).await
    }
}

/// The panel's error answer as a [`PanelError`].
pub async fn read_error(response: Response) -> PanelError {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse().ok());
    let body = response.text().await.unwrap_or_default();
    PanelError::from_response(status, &body, retry_after)
}
