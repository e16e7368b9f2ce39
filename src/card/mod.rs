//! The `<ptero-server-card>` custom element: the Rust half.
//!
//! The element class itself is a few lines of JS (`card/element.js`, appended to the
//! card's module script at build time) because a custom element must be a JS class;
//! its lifecycle callbacks call the card bin's exports, which call these functions.
//!
//! Controllers apart from views: `connection` (token → session → renewal), `power` (the
//! one power sender), `events` (`CardEvent`) and `error` (`CardError`) are plain Rust
//! state; `hub` (sessions and tokens) and `link` (the one stream per origin) are shared
//! by the page's cards; `view` renders.

mod actions;
mod alert;
mod config;
mod connection;
#[cfg(test)]
mod contract;
mod error;
mod events;
mod feed;
pub mod hub;
pub mod link;
pub mod locale;
mod panel;
mod power;
mod slots;
mod view;

use std::cell::RefCell;

use any_spawner::Executor;
use leptos::prelude::*;
use web_sys::HtmlElement;

use slots::Slots;

pub use config::CardConfig;
pub use error::CardError;
pub use events::CardEvent;

use crate::api::Scope;
use power::PowerSender;

/// A card on the page: the owner of its views, its scope (every task and request it
/// started) and its power sender. Dropping it cleans up the owner (every effect,
/// subscription and listener), stops the scope and clears the host and the container.
struct Mounted {
    owner: Owner,
    container: HtmlElement,
    host: HtmlElement,
    scope: Scope,
    power: PowerSender,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.owner.cleanup();
        self.scope.stop();
        self.power.disarm(None);
        self.container.set_text_content(None);
        connection::clear_host(&self.host);
    }
}

thread_local! {
    /// Mounted cards by the id the JS class gave them; dropping an entry releases the
    /// card's owner and everything built in it.
    static MOUNTED: RefCell<Slots<u32, Mounted>> = RefCell::new(Slots::default());
}

/// Called from `connectedCallback`: build the card for `host` into `container` (a
/// `<div>` inside the shadow root) in an owner of its own.
pub fn connect(id: u32, host: HtmlElement, container: HtmlElement) {
    // Effects run on wasm-bindgen-futures; an Err means it was set up already.
    let _ = Executor::init_wasm_bindgen();
    let scope = Scope::detached();
    let power = PowerSender::new(host.clone(), scope.clone());
    let owner = Owner::new();
    owner.with(|| view::card_into(&container, host.clone(), &scope, power.clone()));
    let card = Mounted {
        owner,
        container,
        host,
        scope,
        power,
    };
    let replaced = MOUNTED.with(|m| m.borrow_mut().insert(id, card));
    drop(replaced);
}

/// Called from `disconnectedCallback`: unmount and release everything the card owns.
pub fn disconnect(id: u32) {
    let mounted = MOUNTED.with(|m| m.borrow_mut().remove(&id));
    drop(mounted);
}

/// `element.power(signal)`: false (with a `ptero-error`) when the card cannot send it,
/// false without one when the page cancelled `ptero-power-request`.
pub fn power(id: u32, host: &HtmlElement, signal: &str) -> bool {
    let sender = MOUNTED.with(|m| m.borrow().get(&id).map(|m| m.power.clone()));
    match sender {
        Some(sender) => sender.send(signal),
        None => power::refuse_unmounted(host),
    }
}

/// How many cards are mounted right now (tests check that removal releases them).
pub fn mounted_count() -> usize {
    MOUNTED.with(|m| m.borrow().len())
}
