//! The server page's bundle (built by trunk from `manager.html`, loaded on demand by the
//! app's first load): the wasm exports that `manager/element.js`'s
//! `<ptero-server-manager>` (the server page, or the account page) calls when it is connected and disconnected.

use std::cell::RefCell;
use std::collections::HashMap;

use ptero_web::manager::ManagedPage;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

thread_local! {
    static MOUNTED: RefCell<HashMap<u32, Box<dyn std::any::Any>>> = RefCell::new(HashMap::new());
}

fn main() {
    ptero_web::crash::install_hook();
}

/// Chooses the manager's language and fetches its texts (the element script waits for
/// it before it defines the element).
#[wasm_bindgen(js_name = managerTexts)]
pub async fn manager_texts() {
    ptero_web::i18n::ui::start(ptero_web::i18n::ui::MANAGER, "/").await;
}

/// Mounts the page of `server` (or, with `page` "account", the account page) into
/// `host` (the element, light DOM: the app's sheet styles it).
#[wasm_bindgen(js_name = managerConnected)]
pub fn manager_connected(id: u32, host: HtmlElement, page: String, server: String) {
    let page = match page.as_str() {
        "account" => ManagedPage::Account,
        _ => ManagedPage::Server(server),
    };
    let handle = ptero_web::manager::mount(host, page);
    MOUNTED.with(|mounted| mounted.borrow_mut().insert(id, handle));
}

/// Unmounts it: its sockets, timers and requests go with it.
#[wasm_bindgen(js_name = managerDisconnected)]
pub fn manager_disconnected(id: u32) {
    let handle = MOUNTED.with(|mounted| mounted.borrow_mut().remove(&id));
    drop(handle);
}
