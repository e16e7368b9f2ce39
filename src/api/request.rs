//! The one HTTP path of both bundles: a request builder on the browser's own `fetch`,
//! used for the panel (the app), the origin (the card) and the hosting site's token URL.
//! Hand-written over `web_sys` rather than gloo-net: the card cannot afford a second
//! client in its 90 KB, and one path means one place that aborts.
//!
//! Every request is aborted with the reactive owner that started it: it takes the signal
//! of the [`Scope`] it runs in (see `scope.rs`), or one given explicitly with
//! [`Request::signal`] by page-wide controllers (the card's session exchange and stream).

use std::fmt;

use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, Headers, ReadableStreamDefaultReader, RequestCredentials, RequestInit, RequestMode,
};

use super::scope;

mod upload;
pub use upload::Uploaded;

thread_local! {
    static IN_FLIGHT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Requests sent and not answered yet (the soak benchmark checks none is left behind).
pub fn requests_in_flight() -> usize {
    IN_FLIGHT.with(std::cell::Cell::get)
}

/// Counts one request in flight until dropped.
struct InFlight;

impl InFlight {
    fn new() -> Self {
        IN_FLIGHT.with(|n| n.set(n.get() + 1));
        Self
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

/// A request being built.
pub struct Request {
    method: &'static str,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Option<String>,
    credentials: bool,
    no_cors: bool,
    signal: Option<AbortSignal>,
}

/// No answer: the network, CORS, or the request was aborted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Failed,
    Aborted,
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Failed => "no answer (network, TLS or CORS)",
            Transport::Aborted => "the request was cancelled",
        })
    }
}

impl Request {
    pub fn new(method: &'static str, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
            credentials: false,
            no_cors: false,
            signal: None,
        }
    }

    pub fn get(url: impl Into<String>) -> Self {
        Self::new("GET", url)
    }

    pub fn post(url: impl Into<String>) -> Self {
        Self::new("POST", url)
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("Authorization", ["Bearer ", token].concat())
    }

    /// A JSON body (`Content-Type: application/json`).
    pub fn json(mut self, body: String) -> Self {
        self.body = Some(body);
        self.header("Content-Type", "application/json")
    }

    /// A text body (`Content-Type: text/plain`).
    pub fn text(mut self, body: String) -> Self {
        self.body = Some(body);
        self.header("Content-Type", "text/plain")
    }

    /// Sends the page's cookies for that site (the hosting site's token URL).
    pub fn with_credentials(mut self) -> Self {
        self.credentials = true;
        self
    }

    /// An opaque `no-cors` probe: succeeds when the host answered at all.
    pub fn no_cors(mut self) -> Self {
        self.no_cors = true;
        self
    }

    /// Aborted with `signal` instead of the current [`Scope`](super::Scope).
    pub fn signal(mut self, signal: &AbortSignal) -> Self {
        self.signal = Some(signal.clone());
        self
    }

    pub async fn send(self) -> Result<Response, Transport> {
        // Decided now, inside the poll of the task that sends: see `scope.rs`.
        let signal = self.signal.or_else(scope::current_signal);
        if signal.as_ref().is_some_and(AbortSignal::aborted) {
            return Err(Transport::Aborted);
        }
        let headers = Headers::new().map_err(|_| Transport::Failed)?;
        for (name, value) in &self.headers {
            headers.set(name, value).map_err(|_| Transport::Failed)?;
        }
        let init = RequestInit::new();
        init.set_method(self.method);
        init.set_headers(&headers);
        if let Some(body) = &self.body {
            init.set_body(&JsValue::from_str(body));
        }
        if self.credentials {
            init.set_credentials(RequestCredentials::Include);
        }
        if self.no_cors {
            init.set_mode(RequestMode::NoCors);
        }
        if let Some(signal) = &signal {
            init.set_signal(Some(signal));
        }
        let window = web_sys::window().ok_or(Transport::Failed)?;
        let counted = InFlight::new();
        let answer = JsFuture::from(window.fetch_with_str_and_init(&self.url, &init)).await;
        drop(counted);
        let aborted = || signal.as_ref().is_some_and(AbortSignal::aborted);
        match answer {
            Ok(answer) if !aborted() => answer
                .dyn_into::<web_sys::Response>()
                .map(|inner| Response { inner, signal })
                .map_err(|_| Transport::Failed),
            Ok(_) => Err(Transport::Aborted),
            Err(_) if aborted() => Err(Transport::Aborted),
            Err(_) => Err(Transport::Failed),
        }
    }
}

/// An answer (any status).
pub struct Response {
    inner: web_sys::Response,
    signal: Option<AbortSignal>,
}

impl Response {
    pub fn status(&self) -> u16 {
        self.inner.status()
    }

    pub fn ok(&self) -> bool {
        self.inner.ok()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.inner.headers().get(name).ok().flatten()
    }

    /// The body as text; `Err` when it could not be read (dropped connection, aborted).
    pub async fn text(&self) -> Result<String, Transport> {
        let promise = self.inner.text().map_err(|_| Transport::Failed)?;
        JsFuture::from(promise)
            .await
            .ok()
            .and_then(|text| text.as_string())
            .ok_or(self.failure())
    }

    /// The body's chunks as they arrive (a streaming response such as SSE).
    pub fn chunks(&self) -> Result<Chunks, Transport> {
        let body = self.inner.body().ok_or(Transport::Failed)?;
        Ok(Chunks {
            reader: body.get_reader().unchecked_into(),
            failure: self.failure(),
        })
    }

    fn failure(&self) -> Transport {
        if self.signal.as_ref().is_some_and(AbortSignal::aborted) {
            Transport::Aborted
        } else {
            Transport::Failed
        }
    }
}

/// A body read chunk by chunk.
pub struct Chunks {
    reader: ReadableStreamDefaultReader,
    failure: Transport,
}

impl Chunks {
    /// The next chunk; `Ok(None)` at the end of the body.
    pub async fn next(&self) -> Result<Option<Uint8Array>, Transport> {
        let chunk = JsFuture::from(self.reader.read())
            .await
            .map_err(|_| self.failure)?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(None);
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(|_| self.failure)?;
        Ok(Some(value.unchecked_into()))
    }
}

thread_local! {
    /// A rejection handler that ignores the rejection (of a cancel whose body already
    /// failed, e.g. aborted), so it is not reported as unhandled.
    static IGNORE: wasm_bindgen::closure::Closure<dyn FnMut(JsValue)> =
        wasm_bindgen::closure::Closure::new(|_: JsValue| {});
}

impl Drop for Chunks {
    /// A reader let go before the end cancels the body (the connection is released).
    fn drop(&mut self) {
        let cancelled = self.reader.cancel();
        IGNORE.with(|ignore| drop(cancelled.catch(ignore)));
    }
}
