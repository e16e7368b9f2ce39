//! The app signed in to the real sandbox: the server list's rows and badges, and the
//! server page's power buttons (optimistic pending state, settled by the real state).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use ptero_web::api::Credentials;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn row_names(root: &Element) -> Vec<String> {
    find_all(root, "[data-testid=server-list] li.server-row .row-head a")
        .iter()
        .map(|a| a.text_content().unwrap_or_default())
        .collect()
}

fn badge(root: &Element, server: &str) -> String {
    attr(
        root,
        &format!("li.server-row[data-identifier=\"{server}\"] .badge"),
        "data-state",
    )
    .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn server_list_shows_every_server_of_the_key_with_status_badges() {
    sign_in_as_alice();
    let (root, _app) = mount_app("/");
    wait_until(
        "Alice's six servers",
        || row_names(&root).len() == 6,
        || root.text_content().unwrap_or_default(),
    )
    .await;
    let mut names = row_names(&root);
    names.sort();
    assert_eq!(
        names,
        [
            "Creative",
            "Lobby",
            "Modpack (installing)",
            "Old world",
            "Shared minigames",
            "Survival"
        ]
    );
    assert!(
        !root.text_content().unwrap_or_default().contains("Carol"),
        "another user's server is listed"
    );
    // The panel's status wins over the power state for blocked servers.
    assert_eq!(badge(&root, servers::SUSPENDED), "suspended");
    assert_eq!(badge(&root, servers::INSTALLING), "installing");
    assert_eq!(badge(&root, servers::MAINTENANCE), "maintenance");
    // The others show the power state their row polls from /resources.
    wait_until(
        "the polled power states",
        || {
            badge(&root, servers::RUNNING) == "running"
                && badge(&root, servers::OFFLINE) == "offline"
        },
        || {
            format!(
                "running row: {:?}, offline row: {:?}",
                badge(&root, servers::RUNNING),
                badge(&root, servers::OFFLINE)
            )
        },
    )
    .await;
    let link = attr(
        &root,
        &format!("li.server-row[data-identifier=\"{}\"] a", servers::RUNNING),
        "href",
    );
    assert_eq!(link, Some(format!("/server/{}", servers::RUNNING)));

    fill(&root, "input[type=search]", "OLD");
    wait_until(
        "the filter to leave one row",
        || row_names(&root) == ["Old world"],
        || format!("{:?}", row_names(&root)),
    )
    .await;
    Credentials::forget();
}

fn power_button(root: &Element, signal: &str) -> (String, bool, String) {
    let selector = format!("button.power-{signal}");
    (
        text(root, &selector).unwrap_or_default(),
        enabled(root, &selector),
        attr(root, &selector, "aria-busy").unwrap_or_default(),
    )
}

fn server_badge(root: &Element) -> String {
    attr(root, ".server-head .badge", "data-state").unwrap_or_default()
}

fn describe_power(root: &Element) -> String {
    format!(
        "badge {:?}, start {:?}, stop {:?}, link {:?}",
        server_badge(root),
        power_button(root, "start"),
        power_button(root, "stop"),
        text(root, ".link-status"),
    )
}

/// Start then stop an offline server from its page. The sandbox holds `starting` and
/// `stopping` for 1.5 s, so each step's pending marker, the transition and the end state
/// are all observable; the server ends offline as it began.
#[wasm_bindgen_test]
async fn power_buttons_show_pending_at_once_then_follow_the_real_state() {
    sign_in_as_alice();
    let (root, _app) = mount_app(&format!("/server/{}", servers::OFFLINE));
    wait_until(
        "the offline server's page with Start enabled",
        || server_badge(&root) == "offline" && enabled(&root, "button.power-start"),
        || describe_power(&root),
    )
    .await;
    assert!(
        !enabled(&root, "button.power-stop"),
        "{}",
        describe_power(&root)
    );

    click(&root, "button.power-start");
    // Before any answer can arrive (no network I/O between these lines and the click).
    settle().await;
    assert_eq!(
        power_button(&root, "start"),
        ("Start…".to_string(), false, "true".to_string()),
        "{}",
        describe_power(&root)
    );
    assert!(!enabled(&root, "button.power-kill"), "every button waits");

    wait_until(
        "the real `starting` state to replace the pending marker",
        || {
            server_badge(&root) == "starting"
                && power_button(&root, "start") == ("Start".into(), false, "false".into())
        },
        || describe_power(&root),
    )
    .await;
    assert!(
        enabled(&root, "button.power-stop"),
        "{}",
        describe_power(&root)
    );
    wait_until(
        "running",
        || server_badge(&root) == "running",
        || describe_power(&root),
    )
    .await;

    click(&root, "button.power-stop");
    settle().await;
    assert_eq!(
        power_button(&root, "stop"),
        ("Stop…".to_string(), false, "true".to_string()),
        "{}",
        describe_power(&root)
    );
    wait_until(
        "stopping, with the marker gone",
        || {
            server_badge(&root) == "stopping"
                && power_button(&root, "stop").2 == "false"
                && power_button(&root, "stop").0 == "Stop"
        },
        || describe_power(&root),
    )
    .await;
    wait_until(
        "offline again, Start enabled",
        || server_badge(&root) == "offline" && enabled(&root, "button.power-start"),
        || describe_power(&root),
    )
    .await;
    Credentials::forget();
}

/// Records the `AbortSignal` of every fetch the page makes (`window.__fetches`).
fn spy_on_fetch() {
    let install = js_sys::Function::new_no_args(
        "if (!window.__realFetch) { window.__realFetch = window.fetch; }
         window.__fetches = [];
         window.fetch = (url, init = {}) => {
           window.__fetches.push({ url: String(url), signal: init.signal ?? null });
           return window.__realFetch(url, init);
         };",
    );
    install.call0(&wasm_bindgen::JsValue::NULL).unwrap();
}

fn stop_spying() {
    let restore = js_sys::Function::new_no_args("window.fetch = window.__realFetch;");
    restore.call0(&wasm_bindgen::JsValue::NULL).unwrap();
}

/// `(url, aborted)` of the fetches recorded so far.
fn fetches() -> Vec<(String, Option<bool>)> {
    let list = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__fetches".into()).unwrap();
    js_sys::Array::from(&list)
        .iter()
        .map(|entry| {
            let url = js_sys::Reflect::get(&entry, &"url".into())
                .unwrap()
                .as_string()
                .unwrap();
            let signal = js_sys::Reflect::get(&entry, &"signal".into()).unwrap();
            let aborted = (!signal.is_null()).then(|| {
                js_sys::Reflect::get(&signal, &"aborted".into())
                    .unwrap()
                    .as_bool()
                    .unwrap()
            });
            (url, aborted)
        })
        .collect()
}

#[wasm_bindgen_test]
async fn leaving_a_page_mid_request_aborts_its_request() {
    set_faults(r#"{"latency_ms": 5000}"#).await;
    spy_on_fetch();
    sign_in_as_alice();
    let (root, app) = mount_app("/");
    let list_request = || {
        fetches()
            .into_iter()
            .find(|(url, _)| url.contains("/api/client?page=1"))
    };
    wait_for("the server list's request", || {
        list_request().ok_or_else(|| format!("{:?}", fetches()))
    })
    .await;
    assert_eq!(
        list_request().unwrap().1,
        Some(false),
        "sent with a signal, not aborted yet"
    );
    // Away to a server's page while the list is still loading.
    go_to(&format!("/servers/{}", servers::OFFLINE));
    let popstate = web_sys::Event::new("popstate").unwrap();
    web_sys::window()
        .unwrap()
        .dispatch_event(&popstate)
        .unwrap();
    wait_for("the list page's request aborted", || match list_request() {
        Some((_, Some(true))) => Ok(()),
        other => Err(format!(
            "{other:?} (root: {})",
            root.text_content().unwrap_or_default()
        )),
    })
    .await;
    drop(app);
    stop_spying();
    clear_faults().await;
}
