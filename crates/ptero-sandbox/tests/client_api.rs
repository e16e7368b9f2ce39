//! The Client API over loopback HTTP: happy paths and the panel's error answers.

mod common;

use common::*;
use ptero_api::{
    Account, AccountItem, FileList, Item, PowerState, ServerDetail, ServerList, StartupList,
    StartupVariableItem, StatsItem,
};
use ptero_sandbox::seed::{keys, servers, users};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn server_list_shows_owned_and_subuser_servers_with_pagination() {
    let sandbox = start().await;
    let alice = get(&sandbox, "/api/client", keys::ALICE).await;
    assert_eq!(alice.status, StatusCode::OK);
    let list: ServerList = serde_json::from_value(alice.json.clone()).expect("a server list");
    assert_eq!(list.data.len(), 6);
    assert_eq!(alice.json["meta"]["pagination"]["links"], json!({}));

    let bob = get(&sandbox, "/api/client", keys::BOB).await;
    let list: ServerList = serde_json::from_value(bob.json).expect("a server list");
    let ids: Vec<_> = list.attributes().map(|s| s.identifier.clone()).collect();
    assert_eq!(ids, [servers::BOB, servers::SHARED]);
    let shared = list
        .attributes()
        .find(|s| s.identifier == servers::SHARED)
        .expect("shared");
    assert!(!shared.server_owner);
    // Without startup.read the variables are a null_resource.
    assert!(shared
        .relationships
        .as_ref()
        .and_then(|r| r.variables.as_ref())
        .is_some_and(|v| v.is_null()));

    let page = get(&sandbox, "/api/client?per_page=2&page=2", keys::ALICE).await;
    let pagination = &page.json["meta"]["pagination"];
    assert_eq!(pagination["per_page"], 2);
    assert_eq!(pagination["total_pages"], 3);
    assert!(pagination["links"]["previous"]
        .as_str()
        .is_some_and(|url| url.ends_with("per_page=2&page=1")));
    assert!(pagination["links"]["next"]
        .as_str()
        .is_some_and(|url| url.ends_with("per_page=2&page=3")));
}

#[tokio::test]
async fn admin_all_lists_every_server_only_for_root_admins() {
    let sandbox = start().await;
    let admin = get(&sandbox, "/api/client?type=admin-all", keys::ADMIN).await;
    assert_eq!(admin.json["meta"]["pagination"]["total"], 8);
    let alice = get(&sandbox, "/api/client?type=admin", keys::ALICE).await;
    assert_eq!(alice.status, StatusCode::OK);
    assert_eq!(alice.json["meta"]["pagination"]["total"], 0);
    let unknown = get(&sandbox, "/api/client?filter[owner]=x", keys::ALICE).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.error().0, "InvalidFilterQuery");
}

#[tokio::test]
async fn account_describes_the_key_owner() {
    let sandbox = start().await;
    let answer = get(&sandbox, "/api/client/account", keys::ALICE).await;
    let account: AccountItem = serde_json::from_value(answer.json).expect("an account");
    assert_eq!(account.object, "user");
    let Account {
        id, admin, email, ..
    } = account.attributes;
    assert_eq!(
        (id, admin, email.as_str()),
        (users::ALICE_ID, false, users::ALICE_EMAIL)
    );
}

#[tokio::test]
async fn server_is_found_by_identifier_or_uuid_with_permissions() {
    let sandbox = start().await;
    for id in [servers::RUNNING, servers::RUNNING_UUID] {
        let answer = get(&sandbox, &server_path(id, ""), keys::ALICE).await;
        assert_eq!(answer.status, StatusCode::OK);
        let detail: ServerDetail = serde_json::from_value(answer.json).expect("a server");
        assert_eq!(detail.attributes.uuid, servers::RUNNING_UUID);
        let meta = detail.meta.expect("meta");
        assert!(meta.is_server_owner);
        assert_eq!(meta.user_permissions, ["*"]);
    }
    let bob = get(
        &sandbox,
        &server_path(servers::SHARED, "?include=egg,subusers"),
        keys::BOB,
    )
    .await;
    let detail: ServerDetail = serde_json::from_value(bob.json).expect("a server");
    assert!(!detail.meta.expect("meta").can("control.stop"));
    let relationships = detail.attributes.relationships.expect("relationships");
    assert!(relationships.subusers.is_some_and(|s| s.is_null()));
    assert!(detail.attributes.invocation.contains("[hidden]"));
    let admin = get(&sandbox, &server_path(servers::CAROL, ""), keys::ADMIN).await;
    assert_eq!(
        admin.json["meta"]["user_permissions"][1],
        "admin.websocket.errors"
    );
}

