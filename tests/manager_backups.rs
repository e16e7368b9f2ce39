//! The backups tab's requests (`api/manage.rs`) against the sandbox: a backup is created
//! with its name, ignored files and lock, runs on Wings and completes; it locks and
//! unlocks (a locked one is not deleted), downloads over a signed Wings URL, restores
//! the files it holds, and is deleted. Past two backups in ten minutes the panel's own
//! throttle sentence comes as `Throttled`, past 1.12's three restores in fifteen minutes
//! its 429 (`RateLimited`); at the server's limit the panel's refusal;
//! a subuser without `backup.*` gets the specific 403 and nothing changes.
//! The action tests also hold every Client API request they sent to the origin's
//! pass-through allow-list ([`common::manage::RouteAudit`]): the app's other mode.
#![cfg(target_arch = "wasm32")]

mod common;

use common::manage::*;
use common::*;
use ptero_api::{Backup, PanelError, StoreBackupRequest};
use ptero_web::api::{ApiError, PanelClient};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn request(name: &str) -> StoreBackupRequest {
    StoreBackupRequest {
        name: Some(name.to_owned()),
        ignored: Some("*.log\ncache/".to_owned()),
        is_locked: false,
    }
}

async fn listed(client: &PanelClient, server: &str) -> (Vec<Backup>, u64) {
    client
        .backups(server)
        .await
        .unwrap_or_else(|e| panic!("the backups of {server}: {e}"))
}

/// The backup `uuid` once Wings says it completed.
async fn completed(client: &PanelClient, server: &str, uuid: &str) -> Backup {
    eventually("the backup to complete", || async {
        let (backups, _) = listed(client, server).await;
        let backup = backups.into_iter().find(|b| b.uuid == uuid);
        match backup {
            Some(b) if b.is_successful && b.completed_at.is_some() => Ok(b),
            other => Err(format!("{other:?}")),
        }
    })
    .await
}

/// Once the server is no longer `restoring_backup` (Wings said the restore completed).
async fn restored(client: &PanelClient, server: &str) {
    eventually("the restore to finish", || async {
        let detail = client.server(server).await.map_err(|e| e.to_string())?;
        match detail.attributes.status {
            None => Ok(()),
            Some(status) => Err(format!("{status:?}")),
        }
    })
    .await
}

#[wasm_bindgen_test]
async fn a_backup_is_made_locked_downloaded_restored_and_deleted() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, server) = (alice_manager(), servers::bench(20));
    assert_eq!(listed(&alice, &server).await, (vec![], 0));
    let started = alice
        .create_backup(&server, &request("before the update"))
        .await
        .expect("a backup");
    assert_eq!(started.name, "before the update");
    assert_eq!(started.ignored_files, ["*.log", "cache/"]);
    assert!(started.completed_at.is_none(), "it runs first: {started:?}");
    let backup = completed(&alice, &server, &started.uuid).await;
    assert!(!backup.is_locked);
    assert_eq!(
        listed(&alice, &server).await.1,
        1,
        "one counts against the limit"
    );

    let locked = alice
        .toggle_backup_lock(&server, &backup.uuid)
        .await
        .expect("locked");
    assert!(locked.is_locked);
    let kept = alice.delete_backup(&server, &backup.uuid).await;
    assert_refused("deleting a locked backup", kept, "marked as locked");
    let unlocked = alice
        .toggle_backup_lock(&server, &backup.uuid)
        .await
        .expect("unlocked");
    assert!(!unlocked.is_locked);

    let url = alice
        .backup_download_url(&server, &backup.uuid)
        .await
        .expect("a signed URL");
    assert!(url.contains("/download/backup?token="), "{url}");
    let (status, _) = fetch_text("GET", &url, &[]).await;
    assert_eq!(status, 200, "Wings serves the backup");

    // A change after the backup is undone by restoring it.
    alice
        .write_file(&server, "/eula.txt", "eula=false\n".into())
        .await
        .expect("changed");
    alice
        .restore_backup(&server, &backup.uuid, false)
        .await
        .expect("restoring");
    restored(&alice, &server).await;
    let eula = alice
        .file_contents(&server, "/eula.txt")
        .await
        .expect("read");
    assert_eq!(eula, "eula=true\n", "the backup's file is back");

    alice
        .delete_backup(&server, &backup.uuid)
        .await
        .expect("deleted");
    assert_eq!(listed(&alice, &server).await, (vec![], 0));
    audit.assert_forwardable(12).await;
}

