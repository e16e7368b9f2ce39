//! The schedules screen's requests (`api/sections.rs`) against the sandbox: a schedule
//! is created, edited, run now and deleted, its tasks added in order, reordered, edited
//! and removed, each read back from the panel. Past 1.12's creation throttle the panel
//! answers 429; a schedule holds at most the panel's ten tasks; a subuser without
//! `schedule.*` gets the specific 403 and nothing changes.
//! The action tests also hold every Client API request they sent to the origin's
//! pass-through allow-list ([`common::manage::RouteAudit`]): the app's other mode.
#![cfg(target_arch = "wasm32")]

mod common;

use common::manage::*;
use common::*;
use ptero_api::{Schedule, ScheduleRequest, TaskAction, TaskRequest};
use ptero_web::api::PanelClient;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn every_day_at_four(name: &str) -> ScheduleRequest {
    ScheduleRequest {
        name: name.to_owned(),
        minute: "0".into(),
        hour: "4".into(),
        day_of_month: "*".into(),
        month: "*".into(),
        day_of_week: "*".into(),
        is_active: true,
        only_when_online: false,
    }
}

fn task(action: TaskAction, payload: &str, offset: u32) -> TaskRequest {
    TaskRequest {
        action,
        payload: payload.to_owned(),
        time_offset: offset,
        continue_on_failure: false,
        sequence_id: None,
    }
}

async fn schedules(client: &PanelClient, server: &str) -> Vec<Schedule> {
    client
        .schedules(server)
        .await
        .unwrap_or_else(|e| panic!("the schedules of {server}: {e}"))
}

async fn one(client: &PanelClient, server: &str, id: u64) -> Schedule {
    schedules(client, server)
        .await
        .into_iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("schedule {id} is listed"))
}

/// `(sequence, action, payload)` of each task, in order.
fn tasks_of(schedule: &Schedule) -> Vec<(u32, TaskAction, String)> {
    schedule
        .tasks()
        .into_iter()
        .map(|t| (t.sequence_id, t.action.clone(), t.payload.clone()))
        .collect()
}

#[wasm_bindgen_test]
async fn a_schedule_is_created_with_tasks_in_order_edited_run_and_deleted() {
    let audit = RouteAudit::start(sandbox_manager()).await;
    let (alice, server) = (alice_manager(), servers::bench(40));
    assert!(schedules(&alice, &server).await.is_empty());
    let made = alice
        .save_schedule(&server, None, &every_day_at_four("Restart"))
        .await
        .expect("created");
    let listed = one(&alice, &server, made.id).await;
    assert_eq!(
        (listed.name.as_str(), listed.cron.to_string()),
        ("Restart", "0 4 * * *".to_owned())
    );
    assert!(listed.is_active && !listed.only_when_online);

    let say = alice
        .save_task(
            &server,
            made.id,
            None,
            &task(TaskAction::Command, "say bye", 0),
        )
        .await
        .expect("a command task");
    let mut restart = task(TaskAction::Power, "restart", 60);
    restart.continue_on_failure = true;
    let power = alice
        .save_task(&server, made.id, None, &restart)
        .await
        .expect("a power task");
    assert_eq!((say.sequence_id, power.sequence_id), (1, 2));
    assert!(power.continue_on_failure && power.time_offset == 60);
    assert_eq!(
        tasks_of(&one(&alice, &server, made.id).await),
        [
            (1, TaskAction::Command, "say bye".to_owned()),
            (2, TaskAction::Power, "restart".to_owned())
        ]
    );

    // Move the power action first, and change the command.
    restart.sequence_id = Some(1);
    alice
        .save_task(&server, made.id, Some(power.id), &restart)
        .await
        .expect("moved up");
    alice
        .save_task(
            &server,
            made.id,
            Some(say.id),
            &task(TaskAction::Command, "say back soon", 0),
        )
        .await
        .expect("edited");
    assert_eq!(
        tasks_of(&one(&alice, &server, made.id).await),
        [
            (1, TaskAction::Power, "restart".to_owned()),
            (2, TaskAction::Command, "say back soon".to_owned())
        ]
    );

    // Edit the schedule: every 15 minutes, inactive, only when online.
    let mut edit = every_day_at_four("Restart");
    edit.minute = "*/15".into();
    edit.hour = "*".into();
    edit.is_active = false;
    edit.only_when_online = true;
    alice
        .save_schedule(&server, Some(made.id), &edit)
        .await
        .expect("edited");
    let edited = one(&alice, &server, made.id).await;
    assert_eq!(edited.cron.to_string(), "*/15 * * * *");
    assert!(!edited.is_active && edited.only_when_online);

    // Run now: the panel takes it (202) and the schedule runs.
    alice.run_schedule(&server, made.id).await.expect("run now");
    let ran = one(&alice, &server, made.id).await;
    assert!(ran.is_processing || ran.last_run_at.is_some(), "{ran:?}");

    alice
        .delete_task(&server, made.id, say.id)
        .await
        .expect("task deleted");
    assert_eq!(
        tasks_of(&one(&alice, &server, made.id).await).len(),
        1,
        "one task left"
    );
    alice
        .delete_schedule(&server, made.id)
        .await
        .expect("deleted");
    assert!(schedules(&alice, &server).await.is_empty());
    audit.assert_forwardable(15).await;
}

