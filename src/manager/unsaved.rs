//! The unsaved-changes guard: while the editor holds changes, leaving asks first. The
//! page's `<html data-unsaved>` is the flag both bundles' routers read before they
//! navigate (`router::Link`), the tabs read before switching, and a `beforeunload`
//! listener covers reloads and closing the tab.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

const ATTRIBUTE: &str = "data-unsaved";

fn root() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

/// Whether changes are unsaved anywhere on the page.
pub fn pending() -> bool {
    root().is_some_and(|root| root.has_attribute(ATTRIBUTE))
}

/// Asks before throwing unsaved changes away; true when there are none or the person
/// agreed.
pub fn may_leave() -> bool {
    crate::router::may_leave()
}

/// Marks (with the file's name) or clears the page's unsaved state.
pub fn mark(file: Option<&str>) {
    if let Some(root) = root() {
        let _ = match file {
            Some(file) => root.set_attribute(ATTRIBUTE, file),
            None => root.remove_attribute(ATTRIBUTE),
        };
    }
}

/// Follows `dirty` (the file's name while unsaved) for as long as the calling owner
/// lives: the page's flag and a `beforeunload` prompt; both go with the owner.
pub fn guard(dirty: Signal<Option<String>>) {
    Effect::new(move |_| mark(dirty.get().as_deref()));
    let listener = window_event_listener(leptos::ev::beforeunload, move |event| {
        if dirty.get_untracked().is_some() {
            event.prevent_default();
            if let Some(event) = event.dyn_ref::<web_sys::BeforeUnloadEvent>() {
                event.set_return_value("unsaved");
            }
        }
    });
    on_cleanup(move || {
        listener.remove();
        mark(None);
    });
}
