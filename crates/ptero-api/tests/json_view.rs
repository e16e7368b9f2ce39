//! The serde-free readers (`json_view`, used by the card) read exactly what the serde
//! derives read: the same value from the same JSON, and a refusal where serde refuses.

use std::fmt::Debug;

use ptero_api::alerts::AlertKind;
use ptero_api::json_view::{FromJsonView, Malformed};
use ptero_api::origin::{
    OriginErrorBody, OriginErrorCode, PlayerCount, ServerSummary, SessionGrant, SsoTicket,
    StreamEvent, SummaryResources,
};
use ptero_api::{
    AccountItem, Action, BackupItem, BackupList, BackupState, FileItem, FileList, PowerState,
    ServerDetail, ServerList, SignedUrlItem, StartupList, StartupVariableItem, Stats, StatsItem,
    WebsocketToken,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// Both readers on one input: serde's answer, and ours.
fn both<T: DeserializeOwned + FromJsonView>(wire: &Value) -> (Option<T>, Result<T, Malformed>) {
    (
        serde_json::from_value(wire.clone()).ok(),
        T::from_view(wire),
    )
}

fn agree<T: DeserializeOwned + FromJsonView + PartialEq + Debug>(wire: Value) -> T {
    let (serde, ours) = both::<T>(&wire);
    let serde = serde.unwrap_or_else(|| panic!("serde refused {wire}"));
    assert_eq!(ours.as_ref(), Ok(&serde), "{wire}");
    serde
}

fn both_refuse<T: DeserializeOwned + FromJsonView>(wire: Value, member: &'static str) {
    let (serde, ours) = both::<T>(&wire);
    assert!(serde.is_none(), "serde read {wire}");
    assert_eq!(ours.err(), Some(Malformed(member)), "{wire}");
}

fn panel_summary(with_stats: bool) -> ServerSummary {
    let detail: ServerDetail =
        serde_json::from_str(include_str!("fixtures/server_detail.json")).unwrap();
    let stats: StatsItem = serde_json::from_str(include_str!("fixtures/resources.json")).unwrap();
    let stats: Option<&Stats> = with_stats.then_some(&stats.attributes);
    ServerSummary::from_panel(&detail.attributes, stats)
}

#[test]
fn summaries_from_the_panel_fixtures_read_the_same() {
    for with_stats in [true, false] {
        let summary = panel_summary(with_stats);
        assert_eq!(summary.address.as_deref(), Some("203.0.113.10:25565"));
        let wire = serde_json::to_value(&summary).unwrap();
        assert_eq!(agree::<ServerSummary>(wire), summary);
    }
}

#[test]
fn defaulted_members_may_be_missing_and_unknown_members_are_ignored() {
    let summary = agree::<ServerSummary>(json!({
        "identifier": "1a7ce997", "name": "Survival", "state": "stopped",
        "limits": {"memory_mib": 1024, "disk_mib": 0, "cpu_percent": 200},
        "added_in_a_later_version": [1, 2, 3]
    }));
    assert_eq!(
        summary.state,
        PowerState::Offline,
        "`stopped` reads as offline"
    );
    assert!(!summary.is_suspended && summary.resources.is_none() && summary.status.is_none());
}

#[test]
fn every_stream_event_reads_the_same() {
    let events = [
        StreamEvent::Summary(panel_summary(true)),
        StreamEvent::State {
            server: "1a7ce997".into(),
            state: PowerState::Starting,
        },
        StreamEvent::Resources {
            server: "1a7ce997".into(),
            resources: SummaryResources {
                memory_bytes: 1 << 40,
                cpu_absolute: 312.25,
                disk_bytes: 0,
                network_rx_bytes: 9_007_199_254_740_991,
                network_tx_bytes: 5,
                uptime_ms: Some(86_400_000),
            },
        },
        StreamEvent::Console {
            server: "1a7ce997".into(),
            line: "\u{1b}[33mDone\u{1b}[0m \"ok\" ✓".into(),
        },
        StreamEvent::Error {
            server: None,
            code: OriginErrorCode::RateLimited,
            message: "slow down".into(),
        },
        StreamEvent::Error {
            server: Some("1a7ce997".into()),
            code: OriginErrorCode::Other("from_the_future".into()),
            message: "?".into(),
        },
        StreamEvent::Link {
            server: "1a7ce997".into(),
            live: false,
            reason: Some("Wings does not answer".into()),
        },
        StreamEvent::Link {
            server: "1a7ce997".into(),
            live: true,
            reason: None,
        },
        StreamEvent::Players {
            server: "1a7ce997".into(),
            players: PlayerCount {
                online: 12,
                max: 20,
                motd: Some("§ a sandbox".into()),
                version: None,
            },
        },
        StreamEvent::Alert {
            server: "1a7ce997".into(),
            kind: AlertKind::UnexpectedStop,
            at_ms: 1_764_590_400_000,
            detail: "offline with no stop asked for".into(),
        },
        StreamEvent::Refused {
            session: 3,
            code: OriginErrorCode::SessionExpired,
            message: "the session expired".into(),
        },
    ];
    for event in events {
        let wire = serde_json::to_value(&event).unwrap();
        let serde: StreamEvent = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(StreamEvent::from_view(event.event_name(), &wire), Ok(serde));
    }
}

#[test]
fn session_sso_and_error_answers_read_the_same() {
    let grant = agree::<SessionGrant>(json!({
        "session": "s3cr3t", "expires_in_secs": 900,
        "servers": ["1a7ce997", "5b0a2e41"], "actions": ["start", "console", "sso"]
    }));
    assert_eq!(grant.actions, [Action::Start, Action::Console, Action::Sso]);
    agree::<SsoTicket>(json!({"url": "https://origin.example.com/sso/abc", "expires_in_secs": 60}));
    let body =
        agree::<OriginErrorBody>(json!({"error": {"code": "token_reused", "message": "Used."}}));
    assert_eq!(body.error.code, OriginErrorCode::TokenReused);
}

#[test]
fn malformed_answers_are_refused_by_both_naming_the_member() {
    let resources = |memory: Value| {
        json!({"memory_bytes": memory, "cpu_absolute": 1.0, "disk_bytes": 1,
               "network_rx_bytes": 1, "network_tx_bytes": 1})
    };
    // 2^64: one past the largest u64.
    let past_u64 = json!(18_446_744_073_709_551_616.0_f64);
    for bad in [json!(-1), json!(1.5), json!("12"), json!(true), past_u64] {
        both_refuse::<SummaryResources>(resources(bad), "memory_bytes");
    }
    both_refuse::<SummaryResources>(json!({"cpu_absolute": 1.0}), "memory_bytes");
    both_refuse::<SessionGrant>(
        json!({"session": "s", "expires_in_secs": 1, "servers": [], "actions": ["reboot"]}),
        "actions",
    );
    both_refuse::<SessionGrant>(
        json!({"session": "s", "expires_in_secs": 1, "servers": "1a7ce997", "actions": []}),
        "servers",
    );
    both_refuse::<OriginErrorBody>(json!({"error": {"code": "internal"}}), "message");
    both_refuse::<OriginErrorBody>(json!(["not", "an", "object"]), "error");
    both_refuse::<ServerSummary>(
        json!({"identifier": "a", "name": "b", "state": "exploded", "limits": {}}),
        "state",
    );
}

/// Every Client API fixture the app reads, through both readers.
#[test]
fn panel_fixtures_read_the_same() {
    fn fixture(name: &str) -> Value {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }
    let servers = agree::<ServerList>(fixture("server_list.json"));
    assert!(!servers.data.is_empty());
    let paged = agree::<ServerList>(fixture("server_list_paged.json"));
    assert!(paged.pagination().is_some());
    let detail = agree::<ServerDetail>(fixture("server_detail.json"));
    let relationships = detail.attributes.relationships.as_ref().unwrap();
    assert!(relationships.subusers.as_ref().unwrap().is_null());
    assert!(detail.meta.unwrap().can("control.start"));
    agree::<AccountItem>(fixture("account.json"));
    agree::<StatsItem>(fixture("resources.json"));
    agree::<StatsItem>(fixture("resources_old_panel.json"));
    agree::<FileList>(fixture("files.json"));
    let startup = agree::<StartupList>(fixture("startup.json"));
    assert!(startup.meta.unwrap().docker_images.is_some());
    agree::<StartupList>(fixture("startup_no_images.json"));
    agree::<StartupVariableItem>(fixture("startup_variable.json"));
    agree::<WebsocketToken>(fixture("websocket.json"));
    let backups = agree::<BackupList>(fixture("backup_list.json"));
    let meta = backups.meta.as_ref().unwrap();
    assert_eq!((meta.backup_count, backups.data.len()), (2, 2));
    assert!(meta.pagination.is_some());
    let states: Vec<BackupState> = backups.attributes().map(|b| b.state()).collect();
    assert_eq!(states, [BackupState::Completed, BackupState::Running]);
    let failed = agree::<BackupItem>(fixture("backup.json"));
    assert_eq!(failed.attributes.state(), BackupState::Failed);
    let url = agree::<SignedUrlItem>(fixture("signed_url.json"));
    assert!(url.attributes.url.contains("/download/file?token="));
    assert!(
        !format!("{:?}", url.attributes).contains("eyJ"),
        "a signed URL's token stays out of Debug"
    );
    agree::<FileItem>(fixture("file_compressed.json"));
}

#[test]
fn backup_quirks_read_the_same() {
    // Pelican adds members (`is_scheduled`); old rows have `ignored_files: null`; a list
    // without pagination still has its count.
    let backups = agree::<BackupList>(json!({
        "object": "list",
        "data": [{"object": "backup", "attributes": {
            "uuid": "904df120-a66a-4aab-ae2f-2ba64ef0e7fc", "is_successful": true,
            "is_locked": false, "is_scheduled": true, "name": "x", "ignored_files": null,
            "checksum": null, "bytes": 0, "created_at": "2024-05-01T10:00:00+00:00",
            "completed_at": "2024-05-01T10:00:00+00:00"}}],
        "meta": {"backup_count": 1}
    }));
    assert!(backups.data[0].attributes.ignored_files.is_empty());
    both_refuse::<BackupList>(
        json!({"object": "list", "data": [{"object": "backup", "attributes": {
            "uuid": "u", "name": "x", "created_at": "t", "bytes": -5}}]}),
        "bytes",
    );
    both_refuse::<BackupItem>(
        json!({"object": "backup", "attributes": {"uuid": "u", "created_at": "t"}}),
        "name",
    );
    both_refuse::<SignedUrlItem>(
        json!({"object": "signed_url", "attributes": {"url": 5}}),
        "url",
    );
}

#[test]
fn panel_quirks_read_the_same() {
    // PHP's empty arrays, nulls for "usually a string", old eggs' image lists, a hidden
    // include and a relation given as one item.
    let startup = agree::<StartupList>(json!({
        "object": "list", "data": [{"object": "egg_variable", "attributes": {
            "name": "Jar", "description": null, "env_variable": "JAR", "default_value": null,
            "server_value": null, "is_editable": false, "rules": null}}],
        "meta": {"startup_command": "java", "raw_startup_command": "java",
                 "docker_images": ["ghcr.io/yolks:java_17", "ghcr.io/yolks:java_21"]}
    }));
    assert_eq!(startup.meta.unwrap().docker_images.unwrap().0.len(), 2);
    agree::<StartupList>(json!({"object": "list", "data": [], "meta": {"docker_images": []}}));
    let list = agree::<ServerList>(json!({
        "object": "list", "data": [],
        "meta": {"pagination": {"total": 0, "count": 0, "per_page": 50, "current_page": 1,
                                "total_pages": 1, "links": []}}
    }));
    assert_eq!(list.pagination().unwrap().links, Default::default());
    let mut detail = fixture_detail();
    detail["attributes"]["relationships"]["allocations"] =
        json!({"object": "null_resource", "attributes": null});
    detail["attributes"]["relationships"]["egg"] =
        json!({"object": "egg", "attributes": {"uuid": "u", "name": "Paper"}});
    detail["attributes"]["limits"]["swap"] = json!(-1);
    detail["attributes"]["feature_limits"] =
        json!({"databases": null, "allocations": 3, "backups": 0});
    detail["attributes"]["status"] = json!("restoring_backup");
    agree::<ServerDetail>(detail);
}

#[test]
fn malformed_panel_objects_are_refused_by_both() {
    let mut detail = fixture_detail();
    detail["attributes"]["sftp_details"]["port"] = json!(70000);
    both_refuse::<ServerDetail>(detail, "port");
    let mut detail = fixture_detail();
    detail["attributes"]["relationships"]["egg"] = json!({"object": "egg"});
    both_refuse::<ServerDetail>(detail, "attributes");
    let mut detail = fixture_detail();
    detail["attributes"]["limits"]["memory"] = json!(1.5);
    both_refuse::<ServerDetail>(detail, "memory");
    both_refuse::<AccountItem>(
        json!({"object": "user", "attributes": {"id": 1, "username": "a"}}),
        "email",
    );
    both_refuse::<FileList>(json!({"object": "list", "data": {"not": "a list"}}), "data");
    both_refuse::<StartupList>(
        json!({"object": "list", "data": [], "meta": {"docker_images": {"Java": 17}}}),
        "docker_images",
    );
}

fn fixture_detail() -> Value {
    serde_json::from_str(include_str!("fixtures/server_detail.json")).unwrap()
}
