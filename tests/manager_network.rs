//! The network and activity screens' requests (`api/sections.rs`, `api/account.rs`)
//! against the sandbox: an allocation is added, noted, made primary and removed (the
//! primary is not), each read back; past 1.12's creation throttle the panel answers
//! 429; at the server's allocation limit its refusal (on the main sandbox, undone). The
//! server's activity log lists what was done, newest first, paginated, with its actor;
//! past the per-user request limit it is answered 429. A subuser without
//! `allocation.*` / `activity.read` gets the specific 403 and nothing changes.
//! The action tests also hold every Client API request they sent to the origin's
//! pass-through allow-list ([`common::manage::RouteAudit`]): the app's other mode.
#![cfg(target_arch = "wasm32")]

mod common;

use common::manage::*;
use common::*;
use ptero_api::Allocation;
use ptero_web::api::{ActivityOf, PanelClient};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn allocations(client: &PanelClient, server: &str) -> Vec<Allocation> {
    client
        .allocations(server)
        .await
        .unwrap_or_else(|e| panic!("the allocations of {server}: {e}"))
}

fn primary(list: &[Allocation]) -> u64 {
    let primaries: Vec<u64> = list.iter().filter(|a| a.is_default).map(|a| a.id).collect();
    assert_eq!(primaries.len(), 1, "one primary: {list:?}");
    primaries[0]
}

#[wasm_bindgen_test]
async fn an_allocation_is_added_noted_made_primary_and_removed() {
    let audit = RouteAudit::start(sandbox()).await;
    // Old world on the main sandbox, put back as it was.
    let (alice, server) = (alice(), servers::OFFLINE.to_owned());
    let seeded = allocations(&alice, &server).await;
    assert_eq!(seeded.len(), 1);
    let first = seeded[0].id;
    let added = alice.add_allocation(&server).await.expect("added");
    assert!(!added.is_default && added.ip == seeded[0].ip, "{added:?}");
    assert_eq!(allocations(&alice, &server).await.len(), 2);

    alice
        .set_allocation_notes(&server, added.id, Some("Dynmap".into()))
        .await
        .expect("noted");
    let listed = allocations(&alice, &server).await;
    let noted = listed.iter().find(|a| a.id == added.id).expect("listed");
    assert_eq!(noted.notes.as_deref(), Some("Dynmap"));

    alice
        .make_primary(&server, added.id)
        .await
        .expect("made primary");
    assert_eq!(primary(&allocations(&alice, &server).await), added.id);
    let refused = alice.remove_allocation(&server, added.id).await;
    assert_refused("removing the primary", refused, "primary allocation");
    alice
        .make_primary(&server, first)
        .await
        .expect("primary again");
    alice
        .set_allocation_notes(&server, added.id, None)
        .await
        .expect("notes cleared");
    alice
        .remove_allocation(&server, added.id)
        .await
        .expect("removed");
    let after = allocations(&alice, &server).await;
    assert_eq!(after.iter().map(|a| a.id).collect::<Vec<_>>(), [first]);
    assert_eq!(primary(&after), first);
    audit.assert_forwardable(12).await;
}

#[wasm_bindgen_test]
async fn past_two_new_allocations_a_minute_the_panel_answers_429() {
    let (alice, server) = (alice_manager(), servers::bench(51));
    for n in 0..2 {
        alice
            .add_allocation(&server)
            .await
            .unwrap_or_else(|e| panic!("allocation {n}: {e}"));
    }
    assert_rate_limited("a third in a minute", alice.add_allocation(&server).await);
    assert_eq!(allocations(&alice, &server).await.len(), 3);
}

