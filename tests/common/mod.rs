//! What the browser tests against the sandbox share: the servers' addresses (set at compile
//! time by `cargo xtask test wasm`, which starts them), the seeded keys and servers, DOM
//! helpers, and a bounded wait.
#![allow(dead_code)]

pub mod manage;

use std::time::Duration;

use ptero_api::{ApiKey, PanelUrl};
use ptero_web::api::{Credentials, PanelClient, Persistence};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlInputElement};

/// The longest any condition is waited for.
pub const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

fn required(name: &str, value: Option<&'static str>) -> &'static str {
    value.unwrap_or_else(|| {
        panic!(
            "{name} was not set when this test was compiled. These tests run against the sandbox \
             that `cargo xtask test wasm` builds and starts (it sets {name}); run them that way."
        )
    })
}

/// The sandbox whose CORS and Wings allow this test page.
pub fn sandbox() -> &'static str {
    required("PTERO_TEST_SANDBOX", option_env!("PTERO_TEST_SANDBOX"))
}

/// A sandbox whose CORS allows another origin only.
pub fn sandbox_no_cors() -> &'static str {
    required(
        "PTERO_TEST_SANDBOX_NO_CORS",
        option_env!("PTERO_TEST_SANDBOX_NO_CORS"),
    )
}

/// A loopback address nothing listens on.
/// A sandbox with Pterodactyl 1.12's websocket limits (5 tokens per server per minute, 30
/// sockets, throttling, 4 KiB frames) and six benchmark servers of Alice's: each test of
/// those limits uses a server of its own.
pub fn sandbox_limited() -> &'static str {
    required(
        "PTERO_TEST_SANDBOX_LIMITED",
        option_env!("PTERO_TEST_SANDBOX_LIMITED"),
    )
}

pub fn closed_port() -> &'static str {
    required("PTERO_TEST_CLOSED", option_env!("PTERO_TEST_CLOSED"))
}

/// The origin the test page is served from (pinned with `WASM_BINDGEN_TEST_ADDRESS`).
pub fn page_origin() -> &'static str {
    required(
        "PTERO_TEST_PAGE_ORIGIN",
        option_env!("PTERO_TEST_PAGE_ORIGIN"),
    )
}

/// The sandbox's seeded keys (`ptero_sandbox::seed::keys`).
pub mod keys {
    pub const ALICE: &str = "ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK";
    /// Alice's key limited to 10.0.0.0/8: refused (403) from loopback.
    pub const ALICE_IP_RESTRICTED: &str = "ptlc_SbxAliceIP1AliceIPOnly0123456789ABCDEFGHIJK";
    /// Well formed, unknown to the panel (401).
    pub const WRONG: &str = "ptlc_SbxAlice001WrongSecret0123456789ABCDEFGHIJK";
    /// The admin's application key (403 on the Client API).
    pub const APPLICATION: &str = "ptla_SbxApplic01ApplicSecret123456789ABCDEFGHIJK";
}

/// The sandbox's seeded servers (`ptero_sandbox::seed::servers`), all Alice's.
pub mod servers {
    pub const RUNNING: &str = "1a7c3f02";
    pub const OFFLINE: &str = "2b8d4e13";
    pub const INSTALLING: &str = "3c9e5f24";
    pub const SUSPENDED: &str = "4dafa035";
    pub const MAINTENANCE: &str = "5eb0b146";
    pub const SHARED: &str = "70d2d368";
    /// `Bench 00n` of the limited sandbox: internal id 8 + n, running, Alice's.
    pub fn bench(n: u32) -> String {
        format!("be{n:06x}")
    }
}

pub fn credentials(panel: &str, key: &str) -> Credentials {
    Credentials {
        panel: PanelUrl::parse(panel).expect("panel URL"),
        key: ApiKey::parse(key).expect("key"),
        via_origin: None,
    }
}

pub fn client(panel: &str, key: &str) -> PanelClient {
    PanelClient::new(&credentials(panel, key))
}

/// Stores Alice's credentials for the sandbox where the app looks for them at start.
pub fn sign_in_as_alice() {
    credentials(sandbox(), keys::ALICE).save(Persistence::Session);
}

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Points the page's URL at `path` (the router reads it when the app mounts).
pub fn go_to(path: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .push_state_with_url(&JsValue::NULL, "", Some(path))
        .unwrap();
}

