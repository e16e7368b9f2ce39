//! `PanelClient`: typed Client API calls (`/api/client/...`), direct to the panel or
//! through a ptero-origin's pass-through (`{origin}/panel/api/client/...`).

use ptero_api::{
    Account, AccountItem, ApiKey, CommandRequest, FileList, FileObject, Item, PowerRequest,
    PowerSignal, Server, ServerDetail, ServerList, StartupList, Stats, UpdateVariableRequest,
    WebsocketCredentials, WebsocketToken,
};

use super::fetch::{self, Body, Call};
use super::{ApiError, Credentials};

/// Servers asked for per page: the panel's maximum, so most accounts need one request.
const PAGE_SIZE: u32 = 100;

#[derive(Clone, PartialEq)]
pub struct PanelClient {
    /// Up to and including `/api/client`, no trailing slash.
    api_root: String,
    key: ApiKey,
}

impl PanelClient {
    pub fn new(credentials: &Credentials) -> Self {
        let api_root = match &credentials.via_origin {
            Some(origin) => format!("{}/panel/api/client", origin.trim_end_matches('/')),
            None => credentials.panel.client_api(""),
        };
        Self {
            api_root: api_root.trim_end_matches('/').to_string(),
            key: credentials.key.clone(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api_root)
    }

    pub(super) fn call(&self, method: &'static str, path: &str, body: Option<String>) -> Call<'_> {
        Call {
            method,
            url: self.url(path),
            key: self.key.expose_secret(),
            body: body.map(Body::Json),
        }
    }

    /// The panel family the key belongs to (Pelican's routes differ in places).
    pub fn is_pelican(&self) -> bool {
        self.key.kind().family() == Some(ptero_api::Family::Pelican)
    }

    /// Sends a call whose success has no body worth reading (204s, 202s).
    pub(super) async fn act(&self, call: Call<'_>) -> Result<(), ApiError> {
        fetch::send(call).await.map(drop)
    }

    pub(super) async fn read<T: ptero_api::json_view::FromJsonView>(
        &self,
        call: Call<'_>,
    ) -> Result<T, ApiError> {
        fetch::json(call).await
    }

    pub(super) fn post(&self, path: &str, body: &impl serde::Serialize) -> Call<'_> {
        self.call("POST", path, to_json(body))
    }

    pub(super) fn put(&self, path: &str, body: &impl serde::Serialize) -> Call<'_> {
        self.call("PUT", path, to_json(body))
    }

