//! The card's Rust half in a real browser: mounting renders into the given container and
//! disconnecting releases the Leptos tree.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document
        .create_element("div")
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div
}

#[wasm_bindgen_test]
async fn connected_card_renders_its_server_and_disconnect_releases_it() {
    let div = container();
    let before = ptero_web::card::mounted_count();
    ptero_web::card::connect(9001, div.clone(), "abc12345".into());
    leptos::task::tick().await;
    assert!(div.text_content().unwrap_or_default().contains("abc12345"));
    assert_eq!(ptero_web::card::mounted_count(), before + 1);

    ptero_web::card::disconnect(9001);
    assert_eq!(ptero_web::card::mounted_count(), before);
    assert_eq!(div.text_content().unwrap_or_default(), "");
}
