//! The browser's `JSON.parse` values, read by ptero-api's serde-free readers, give what
//! serde_json gives natively: every panel fixture the app reads (the server list and
//! page, and the server manager's files, backups, schedules, databases, users, network,
//! activity and account shapes, lists and single objects), the card's stream events,
//! and numbers at the edges of what a JS number holds.
#![cfg(target_arch = "wasm32")]

use std::fmt::Debug;

use ptero_api::json_view::FromJsonView;
use ptero_api::origin::{ServerSummary, SessionGrant, StreamEvent};
use ptero_api::{
    AccountItem, FileList, ServerDetail, ServerList, StartupList, StartupVariableItem, StatsItem,
    WebsocketToken,
};
use ptero_web::api::browser_json::{self, BrowserJson};
use serde::de::DeserializeOwned;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn same<T: DeserializeOwned + FromJsonView + PartialEq + Debug>(json: &str) {
    let serde: T = serde_json::from_str(json).expect("serde reads the fixture");
    assert_eq!(browser_json::read::<T>(json), Ok(serde), "{json}");
}

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../crates/ptero-api/tests/fixtures/", $name))
    };
}

#[wasm_bindgen_test]
fn panel_fixtures_read_as_serde_reads_them() {
    same::<ServerList>(fixture!("server_list.json"));
    same::<ServerList>(fixture!("server_list_paged.json"));
    same::<ServerDetail>(fixture!("server_detail.json"));
    same::<AccountItem>(fixture!("account.json"));
    same::<StatsItem>(fixture!("resources.json"));
    same::<StatsItem>(fixture!("resources_old_panel.json"));
    same::<FileList>(fixture!("files.json"));
    same::<StartupList>(fixture!("startup.json"));
    same::<StartupList>(fixture!("startup_no_images.json"));
    same::<StartupVariableItem>(fixture!("startup_variable.json"));
    same::<WebsocketToken>(fixture!("websocket.json"));
}

#[wasm_bindgen_test]
fn origin_answers_and_stream_events_read_as_serde_reads_them() {
    same::<SessionGrant>(
        r#"{"session":"s","expires_in_secs":900,"servers":["1a7ce997"],"actions":["start","sso"]}"#,
    );
    let detail: ServerDetail = serde_json::from_str(fixture!("server_detail.json")).unwrap();
    let summary = ServerSummary::from_panel(&detail.attributes, None);
    let event = StreamEvent::Summary(summary);
    let data = BrowserJson::parse(&event.to_json()).unwrap();
    assert_eq!(StreamEvent::from_view("summary", &data), Ok(event));
}

#[wasm_bindgen_test]
fn numbers_keep_their_value_up_to_what_a_js_number_holds() {
    let json = r#"{"memory_bytes":9007199254740991,"cpu_absolute":0.125,"disk_bytes":0,"network_rx_bytes":1,"network_tx_bytes":2,"uptime_ms":null}"#;
    same::<ptero_api::origin::SummaryResources>(json);
    let negative = json.replace("9007199254740991", "-1");
    assert_eq!(
        browser_json::read::<ptero_api::origin::SummaryResources>(&negative),
        Err("`memory_bytes` is missing or malformed".to_string())
    );
    assert_eq!(
        browser_json::read::<SessionGrant>("<html>"),
        Err("it is not JSON".to_string())
    );
}

#[wasm_bindgen_test]
fn the_cards_request_bodies_are_what_the_origin_reads_with_serde() {
    use ptero_api::claims::Action;
    use ptero_api::origin::{SessionRequest, StreamRequest, StreamSession};

    let sessions = vec![
        StreamSession {
            session: "a\"b\\c".into(),
            servers: vec!["1a7ce997".into(), "5b0a2e41".into()],
        },
        StreamSession {
            session: "second".into(),
            servers: vec![],
        },
    ];
    let sent: StreamRequest =
        serde_json::from_str(&browser_json::stream_request(&sessions)).unwrap();
    assert_eq!(sent, StreamRequest { sessions });

    let narrowed: SessionRequest = serde_json::from_str(&browser_json::session_request(
        "t0k3n",
        Some(&[Action::Start, Action::Console]),
    ))
    .unwrap();
    assert_eq!(
        narrowed,
        SessionRequest {
            token: "t0k3n".into(),
            actions: Some(vec![Action::Start, Action::Console]),
        }
    );
    let everything: SessionRequest =
        serde_json::from_str(&browser_json::session_request("t0k3n", None)).unwrap();
    assert_eq!(everything.actions, None);
}