#[tokio::test]
async fn other_users_servers_and_unknown_servers_are_404() {
    let sandbox = start().await;
    let hidden = get(&sandbox, &server_path(servers::CAROL, ""), keys::ALICE).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(
        hidden.error(),
        ("NotFoundHttpException".into(), "404".into())
    );
    assert_eq!(hidden.detail(), ptero_api::error::DETAIL_NOT_VISIBLE);
    let unknown = get(&sandbox, &server_path("deadbeef", ""), keys::ALICE).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.detail(), ptero_api::error::DETAIL_NOT_FOUND);
}

#[tokio::test]
async fn wrong_application_and_ip_restricted_keys_are_refused() {
    let sandbox = start().await;
    let wrong = get(
        &sandbox,
        "/api/client",
        &keys::ALICE.replace("Alice", "Alicf"),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.error(),
        ("AuthenticationException".into(), "401".into())
    );
    assert!(wrong.header("x-ratelimit-limit").is_none());
    let missing = request(&sandbox, Method::GET, "/api/client", None, None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    let application = get(&sandbox, "/api/client", keys::APPLICATION).await;
    assert_eq!(application.status, StatusCode::FORBIDDEN);
    assert_eq!(
        application.detail(),
        ptero_api::error::DETAIL_APPLICATION_KEY
    );
    let restricted = get(&sandbox, "/api/client", keys::ALICE_IP_RESTRICTED).await;
    assert_eq!(restricted.status, StatusCode::FORBIDDEN);
    assert!(restricted.detail().contains("127.0.0.1"));
}

#[tokio::test]
async fn requests_without_accept_json_get_the_panels_browser_answers() {
    let sandbox = start().await;
    let bad_key = http()
        .get(format!("{}/api/client", sandbox.panel_url()))
        .bearer_auth("nope")
        .send()
        .await
        .expect("answered");
    assert_eq!(bad_key.status(), StatusCode::FOUND);
    let location = bad_key
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert_eq!(location, format!("{}/auth/login", sandbox.panel_url()));

    let hidden = http()
        .get(format!(
            "{}{}",
            sandbox.panel_url(),
            server_path(servers::CAROL, "")
        ))
        .bearer_auth(keys::ALICE)
        .send()
        .await
        .expect("answered");
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    assert!(hidden.text().await.unwrap_or_default().contains("<html"));

    let xhr = http()
        .get(format!("{}/api/client", sandbox.panel_url()))
        .header("X-Requested-With", "XMLHttpRequest")
        .send()
        .await
        .expect("answered");
    assert_eq!(xhr.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn blocked_servers_answer_409_except_on_the_server_view() {
    let sandbox = start().await;
    let cases = [
        (servers::SUSPENDED, "suspended"),
        (servers::MAINTENANCE, "maintenance"),
        (servers::INSTALLING, "installation"),
    ];
    for (server, word) in cases {
        let resources = get(&sandbox, &server_path(server, "/resources"), keys::ALICE).await;
        assert_eq!(resources.status, StatusCode::CONFLICT, "{server}");
        assert_eq!(resources.error().0, "ServerStateConflictException");
        assert!(resources.detail().contains(word), "{}", resources.detail());
        let view = get(&sandbox, &server_path(server, ""), keys::ALICE).await;
        assert_eq!(view.status, StatusCode::OK);
    }
    let suspended = get(&sandbox, &server_path(servers::SUSPENDED, ""), keys::ALICE).await;
    assert_eq!(suspended.json["attributes"]["status"], "suspended");
    assert_eq!(suspended.json["attributes"]["is_suspended"], true);
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let sandbox = start_with(|config| config.rate_limit_per_minute = 3).await;
    let first = get(&sandbox, "/api/client/account", keys::ALICE).await;
    assert_eq!(first.header("x-ratelimit-limit").as_deref(), Some("3"));
    assert_eq!(first.header("x-ratelimit-remaining").as_deref(), Some("2"));
    get(&sandbox, "/api/client/account", keys::ALICE).await;
    get(&sandbox, "/api/client/account", keys::ALICE).await;
    let limited = get(&sandbox, "/api/client/account", keys::ALICE).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        limited.error(),
        ("ThrottleRequestsException".into(), "429".into())
    );
    let retry: u64 = limited
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=60).contains(&retry));
    assert!(limited.header("x-ratelimit-reset").is_some());
    // Per user: Bob is not limited by Alice's requests.
    assert_eq!(
        get(&sandbox, "/api/client/account", keys::BOB).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn resources_report_state_and_moving_numbers() {
    let sandbox = start().await;
    let answer = get(
        &sandbox,
        &server_path(servers::RUNNING, "/resources"),
        keys::ALICE,
    )
    .await;
    let stats: StatsItem = serde_json::from_value(answer.json).expect("stats");
    assert_eq!(stats.object, "stats");
    assert_eq!(stats.attributes.state(), PowerState::Running);
    assert!(stats.attributes.resources.memory_bytes > 0);
    assert!(stats
        .attributes
        .resources
        .uptime
        .is_some_and(|uptime| uptime > 0));
    let offline = get(
        &sandbox,
        &server_path(servers::OFFLINE, "/resources"),
        keys::ALICE,
    )
    .await;
    assert_eq!(offline.json["attributes"]["current_state"], "offline");
    assert_eq!(offline.json["attributes"]["resources"]["memory_bytes"], 0);
}

#[tokio::test]
async fn resources_are_cached_like_the_panel() {
    let sandbox =
        start_with(|config| config.resources_cache_ttl = std::time::Duration::from_secs(20)).await;
    let path = server_path(servers::RUNNING, "/resources");
    let first = get(&sandbox, &path, keys::ALICE).await;
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let second = get(&sandbox, &path, keys::ALICE).await;
    assert_eq!(first.json, second.json);
}

#[tokio::test]
async fn power_walks_the_state_machine_and_kill_is_immediate() {
    let sandbox = start().await;
    let path = server_path(servers::OFFLINE, "/power");
    let answer = post(&sandbox, &path, keys::ALICE, json!({"signal": "start"})).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(answer.text.is_empty());
    assert_eq!(
        sandbox.power_state(servers::OFFLINE),
        Some(PowerState::Starting)
    );
    assert!(
        eventually(|| sandbox.power_state(servers::OFFLINE) == Some(PowerState::Running)).await
    );
    post(&sandbox, &path, keys::ALICE, json!({"signal": "stop"})).await;
    assert_eq!(
        sandbox.power_state(servers::OFFLINE),
        Some(PowerState::Stopping)
    );
    assert!(
        eventually(|| sandbox.power_state(servers::OFFLINE) == Some(PowerState::Offline)).await
    );
    post(&sandbox, &path, keys::ALICE, json!({"signal": "start"})).await;
    post(&sandbox, &path, keys::ALICE, json!({"signal": "kill"})).await;
    assert_eq!(
        sandbox.power_state(servers::OFFLINE),
        Some(PowerState::Offline)
    );
}

#[tokio::test]
async fn crashed_server_goes_offline() {
    let sandbox = start().await;
    assert!(sandbox.crash(servers::RUNNING));
    assert_eq!(
        sandbox.power_state(servers::RUNNING),
        Some(PowerState::Offline)
    );
    assert!(!sandbox.crash("deadbeef"));
}

#[tokio::test]
async fn bad_power_signals_are_422_for_owners_and_403_for_subusers() {
    let sandbox = start().await;
    let owner = post(
        &sandbox,
        &server_path(servers::SHARED, "/power"),
        keys::ALICE,
        json!({"signal": "explode"}),
    )
    .await;
    assert_eq!(owner.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        owner.json["errors"][0]["meta"],
        json!({"source_field": "signal", "rule": "in"})
    );
    let missing = post(
        &sandbox,
        &server_path(servers::SHARED, "/power"),
        keys::ALICE,
        json!({}),
    )
    .await;
    assert_eq!(missing.json["errors"][0]["meta"]["rule"], "required");
    let subuser = post(
        &sandbox,
        &server_path(servers::SHARED, "/power"),
        keys::BOB,
        json!({"signal": "explode"}),
    )
    .await;
    assert_eq!(subuser.status, StatusCode::FORBIDDEN);
    let stop = post(
        &sandbox,
        &server_path(servers::SHARED, "/power"),
        keys::BOB,
        json!({"signal": "stop"}),
    )
    .await;
    assert_eq!(stop.status, StatusCode::FORBIDDEN);
    assert_eq!(stop.detail(), ptero_api::error::DETAIL_UNAUTHORIZED);
    let malformed = http()
        .post(format!(
            "{}{}",
            sandbox.panel_url(),
            server_path(servers::SHARED, "/power")
        ))
        .bearer_auth(keys::ALICE)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("answered");
    let malformed = read(malformed).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert!(malformed.detail().contains("malformed"));
}

#[tokio::test]
async fn commands_need_a_running_server() {
    let sandbox = start().await;
    let offline = post(
        &sandbox,
        &server_path(servers::OFFLINE, "/command"),
        keys::ALICE,
        json!({"command": "say hi"}),
    )
    .await;
    assert_eq!(offline.status, StatusCode::BAD_GATEWAY);
    assert_eq!(offline.error(), ("HttpException".into(), "502".into()));
    let running = post(
        &sandbox,
        &server_path(servers::RUNNING, "/command"),
        keys::ALICE,
        json!({"command": "say hi"}),
    )
    .await;
    assert_eq!(running.status, StatusCode::NO_CONTENT);
    let empty = post(
        &sandbox,
        &server_path(servers::RUNNING, "/command"),
        keys::ALICE,
        json!({"command": ""}),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.json["errors"][0]["meta"]["rule"], "required");
}

#[tokio::test]
async fn files_list_shows_directories_symlinks_and_sizes() {
    let sandbox = start().await;
    let answer = get(
        &sandbox,
        &server_path(servers::RUNNING, "/files/list?directory=/"),
        keys::ALICE,
    )
    .await;
    let list: FileList = serde_json::from_value(answer.json).expect("files");
    let first = list.attributes().next().expect("entries");
    assert!(first.is_directory());
    let link = list
        .attributes()
        .find(|f| f.name == "latest.log")
        .expect("symlink");
    assert!(link.mode.starts_with('L') && link.is_file && !link.is_symlink);
    let properties = list
        .attributes()
        .find(|f| f.name == "server.properties")
        .expect("file");
    assert_eq!(properties.mode_bits, "644");
    let nested = get(
        &sandbox,
        &server_path(servers::RUNNING, "/files/list?directory=/logs"),
        keys::ALICE,
    )
    .await;
    assert_eq!(nested.json["data"][0]["attributes"]["name"], "latest.log");
    let nyc = get(
        &sandbox,
        &server_path(servers::BOB, "/files/list"),
        keys::BOB,
    )
    .await;
    assert!(nyc.json["data"][0]["attributes"]["created_at"]
        .as_str()
        .is_some_and(|t| t.ends_with("+05:30")));
    let missing = get(
        &sandbox,
        &server_path(servers::RUNNING, "/files/list?directory=/nope"),
        keys::ALICE,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error().0, "DaemonConnectionException");
}

#[tokio::test]
async fn file_contents_are_plain_text_with_the_panels_errors() {
    let sandbox = start().await;
    let ok = get(
        &sandbox,
        &server_path(servers::RUNNING, "/files/contents?file=/eula.txt"),
        keys::ALICE,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.text, "eula=true\n");
    assert!(ok
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/plain")));
    let via_link = get(
        &sandbox,
        &server_path(servers::RUNNING, "/files/contents?file=latest.log"),
        keys::ALICE,
    )
    .await;
    assert!(via_link.text.contains("tick 0"));
    let directory = get(
        &sandbox,
        &server_path(servers::RUNNING, "/files/contents?file=/logs"),
        keys::ALICE,
    )
    .await;
    assert_eq!(directory.status, StatusCode::BAD_REQUEST);
    assert!(directory
        .detail()
        .contains("file is a directory.. (request id: "));
    let large = get(
        &sandbox,
        &server_path(servers::RUNNING, "/files/contents?file=/world/region.mca"),
        keys::ALICE,
    )
    .await;
    assert_eq!(
        large.error(),
        ("FileSizeTooLargeException".into(), "400".into())
    );
    let missing = get(
        &sandbox,
        &server_path(servers::RUNNING, "/files/contents"),
        keys::ALICE,
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let absent = get(
        &sandbox,
        &server_path(servers::RUNNING, "/files/contents?file=/nope"),
        keys::ALICE,
    )
    .await;
    assert_eq!(absent.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn startup_lists_viewable_variables_and_docker_images() {
    let sandbox = start().await;
    let answer = get(
        &sandbox,
        &server_path(servers::RUNNING, "/startup"),
        keys::ALICE,
    )
    .await;
    let list: StartupList = serde_json::from_value(answer.json.clone()).expect("startup");
    assert!(list.attributes().all(|v| v.env_variable != "RCON_PASSWORD"));
    let meta = list.meta.expect("meta");
    assert!(meta.startup_command.contains("--rcon-password [hidden]"));
    assert!(meta.raw_startup_command.contains("{{SERVER_JARFILE}}"));
    assert!(answer.json["meta"]["docker_images"].is_object());
    let empty = get(
        &sandbox,
        &server_path(servers::CAROL, "/startup"),
        keys::CAROL,
    )
    .await;
    assert_eq!(empty.json["meta"]["docker_images"], json!([]));
    let subuser = get(
        &sandbox,
        &server_path(servers::SHARED, "/startup"),
        keys::BOB,
    )
    .await;
    assert_eq!(subuser.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn startup_variables_are_validated_by_their_rules() {
    let sandbox = start().await;
    let path = server_path(servers::RUNNING, "/startup/variable");
    let ok = put(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"key": "MAX_PLAYERS", "value": "42"}),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    let item: StartupVariableItem = serde_json::from_value(ok.json).expect("a variable");
    assert_eq!(item.attributes.server_value.as_deref(), Some("42"));
    assert!(item
        .meta
        .expect("meta")
        .startup_command
        .contains("--max-players 42"));

    let bad = put(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"key": "LEVEL_SEED", "value": "no spaces!"}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.detail(),
        "The value may only contain letters and numbers."
    );
    assert_eq!(
        bad.json["errors"][0]["meta"],
        json!({"source_field": "value", "rule": "alpha_num"})
    );
    let cleared = put(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"key": "LEVEL_SEED", "value": ""}),
    )
    .await;
    assert_eq!(
        cleared.json["attributes"]["server_value"],
        serde_json::Value::Null
    );

    let read_only = put(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"key": "QUERY_PORT", "value": "25566"}),
    )
    .await;
    assert_eq!(read_only.status, StatusCode::BAD_REQUEST);
    assert!(read_only.detail().ends_with("is read-only."));
    let hidden = put(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"key": "RCON_PASSWORD", "value": "x"}),
    )
    .await;
    assert_eq!(hidden.status, StatusCode::BAD_REQUEST);
    let no_value = put(&sandbox, &path, keys::ALICE, json!({"key": "MAX_PLAYERS"})).await;
    assert_eq!(no_value.json["errors"][0]["meta"]["rule"], "present");
}

