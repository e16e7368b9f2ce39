//! A stand-in for `wasm-streams` 0.5, patched in by the workspace's `[patch.crates-io]`.
//!
//! Leptos always enables `server_fn`'s `browser` feature, which depends on wasm-streams
//! for streaming server-function bodies. wasm-streams exports three `#[wasm_bindgen]`
//! classes (`IntoUnderlyingSource`, `IntoUnderlyingByteSource`, `IntoUnderlyingSink`);
//! exports are never removed as dead code, so every bundle carried them: ~4 KB brotli of
//! the card's 90 KB budget. ptero-web is client-side rendered and has no server
//! functions, so nothing calls this API; it exists only so that `server_fn` compiles.
//! A call would stop the wasm with the message below.

use futures_util::Stream;
use wasm_bindgen::JsValue;

const UNSUPPORTED: &str = "ptero-web has no server functions: streaming bodies are not built in";

/// The shape `server_fn` names; it wraps the browser's stream and nothing more.
pub struct ReadableStream(web_sys::ReadableStream);

impl ReadableStream {
    pub fn from_raw(raw: web_sys::ReadableStream) -> Self {
        Self(raw)
    }

    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.0
    }

    pub fn from_stream<S>(_stream: S) -> Self
    where
        S: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        unimplemented!("{UNSUPPORTED}")
    }

    pub fn into_stream(self) -> futures_util::stream::Pending<Result<JsValue, JsValue>> {
        unimplemented!("{UNSUPPORTED}")
    }
}
