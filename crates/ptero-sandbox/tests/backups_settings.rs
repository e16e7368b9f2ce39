//! Backups and server settings over loopback HTTP as the panel answers them: the list's
//! `backup_count`, the backup limit and throttle sentences, locking, Wings' backup
//! events, restore (409 while it runs; 1.12 and Pelican throttle it), rename, Pelican's
//! description, reinstall and the docker image.

mod common;

use std::time::Duration;

use common::socket;
use common::*;
use ptero_api::{BackupItem, BackupList, Flavor, Inbound, ServerDetail, SignedUrlItem};
use ptero_sandbox::seed::{backups, keys, servers};
use ptero_sandbox::SandboxConfig;
use reqwest::{Method, StatusCode};
use serde_json::json;

const RUNNING: &str = servers::RUNNING;

async fn list(sandbox: &ptero_sandbox::Sandbox, key: &str) -> BackupList {
    let answer = get(sandbox, &server_path(RUNNING, "/backups"), key).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    serde_json::from_value(answer.json).expect("a backup list")
}

#[tokio::test]
async fn the_list_counts_what_the_limit_counts_and_backups_complete_with_wings_event() {
    let sandbox = start_with(|c| c.power_delay = Duration::from_millis(300)).await;
    let seeded = list(&sandbox, keys::ALICE).await;
    assert_eq!(seeded.meta.as_ref().unwrap().backup_count, 2);
    assert_eq!(seeded.data[0].attributes.uuid, backups::RUNNING_LOCKED);
    assert!(seeded.data[0].attributes.is_locked);
    assert_eq!(seeded.meta.unwrap().pagination.unwrap().per_page, 20);

    let mut socket = socket::open_authed(&sandbox, RUNNING, keys::ALICE).await;
    let created = post(
        &sandbox,
        &server_path(RUNNING, "/backups"),
        keys::ALICE,
        json!({"name": "  before the update ", "ignored": "*.log\nlogs\n", "is_locked": true}),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let backup: BackupItem = serde_json::from_value(created.json).unwrap();
    let backup = backup.attributes;
    assert_eq!(backup.name, "before the update");
    assert_eq!(backup.ignored_files, ["*.log", "logs"]);
    assert!(backup.is_locked && backup.completed_at.is_none() && !backup.is_successful);
    assert_eq!(
        list(&sandbox, keys::ALICE).await.meta.unwrap().backup_count,
        3
    );

    let done = socket::until(
        &mut socket,
        |event| matches!(event, Inbound::BackupCompleted(b) if b.uuid == backup.uuid),
    )
    .await
    .expect("Wings says the backup is done");
    let Inbound::BackupCompleted(done) = done else {
        unreachable!()
    };
    assert!(done.is_successful && done.checksum_type == "sha1" && done.file_size > 0);
    let shown = get(
        &sandbox,
        &server_path(RUNNING, &format!("/backups/{}", backup.uuid)),
        keys::ALICE,
    )
    .await;
    let shown: BackupItem = serde_json::from_value(shown.json).unwrap();
    assert_eq!(
        shown.attributes.checksum,
        Some(format!("sha1:{}", done.checksum))
    );
    assert!(shown.attributes.completed_at.is_some());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_throttle_and_the_limit_answer_the_panels_sentences() {
    let sandbox = start().await;
    for n in 0..2 {
        let created = post(
            &sandbox,
            &server_path(RUNNING, "/backups"),
            keys::ALICE,
            json!({}),
        )
        .await;
        assert_eq!(
            created.status,
            StatusCode::OK,
            "backup {n}: {}",
            created.text
        );
        assert!(created.json["attributes"]["name"]
            .as_str()
            .unwrap()
            .starts_with("Backup at 20"));
    }
    let third = post(
        &sandbox,
        &server_path(RUNNING, "/backups"),
        keys::ALICE,
        json!({}),
    )
    .await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        third.error(),
        ("TooManyRequestsHttpException".into(), "429".into())
    );
    assert_eq!(
        third.detail(),
        "Only 2 backups may be generated within a 600 second span of time."
    );
    let retry: u64 = third.header("retry-after").unwrap().parse().unwrap();
    assert!((590..=600).contains(&retry), "{retry}");
    // Old world may keep no backups at all (its limit is null).
    let none = post(
        &sandbox,
        &server_path(servers::OFFLINE, "/backups"),
        keys::ALICE,
        json!({}),
    )
    .await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        none.detail(),
        "Cannot create a new backup, this server has reached its limit of 0 backups."
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn locked_backups_stay_until_unlocked_and_downloads_are_signed() {
    let sandbox = start().await;
    let locked = format!("/backups/{}", backups::RUNNING_LOCKED);
    let refused = request(
        &sandbox,
        Method::DELETE,
        &server_path(RUNNING, &locked),
        Some(keys::ALICE),
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.detail(),
        "Cannot delete a backup that is marked as locked."
    );
    let unlocked = post(
        &sandbox,
        &server_path(RUNNING, &format!("{locked}/lock")),
        keys::ALICE,
        json!({}),
    )
    .await;
    assert_eq!(unlocked.json["attributes"]["is_locked"], false);
    let deleted = request(
        &sandbox,
        Method::DELETE,
        &server_path(RUNNING, &locked),
        Some(keys::ALICE),
        None,
    )
    .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(list(&sandbox, keys::ALICE).await.data.len(), 1);
    let gone = get(&sandbox, &server_path(RUNNING, &locked), keys::ALICE).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    // Another server's backup is not this one's.
    let elsewhere = get(
        &sandbox,
        &server_path(RUNNING, &format!("/backups/{}", backups::SHARED_NIGHTLY)),
        keys::ALICE,
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);

    let weekly = format!("/backups/{}/download", backups::RUNNING_WEEKLY);
    let signed = get(&sandbox, &server_path(RUNNING, &weekly), keys::ALICE).await;
    let signed: SignedUrlItem = serde_json::from_value(signed.json).unwrap();
    assert!(signed.attributes.url.contains("/download/backup?token="));
    let file = http().get(&signed.attributes.url).send().await.unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(
        file.headers()["content-disposition"],
        format!(
            "attachment; filename=\"{}.tar.gz\"",
            backups::RUNNING_WEEKLY
        )
        .as_str()
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn backup_permissions_are_each_their_own() {
    let sandbox = start().await;
    let nightly = format!("/backups/{}", backups::SHARED_NIGHTLY);
    for (method, path) in [
        (Method::GET, "/backups".to_owned()),
        (Method::POST, "/backups".to_owned()),
        (Method::GET, nightly.clone()),
        (Method::GET, format!("{nightly}/download")),
        (Method::POST, format!("{nightly}/lock")),
        (Method::POST, format!("{nightly}/restore")),
        (Method::DELETE, nightly.clone()),
    ] {
        let body = (method == Method::POST).then(|| json!({"truncate": false}));
        let answer = request(
            &sandbox,
            method.clone(),
            &server_path(servers::SHARED, &path),
            Some(keys::BOB),
            body,
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: {}",
            answer.text
        );
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_restore_blocks_the_server_until_wings_is_done() {
    let sandbox = start_with(|c| c.power_delay = Duration::from_millis(300)).await;
    let mut socket = socket::open_authed(&sandbox, RUNNING, keys::ALICE).await;
    let restore = format!("/backups/{}/restore", backups::RUNNING_WEEKLY);
    let missing = post(
        &sandbox,
        &server_path(RUNNING, &restore),
        keys::ALICE,
        json!({}),
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.detail(), "The truncate field is required.");
    // Files made after the backup survive a restore without truncation.
    post(
        &sandbox,
        &server_path(RUNNING, "/files/create-folder"),
        keys::ALICE,
        json!({"root": "/", "name": "after"}),
    )
    .await;
    let started = post(
        &sandbox,
        &server_path(RUNNING, &restore),
        keys::ALICE,
        json!({"truncate": false}),
    )
    .await;
    assert_eq!(started.status, StatusCode::NO_CONTENT, "{}", started.text);
    let busy = get(&sandbox, &server_path(RUNNING, "/files/list"), keys::ALICE).await;
    assert_eq!(busy.status, StatusCode::CONFLICT);
    assert!(
        busy.detail().contains("restoring from a backup"),
        "{}",
        busy.detail()
    );
    let detail = get(&sandbox, &server_path(RUNNING, ""), keys::ALICE).await;
    let detail: ServerDetail = serde_json::from_value(detail.json).unwrap();
    assert_eq!(
        detail.attributes.status,
        Some(ptero_api::ServerStatus::RestoringBackup)
    );
    socket::until(&mut socket, |event| {
        matches!(event, Inbound::BackupRestoreCompleted)
    })
    .await
    .expect("Wings says the restore is done");
    let files = get(&sandbox, &server_path(RUNNING, "/files/list"), keys::ALICE).await;
    assert_eq!(files.status, StatusCode::OK);
    assert!(files.text.contains("\"after\""));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn restores_are_throttled_on_1_12_and_pelican_only() {
    for flavor in Flavor::ALL {
        let sandbox = start_with(|c| *c = SandboxConfig::fast_flavored(flavor)).await;
        let key = sandbox.key(keys::ALICE);
        let restore = format!("/backups/{}/restore", backups::RUNNING_WEEKLY);
        let mut statuses = Vec::new();
        for _ in 0..4 {
            // Each waits for the last to finish (a running restore is a 409).
            let mut answer = post(
                &sandbox,
                &server_path(RUNNING, &restore),
                &key,
                json!({"truncate": false}),
            )
            .await;
            for _ in 0..50 {
                if answer.status != StatusCode::CONFLICT {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                answer = post(
                    &sandbox,
                    &server_path(RUNNING, &restore),
                    &key,
                    json!({"truncate": false}),
                )
                .await;
            }
            statuses.push(answer.status.as_u16());
        }
        let expected = match flavor {
            Flavor::Pterodactyl111 => [204, 204, 204, 204],
            _ => [204, 204, 204, 429],
        };
        assert_eq!(statuses, expected, "{flavor}");
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn rename_reinstall_and_docker_image() {
    for flavor in Flavor::ALL {
        let sandbox = start_with(|c| *c = SandboxConfig::fast_flavored(flavor)).await;
        let key = sandbox.key(keys::ALICE);
        let renamed = post(
            &sandbox,
            &server_path(RUNNING, "/settings/rename"),
            &key,
            json!({"name": "Survival 2", "description": "A fresh world"}),
        )
        .await;
        assert_eq!(renamed.status, StatusCode::NO_CONTENT, "{flavor}");
        let described = post(
            &sandbox,
            &server_path(RUNNING, "/settings/description"),
            &key,
            json!({"description": "Described apart"}),
        )
        .await;
        let detail = get(&sandbox, &server_path(RUNNING, ""), &key).await;
        let detail: ServerDetail = serde_json::from_value(detail.json).unwrap();
        assert_eq!(detail.attributes.name, "Survival 2");
        match flavor {
            Flavor::Pelican => {
                assert_eq!(described.status, StatusCode::NO_CONTENT);
                assert_eq!(detail.attributes.description, "Described apart");
            }
            _ => {
                assert_eq!(
                    described.status,
                    StatusCode::NOT_FOUND,
                    "{flavor}: no such route"
                );
                assert_eq!(detail.attributes.description, "A fresh world");
            }
        }
        let long = post(
            &sandbox,
            &server_path(RUNNING, "/settings/rename"),
            &key,
            json!({"name": "x".repeat(192)}),
        )
        .await;
        assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            long.detail(),
            "The name may not be greater than 191 characters."
        );

        let image = put(
            &sandbox,
            &server_path(RUNNING, "/settings/docker-image"),
            &key,
            json!({"docker_image": "ghcr.io/pterodactyl/yolks:java_21"}),
        )
        .await;
        assert_eq!(image.status, StatusCode::NO_CONTENT, "{}", image.text);
        let detail = get(&sandbox, &server_path(RUNNING, ""), &key).await;
        assert_eq!(
            detail.json["attributes"]["docker_image"],
            "ghcr.io/pterodactyl/yolks:java_21"
        );
        let other = put(
            &sandbox,
            &server_path(RUNNING, "/settings/docker-image"),
            &key,
            json!({"docker_image": "evil/image"}),
        )
        .await;
        assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(other.detail(), "The selected docker image is invalid.");
        assert_eq!(
            other.json["errors"][0]["meta"]["source_field"],
            "docker_image"
        );

        let reinstall = post(
            &sandbox,
            &server_path(RUNNING, "/settings/reinstall"),
            &key,
            json!({}),
        )
        .await;
        assert_eq!(reinstall.status, StatusCode::ACCEPTED);
        assert_eq!(reinstall.text, "[]");
        let busy = get(&sandbox, &server_path(RUNNING, "/resources"), &key).await;
        assert_eq!(busy.status, StatusCode::CONFLICT, "{flavor}: installing");
        let mut ready = false;
        for _ in 0..40 {
            tokio::time::sleep(Duration::from_millis(25)).await;
            if get(&sandbox, &server_path(RUNNING, "/resources"), &key)
                .await
                .status
                == StatusCode::OK
            {
                ready = true;
                break;
            }
        }
        assert!(ready, "{flavor}: the reinstall ends");
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn settings_need_their_permissions() {
    let sandbox = start().await;
    for (method, path, body) in [
        (Method::POST, "/settings/rename", json!({"name": "x"})),
        (Method::POST, "/settings/reinstall", json!({})),
        (
            Method::PUT,
            "/settings/docker-image",
            json!({"docker_image": "ghcr.io/pterodactyl/yolks:java_21"}),
        ),
    ] {
        let answer = request(
            &sandbox,
            method,
            &server_path(servers::SHARED, path),
            Some(keys::BOB),
            Some(body),
        )
        .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
    }
    // Carol's egg lists no images: nothing is valid.
    let carol = put(
        &sandbox,
        &server_path(servers::CAROL, "/settings/docker-image"),
        keys::CAROL,
        json!({"docker_image": "ghcr.io/pterodactyl/yolks:java_17"}),
    )
    .await;
    assert_eq!(carol.status, StatusCode::UNPROCESSABLE_ENTITY);
    sandbox.shutdown().await;
}
