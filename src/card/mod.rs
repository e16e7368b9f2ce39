//! The `<ptero-server-card>` custom element: the Rust half.
//!
//! The element class itself is a few lines of JS (`card/element.js`, appended to the
//! card's module script at build time) because a custom element must be a JS class;
//! its lifecycle callbacks call the card bin's exports, which call these functions.

mod config;
mod events;
pub mod hub;
mod slots;
mod token;
mod view;

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use leptos::mount::mount_to;
use leptos::prelude::*;
use ptero_api::PowerSignal;
use send_wrapper::SendWrapper;
use web_sys::HtmlElement;

use slots::Slots;

pub use config::CardConfig;
pub use view::ServerCard;

/// Entry points a mounted card exposes to its element's methods (`power()`).
#[derive(Clone, Default)]
pub struct Controls(Arc<Mutex<Option<Callback<PowerSignal, bool>>>>);

impl Controls {
    fn set_power(&self, callback: Callback<PowerSignal, bool>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(callback);
        }
    }

    fn power(&self, signal: PowerSignal) -> bool {
        let callback = self.0.lock().ok().and_then(|slot| *slot);
        callback.is_some_and(|c| c.run(signal))
    }
}

struct Mounted {
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
    controls: Controls,
}

thread_local! {
    /// Mounted cards by the id the JS class gave them; dropping an entry unmounts the
    /// Leptos tree and releases its owner (and with it every effect and subscription).
    static MOUNTED: RefCell<Slots<u32, Mounted>> = RefCell::new(Slots::default());
}

/// Called from `connectedCallback`: render the card for `host` into `container` (a
/// `<div>` inside the shadow root; Suspense content is lost when mounting on the root).
pub fn connect(id: u32, host: HtmlElement, container: HtmlElement) {
    let controls = Controls::default();
    let for_view = controls.clone();
    let host = SendWrapper::new(host);
    let handle = mount_to(container, move || {
        view! { <ServerCard host=host.clone() controls=for_view.clone()/> }.into_any()
    });
    MOUNTED.with(|m| {
        m.borrow_mut().insert(
            id,
            Mounted {
                _handle: handle,
                controls,
            },
        )
    });
}

/// Called from `disconnectedCallback`: unmount and release everything the card owns.
pub fn disconnect(id: u32) {
    let mounted = MOUNTED.with(|m| m.borrow_mut().remove(&id));
    drop(mounted);
}

/// `element.power(signal)`: `false` when the signal is unknown or not granted yet.
pub fn power(id: u32, signal: &str) -> bool {
    let Ok(signal) = signal.parse::<PowerSignal>() else {
        return false;
    };
    let controls = MOUNTED.with(|m| m.borrow().get(&id).map(|m| m.controls.clone()));
    controls.is_some_and(|c| c.power(signal))
}

/// How many cards are mounted right now (tests check that removal releases them).
pub fn mounted_count() -> usize {
    MOUNTED.with(|m| m.borrow().len())
}