#[wasm_bindgen_test]
async fn at_the_servers_allocation_limit_the_panel_refuses_another() {
    let (alice, server) = (alice(), servers::SHARED);
    let before = allocations(&alice, server).await;
    let mut added = Vec::new();
    for _ in before.len()..3 {
        added.push(
            alice
                .add_allocation(server)
                .await
                .expect("within the limit")
                .id,
        );
    }
    let over = alice.add_allocation(server).await;
    let count = allocations(&alice, server).await.len();
    for id in added {
        alice
            .remove_allocation(server, id)
            .await
            .expect("cleaned up");
    }
    assert_refused("a fourth allocation", over, "limit has been reached");
    assert_eq!(count, 3);
    assert_eq!(allocations(&alice, server).await, before);
}

#[wasm_bindgen_test]
async fn a_subuser_without_allocation_rights_is_refused_and_nothing_changes() {
    let (alice, bob, server) = (alice(), bob(), servers::SHARED);
    let before = allocations(&alice, server).await;
    let id = before[0].id;
    assert_missing_permission("list", bob.allocations(server).await);
    assert_missing_permission("add", bob.add_allocation(server).await);
    assert_missing_permission(
        "notes",
        bob.set_allocation_notes(server, id, Some("bob".into()))
            .await,
    );
    assert_missing_permission("primary", bob.make_primary(server, id).await);
    assert_missing_permission("remove", bob.remove_allocation(server, id).await);
    assert_eq!(allocations(&alice, server).await, before);
}

#[wasm_bindgen_test]
async fn the_servers_activity_lists_what_was_done_newest_first_with_its_actor() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, server) = (alice_manager(), servers::bench(52));
    let made = alice
        .create_database(
            &server,
            &ptero_api::StoreDatabaseRequest {
                database: "ledger".into(),
                remote: "%".into(),
            },
        )
        .await
        .expect("a database");
    alice
        .rotate_database_password(&server, &made.id)
        .await
        .expect("rotated");
    let log = alice
        .activity(&ActivityOf::Server(server.clone()), 1)
        .await
        .expect("the log");
    let events = event_names(&log);
    assert_eq!(
        events.get(..2),
        Some(&["server:database.rotate-password", "server:database.create"][..]),
        "{events:?}"
    );
    let newest = &log.data[0].attributes;
    assert_eq!(newest.actor().map(|a| a.username.as_str()), Some("alice"));
    assert_eq!(
        newest.sentence(),
        format!("Password rotated for database {}", made.name)
    );

    // Survival's thirty seeded entries come 25 a page.
    let main = common::manage::alice();
    let of = ActivityOf::Server(servers::RUNNING.to_owned());
    let page_one = main.activity(&of, 1).await.expect("page 1");
    let pages = page_one.pagination().map(|p| p.total_pages).unwrap_or(0);
    assert!(page_one.data.len() == 25 && pages >= 2, "{pages} pages");
    let page_two = main.activity(&of, 2).await.expect("page 2");
    assert!(!page_two.data.is_empty());
    let first_ids: Vec<&str> = page_one
        .data
        .iter()
        .map(|e| e.attributes.id.as_str())
        .collect();
    assert!(page_two
        .data
        .iter()
        .all(|e| !first_ids.contains(&e.attributes.id.as_str())));
    audit.assert_forwardable(3).await;
}

#[wasm_bindgen_test]
async fn a_subuser_without_activity_read_is_refused_the_servers_log() {
    let of = ActivityOf::Server(servers::SHARED.to_owned());
    assert_missing_permission("activity", bob().activity(&of, 1).await);
    assert!(alice().activity(&of, 1).await.is_ok(), "the owner reads it");
}

#[wasm_bindgen_test]
async fn past_the_panels_request_limit_the_log_is_answered_429() {
    // Bob's budget on the limited sandbox: no other wasm test uses Bob there.
    let bob_limited = client(sandbox_limited(), more_keys::BOB);
    let of = ActivityOf::Server(BOB_SERVER.to_owned());
    assert!(bob_limited.activity(&of, 1).await.is_ok());
    spend_request_budget(sandbox_limited(), more_keys::BOB).await;
    assert_rate_limited("the log past the limit", bob_limited.activity(&of, 1).await);
}