/// A fresh, empty element at the end of `<body>` to mount into.
pub fn container() -> HtmlElement {
    let el = document()
        .create_element("div")
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

/// Mounts the whole app at `path` into a fresh container; unmounted when the handle drops.
pub fn mount_app(path: &str) -> (HtmlElement, impl Drop) {
    go_to(path);
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), ptero_web::app::App);
    (root.clone(), Unmount(Some(handle), root))
}

/// Unmounts and removes the container.
struct Unmount<H>(Option<H>, HtmlElement);

impl<H> Drop for Unmount<H> {
    fn drop(&mut self) {
        drop(self.0.take());
        self.1.remove();
    }
}

pub fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

pub fn find_all(root: &Element, selector: &str) -> Vec<Element> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .collect()
}

pub fn text(root: &Element, selector: &str) -> Option<String> {
    find(root, selector).map(|el| el.text_content().unwrap_or_default())
}

pub fn attr(root: &Element, selector: &str, name: &str) -> Option<String> {
    find(root, selector).and_then(|el| el.get_attribute(name))
}

/// Types `value` into an input as a person would (one bubbling `input` event).
pub fn fill(root: &Element, selector: &str, value: &str) {
    let input: HtmlInputElement = find(root, selector)
        .unwrap_or_else(|| panic!("no input `{selector}`"))
        .dyn_into()
        .unwrap();
    input.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

pub fn click(root: &Element, selector: &str) {
    find(root, selector)
        .unwrap_or_else(|| panic!("nothing to click at `{selector}`"))
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

/// Whether the element at `selector` exists and is enabled.
pub fn enabled(root: &Element, selector: &str) -> bool {
    find(root, selector).is_some_and(|el| !el.has_attribute("disabled"))
}

/// Polls `check` every 50 ms until it gives `Ok`, for at most [`WAIT`]; on timeout panics
/// with `what` and the last `Err` (what was there instead).
pub async fn wait_for<T>(what: &str, check: impl FnMut() -> Result<T, String>) -> T {
    wait_at_most(WAIT, what, check).await
}

/// [`wait_for`] with a deadline of `limit` (for things that must happen in time).
pub async fn wait_at_most<T>(
    limit: Duration,
    what: &str,
    mut check: impl FnMut() -> Result<T, String>,
) -> T {
    let start = js_sys::Date::now();
    loop {
        match check() {
            Ok(value) => return value,
            Err(last) if js_sys::Date::now() - start > limit.as_millis() as f64 => {
                panic!(
                    "waited {:.1} s for {what}; instead: {last}",
                    limit.as_secs_f64()
                )
            }
            Err(_) => ptero_web::live::sleep(POLL).await,
        }
    }
}

/// `wait_for` with a boolean condition; `describe` tells what there was instead.
pub async fn wait_until(
    what: &str,
    mut ready: impl FnMut() -> bool,
    describe: impl Fn() -> String,
) {
    wait_for(what, || if ready() { Ok(()) } else { Err(describe()) }).await
}

/// Replaces the sandbox's faults (`/__sandbox/faults`, JSON `FaultSet`).
pub async fn set_faults(json: &str) {
    let url = format!("{}/__sandbox/faults", sandbox());
    let response = ptero_web::api::Request::new("PUT", url.as_str())
        .json(json.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("PUT {url}: {e}"));
    assert!(response.ok(), "PUT {url} {json}: {}", response.status());
}

/// Turns every sandbox fault off.
pub async fn clear_faults() {
    let url = format!("{}/__sandbox/faults", sandbox());
    let response = ptero_web::api::Request::new("DELETE", url.as_str())
        .send()
        .await
        .unwrap_or_else(|e| panic!("DELETE {url}: {e}"));
    assert!(response.ok(), "DELETE {url}: {}", response.status());
}

/// Lets queued reactive work (effects, DOM updates) run, without waiting on the network.
pub async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

/// `method url` with `headers` through the browser's own `fetch` (test set-up: the
/// sandbox's control endpoints), answering the status and the body's text.
pub async fn fetch_text(method: &str, url: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let sent = web_sys::Headers::new().expect("headers");
    for (name, value) in headers {
        sent.append(name, value).expect("a header");
    }
    init.set_headers(&sent);
    let window = web_sys::window().expect("a window");
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str_and_init(url, &init))
            .await
            .unwrap_or_else(|error| panic!("{method} {url}: {error:?}"))
            .dyn_into()
            .expect("a response");
    let text = wasm_bindgen_futures::JsFuture::from(response.text().expect("a body"))
        .await
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default();
    (response.status(), text)
}