#[tokio::test]
async fn cors_is_off_by_default_and_exact_when_configured() {
    let off = start().await;
    let answer = http()
        .get(format!("{}/api/client", off.panel_url()))
        .header("Origin", "https://shop.example.com")
        .bearer_auth(keys::ALICE)
        .header("Accept", "application/json")
        .send()
        .await
        .expect("answered");
    assert!(answer
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    let on =
        start_with(|config| config.cors_origins = vec!["https://shop.example.com".into()]).await;
    let preflight = http()
        .request(Method::OPTIONS, format!("{}/api/client", on.panel_url()))
        .header("Origin", "https://shop.example.com")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "authorization")
        .send()
        .await
        .expect("answered");
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://shop.example.com")
    );
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-credentials")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let other = http()
        .get(format!("{}/api/client", on.panel_url()))
        .header("Origin", "https://evil.shop.example.com")
        .bearer_auth(keys::ALICE)
        .header("Accept", "application/json")
        .send()
        .await
        .expect("answered");
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn the_same_seed_gives_the_same_answers() {
    let a = start_with(|config| config.seed = 42).await;
    let b = start_with(|config| config.seed = 42).await;
    let path = server_path(servers::RUNNING, "/files/list");
    let left: Item<serde_json::Value> = serde_json::from_value(
        json!({"object": "x", "attributes": get(&a, &path, keys::ALICE).await.json}),
    )
    .expect("json");
    let right: Item<serde_json::Value> = serde_json::from_value(
        json!({"object": "x", "attributes": get(&b, &path, keys::ALICE).await.json}),
    )
    .expect("json");
    assert_eq!(left, right);
}

