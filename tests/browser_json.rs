//! The browser's `JSON.parse` values, read by ptero-api's serde-free readers, give what
//! serde_json gives natively: every panel fixture the app reads, the card's stream
//! events, and numbers at the edges of what a JS number holds.
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
