//! The card's entry point (built by trunk from `card.html`): the wasm exports that the
//! element class in `card/element.js` calls from its lifecycle callbacks and methods.

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

fn main() {
    console_error_panic_hook::set_once();
}

/// Where the card's module was loaded from: its language catalogs sit next to it.
#[wasm_bindgen(js_name = cardBase)]
pub fn card_base(url: String) {
    ptero_web::card::locale::set_base(url);
}

#[wasm_bindgen(js_name = cardConnected)]
pub fn card_connected(id: u32, host: HtmlElement, container: HtmlElement) {
    ptero_web::card::connect(id, host, container);
}

#[wasm_bindgen(js_name = cardDisconnected)]
pub fn card_disconnected(id: u32) {
    ptero_web::card::disconnect(id);
}

#[wasm_bindgen(js_name = cardPower)]
pub fn card_power(id: u32, host: &HtmlElement, signal: &str) -> bool {
    ptero_web::card::power(id, host, signal)
}

/// Page-wide counters for `PteroServerCard.stats()`: mounted cards, open streams, sessions
/// held, timers pending, requests in flight (tests and the soak benchmark read them).
#[wasm_bindgen(js_name = cardStats)]
pub fn card_stats() -> Vec<u32> {
    let n = |count: usize| u32::try_from(count).unwrap_or(u32::MAX);
    vec![
        n(ptero_web::card::mounted_count()),
        n(ptero_web::card::link::open_streams()),
        n(ptero_web::card::hub::cached_sessions()),
        n(ptero_web::live::pending_timers()),
        n(ptero_web::api::requests_in_flight()),
    ]
}
