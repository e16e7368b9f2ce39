//! The server list's request budget against the limited sandbox (Pterodactyl 1.12, 206
//! servers of Alice's, the test page allowed by CORS, so every request is preceded by a
//! preflight): only rows on screen are refreshed, and the whole list stays under a
//! quarter of the panel's limit, preflights counted. Before the budget, every row polled
//! every 20 s: 206 rows made about 618 requests and 618 preflights a minute.
#![cfg(target_arch = "wasm32")]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use ptero_web::api::{Credentials, Persistence};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// How long the list is watched.
const WATCH: Duration = Duration::from_secs(40);

/// The raw request log of the limited sandbox: (method, target).
async fn panel_log() -> Vec<(String, String)> {
    let url = format!("{}/__sandbox/requests/log", sandbox_limited());
    let (_, body) = fetch_text("GET", &url, &[]).await;
    let entries: Vec<serde_json::Value> = serde_json::from_str(&body).expect("JSON log");
    entries
        .iter()
        .filter_map(|entry| {
            Some((
                entry["method"].as_str()?.to_owned(),
                entry["target"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

async fn reset_requests() {
    let url = format!("{}/__sandbox/requests", sandbox_limited());
    let (status, _) = fetch_text("DELETE", &url, &[]).await;
    assert!((200..300).contains(&status), "DELETE {url}: {status}");
}

/// Identifiers of the rows the viewport shows now.
fn rows_on_screen(root: &web_sys::Element) -> BTreeSet<String> {
    let height = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(600.0);
    find_all(root, ".server-row")
        .into_iter()
        .filter(|row| {
            let rect = row.get_bounding_client_rect();
            rect.bottom() > 0.0 && rect.top() < height
        })
        .filter_map(|row| row.get_attribute("data-identifier"))
        .collect()
}

#[wasm_bindgen_test]
async fn two_hundred_servers_stay_inside_a_quarter_of_the_limit_refreshing_only_rows_on_screen() {
    credentials(sandbox_limited(), keys::ALICE).save(Persistence::Session);
    let (root, _app) = mount_app("/");
    wait_until(
        "the list of 206 servers",
        || find_all(&root, ".server-row").len() >= 206,
        || format!("{} rows", find_all(&root, ".server-row").len()),
    )
    .await;
    reset_requests().await;
    ptero_web::live::sleep(WATCH).await;
    let log = panel_log().await;
    let on_screen = rows_on_screen(&root);
    let api: Vec<&(String, String)> = log
        .iter()
        .filter(|(_, target)| target.starts_with("/api/client"))
        .collect();
    let preflights = api.iter().filter(|(method, _)| method == "OPTIONS").count();
    let per_minute = api.len() as f64 * 60.0 / WATCH.as_secs_f64();
    let refreshed: BTreeSet<String> = api
        .iter()
        .filter(|(method, _)| method == "GET")
        .filter_map(|(_, target)| {
            target
                .strip_prefix("/api/client/servers/")?
                .strip_suffix("/resources")
                .map(str::to_owned)
        })
        .collect();
    web_sys::console::log_1(
        &format!(
            "206 servers, {} rows on screen: {per_minute:.1} requests a minute at the panel ({preflights} of {} preflights), {} rows refreshed",
            on_screen.len(),
            api.len(),
            refreshed.len()
        )
        .into(),
    );
    assert!(!refreshed.is_empty(), "rows on screen are refreshed");
    assert!(
        refreshed.is_subset(&on_screen),
        "only rows on screen: {refreshed:?} beyond {on_screen:?}"
    );
    assert!(
        per_minute <= 30.0,
        "{per_minute:.1} a minute: over a quarter of 1.12.0's 120 (the limit is unreadable cross-origin)"
    );
    Credentials::forget();
}