/// `data[0]` of a list fixture (or of `path` inside it), as the single-object answer
/// (`{"object", "attributes"}`) the panel sends for one of them.
fn first_item(list: &str, path: &[&str]) -> String {
    let mut value: serde_json::Value = serde_json::from_str(list).expect("a JSON fixture");
    for key in path {
        value = value[*key].take();
    }
    value["data"][0].take().to_string()
}

#[wasm_bindgen_test]
fn the_server_managers_fixtures_read_as_serde_reads_them() {
    use ptero_api::{BackupItem, BackupList, FileItem, SignedUrlItem};
    same::<BackupList>(fixture!("backup_list.json"));
    same::<BackupItem>(fixture!("backup.json"));
    same::<SignedUrlItem>(fixture!("signed_url.json"));
    same::<FileItem>(fixture!("file_compressed.json"));
}

#[wasm_bindgen_test]
fn the_management_screens_fixtures_read_as_serde_reads_them() {
    use ptero_api::{
        ActivityList, AllocationItem, AllocationList, CreatedApiKey, DatabaseItem, DatabaseList,
        PermissionsItem, ScheduleItem, ScheduleList, SshKeyItem, SshKeyList, SubuserItem,
        SubuserList, TaskItem, TwoFactorSetup, UserApiKeyList,
    };
    let schedules = fixture!("schedule_list.json");
    same::<ScheduleList>(schedules);
    same::<ScheduleItem>(&first_item(schedules, &[]));
    let schedule = first_item(schedules, &[]);
    same::<TaskItem>(&first_item(
        &schedule,
        &["attributes", "relationships", "tasks"],
    ));
    same::<DatabaseList>(fixture!("database_list.json"));
    same::<DatabaseItem>(fixture!("database_created.json"));
    same::<DatabaseItem>(&first_item(fixture!("database_list.json"), &[]));
    same::<SubuserList>(fixture!("subuser_list.json"));
    same::<SubuserItem>(&first_item(fixture!("subuser_list.json"), &[]));
    same::<PermissionsItem>(fixture!("permissions.json"));
    same::<AllocationList>(fixture!("allocation_list.json"));
    same::<AllocationItem>(&first_item(fixture!("allocation_list.json"), &[]));
    same::<ActivityList>(fixture!("activity_list.json"));
    same::<UserApiKeyList>(fixture!("user_api_keys.json"));
    same::<CreatedApiKey>(fixture!("user_api_key_created.json"));
    same::<SshKeyList>(fixture!("ssh_keys.json"));
    same::<SshKeyItem>(&first_item(fixture!("ssh_keys.json"), &[]));
    same::<TwoFactorSetup>(fixture!("two_factor_setup.json"));
}

#[wasm_bindgen_test]
fn the_permission_groups_keep_the_panels_order_through_json_parse() {
    use ptero_api::PermissionsItem;
    let read: PermissionsItem =
        browser_json::read(fixture!("permissions.json")).expect("the groups");
    let names: Vec<&str> = read
        .attributes
        .permissions
        .0
        .iter()
        .map(|group| group.name.as_str())
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
}

#[wasm_bindgen_test]
fn malformed_management_answers_are_refused_with_the_member_named() {
    use ptero_api::{Database, Schedule, SshKey, UserApiKey};
    assert_eq!(
        browser_json::read::<Schedule>(r#"{"id":1,"name":"x"}"#),
        Err("`cron` is missing or malformed".to_string())
    );
    assert_eq!(
        browser_json::read::<Database>(
            r#"{"id":"a","host":{"address":"h","port":70000},"name":"n","username":"u","connections_from":"%"}"#
        ),
        Err("`port` is missing or malformed".to_string())
    );
    assert_eq!(
        browser_json::read::<SshKey>(r#"{"name":"laptop"}"#),
        Err("`fingerprint` is missing or malformed".to_string())
    );
    assert_eq!(
        browser_json::read::<UserApiKey>(r#"{"description":"x"}"#),
        Err("`identifier` is missing or malformed".to_string())
    );
}