#[tokio::test]
async fn errors_read_back_as_ptero_apis_diagnoses() {
    use ptero_api::{ConflictReason, ForbiddenReason, PanelError};
    let sandbox = start().await;
    let diagnose = |answer: Answer| {
        let retry = answer.header("retry-after").and_then(|v| v.parse().ok());
        PanelError::from_response(answer.status.as_u16(), &answer.text, retry)
    };
    let cases = [
        (
            get(&sandbox, "/api/client", keys::APPLICATION).await,
            PanelError::Forbidden(ForbiddenReason::ApplicationKeyOnClientApi),
        ),
        (
            get(
                &sandbox,
                &server_path(servers::SUSPENDED, "/resources"),
                keys::ALICE,
            )
            .await,
            PanelError::Conflict {
                reason: ConflictReason::Suspended,
            },
        ),
        (
            get(
                &sandbox,
                &server_path(servers::MAINTENANCE, "/resources"),
                keys::ALICE,
            )
            .await,
            PanelError::Conflict {
                reason: ConflictReason::Maintenance,
            },
        ),
        (
            get(
                &sandbox,
                &server_path(servers::INSTALLING, "/resources"),
                keys::ALICE,
            )
            .await,
            PanelError::Conflict {
                reason: ConflictReason::Installing,
            },
        ),
        (
            post(
                &sandbox,
                &server_path(servers::OFFLINE, "/command"),
                keys::ALICE,
                json!({"command": "x"}),
            )
            .await,
            PanelError::Offline,
        ),
        (
            get(&sandbox, &server_path(servers::CAROL, ""), keys::ALICE).await,
            PanelError::NotFound,
        ),
        (
            get(&sandbox, "/api/client", "nope").await,
            PanelError::Unauthenticated,
        ),
    ];
    for (answer, expected) in cases {
        assert_eq!(diagnose(answer), expected);
    }
    let redirect = http()
        .get(format!("{}/api/client", sandbox.panel_url()))
        .send()
        .await
        .expect("answered");
    assert_eq!(diagnose(read(redirect).await), PanelError::LoginRedirect);
}
