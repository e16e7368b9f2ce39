//! Every panel shape read from realistic captures (quirks included), written back and read
//! again: the second reading equals the first.

use ptero_api::{
    full_key, AccountItem, AppUserList, CreatedApiKey, FileList, FreeAllocationList, KeyKind,
    PowerSignal, PowerState, PterocaVersion, ReportedState, ServerDetail, ServerList, ServerStatus,
    StartupList, StartupVariableItem, StatsItem, UserApiKeyList, WebsocketToken,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// de → ser → de; returns the first reading after checking the second equals it.
fn round_trip<T>(json: &str) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let first: T = serde_json::from_str(json).expect("fixture parses");
    let written = serde_json::to_string(&first).expect("serialises");
    let second: T = serde_json::from_str(&written).expect("own output parses");
    assert_eq!(
        first, second,
        "round trip changed the value; written: {written}"
    );
    first
}

#[test]
fn server_list_with_quirks_round_trips() {
    let list: ServerList = round_trip(include_str!("fixtures/server_list.json"));
    assert_eq!(list.data.len(), 2);
    let survival = &list.data[0].attributes;
    assert_eq!(survival.limits.threads.as_deref(), Some("0-5"));
    assert_eq!(survival.description, "");
    assert_eq!(survival.limits.swap, -1);
    assert_eq!(survival.allocations().count(), 2);
    assert_eq!(survival.default_allocation().map(|a| a.port), Some(25565));
    assert_eq!(survival.feature_limits.backups, None);

    let modded = &list.data[1].attributes;
    assert_eq!(modded.egg_features, None);
    assert_eq!(modded.limits.threads, None);
    assert_eq!(modded.status, Some(ServerStatus::Installing));
    assert!(modded.is_blocked());
    let variables = modded
        .relationships
        .as_ref()
        .and_then(|r| r.variables.as_ref())
        .expect("variables present");
    assert!(variables.is_null(), "null_resource is read as Null");
    assert!(variables.items().is_empty());

    let pagination = list.pagination().expect("pagination");
    assert_eq!(pagination.links, Default::default());
    assert!(!pagination.has_next());
}

#[test]
fn null_resource_is_written_back_as_the_panel_writes_it() {
    let list: ServerList = serde_json::from_str(include_str!("fixtures/server_list.json")).unwrap();
    let written = serde_json::to_value(&list).unwrap();
    assert_eq!(
        written["data"][1]["attributes"]["relationships"]["variables"],
        serde_json::json!({"object": "null_resource", "attributes": null})
    );
}

#[test]
fn empty_links_are_written_as_an_empty_object() {
    let list: ServerList = serde_json::from_str(include_str!("fixtures/server_list.json")).unwrap();
    let written = serde_json::to_value(&list).unwrap();
    assert_eq!(
        written["meta"]["pagination"]["links"],
        serde_json::json!({})
    );
}

#[test]
fn paged_list_reads_previous_and_next_links() {
    let list: ServerList = round_trip(include_str!("fixtures/server_list_paged.json"));
    let pagination = list.pagination().expect("pagination");
    assert_eq!(pagination.current_page, 2);
    assert!(pagination.has_next());
    assert_eq!(
        pagination.links.previous.as_deref(),
        Some("https://panel.example.com/api/client?page=1")
    );
    assert!(pagination.links.next.is_some());
}

#[test]
fn links_sent_as_an_empty_php_array_read_as_no_links() {
    let json = r#"{"object":"list","data":[],"meta":{"pagination":{"total":0,"count":0,"per_page":50,"current_page":1,"total_pages":1,"links":[]}}}"#;
    let list: ServerList = round_trip(json);
    assert_eq!(list.pagination().unwrap().links, Default::default());
}

#[test]
fn server_detail_with_meta_and_includes_round_trips() {
    let detail: ServerDetail = round_trip(include_str!("fixtures/server_detail.json"));
    let meta = detail.meta.as_ref().expect("meta");
    assert!(meta.is_server_owner);
    assert!(meta.can("control.start"));
    assert!(meta.can("admin.websocket.errors"));
    assert!(!meta.can("admin.other"));
    let server = &detail.attributes;
    assert_eq!(server.status, Some(ServerStatus::Suspended));
    let relationships = server.relationships.as_ref().unwrap();
    assert_eq!(
        relationships.egg.as_ref().unwrap().items()[0]
            .attributes
            .name,
        "Paper"
    );
    assert!(relationships.subusers.as_ref().unwrap().is_null());
}

