//! The `<ptero-server-card>` custom element: the Rust half.
//!
//! The element class itself is a few lines of JS (`card/element.js`, appended to the
//! card's module script at build time) because a custom element must be a JS class;
//! its lifecycle callbacks call the card bin's exports, which call these functions.

mod view;

use std::cell::RefCell;
use std::collections::HashMap;

use leptos::mount::mount_to;
use leptos::prelude::*;
use web_sys::HtmlElement;

pub use view::ServerCard;

thread_local! {
    /// Mounted cards by the id the JS class gave them; dropping a handle unmounts the
    /// Leptos tree and releases its owner.
    static MOUNTED: RefCell<HashMap<u32, leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>>> =
        RefCell::new(HashMap::new());
}

/// Called from `connectedCallback`: render the card into `container` (a `<div>` inside
/// the element's shadow root; Suspense content is lost when mounting on the root itself).
pub fn connect(id: u32, container: HtmlElement, server: String) {
    let handle = mount_to(container, move || {
        view! { <ServerCard server=server.clone() /> }.into_any()
    });
    MOUNTED.with(|m| m.borrow_mut().insert(id, handle));
}

/// Called from `disconnectedCallback`: unmount and release everything the card owns.
pub fn disconnect(id: u32) {
    let handle = MOUNTED.with(|m| m.borrow_mut().remove(&id));
    drop(handle);
}

/// How many cards are mounted right now (tests check that removal releases them).
pub fn mounted_count() -> usize {
    MOUNTED.with(|m| m.borrow().len())
}