#[wasm_bindgen_test]
async fn a_locked_backup_is_asked_for_at_creation() {
    let (alice, server) = (alice_manager(), servers::bench(22));
    let made = alice
        .create_backup(
            &server,
            &StoreBackupRequest {
                name: None,
                ignored: None,
                is_locked: true,
            },
        )
        .await
        .expect("a backup");
    assert!(
        made.is_locked && made.name.starts_with("Backup at "),
        "{made:?}"
    );
    let done = completed(&alice, &server, &made.uuid).await;
    assert!(done.is_locked);
}

#[wasm_bindgen_test]
async fn past_two_backups_in_ten_minutes_the_panel_says_so_as_a_throttle() {
    let (alice, server) = (alice_manager(), servers::bench(21));
    for name in ["one", "two"] {
        alice
            .create_backup(&server, &request(name))
            .await
            .unwrap_or_else(|e| panic!("backup {name}: {e}"));
    }
    let third = alice.create_backup(&server, &request("three")).await;
    match third {
        Err(ApiError::Panel(PanelError::Throttled { detail, .. })) => assert_eq!(
            detail,
            "Only 2 backups may be generated within a 600 second span of time."
        ),
        other => panic!("expected the panel's backup throttle, got {other:?}"),
    }
    let (backups, _) = listed(&alice, &server).await;
    let names: Vec<&str> = backups.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(!names.contains(&"three"), "{names:?}");
}

#[wasm_bindgen_test]
async fn past_three_restores_in_fifteen_minutes_the_panel_answers_429() {
    let (alice, server) = (alice_manager(), servers::bench(24));
    let made = alice
        .create_backup(&server, &request("restore me"))
        .await
        .expect("a backup");
    completed(&alice, &server, &made.uuid).await;
    // Pterodactyl 1.12: 3 restores per 15 minutes per server.
    for n in 1..=3 {
        alice
            .restore_backup(&server, &made.uuid, false)
            .await
            .unwrap_or_else(|e| panic!("restore {n}: {e}"));
        restored(&alice, &server).await;
    }
    let fourth = alice.restore_backup(&server, &made.uuid, false).await;
    assert_rate_limited("the fourth restore", fourth);
    let detail = alice.server(&server).await.expect("the server");
    assert_eq!(detail.attributes.status, None, "no restore started");
}

#[wasm_bindgen_test]
async fn a_server_without_backups_allowed_refuses_one_with_the_panels_limit() {
    // Old world's backup limit is null: the panel allows it none.
    let alice = alice();
    let refused = alice
        .create_backup(servers::OFFLINE, &request("not allowed"))
        .await;
    assert_refused(
        "a backup on Old world",
        refused,
        "reached its limit of 0 backups",
    );
    assert_eq!(listed(&alice, servers::OFFLINE).await, (vec![], 0));
}

#[wasm_bindgen_test]
async fn a_subuser_without_backup_rights_is_refused_and_nothing_changes() {
    let (bob, server) = (bob(), servers::SHARED);
    let uuid = "b70d2d36-0001-4000-8000-000000000003";
    assert_missing_permission("list", bob.backups(server).await);
    assert_missing_permission("create", bob.create_backup(server, &request("bob")).await);
    assert_missing_permission("lock", bob.toggle_backup_lock(server, uuid).await);
    assert_missing_permission("download", bob.backup_download_url(server, uuid).await);
    assert_missing_permission("restore", bob.restore_backup(server, uuid, true).await);
    assert_missing_permission("delete", bob.delete_backup(server, uuid).await);
    let (backups, count) = listed(&alice(), server).await;
    assert_eq!(count, 1);
    assert_eq!(backups.len(), 1);
    assert!(
        backups[0].uuid == uuid && !backups[0].is_locked,
        "{backups:?}"
    );
}
