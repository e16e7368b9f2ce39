//! The management screens' shapes (schedules, databases, subusers and permissions,
//! allocations, activity, API and SSH keys, two-factor): each fixture read by serde,
//! written back and read again; and the serde-free readers the app uses held equal to
//! serde on the same JSON, refusals included.

use std::fmt::Debug;

use ptero_api::activity::Value as PropertyValue;
use ptero_api::json_view::{FromJsonView, Malformed};
use ptero_api::{
    ActivityList, AllocationList, CreatedApiKey, DatabaseItem, DatabaseList, PermissionsItem,
    ScheduleList, SshKeyList, SubuserList, TaskAction, TwoFactorSetup, UserApiKeyList,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// serde reads the fixture, writes it, reads it again to the same value; the
/// serde-free reader reads the same JSON to that value too.
fn held_equal<T>(name: &str) -> T
where
    T: DeserializeOwned + Serialize + FromJsonView + PartialEq + Debug,
{
    let text = fixture(name);
    let first: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let again: T = serde_json::from_str(&serde_json::to_string(&first).unwrap()).unwrap();
    assert_eq!(first, again, "{name}: round trip");
    let value: Value = serde_json::from_str(&text).unwrap();
    let from_value: T = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(
        T::from_view(&value).as_ref(),
        Ok(&from_value),
        "{name}: json_view"
    );
    first
}

fn both_refuse<T: DeserializeOwned + FromJsonView + Debug>(wire: Value, member: &'static str) {
    let serde = serde_json::from_value::<T>(wire.clone());
    assert!(serde.is_err(), "serde read {wire}");
    assert_eq!(T::from_view(&wire).err(), Some(Malformed(member)), "{wire}");
}

#[test]
fn schedules_with_their_tasks_read_the_same() {
    let list: ScheduleList = held_equal("schedule_list.json");
    let nightly = &list.data[0].attributes;
    assert_eq!(nightly.cron.to_string(), "0 4 * * *");
    let tasks = nightly.tasks();
    assert_eq!(
        tasks.iter().map(|t| t.sequence_id).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(tasks[1].action, TaskAction::Power);
    assert_eq!(tasks[1].time_offset, 300);
    assert!(tasks[0].continue_on_failure);
    assert_eq!(list.data[1].attributes.last_run_at, None);
}

#[test]
fn a_task_action_from_a_newer_panel_is_kept() {
    let wire = json!({"id": 1, "sequence_id": 1, "action": "delete_files", "payload": null});
    let serde: ptero_api::Task = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(serde.action, TaskAction::Other("delete_files".into()));
    assert_eq!(serde.payload, "");
    assert_eq!(ptero_api::Task::from_view(&wire), Ok(serde));
}

#[test]
fn databases_read_the_same_with_and_without_their_password() {
    let list: DatabaseList = held_equal("database_list.json");
    let first = &list.data[0].attributes;
    assert_eq!(first.password(), Some("=Xw8k.v9Bq!p2Lz@r4Jc"));
    assert_eq!(first.endpoint(), "db.fra.example.com:3306");
    assert!(first
        .jdbc_url()
        .starts_with("jdbc:mysql://db.fra.example.com:3306/s1_luckperms?user=u1_"));
    let hidden = &list.data[1].attributes;
    assert_eq!(
        hidden.password(),
        None,
        "a null_resource password is no password"
    );
    assert_eq!(hidden.max_connections, None);
    let created: DatabaseItem = held_equal("database_created.json");
    assert!(created.attributes.password().is_some());
    assert!(
        !format!("{created:?}").contains("k!7Vq"),
        "Debug hides the password"
    );
}

#[test]
fn subusers_and_the_permission_groups_read_the_same() {
    let list: SubuserList = held_equal("subuser_list.json");
    assert!(list.data[0].attributes.two_factor_enabled);
    let item: PermissionsItem = held_equal("permissions.json");
    assert_eq!(item.object, "system_permissions");
    // serde on the text keeps the panel's order (a serde_json Value sorts its keys).
    let ordered: PermissionsItem = serde_json::from_str(&fixture("permissions.json")).unwrap();
    let names: Vec<String> = ordered
        .attributes
        .permissions
        .0
        .iter()
        .map(|g| g.name.clone())
        .collect();
    assert_eq!(
        names,
        [
            "websocket",
            "control",
            "user",
            "file",
            "backup",
            "allocation",
            "startup",
            "database",
            "schedule",
            "settings",
            "activity"
        ]
    );
    let all = ordered.attributes.permissions.all();
    assert_eq!(all.len(), 40);
    assert!(all.contains(&"database.view_password".to_owned()));
    // A group whose keys PHP wrote as `[]`.
    let wire = json!({"permissions": {"empty": {"description": "none", "keys": []}}});
    let serde: ptero_api::SystemPermissions = serde_json::from_value(wire.clone()).unwrap();
    assert!(serde.permissions.0[0].keys.is_empty());
    assert_eq!(ptero_api::SystemPermissions::from_view(&wire), Ok(serde));
}

#[test]
fn allocations_read_the_same() {
    let list: AllocationList = held_equal("allocation_list.json");
    assert_eq!(list.data[0].attributes.address(), "10.0.1.10:25565");
    assert_eq!(list.data[1].attributes.address(), "play.example.com:25566");
    assert_eq!(list.data[1].attributes.notes.as_deref(), Some("Dynmap"));
}

#[test]
fn activity_reads_the_same_with_any_properties_and_actor() {
    let list: ActivityList = held_equal("activity_list.json");
    let rename = &list.data[0].attributes;
    assert_eq!(
        rename.sentence(),
        "Renamed /plugins/old.jar to /plugins/new.jar"
    );
    assert_eq!(rename.actor().map(|a| a.username.as_str()), Some("alice"));
    let start = &list.data[1].attributes;
    assert!(start.properties.is_empty(), "PHP's [] is no properties");
    assert!(
        start.actor().is_none(),
        "a null_resource actor is the system"
    );
    let update = &list.data[2].attributes;
    assert!(update.relationships.is_none());
    assert_eq!(
        update.properties.get("new"),
        Some(&PropertyValue::List(vec![
            PropertyValue::Text("control.console".into()),
            PropertyValue::Text("control.start".into())
        ]))
    );
    assert_eq!(
        update.properties.get("ratio"),
        Some(&PropertyValue::Number(0.5))
    );
    assert_eq!(list.pagination().map(|p| p.total_pages), Some(11));
}

#[test]
fn account_keys_and_two_factor_read_the_same() {
    let keys: UserApiKeyList = held_equal("user_api_keys.json");
    assert_eq!(keys.data[0].attributes.allowed_ips.len(), 2);
    let created: CreatedApiKey = held_equal("user_api_key_created.json");
    assert!(created.meta.is_some());
    let ssh: SshKeyList = held_equal("ssh_keys.json");
    assert!(ssh.data[0]
        .attributes
        .public_key
        .starts_with("-----BEGIN PUBLIC KEY-----"));
    let setup: TwoFactorSetup = held_equal("two_factor_setup.json");
    assert!(setup.data.image_url_data.starts_with("otpauth://"));
}

#[test]
fn malformed_management_objects_are_refused_by_both() {
    both_refuse::<ptero_api::Schedule>(json!({"id": 1, "name": "x"}), "cron");
    both_refuse::<ptero_api::Schedule>(
        json!({"id": 1, "name": "x", "cron": {"minute": "0", "hour": "4", "day_of_month": "*", "month": "*"}}),
        "day_of_week",
    );
    both_refuse::<ptero_api::Task>(
        json!({"id": 1, "sequence_id": -1, "action": "power"}),
        "sequence_id",
    );
    both_refuse::<ptero_api::Database>(
        json!({"id": "a", "host": {"address": "h", "port": 70000}, "name": "n", "username": "u", "connections_from": "%"}),
        "port",
    );
    both_refuse::<ptero_api::ActivityLog>(json!({"id": "a", "event": "x"}), "timestamp");
    both_refuse::<ptero_api::SshKey>(json!({"name": "laptop"}), "fingerprint");
    both_refuse::<ptero_api::UserApiKey>(json!({"description": "x"}), "identifier");
}

/// `data[0]` of a list fixture: the single object the panel answers a create, an edit
/// or a show with.
fn first_item(name: &str) -> Value {
    let mut value: Value = serde_json::from_str(&fixture(name)).unwrap();
    value["data"][0].take()
}

/// serde and the serde-free reader give the same `T` for `wire`, which serde writes back
/// to the same value.
fn held_equal_value<T>(wire: Value) -> T
where
    T: DeserializeOwned + Serialize + FromJsonView + PartialEq + Debug,
{
    let serde: T = serde_json::from_value(wire.clone()).unwrap_or_else(|e| panic!("{wire}: {e}"));
    let again: T = serde_json::from_value(serde_json::to_value(&serde).unwrap()).unwrap();
    assert_eq!(serde, again, "{wire}: round trip");
    assert_eq!(
        T::from_view(&wire).as_ref(),
        Ok(&serde),
        "{wire}: json_view"
    );
    serde
}

#[test]
fn single_objects_read_the_same_as_their_list_entries() {
    use ptero_api::{AllocationItem, ScheduleItem, SshKeyItem, SubuserItem, TaskItem};
    let schedule: ScheduleItem = held_equal_value(first_item("schedule_list.json"));
    assert_eq!(schedule.attributes.tasks().len(), 2);
    let mut wire = first_item("schedule_list.json");
    let task = wire["attributes"]["relationships"]["tasks"]["data"][0].take();
    let task: TaskItem = held_equal_value(task);
    assert_eq!(task.attributes.action, TaskAction::Power);
    let database: DatabaseItem = held_equal_value(first_item("database_list.json"));
    assert!(database.attributes.password().is_some());
    let subuser: SubuserItem = held_equal_value(first_item("subuser_list.json"));
    assert!(!subuser.attributes.permissions.is_empty());
    let allocation: AllocationItem = held_equal_value(first_item("allocation_list.json"));
    assert!(allocation.attributes.is_default);
    let ssh: SshKeyItem = held_equal_value(first_item("ssh_keys.json"));
    assert!(!ssh.attributes.fingerprint.is_empty());
}
