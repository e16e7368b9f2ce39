//! `OriginClient`: the card's only connection, to a ptero-origin (`/v1/...`). It never
//! sees a panel key: it trades the hosting site's hand-off token for a session and uses
//! that. The live stream is a streaming `fetch` (not `EventSource`), so sessions travel
//! in headers and bodies and never in a URL; one stream carries every session of the page.

use std::fmt;

use ptero_api::claims::Action;
use ptero_api::json_view::FromJsonView;
use ptero_api::origin::{
    OriginErrorBody, OriginErrorCode, SessionGrant, SsoTicket, StreamEvent, StreamSession,
};
use ptero_api::PowerSignal;
use web_sys::{AbortSignal, TextDecodeOptions, TextDecoder};

use super::browser_json::{self, BrowserJson};
use super::request::{Request, Response, Transport};
use super::sse::SseParser;

/// One session of a stream and the servers it asks for.
pub type StreamMember = StreamSession;

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
    /// Cancelled: the card or stream that asked is gone.
    Aborted,
}

impl OriginFailure {
    /// The stable code of `ptero-error` events.
    pub fn code(&self) -> &str {
        match self {
            OriginFailure::Unreachable { .. } => "origin_unreachable",
            OriginFailure::Refused { code, .. } => code.as_str(),
            OriginFailure::Aborted => "aborted",
        }
    }

    /// Whether the session behind the call is gone (expired, revoked, never known).
    pub fn session_ended(&self) -> bool {
        matches!(
            self,
            OriginFailure::Refused {
                code: OriginErrorCode::SessionExpired | OriginErrorCode::TokenExpired,
                ..
            }
        )
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
            OriginFailure::Aborted => f.write_str("The request was cancelled."),
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

    fn unreachable(&self, failure: Transport) -> OriginFailure {
        match failure {
            Transport::Aborted => OriginFailure::Aborted,
            Transport::Failed => OriginFailure::Unreachable {
                origin: self.base.clone(),
            },
        }
    }

    fn request(&self, method: &'static str, path: &str, session: Option<&str>) -> Request {
        let request = Request::new(method, [self.base.as_str(), path].concat())
            .header("Accept", "application/json");
        match session {
            Some(session) => request.bearer(session),
            None => request,
        }
    }

    async fn send(&self, request: Request) -> Result<Response, OriginFailure> {
        let response = request.send().await.map_err(|f| self.unreachable(f))?;
        if response.ok() {
            return Ok(response);
        }
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
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
        let text = response.text().await.map_err(|f| self.unreachable(f))?;
        browser_json::read(&text).map_err(|why| OriginFailure::Refused {
            code: OriginErrorCode::Other("bad_answer".into()),
            message: format!("The origin's answer could not be read: {why}."),
        })
    }

    /// Trades a hand-off token (single use) for a session granting at most `actions`
    /// (`None`: whatever the token grants).
    pub async fn exchange(
        &self,
        token: &str,
        actions: Option<&[Action]>,
        signal: &AbortSignal,
    ) -> Result<SessionGrant, OriginFailure> {
        let body = browser_json::session_request(token, actions);
        let request = self
            .request("POST", "/v1/session", None)
            .json(body)
            .signal(signal);
        let response = self.send(request).await?;
        self.json(response).await
    }

    pub async fn power(
        &self,
        session: &str,
        server: &str,
        signal: PowerSignal,
    ) -> Result<(), OriginFailure> {
        let body = browser_json::object(&[("signal", signal.as_str())]);
        let path = ["/v1/servers/", server, "/power"].concat();
        self.send(self.request("POST", &path, Some(session)).json(body))
            .await
            .map(drop)
    }

    pub async fn command(
        &self,
        session: &str,
        server: &str,
        command: &str,
    ) -> Result<(), OriginFailure> {
        let body = browser_json::object(&[("command", command)]);
        let path = ["/v1/servers/", server, "/command"].concat();
        self.send(self.request("POST", &path, Some(session)).json(body))
            .await
            .map(drop)
    }

    pub async fn sso(&self, session: &str, server: &str) -> Result<SsoTicket, OriginFailure> {
        let path = ["/v1/servers/", server, "/sso"].concat();
        let response = self
            .send(self.request("POST", &path, Some(session)))
            .await?;
        self.json(response).await
    }

    /// Reads the page's live stream for `members` until it ends, calling `on_event` per
    /// event. Returns `Ok` when the origin closed the stream, so the caller reconnects.
    pub async fn stream(
        &self,
        members: &[StreamMember],
        signal: &AbortSignal,
        mut on_event: impl FnMut(StreamEvent),
    ) -> Result<(), OriginFailure> {
        let body = browser_json::stream_request(members);
        let request = self
            .request("POST", "/v1/stream", None)
            .json(body)
            .signal(signal);
        let response = self.send(request).await?;
        let chunks = response.chunks().map_err(|f| self.unreachable(f))?;
        let decoder = TextDecoder::new().map_err(|_| self.unreachable(Transport::Failed))?;
        let options = TextDecodeOptions::new();
        options.set_stream(true);
        let mut parser = SseParser::default();
        while let Some(bytes) = chunks.next().await.map_err(|f| self.unreachable(f))? {
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
        Ok(())
    }
}
