//! Page Visibility as a signal: polling pauses while the tab is hidden.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// `true` while the document is visible; the listener is removed when the owner is disposed.
pub fn use_page_visible() -> ReadSignal<bool> {
    let (visible, set_visible) = signal(is_visible());
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return visible;
    };
    let on_change = Closure::<dyn Fn()>::new(move || set_visible.set(is_visible()));
    let _ = document
        .add_event_listener_with_callback("visibilitychange", on_change.as_ref().unchecked_ref());
    let registered = SendWrapper::new((document, on_change));
    on_cleanup(move || {
        let (document, on_change) = registered.take();
        let _ = document.remove_event_listener_with_callback(
            "visibilitychange",
            on_change.as_ref().unchecked_ref(),
        );
    });
    visible
}

fn is_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() != web_sys::VisibilityState::Hidden)
}
