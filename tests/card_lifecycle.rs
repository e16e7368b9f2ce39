//! The card's Rust half in a real browser, without an origin: attribute validation,
//! the `ptero-error` event, and that disconnecting releases the Leptos tree.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn element(tag: &str) -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let el = document
        .create_element(tag)
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap();
    document.body().unwrap().append_child(&el).unwrap();
    el
}

#[wasm_bindgen_test]
async fn card_without_origin_says_which_attribute_is_missing_and_unmounts_cleanly() {
    let host = element("x-card-host");
    let container = element("div");
    let before = ptero_web::card::mounted_count();
    ptero_web::card::connect(9001, host.clone(), container.clone());
    leptos::task::tick().await;
    let text = container.text_content().unwrap_or_default();
    assert!(text.contains("needs an origin"), "{text}");
    assert_eq!(ptero_web::card::mounted_count(), before + 1);

    ptero_web::card::disconnect(9001);
    assert_eq!(ptero_web::card::mounted_count(), before);
    assert_eq!(container.text_content().unwrap_or_default(), "");
}

#[wasm_bindgen_test]
async fn malformed_attributes_fire_ptero_error_with_a_code() {
    let host = element("x-card-host");
    host.set_attribute("origin", "https://origin.example.com/path")
        .unwrap();
    host.set_attribute("server", "1a7ce997").unwrap();
    host.set_attribute("token", "t").unwrap();
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let sink = seen.clone();
    let listener =
        Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
            let code = js_sys::Reflect::get(&event.detail(), &"code".into())
                .unwrap()
                .as_string()
                .unwrap();
            sink.borrow_mut().push(code);
        });
    host.add_event_listener_with_callback("ptero-error", listener.as_ref().unchecked_ref())
        .unwrap();
    let container = element("div");
    ptero_web::card::connect(9002, host.clone(), container.clone());
    leptos::task::tick().await;
    assert_eq!(*seen.borrow(), vec!["bad_attributes".to_string()]);
    assert!(container
        .text_content()
        .unwrap_or_default()
        .contains("origin attribute"));
    ptero_web::card::disconnect(9002);
}

#[wasm_bindgen_test]
fn power_on_a_card_not_on_the_page_is_refused_with_ptero_error() {
    let host = element("x-card-host");
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let sink = seen.clone();
    let listener =
        Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
            let code = js_sys::Reflect::get(&event.detail(), &"code".into())
                .unwrap()
                .as_string()
                .unwrap();
            sink.borrow_mut().push(code);
        });
    host.add_event_listener_with_callback("ptero-error", listener.as_ref().unchecked_ref())
        .unwrap();
    assert!(!ptero_web::card::power(424242, &host, "start"));
    assert!(!ptero_web::card::power(424242, &host, "explode"));
    assert_eq!(*seen.borrow(), ["not_connected", "not_connected"]);
}

#[wasm_bindgen_test]
async fn power_on_a_card_with_bad_attributes_is_refused_with_ptero_error() {
    let host = element("x-card-host");
    let container = element("div");
    ptero_web::card::connect(9003, host.clone(), container);
    leptos::task::tick().await;
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let sink = seen.clone();
    let listener =
        Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
            let message = js_sys::Reflect::get(&event.detail(), &"message".into())
                .unwrap()
                .as_string()
                .unwrap();
            sink.borrow_mut().push(message);
        });
    host.add_event_listener_with_callback("ptero-error", listener.as_ref().unchecked_ref())
        .unwrap();
    assert!(!ptero_web::card::power(9003, &host, "start"));
    let messages = seen.borrow().clone();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("origin attribute"), "{messages:?}");
    ptero_web::card::disconnect(9003);
}