#[test]
fn star_permission_does_not_grant_admin_permissions() {
    let meta = ptero_api::ServerMeta {
        is_server_owner: true,
        user_permissions: vec!["*".into()],
    };
    assert!(meta.can("control.console"));
    assert!(!meta.can("admin.websocket.install"));
}

#[test]
fn unknown_status_is_kept_verbatim() {
    let status: ServerStatus = serde_json::from_str(r#""frozen""#).unwrap();
    assert_eq!(status, ServerStatus::Other("frozen".into()));
    assert_eq!(serde_json::to_string(&status).unwrap(), r#""frozen""#);
}

#[test]
fn account_round_trips() {
    let account: AccountItem = round_trip(include_str!("fixtures/account.json"));
    assert_eq!(account.object, "user");
    assert_eq!(account.attributes.username, "bob");
    assert!(!account.attributes.admin);
}

#[test]
fn resources_with_big_numbers_and_float_cpu_round_trip() {
    let stats: StatsItem = round_trip(include_str!("fixtures/resources.json"));
    let resources = &stats.attributes.resources;
    assert_eq!(resources.disk_bytes, 21_256_741_698);
    assert!((resources.cpu_absolute - 305.6).abs() < 1e-9);
    assert_eq!(resources.uptime, Some(86_400_000));
    assert_eq!(stats.attributes.state(), PowerState::Running);
}

#[test]
fn old_panel_resources_without_uptime_and_stopped_state_round_trip() {
    let stats: StatsItem = round_trip(include_str!("fixtures/resources_old_panel.json"));
    assert_eq!(stats.attributes.current_state, ReportedState::Stopped);
    assert!(stats.attributes.current_state.is_placeholder());
    assert_eq!(stats.attributes.state(), PowerState::Offline);
    assert_eq!(stats.attributes.resources.uptime, None);
    assert!((stats.attributes.resources.cpu_absolute - 12.0).abs() < 1e-9);
}

#[test]
fn missing_current_state_defaults_to_stopped() {
    let stats: StatsItem = round_trip(r#"{"object":"stats","attributes":{"resources":{}}}"#);
    assert_eq!(stats.attributes.current_state, ReportedState::Stopped);
}

#[test]
fn power_state_reads_stopped_as_offline() {
    let state: PowerState = serde_json::from_str(r#""stopped""#).unwrap();
    assert_eq!(state, PowerState::Offline);
    assert_eq!("stopped".parse::<PowerState>(), Ok(PowerState::Offline));
    assert!("paused".parse::<PowerState>().is_err());
}

#[test]
fn power_and_command_bodies_match_the_panel() {
    for signal in PowerSignal::ALL {
        let body = ptero_api::PowerRequest { signal };
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(json, format!(r#"{{"signal":"{signal}"}}"#));
        assert_eq!(
            serde_json::from_str::<ptero_api::PowerRequest>(&json).unwrap(),
            body
        );
        assert_eq!(signal.as_str().parse::<PowerSignal>(), Ok(signal));
    }
    assert!("reboot".parse::<PowerSignal>().is_err());
    assert!(serde_json::from_str::<ptero_api::PowerRequest>(r#"{"signal":"Start"}"#).is_err());
    let command = ptero_api::CommandRequest {
        command: "say hi".into(),
    };
    assert_eq!(
        serde_json::to_string(&command).unwrap(),
        r#"{"command":"say hi"}"#
    );
}

#[test]
fn kill_needs_the_stop_permission() {
    assert_eq!(PowerSignal::Kill.permission(), "control.stop");
    assert_eq!(PowerSignal::Restart.permission(), "control.restart");
}

#[test]
fn file_list_with_symlink_and_offset_round_trips() {
    let mut list: FileList = round_trip(include_str!("fixtures/files.json"));
    let link = &list.data[2].attributes;
    assert!(link.is_link(), "a mode starting with L is a symlink");
    assert!(link.is_file);
    assert_eq!(list.data[0].attributes.mode_bits, "644");
    assert_eq!(
        list.data[0].attributes.created_at,
        "2024-05-01T10:00:00+05:30"
    );
    let mut files: Vec<_> = list.data.drain(..).map(|item| item.attributes).collect();
    ptero_api::sort_like_panel(&mut files);
    assert_eq!(files[0].name, "world", "directories first");
    assert_eq!(files[1].name, "logs-link");
}

#[test]
fn startup_with_docker_images_round_trips() {
    let startup: StartupList = round_trip(include_str!("fixtures/startup.json"));
    let meta = startup.meta.as_ref().unwrap();
    assert_eq!(meta.docker_images.as_ref().unwrap().0.len(), 2);
    assert!(meta.raw_startup_command.contains("{{SERVER_JARFILE}}"));
    assert_eq!(startup.data[1].attributes.server_value, None);
    assert_eq!(startup.data[1].attributes.effective_value(), "latest");
}

#[test]
fn startup_with_empty_docker_images_array_round_trips_as_array() {
    let startup: StartupList = round_trip(include_str!("fixtures/startup_no_images.json"));
    let images = startup
        .meta
        .as_ref()
        .unwrap()
        .docker_images
        .as_ref()
        .unwrap();
    assert!(images.0.is_empty());
    let written = serde_json::to_value(&startup).unwrap();
    assert_eq!(written["meta"]["docker_images"], serde_json::json!([]));
}

#[test]
fn startup_variable_update_answer_round_trips() {
    let item: StartupVariableItem = round_trip(include_str!("fixtures/startup_variable.json"));
    assert_eq!(item.attributes.server_value, None);
    assert!(item.meta.unwrap().docker_images.is_none());
}

#[test]
fn websocket_token_round_trips_and_debug_hides_the_token() {
    let token: WebsocketToken = round_trip(include_str!("fixtures/websocket.json"));
    assert!(token
        .data
        .socket
        .starts_with("wss://node1.example.com:8080/api/servers/"));
    let debug = format!("{token:?}");
    assert!(!debug.contains(&token.data.token), "{debug}");
}

#[test]
fn application_users_round_trip() {
    let users: AppUserList = round_trip(include_str!("fixtures/app_users.json"));
    assert_eq!(
        users.data[1].attributes.external_id.as_deref(),
        Some("shop-42")
    );
    assert!(users.data[1].attributes.two_factor);
    assert_eq!(users.data[1].attributes.updated_at, None);
}

#[test]
fn user_api_keys_round_trip() {
    let keys: UserApiKeyList = round_trip(include_str!("fixtures/user_api_keys.json"));
    assert_eq!(keys.data[0].attributes.allowed_ips.len(), 2);
    assert_eq!(keys.data[0].attributes.last_used_at, None);
    assert!(keys.data[1].attributes.allowed_ips.is_empty());
}

#[test]
fn user_api_key_allowed_ips_null_reads_as_empty() {
    let json = r#"{"object":"list","data":[{"object":"api_key","attributes":{"identifier":"ptlc_Ab3dE6gH9jK","description":null,"allowed_ips":null,"last_used_at":null,"created_at":"2024-03-01T12:00:00+00:00"}}]}"#;
    let keys: UserApiKeyList = round_trip(json);
    assert!(keys.data[0].attributes.allowed_ips.is_empty());
}

#[test]
fn created_key_joins_identifier_and_secret() {
    let created: CreatedApiKey = round_trip(include_str!("fixtures/user_api_key_created.json"));
    let key = full_key(&created).expect("a whole key");
    assert_eq!(key.kind(), KeyKind::Client);
    assert_eq!(key.identifier(), "ptlc_Ab3dE6gH9jK");
    assert!(!format!("{created:?}").contains("0123456789abcdef"));
}

#[test]
fn created_key_accepts_a_whole_key_in_secret_token() {
    let json = r#"{"object":"api_key","attributes":{"identifier":"ptlc_Ab3dE6gH9jK","description":"x","allowed_ips":[],"last_used_at":null,"created_at":""},"meta":{"secret_token":"ptlc_Ab3dE6gH9jK0123456789abcdefABCDEF0123456789"}}"#;
    let created: CreatedApiKey = round_trip(json);
    assert_eq!(
        full_key(&created).unwrap().expose_secret(),
        "ptlc_Ab3dE6gH9jK0123456789abcdefABCDEF0123456789"
    );
}

#[test]
fn free_allocations_round_trip() {
    let list: FreeAllocationList = round_trip(include_str!("fixtures/free_allocations.json"));
    assert_eq!(list.data[0].attributes.port, 25570);
    assert!(!list.data[0].attributes.assigned);
}

#[test]
fn pteroca_version_round_trips() {
    let version: PterocaVersion = round_trip(include_str!("fixtures/pteroca_version.json"));
    assert_eq!(version.version, "1.2.3");
}

#[test]
fn unknown_fields_are_tolerated_everywhere() {
    let json = r#"{"object":"user","attributes":{"id":3,"admin":true,"username":"c","email":"c@x.io","first_name":null,"last_name":"","language":"en","root_admin":true,"extra":[1,2]},"extra":true}"#;
    let account: AccountItem = round_trip(json);
    assert_eq!(account.attributes.first_name, "");
}

#[test]
fn backup_and_file_answers_round_trip() {
    let list: ptero_api::BackupList = round_trip(include_str!("fixtures/backup_list.json"));
    assert_eq!(list.meta.as_ref().map(|m| m.backup_count), Some(2));
    let item: ptero_api::BackupItem = round_trip(include_str!("fixtures/backup.json"));
    assert_eq!(item.attributes.ignored_files, ["world/region"]);
    let url: ptero_api::SignedUrlItem = round_trip(include_str!("fixtures/signed_url.json"));
    assert_eq!(url.object, "signed_url");
    let _: ptero_api::FileItem = round_trip(include_str!("fixtures/file_compressed.json"));
}

/// The request bodies, written as the panel's own UI writes them
/// (`resources/scripts/api/server/files/*.ts`, `backups/*.ts`, `settings`).
#[test]
fn request_bodies_are_what_the_panels_ui_sends() {
    use ptero_api::*;
    let json = |value: &dyn erased::Json| value.to_json();
    mod erased {
        pub trait Json {
            fn to_json(&self) -> String;
        }
        impl<T: serde::Serialize> Json for T {
            fn to_json(&self) -> String {
                serde_json::to_string(self).expect("serialises")
            }
        }
    }
    assert_eq!(
        json(&RenameFilesRequest {
            root: "/".into(),
            files: vec![RenameFile {
                from: "a.txt".into(),
                to: "logs/a.txt".into()
            }],
        }),
        r#"{"root":"/","files":[{"from":"a.txt","to":"logs/a.txt"}]}"#
    );
    assert_eq!(
        json(&ChmodRequest {
            root: "/plugins".into(),
            files: vec![ChmodFile {
                file: "run.sh".into(),
                mode: "755".into()
            }],
        }),
        r#"{"root":"/plugins","files":[{"file":"run.sh","mode":"755"}]}"#
    );
    assert_eq!(
        json(&FilesRequest {
            root: "/".into(),
            files: vec!["a".into(), "b c".into()]
        }),
        r#"{"root":"/","files":["a","b c"]}"#
    );
    assert_eq!(
        json(&PullFileRequest {
            url: "https://example.com/p.jar".into(),
            directory: Some("/plugins".into()),
            filename: None,
            use_header: true,
            foreground: true,
        }),
        r#"{"url":"https://example.com/p.jar","directory":"/plugins","use_header":true,"foreground":true}"#
    );
    assert_eq!(
        json(&StoreBackupRequest {
            name: Some("Before update".into()),
            ignored: Some("*.log\ncache/".into()),
            is_locked: true,
        }),
        r#"{"name":"Before update","ignored":"*.log\ncache/","is_locked":true}"#
    );
    assert_eq!(
        json(&RestoreBackupRequest { truncate: false }),
        r#"{"truncate":false}"#
    );
    assert_eq!(
        json(&RenameServerRequest {
            name: "Lobby".into(),
            description: Some(String::new())
        }),
        r#"{"name":"Lobby","description":""}"#
    );
    assert_eq!(
        json(&DockerImageRequest {
            docker_image: "ghcr.io/pterodactyl/yolks:java_21".into()
        }),
        r#"{"docker_image":"ghcr.io/pterodactyl/yolks:java_21"}"#
    );
    assert!(valid_mode("755") && valid_mode("0644"));
    assert!(!valid_mode("999") && !valid_mode("75") && !valid_mode("7555x"));
    assert_eq!(join_path("/", "a"), "/a");
    assert_eq!(join_path("/x/", "/a"), "/x/a");
}
