//! Helpers shared by the loopback tests: a sandbox with short delays and a small HTTP
//! client that speaks like ptero-web.
#![allow(dead_code)]

pub mod socket;

use std::time::Duration;

use ptero_sandbox::{Sandbox, SandboxConfig};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub async fn start() -> Sandbox {
    start_with(|_| {}).await
}

pub async fn start_with(change: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let mut config = SandboxConfig::fast();
    change(&mut config);
    Sandbox::start(config).await.expect("the sandbox starts")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a client")
}

/// An answer: status, headers, body text and the body as JSON (Null when not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Answer {
    /// `errors[0].code` and `errors[0].status`.
    pub fn error(&self) -> (String, String) {
        let entry = &self.json["errors"][0];
        (
            entry["code"].as_str().unwrap_or_default().to_owned(),
            entry["status"].as_str().unwrap_or_default().to_owned(),
        )
    }

    pub fn detail(&self) -> String {
        self.json["errors"][0]["detail"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    }
}

pub async fn request(
    sandbox: &Sandbox,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut builder = http()
        .request(method, format!("{}{path}", sandbox.panel_url()))
        .header("Accept", "application/json");
    if let Some(key) = key {
        builder = builder.bearer_auth(key);
    }
    if let Some(body) = body {
        builder = builder.json(&body);
    }
    read(builder.send().await.expect("the request is answered")).await
}

pub async fn read(response: reqwest::Response) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        text,
        json,
    }
}

pub async fn get(sandbox: &Sandbox, path: &str, key: &str) -> Answer {
    request(sandbox, Method::GET, path, Some(key), None).await
}

pub async fn post(sandbox: &Sandbox, path: &str, key: &str, body: Value) -> Answer {
    request(sandbox, Method::POST, path, Some(key), Some(body)).await
}

pub async fn put(sandbox: &Sandbox, path: &str, key: &str, body: Value) -> Answer {
    request(sandbox, Method::PUT, path, Some(key), Some(body)).await
}

pub fn server_path(server: &str, rest: &str) -> String {
    format!("/api/client/servers/{server}{rest}")
}

/// Polls until `check` holds, for at most two seconds.
pub async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..200 {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    check()
}
