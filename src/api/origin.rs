//! `OriginClient`: the card's only connection, to a ptero-origin (`/v1/...`). It never
//! sees a panel key: it trades the hosting site's hand-off token for a session and uses
//! that. The live stream is a streaming `fetch` (not `EventSource`), so the session
//! travels in the `Authorization` header and never in a URL.

use std::fmt;

use js_sys::Uint8Array;
use ptero_api::json_view::FromJsonView;
use ptero_api::origin::{
    OriginErrorBody, OriginErrorCode, ServerSummary, SessionGrant, SsoTicket, StreamEvent,
};
use ptero_api::PowerSignal;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ReadableStreamDefaultReader, Response, TextDecoder};

use super::browser::{self, Fetch};
use super::browser_json::{self, BrowserJson};
use super::sse::SseParser;

/// Why a call to the origin failed.
#[derive(Debug, Clone, PartialEq)]
pub enum OriginFailure {
    /// No answer (down, wrong address, or this page's origin refused by CORS).
    Unreachable { origin: String },
    /// The origin answered with its error body.
    Refused {
        code: OriginErrorCode,
        message: String,
    },
}

impl OriginFailure {
    /// A stable code for `ptero-error` events and styling.
    pub fn code(&self) -> String {
        match self {
            OriginFailure::Unreachable { .. } => "origin_unreachable".into(),
            OriginFailure::Refused { code, .. } => code.as_str().to_string(),
        }
    }
}

impl fmt::Display for OriginFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OriginFailure::Unreachable { origin } => write!(
                f,
                "Can't reach {origin}. It may be down, or it does not list this site as an allowed embedding origin."
            ),
            OriginFailure::Refused { message, .. } => f.write_str(message),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct OriginClient {
    base: String,
}

impl OriginClient {
    pub fn new(origin: &str) -> Self {
        Self {
            base: origin.trim_end_matches('/').to_string(),
        }
    }

    pub fn origin(&self) -> &str {
        &self.base
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        session: Option<&str>,
        body: Option<String>,
        signal: Option<&AbortSignal>,
    ) -> Result<Response, OriginFailure> {
        let authorization = session.map(|session| format!("Bearer {session}"));
        let mut headers = vec![("Accept", "application/json")];
        if let Some(value) = &authorization {
            headers.push(("Authorization", value));
        }
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        let response = Fetch {
            method,
            url: &format!("{}{path}", self.base),
            headers: &headers,
            body: body.as_deref(),
            credentials: None,
            signal,
        }
        .send()
        .await
        .map_err(|()| OriginFailure::Unreachable {
            origin: self.base.clone(),
        })?;
        if response.ok() {
            return Ok(response);
        }
        let status = response.status();
        let text = browser::text(&response).await;
        Err(match browser_json::read::<OriginErrorBody>(&text) {
            Ok(body) => OriginFailure::Refused {
                code: body.error.code,
                message: body.error.message,
            },
            Err(_) => OriginFailure::Refused {
                code: OriginErrorCode::Other(format!("http_{status}")),
                message: format!("The origin answered {status} without an explanation."),
            },
        })
    }

    async fn json<T: FromJsonView>(&self, response: Response) -> Result<T, OriginFailure> {
        let text = browser::text(&response).await;
        browser_json::read(&text).map_err(|why| OriginFailure::Refused {
            code: OriginErrorCode::Other("bad_answer".into()),
            message: format!("The origin's answer could not be read: {why}."),
        })
    }

    /// Trades a hand-off token (single use) for a session.
    pub async fn exchange(&self, token: &str) -> Result<SessionGrant, OriginFailure> {
        let response = self
            .send(
                "POST",
                "/v1/session",
                None,
                Some(browser_json::object(&[("token", token)])),
                None,
            )
            .await?;
        self.json(response).await
    }

    pub async fn summary(
        &self,
        session: &str,
        server: &str,
    ) -> Result<ServerSummary, OriginFailure> {
        let response = self
            .send(
                "GET",
                &format!("/v1/servers/{server}"),
                Some(session),
                None,
                None,
            )
            .await?;
        self.json(response).await
    }

    pub async fn power(
        &self,
        session: &str,
        server: &str,
        signal: PowerSignal,
    ) -> Result<(), OriginFailure> {
        let body = Some(browser_json::object(&[("signal", signal.as_str())]));
        self.send(
            "POST",
            &format!("/v1/servers/{server}/power"),
            Some(session),
            body,
            None,
        )
        .await
        .map(drop)
    }

    pub async fn command(
        &self,
        session: &str,
        server: &str,
        command: &str,
    ) -> Result<(), OriginFailure> {
        let body = Some(browser_json::object(&[("command", command)]));
        self.send(
            "POST",
            &format!("/v1/servers/{server}/command"),
            Some(session),
            body,
            None,
        )
        .await
        .map(drop)
    }

    pub async fn sso(&self, session: &str, server: &str) -> Result<SsoTicket, OriginFailure> {
        let response = self
            .send(
                "POST",
                &format!("/v1/servers/{server}/sso"),
                Some(session),
                None,
                None,
            )
            .await?;
        self.json(response).await
    }

    /// Reads the live stream for `servers` until it ends, calling `on_event` per event.
    /// Returns `Ok` when the origin closed the stream, so the caller reconnects.
    pub async fn stream(
        &self,
        session: &str,
        servers: &[String],
        signal: &AbortSignal,
        mut on_event: impl FnMut(StreamEvent),
    ) -> Result<(), OriginFailure> {
        let path = format!("/v1/stream?servers={}", servers.join(","));
        let response = self
            .send("GET", &path, Some(session), None, Some(signal))
            .await?;
        let unreachable = || OriginFailure::Unreachable {
            origin: self.base.clone(),
        };
        let body = response.body().ok_or_else(unreachable)?;
        let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let decoder = TextDecoder::new().map_err(|_| unreachable())?;
        let options = web_sys::TextDecodeOptions::new();
        options.set_stream(true);
        let mut parser = SseParser::default();
        loop {
            let chunk = JsFuture::from(reader.read())
                .await
                .map_err(|_| unreachable())?;
            let done = js_sys::Reflect::get(&chunk, &"done".into())
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(true);
            if done {
                return Ok(());
            }
            let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) else {
                continue;
            };
            let bytes: Uint8Array = value.unchecked_into();
            let text = decoder
                .decode_with_js_u8_array_and_options(&bytes, &options)
                .unwrap_or_default();
            for event in parser.feed(&text) {
                let parsed = BrowserJson::parse(&event.data)
                    .and_then(|data| StreamEvent::from_view(&event.event, &data).ok());
                if let Some(parsed) = parsed {
                    on_event(parsed);
                }
            }
        }
    }
}
