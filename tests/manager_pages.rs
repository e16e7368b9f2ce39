//! The server page's screens in the DOM against the sandbox (the manager rendered in the
//! app's bundle, as `manager::server_page` does for the wasm tests): a subuser is offered
//! only the sections and file actions his rights open, the owner all of them; past the
//! panel's backup throttle the backups tab shows the panel's own sentence; at the
//! panel's 25 API keys the account page offers no more and says why.
#![cfg(target_arch = "wasm32")]

mod common;

use common::manage::*;
use common::*;
use ptero_api::CreateApiKeyRequest;
use ptero_web::api::{Credentials, Persistence};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn tabs(root: &Element) -> Vec<String> {
    find_all(root, ".tabs [data-tab]")
        .iter()
        .filter_map(|tab| tab.get_attribute("data-tab"))
        .collect()
}

fn page_text(root: &Element) -> String {
    root.text_content().unwrap_or_default()
}

/// The server page of `server` for `key` on `panel`, with its tabs on screen.
async fn server_page(panel: &str, key: &str, server: &str) -> (Element, impl Drop) {
    credentials(panel, key).save(Persistence::Session);
    let (root, app) = mount_app(&format!("/server/{server}"));
    let root: Element = root.into();
    wait_until(
        "the server page's tabs",
        || !tabs(&root).is_empty(),
        || page_text(&root),
    )
    .await;
    (root, app)
}

async fn open_tab(root: &Element, tab: &str) {
    click(root, &format!(".tabs [data-tab={tab}]"));
    settle().await;
}

/// The labels of the actions menu of the file row `name`.
async fn row_actions(root: &Element, name: &str) -> Vec<String> {
    let row = format!(".file-row[data-name='{name}']");
    wait_until(
        "the file rows",
        || find(root, &row).is_some(),
        || page_text(root),
    )
    .await;
    find_all(root, &format!("{row} .row-menu [role=menuitem]"))
        .iter()
        .map(|item| item.text_content().unwrap_or_default())
        .collect()
}

fn toolbar(root: &Element) -> String {
    text(root, ".file-toolbar").unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_subuser_is_offered_only_the_sections_and_file_actions_his_rights_open() {
    let (root, _app) = server_page(sandbox(), more_keys::BOB, servers::SHARED).await;
    // Console, files (file.read) and settings (always: it shows the SFTP details); no
    // backups, startup, schedules, databases, users, network or activity.
    assert_eq!(tabs(&root), ["console", "files", "settings"]);
    open_tab(&root, "files").await;
    assert_eq!(row_actions(&root, "eula.txt").await, ["Edit", "Download"]);
    assert!(!toolbar(&root).contains("New file"), "{}", toolbar(&root));
    Credentials::forget();
}

#[wasm_bindgen_test]
async fn the_owner_is_offered_every_section_and_file_action() {
    let (root, _app) = server_page(sandbox(), keys::ALICE, servers::OFFLINE).await;
    let shown = tabs(&root);
    for tab in [
        "console",
        "files",
        "backups",
        "startup",
        "settings",
        "schedules",
        "databases",
        "users",
        "network",
        "activity",
    ] {
        assert!(shown.iter().any(|t| t == tab), "{tab} in {shown:?}");
    }
    open_tab(&root, "files").await;
    assert_eq!(
        row_actions(&root, "eula.txt").await,
        [
            "Edit",
            "Download",
            "Rename or move",
            "Copy",
            "Permissions",
            "Archive",
            "Delete"
        ]
    );
    for action in ["New file", "New folder", "Upload", "Pull from URL"] {
        assert!(
            toolbar(&root).contains(action),
            "{action}: {}",
            toolbar(&root)
        );
    }
    Credentials::forget();
}

#[wasm_bindgen_test]
async fn past_the_backup_throttle_the_backups_tab_shows_the_panels_sentence() {
    let server = servers::bench(23);
    let (root, _app) = server_page(sandbox_manager(), keys::ALICE, &server).await;
    open_tab(&root, "backups").await;
    for (n, name) in ["first", "second", "third"].into_iter().enumerate() {
        wait_until(
            "the backup form",
            || find(&root, "#backup-name").is_some(),
            || page_text(&root),
        )
        .await;
        fill(&root, "#backup-name", name);
        click(&root, "[data-testid=backups] form button[type=submit]");
        if n < 2 {
            wait_until(
                "the backup to be listed",
                || {
                    find_all(&root, ".backup .backup-name")
                        .iter()
                        .any(|b| b.text_content().as_deref() == Some(name))
                },
                || page_text(&root),
            )
            .await;
        }
    }
    let error = wait_for("the throttle's sentence", || {
        text(&root, "[data-testid=backup-error]").ok_or_else(|| page_text(&root))
    })
    .await;
    assert!(
        error.contains("Only 2 backups may be generated within a 600 second span of time."),
        "{error}"
    );
    assert!(error.contains("Try again"), "{error}");
    assert_eq!(find_all(&root, ".backup").len(), 2);
    Credentials::forget();
}

#[wasm_bindgen_test]
async fn at_twenty_five_keys_the_account_page_offers_no_more_and_says_why() {
    // Carol's keys on the main sandbox, filled to the limit and put back after.
    let carol = client(sandbox(), more_keys::CAROL);
    let seeded = carol.api_keys().await.expect("keys").len();
    let mut made = Vec::new();
    for n in seeded..25 {
        let request = CreateApiKeyRequest {
            description: format!("filler {n}"),
            allowed_ips: vec![],
        };
        let created = carol.create_api_key(&request).await.expect("a key");
        made.push(created.attributes.identifier);
    }
    credentials(sandbox(), more_keys::CAROL).save(Persistence::Session);
    let (root, app) = mount_app("/account");
    let root: Element = root.into();
    let count = wait_for("the key count", || {
        text(&root, "[data-testid=api-key-count]")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| page_text(&root))
    })
    .await;
    let create_enabled = enabled(&root, "form[aria-label='New API key'] button[type=submit]");
    let limit = text(&root, "[data-testid=key-limit]");
    let two_factor = wait_for("the two-factor status", || {
        attr(&root, "[data-testid=two-factor]", "data-state").ok_or_else(|| page_text(&root))
    })
    .await;
    drop(app);
    Credentials::forget();
    for identifier in &made {
        carol.delete_api_key(identifier).await.expect("cleaned up");
    }
    assert_eq!(count, "25 of 25");
    assert!(!create_enabled, "no 26th key is offered");
    assert_eq!(
        limit.as_deref(),
        Some("The panel allows 25 keys per account: delete one to make another.")
    );
    assert_eq!(two_factor, "disabled");
}
