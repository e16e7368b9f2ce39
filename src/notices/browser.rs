//! The browser's `Notification` API: its permission, asking for it, showing one. Where
//! the API is missing (some mobile browsers, insecure origins) everything answers
//! `Unsupported` and does nothing.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

use super::Notice;

/// Whether the page may show browser notifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Not asked yet.
    Default,
    Granted,
    Denied,
    Unsupported,
}

fn supported() -> bool {
    web_sys::window().is_some_and(|window| {
        js_sys::Reflect::has(&window, &"Notification".into()).unwrap_or(false)
    })
}

pub fn permission() -> Permission {
    if !supported() {
        return Permission::Unsupported;
    }
    match Notification::permission() {
        NotificationPermission::Granted => Permission::Granted,
        NotificationPermission::Denied => Permission::Denied,
        _ => Permission::Default,
    }
}

/// Asks, and calls `answer` with what the person chose.
pub fn ask(answer: impl FnOnce(Permission) + 'static) {
    if !supported() {
        answer(Permission::Unsupported);
        return;
    }
    let Ok(promise) = Notification::request_permission() else {
        answer(permission());
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        answer(permission());
    });
}

/// Shows `notice` as a browser notification; its tag makes a repeat replace it.
pub fn notify(notice: &Notice) {
    let options = NotificationOptions::new();
    options.set_tag(&[notice.server.as_str(), ":", notice.kind.as_str()].concat());
    options.set_body("ptero-web");
    if let Ok(shown) = Notification::new_with_options(&notice.title(), &options) {
        // Clicking it brings the tab forward. (A once-closure frees itself when called;
        // one never clicked stays with its notification, a few bytes each.)
        let on_click = Closure::once_into_js(move || {
            if let Some(window) = web_sys::window() {
                let _ = window.focus();
            }
        });
        shown.set_onclick(Some(on_click.unchecked_ref()));
    }
}
