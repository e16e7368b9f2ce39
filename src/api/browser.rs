//! `fetch` straight on `web_sys`, for the card's calls to the origin and the hosting
//! site: a few lines instead of an HTTP client crate in the card's bundle.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestCredentials, RequestInit, Response};

/// One request. `Err(())` means no answer at all (network, CORS, abort).
pub struct Fetch<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Option<&'a str>,
    pub credentials: Option<RequestCredentials>,
    pub signal: Option<&'a AbortSignal>,
}

impl Fetch<'_> {
    pub async fn send(self) -> Result<Response, ()> {
        let headers = Headers::new().map_err(drop)?;
        for (name, value) in self.headers {
            headers.set(name, value).map_err(drop)?;
        }
        let init = RequestInit::new();
        init.set_method(self.method);
        init.set_headers(&headers);
        if let Some(body) = self.body {
            init.set_body(&JsValue::from_str(body));
        }
        if let Some(credentials) = self.credentials {
            init.set_credentials(credentials);
        }
        if let Some(signal) = self.signal {
            init.set_signal(Some(signal));
        }
        let window = web_sys::window().ok_or(())?;
        let answer = JsFuture::from(window.fetch_with_str_and_init(self.url, &init))
            .await
            .map_err(drop)?;
        answer.dyn_into::<Response>().map_err(drop)
    }
}

/// The body as text; empty when it cannot be read.
pub async fn text(response: &Response) -> String {
    let Ok(promise) = response.text() else {
        return String::new();
    };
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}
