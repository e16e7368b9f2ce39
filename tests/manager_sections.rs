//! The databases and users screens' requests (`api/sections.rs`) against the sandbox: a
//! database is created, its password shown and rotated, then deleted; a user is invited
//! with permissions from `GET /permissions`, edited and removed; each read back from the
//! panel. Past 1.12's creation throttles the panel answers 429; at the server's database
//! limit the panel's refusal (reached on the main sandbox, which has no throttle, and
//! undone); a subuser without `database.*` / `user.*` gets the specific 403 and nothing
//! changes.
//! The action tests also hold every Client API request they sent to the origin's
//! pass-through allow-list ([`common::manage::RouteAudit`]): the app's other mode.
#![cfg(target_arch = "wasm32")]

mod common;

use common::manage::*;
use common::*;
use ptero_api::{Database, StoreDatabaseRequest, StoreSubuserRequest, UpdateSubuserRequest};
use ptero_web::api::PanelClient;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn database(name: &str) -> StoreDatabaseRequest {
    StoreDatabaseRequest {
        database: name.to_owned(),
        remote: "%".to_owned(),
    }
}

async fn databases(client: &PanelClient, server: &str) -> Vec<Database> {
    client
        .databases(server, true)
        .await
        .unwrap_or_else(|e| panic!("the databases of {server}: {e}"))
}

fn invite(email: &str, permissions: &[&str]) -> StoreSubuserRequest {
    StoreSubuserRequest {
        email: email.to_owned(),
        permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
    }
}

#[wasm_bindgen_test]
async fn a_database_is_created_its_password_rotated_and_it_is_deleted() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, server) = (alice_manager(), servers::bench(43));
    assert!(databases(&alice, &server).await.is_empty());
    let made = alice
        .create_database(&server, &database("stats"))
        .await
        .expect("created");
    assert!(made.name.ends_with("_stats"), "{}", made.name);
    assert_eq!(made.connections_from, "%");
    let first = made.password().expect("the new password").to_owned();
    let listed = databases(&alice, &server).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].password(), Some(first.as_str()));
    let rotated = alice
        .rotate_database_password(&server, &made.id)
        .await
        .expect("rotated");
    let second = rotated.password().expect("the rotated password").to_owned();
    assert_ne!(second, first);
    assert_eq!(
        databases(&alice, &server).await[0].password(),
        Some(second.as_str())
    );
    alice
        .delete_database(&server, &made.id)
        .await
        .expect("deleted");
    assert!(databases(&alice, &server).await.is_empty());
    audit.assert_forwardable(7).await;
}

#[wasm_bindgen_test]
async fn past_two_new_databases_a_minute_the_panel_answers_429() {
    let (alice, server) = (alice_manager(), servers::bench(44));
    for name in ["one", "two"] {
        alice
            .create_database(&server, &database(name))
            .await
            .unwrap_or_else(|e| panic!("database {name}: {e}"));
    }
    let third = alice.create_database(&server, &database("three")).await;
    assert_rate_limited("the third database in a minute", third);
    assert_eq!(databases(&alice, &server).await.len(), 2);
}

#[wasm_bindgen_test]
async fn at_the_servers_database_limit_the_panel_refuses_another() {
    let (alice, server) = (alice(), servers::OFFLINE);
    let before = databases(&alice, server).await.len();
    let mut made = Vec::new();
    for n in before..2 {
        let created = alice
            .create_database(server, &database(&format!("fill{n}")))
            .await
            .unwrap_or_else(|e| panic!("database {n}: {e}"));
        made.push(created.id);
    }
    let over = alice.create_database(server, &database("over")).await;
    let count = databases(&alice, server).await.len();
    for id in &made {
        alice.delete_database(server, id).await.expect("cleaned up");
    }
    assert_refused("a third database", over, "over the defined limit");
    assert_eq!(count, 2);
    assert_eq!(databases(&alice, server).await.len(), before);
}

#[wasm_bindgen_test]
async fn a_user_is_invited_with_grouped_permissions_edited_and_removed() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, server) = (alice_manager(), servers::bench(45));
    let groups = alice.permission_groups().await.expect("the groups");
    let all = groups.all();
    assert!(all.contains(&"control.console".to_owned()) && all.contains(&"file.read".to_owned()));
    assert_eq!(groups.0[0].name, "websocket", "the panel's order");
    let dana = alice
        .invite_subuser(
            &server,
            &invite("dana@example.net", &["control.console", "file.read"]),
        )
        .await
        .expect("invited");
    assert_eq!(dana.email, "dana@example.net");
    let listed = alice.subusers(&server).await.expect("the users");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].permissions.contains(&"file.read".to_owned()));
    let edited = alice
        .update_subuser(
            &server,
            &dana.uuid,
            &UpdateSubuserRequest {
                permissions: vec!["control.console".into()],
            },
        )
        .await
        .expect("edited");
    assert!(!edited.permissions.contains(&"file.read".to_owned()));
    let listed = alice.subusers(&server).await.expect("the users");
    assert!(!listed[0].permissions.contains(&"file.read".to_owned()));
    assert!(listed[0]
        .permissions
        .contains(&"control.console".to_owned()));
    alice
        .remove_subuser(&server, &dana.uuid)
        .await
        .expect("removed");
    assert!(alice.subusers(&server).await.expect("users").is_empty());
    audit.assert_forwardable(7).await;
}

#[wasm_bindgen_test]
async fn past_ten_invitations_in_fifteen_minutes_the_panel_answers_429() {
    let (alice, server) = (alice_manager(), servers::bench(46));
    for n in 0..10 {
        alice
            .invite_subuser(
                &server,
                &invite(&format!("friend{n}@example.net"), &["control.console"]),
            )
            .await
            .unwrap_or_else(|e| panic!("invitation {n}: {e}"));
    }
    let eleventh = alice
        .invite_subuser(
            &server,
            &invite("friend10@example.net", &["control.console"]),
        )
        .await;
    assert_rate_limited("the eleventh invitation", eleventh);
    assert_eq!(alice.subusers(&server).await.expect("users").len(), 10);
}

#[wasm_bindgen_test]
async fn a_subuser_without_database_or_user_rights_is_refused_and_nothing_changes() {
    let (alice, bob, server) = (alice(), bob(), servers::SHARED);
    let users = alice.subusers(server).await.expect("Shared's users");
    let dbs = databases(&alice, server).await.len();
    assert_missing_permission("databases", bob.databases(server, false).await);
    assert_missing_permission(
        "create a database",
        bob.create_database(server, &database("bobs")).await,
    );
    assert_missing_permission("users", bob.subusers(server).await);
    assert_missing_permission(
        "invite",
        bob.invite_subuser(server, &invite("eve@example.net", &["control.console"]))
            .await,
    );
    let bobs = users.iter().find(|u| u.username == "bob").expect("Bob");
    assert_missing_permission(
        "grant himself more",
        bob.update_subuser(
            server,
            &bobs.uuid,
            &UpdateSubuserRequest {
                permissions: vec!["control.stop".into()],
            },
        )
        .await,
    );
    assert_eq!(alice.subusers(server).await.expect("users"), users);
    assert_eq!(databases(&alice, server).await.len(), dbs);
}