#[wasm_bindgen_test]
async fn past_two_new_schedules_a_minute_the_panel_answers_429() {
    let (alice, server) = (alice_manager(), servers::bench(41));
    for name in ["one", "two"] {
        alice
            .save_schedule(&server, None, &every_day_at_four(name))
            .await
            .unwrap_or_else(|e| panic!("schedule {name}: {e}"));
    }
    let third = alice
        .save_schedule(&server, None, &every_day_at_four("three"))
        .await;
    assert_rate_limited("the third schedule in a minute", third);
    let names: Vec<String> = schedules(&alice, &server)
        .await
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(!names.contains(&"three".to_owned()));
}

#[wasm_bindgen_test]
async fn a_schedule_holds_at_most_ten_tasks() {
    let (alice, server) = (alice_manager(), servers::bench(42));
    let made = alice
        .save_schedule(&server, None, &every_day_at_four("Busy"))
        .await
        .expect("created");
    for n in 0..10 {
        alice
            .save_task(
                &server,
                made.id,
                None,
                &task(TaskAction::Command, &format!("say {n}"), 0),
            )
            .await
            .unwrap_or_else(|e| panic!("task {n}: {e}"));
    }
    let eleventh = alice
        .save_task(
            &server,
            made.id,
            None,
            &task(TaskAction::Command, "say 10", 0),
        )
        .await;
    assert_refused("the eleventh task", eleventh, "more than 10 tasks");
    assert_eq!(tasks_of(&one(&alice, &server, made.id).await).len(), 10);
}

#[wasm_bindgen_test]
async fn a_subuser_without_schedule_rights_is_refused_and_nothing_changes() {
    let (alice, bob, server) = (alice(), bob(), servers::SHARED);
    // The owner's schedule on Shared (1.11: no creation throttle), removed at the end.
    let owners = alice
        .save_schedule(server, None, &every_day_at_four("Owner's"))
        .await
        .expect("Alice's schedule");
    alice
        .save_task(
            server,
            owners.id,
            None,
            &task(TaskAction::Command, "say hi", 0),
        )
        .await
        .expect("its task");
    let before = schedules(&alice, server).await;
    assert_missing_permission("list", bob.schedules(server).await);
    assert_missing_permission(
        "create",
        bob.save_schedule(server, None, &every_day_at_four("Bob's"))
            .await,
    );
    assert_missing_permission(
        "edit",
        bob.save_schedule(server, Some(owners.id), &every_day_at_four("Bob's"))
            .await,
    );
    assert_missing_permission(
        "add a task",
        bob.save_task(server, owners.id, None, &task(TaskAction::Power, "kill", 0))
            .await,
    );
    assert_missing_permission("run", bob.run_schedule(server, owners.id).await);
    assert_missing_permission("delete", bob.delete_schedule(server, owners.id).await);
    let after = schedules(&alice, server).await;
    alice
        .delete_schedule(server, owners.id)
        .await
        .expect("cleaned up");
    assert_eq!(after, before);
}
