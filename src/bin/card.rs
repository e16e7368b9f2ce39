//! The card's entry point (built by trunk from `card.html`): the wasm exports that the
//! element class in `card/element.js` calls from its lifecycle callbacks and methods.

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

fn main() {
    console_error_panic_hook::set_once();
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
pub fn card_power(id: u32, signal: &str) -> bool {
    ptero_web::card::power(id, signal)
}

#[wasm_bindgen(js_name = cardsMounted)]
pub fn cards_mounted() -> usize {
    ptero_web::card::mounted_count()
}

#[wasm_bindgen(js_name = cachedSessions)]
pub fn cached_sessions() -> usize {
    ptero_web::card::hub::cached_sessions()
}

#[wasm_bindgen(js_name = openStreams)]
pub fn open_streams() -> usize {
    ptero_web::card::hub::open_streams()
}