    pub(super) fn get(&self, path: &str) -> Call<'_> {
        self.call("GET", path, None)
    }

    pub(super) fn delete(&self, path: &str) -> Call<'_> {
        self.call("DELETE", path, None)
    }

    /// `POST` with a text body.
    pub(super) fn post_text(&self, path: &str, text: String) -> Call<'_> {
        Call {
            method: "POST",
            url: self.url(path),
            key: self.key.expose_secret(),
            body: Some(Body::Text(text)),
        }
    }

    pub async fn account(&self) -> Result<Account, ApiError> {
        let item: AccountItem = fetch::json(self.call("GET", "/account", None)).await?;
        Ok(item.attributes)
    }

    /// Every server the key can see, following pagination to the last page.
    pub async fn servers(&self) -> Result<Vec<Server>, ApiError> {
        let mut servers = Vec::new();
        let mut page = 1u64;
        loop {
            let path = format!("?page={page}&per_page={PAGE_SIZE}");
            let list: ServerList = fetch::json(self.call("GET", &path, None)).await?;
            let more = list
                .pagination()
                .is_some_and(|p| p.current_page < p.total_pages);
            servers.extend(list.data.into_iter().map(|item| item.attributes));
            if !more || page >= 1000 {
                return Ok(servers);
            }
            page += 1;
        }
    }

    pub async fn server(&self, id: &str) -> Result<ServerDetail, ApiError> {
        fetch::json(self.call("GET", &format!("/servers/{id}"), None)).await
    }

    /// Whether each request is preceded by a CORS preflight: straight on the panel it is
    /// (the panel's CORS `max_age` is 0); through an origin's pass-through it is not.
    pub fn preflights(&self) -> bool {
        !self.api_root.contains("/panel/api/client")
    }

    /// `/resources`, and the panel's `X-RateLimit-Limit` / `-Remaining` when the browser
    /// may read them (same origin: through an origin's pass-through).
    pub async fn resources_and_limit(
        &self,
        id: &str,
    ) -> Result<(Stats, Option<u32>, Option<u32>), ApiError> {
        let call = self.call("GET", &format!("/servers/{id}/resources"), None);
        let response = fetch::send(call).await?;
        let header = |name: &str| {
            response
                .header(name)
                .and_then(|value| value.trim().parse().ok())
        };
        let (limit, remaining) = (header("x-ratelimit-limit"), header("x-ratelimit-remaining"));
        let text = fetch::text(&response).await?;
        let item: Item<Stats> = super::browser_json::read(&text).map_err(ApiError::Decode)?;
        Ok((item.attributes, limit, remaining))
    }

    pub async fn resources(&self, id: &str) -> Result<Stats, ApiError> {
        let item: Item<Stats> =
            fetch::json(self.call("GET", &format!("/servers/{id}/resources"), None)).await?;
        Ok(item.attributes)
    }

    pub async fn power(&self, id: &str, signal: PowerSignal) -> Result<(), ApiError> {
        let body = to_json(&PowerRequest { signal });
        fetch::send(self.call("POST", &format!("/servers/{id}/power"), body))
            .await
            .map(drop)
    }

    pub async fn command(&self, id: &str, command: &str) -> Result<(), ApiError> {
        let body = to_json(&CommandRequest {
            command: command.to_string(),
        });
        fetch::send(self.call("POST", &format!("/servers/{id}/command"), body))
            .await
            .map(drop)
    }

    pub async fn websocket(&self, id: &str) -> Result<WebsocketCredentials, ApiError> {
        let answer: WebsocketToken =
            fetch::json(self.call("GET", &format!("/servers/{id}/websocket"), None)).await?;
        Ok(answer.data)
    }

    /// A directory's entries, directories first then by name (as the panel's UI sorts).
    pub async fn files(&self, id: &str, directory: &str) -> Result<Vec<FileObject>, ApiError> {
        let path = format!("/servers/{id}/files/list?directory={}", encode(directory));
        let list: FileList = fetch::json(self.call("GET", &path, None)).await?;
        let mut files: Vec<FileObject> =
            list.data.into_iter().map(|item| item.attributes).collect();
        ptero_api::sort_like_panel(&mut files);
        Ok(files)
    }

    pub async fn file_contents(&self, id: &str, file: &str) -> Result<String, ApiError> {
        let path = format!("/servers/{id}/files/contents?file={}", encode(file));
        let response = fetch::send(self.call("GET", &path, None)).await?;
        fetch::text(&response).await
    }

    pub async fn startup(&self, id: &str) -> Result<StartupList, ApiError> {
        fetch::json(self.call("GET", &format!("/servers/{id}/startup"), None)).await
    }

    pub async fn set_variable(&self, id: &str, key: &str, value: &str) -> Result<(), ApiError> {
        let body = to_json(&UpdateVariableRequest {
            key: key.to_string(),
            value: Some(value.to_string()),
        });
        fetch::send(self.call("PUT", &format!("/servers/{id}/startup/variable"), body))
            .await
            .map(drop)
    }
}

/// A request body; typed structs, not `serde_json::Value`, keep the bundle small.
pub(super) fn to_json(body: &impl serde::Serialize) -> Option<String> {
    serde_json::to_string(body).ok()
}

/// Percent-encodes a query value (paths may hold spaces, `&`, `#`, non-ASCII).
pub(super) fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}
