//! The card's entry point (built by trunk from `card.html`): the wasm exports that the
//! element class in `card/element.js` calls from its lifecycle callbacks.

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

fn main() {
    console_error_panic_hook::set_once();
}

#[wasm_bindgen(js_name = cardConnected)]
pub fn card_connected(id: u32, container: HtmlElement, server: String) {
    ptero_web::card::connect(id, container, server);
}

#[wasm_bindgen(js_name = cardDisconnected)]
pub fn card_disconnected(id: u32) {
    ptero_web::card::disconnect(id);
}

#[wasm_bindgen(js_name = cardsMounted)]
pub fn cards_mounted() -> usize {
    ptero_web::card::mounted_count()
}
