//! The installable app: the release build adds a web app manifest and a service worker
//! (`xtask/src/pwa.rs` writes `sw.js` with the shell's files and the release's version)
//! and names the worker in `<meta name="ptero-service-worker">`; the app registers it.
//! A development build has neither, and registers nothing.
//!
//! Registered through `js_sys::Reflect`: web-sys' `ServiceWorkerContainer` features
//! would add bindings the first load does not need for one call.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Registers the release's service worker, if the page names one. A failed
/// registration leaves the app working online: it is awaited and let go, so it is not
/// reported as an unhandled rejection.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(url) = window
        .document()
        .and_then(|d| {
            d.query_selector("meta[name=ptero-service-worker]")
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"))
    else {
        return;
    };
    let navigator = JsValue::from(window.navigator());
    let Some(container) = Reflect::get(&navigator, &"serviceWorker".into())
        .ok()
        .filter(|c| !c.is_undefined())
    else {
        return;
    };
    let Some(register) = Reflect::get(&container, &"register".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return;
    };
    if let Ok(promise) = register.call1(&container, &JsValue::from_str(&url)) {
        if let Ok(promise) = promise.dyn_into::<Promise>() {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = JsFuture::from(promise).await;
            });
        }
    }
}
