//! The server page's Wings websocket against the real sandbox, whose tokens live 6 s
//! (`token expiring` every second): the console re-authenticates on the same socket and
//! keeps working, and after the sandbox cuts every socket it reconnects and works again.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::Cell;
use std::time::Duration;

use common::*;
use ptero_web::api::Credentials;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn link(root: &Element) -> String {
    attr(root, ".link-status", "data-link").unwrap_or_default()
}

fn reauths(root: &Element) -> u32 {
    attr(root, ".link-status", "data-reauths")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn console_text(root: &Element) -> String {
    text(root, ".term-pane").unwrap_or_default()
}

/// The console's `[auth]` lines: jwt errors the page could not act on.
fn auth_errors(root: &Element) -> Vec<String> {
    let Some(lines) = find(root, ".term-pane") else {
        return Vec::new();
    };
    let children = lines.children();
    (0..children.length())
        .filter_map(|i| children.item(i))
        .filter_map(|line| line.text_content())
        .filter(|line| line.contains("[auth]"))
        .collect()
}

fn describe(root: &Element) -> String {
    let console = console_text(root);
    let tail: String = console
        .chars()
        .skip(console.chars().count().saturating_sub(300))
        .collect();
    format!(
        "link {:?} ({:?}), reauths {}, console tail {tail:?}",
        link(root),
        text(root, ".link-status"),
        reauths(root)
    )
}

/// Types `command` into the console and waits for the server's reply line.
async fn say(root: &Element, words: &str) {
    fill(root, "#console-command", &format!("say {words}"));
    click(root, ".term-input button[type=submit]");
    settle().await;
    assert!(
        find(root, ".terminal .error").is_none(),
        "the console refused to send: {}",
        describe(root)
    );
    wait_until(
        &format!("the console to show `[Server] {words}`"),
        || console_text(root).contains(&format!("[Server] {words}")),
        || describe(root),
    )
    .await;
}

/// Waits for the console's socket to be live and the input usable.
async fn until_live(root: &Element, what: &str) {
    wait_until(
        what,
        || link(root) == "live" && enabled(root, "#console-command"),
        || describe(root),
    )
    .await;
}

async fn open_running_server() -> (Element, impl Drop) {
    clear_faults().await;
    sign_in_as_alice();
    let (root, app) = mount_app(&format!("/server/{}", servers::RUNNING));
    until_live(&root, "the console's socket to be live").await;
    (root.into(), app)
}

/// The sandbox's tokens live 6 s and Wings checks them every second, so `token expiring`
/// arrives about 1 s and 2 s after connecting. Two refreshes within 4 s can only come from
/// answering `token expiring`: waiting for the token to expire (and its `jwt error`)
/// would take at least 5 s, with the console deaf in between.
#[wasm_bindgen_test]
async fn console_refreshes_its_token_on_the_same_socket_and_keeps_working() {
    let (root, _app) = open_running_server().await;
    // Watch the link the whole time: a refresh must never take the socket down.
    let went_down = Cell::new(false);
    let start = reauths(&root);
    wait_at_most(
        Duration::from_secs(4),
        "two token refreshes on `token expiring`",
        || {
            if link(&root) != "live" {
                went_down.set(true);
            }
            if reauths(&root) >= start + 2 {
                Ok(())
            } else {
                Err(describe(&root))
            }
        },
    )
    .await;
    assert!(
        !went_down.get(),
        "the socket left `live` during token refreshes"
    );
    // The third token has replaced the first two: sending and receiving still work.
    say(&root, "still-here-after-token-refresh").await;
    assert_eq!(link(&root), "live", "{}", describe(&root));
    assert_eq!(
        auth_errors(&root),
        Vec::<String>::new(),
        "{}",
        describe(&root)
    );
    Credentials::forget();
}

/// Wings relays a busy server's events from the moment a socket opens, so one can beat
/// the page's `auth` and come back as `jwt: no jwt present`: that is no reason to worry
/// the user, the `auth` in flight settles it.
#[wasm_bindgen_test]
async fn an_event_that_beats_auth_does_not_reach_the_console() {
    set_faults(r#"{"events_before_auth": true}"#).await;
    sign_in_as_alice();
    let (root, _app) = mount_app(&format!("/server/{}", servers::RUNNING));
    until_live(&root, "the console's socket to be live").await;
    say(&root, "auth-won-the-race").await;
    let refused = auth_errors(&root);
    clear_faults().await;
    assert_eq!(refused, Vec::<String>::new(), "{}", describe(&root));
    Credentials::forget();
}

#[wasm_bindgen_test]
async fn console_reconnects_after_the_socket_is_cut_and_receives_output_again() {
    let (root, _app) = open_running_server().await;
    say(&root, "before-the-drop").await;

    set_faults(r#"{"drop_websockets": true}"#).await;
    wait_until(
        "the page to notice the dropped socket",
        || link(&root) == "down",
        || describe(&root),
    )
    .await;
    let reason = text(&root, ".link-status").unwrap_or_default();
    assert!(reason.contains("trying again"), "{reason}");
    assert!(
        !enabled(&root, "#console-command"),
        "the console input stays enabled while down"
    );
    clear_faults().await;

    until_live(&root, "the socket to come back").await;
    say(&root, "after-the-reconnect").await;
    Credentials::forget();
}

/// A panel whose clock runs behind Wings' hands out tokens that are dead on arrival, and
/// Wings answers them as if an event had beaten the `auth`. The page gives the socket up
/// after a deadline, says what to check, and connects once tokens are good again.
#[wasm_bindgen_test]
async fn tokens_wings_will_not_accept_take_the_link_down_with_a_reason_then_it_recovers() {
    set_faults(r#"{"stale_tokens": true}"#).await;
    sign_in_as_alice();
    let (root, _app) = mount_app(&format!("/server/{}", servers::RUNNING));
    let reason = wait_at_most(Duration::from_secs(12), "the link to go down", || {
        if link(&root) == "down" {
            Ok(text(&root, ".link-status").unwrap_or_default())
        } else {
            Err(describe(&root))
        }
    })
    .await;
    clear_faults().await;
    assert!(reason.contains("clocks"), "{reason}");
    assert!(
        !enabled(&root, "#console-command"),
        "the console input stays disabled while down"
    );
    until_live(&root, "the socket to come back with good tokens").await;
    say(&root, "after-good-tokens").await;
    Credentials::forget();
}
