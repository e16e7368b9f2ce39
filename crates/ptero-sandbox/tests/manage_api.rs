//! The management routes over loopback HTTP: schedules and tasks, databases, subusers
//! and permissions, allocations, activity, and the account's keys and credentials;
//! each with the panel's permission refusal, its limits and 1.12's creation throttles.

mod common;

use common::*;
use ptero_api::{
    ActivityList, AllocationList, CreatedApiKey, DatabaseItem, DatabaseList, Flavor,
    PermissionsItem, ScheduleItem, ScheduleList, SshKeyList, SubuserItem, SubuserList, TaskItem,
    UserApiKeyList,
};
use ptero_sandbox::seed::{keys, servers};
use ptero_sandbox::SandboxConfig;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn schedule_body(name: &str) -> serde_json::Value {
    json!({"name": name, "minute": "0", "hour": "4", "day_of_month": "*", "month": "*",
        "day_of_week": "*", "is_active": true, "only_when_online": false})
}

async fn delete(sandbox: &ptero_sandbox::Sandbox, path: &str, key: &str) -> Answer {
    request(sandbox, Method::DELETE, path, Some(key), None).await
}

#[tokio::test]
async fn schedules_are_listed_created_edited_run_and_deleted() {
    let sandbox = start().await;
    let list: ScheduleList = serde_json::from_value(
        get(
            &sandbox,
            &server_path(servers::RUNNING, "/schedules"),
            keys::ALICE,
        )
        .await
        .json,
    )
    .unwrap();
    assert_eq!(list.data.len(), 2);
    assert_eq!(list.data[0].attributes.tasks().len(), 2);
    assert!(list.data[0]
        .attributes
        .next_run_at
        .as_deref()
        .is_some_and(|t| t.ends_with("T04:00:00+00:00")));

    let created = post(
        &sandbox,
        &server_path(servers::OFFLINE, "/schedules"),
        keys::ALICE,
        schedule_body("Restart"),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let schedule: ScheduleItem = serde_json::from_value(created.json).unwrap();
    let id = schedule.attributes.id;
    let tasks = server_path(servers::OFFLINE, &format!("/schedules/{id}/tasks"));
    let first: TaskItem = serde_json::from_value(
        post(
            &sandbox,
            &tasks,
            keys::ALICE,
            json!({"action": "power", "payload": "start", "time_offset": 0}),
        )
        .await
        .json,
    )
    .unwrap();
    assert_eq!(first.attributes.sequence_id, 1);
    // A task asked for place 1 goes first; the other moves down.
    let second: TaskItem = serde_json::from_value(
        post(&sandbox, &tasks, keys::ALICE, json!({"action": "command", "payload": "say hi", "time_offset": 5, "sequence_id": 1, "continue_on_failure": true})).await.json,
    )
    .unwrap();
    assert_eq!(second.attributes.sequence_id, 1);
    let view: ScheduleItem = serde_json::from_value(
        get(
            &sandbox,
            &server_path(servers::OFFLINE, &format!("/schedules/{id}")),
            keys::ALICE,
        )
        .await
        .json,
    )
    .unwrap();
    let order: Vec<u64> = view.attributes.tasks().iter().map(|t| t.id).collect();
    assert_eq!(order, [second.attributes.id, first.attributes.id]);

    let mut edited = schedule_body("Morning start");
    edited["hour"] = json!("7");
    let updated = post(
        &sandbox,
        &server_path(servers::OFFLINE, &format!("/schedules/{id}")),
        keys::ALICE,
        edited,
    )
    .await;
    assert_eq!(updated.json["attributes"]["cron"]["hour"], "7");

    let run = post(
        &sandbox,
        &server_path(servers::OFFLINE, &format!("/schedules/{id}/execute")),
        keys::ALICE,
        json!({}),
    )
    .await;
    assert_eq!(run.status, StatusCode::ACCEPTED);
    // The power task starts the offline server.
    let started = eventually(|| sandbox_state(&sandbox, servers::OFFLINE) != "offline").await;
    assert!(started, "the schedule's start task ran");

    let removed = delete(
        &sandbox,
        &server_path(servers::OFFLINE, &format!("/schedules/{id}")),
        keys::ALICE,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let gone = get(
        &sandbox,
        &server_path(servers::OFFLINE, &format!("/schedules/{id}")),
        keys::ALICE,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

fn sandbox_state(sandbox: &ptero_sandbox::Sandbox, server: &str) -> String {
    sandbox
        .power_state(server)
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn schedule_input_is_refused_with_the_panels_sentences() {
    let sandbox = start().await;
    let path = server_path(servers::RUNNING, "/schedules");
    let mut bad = schedule_body("");
    bad["minute"] = json!("");
    let answer = post(&sandbox, &path, keys::ALICE, bad).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = answer.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["meta"]["source_field"].as_str())
        .collect();
    assert_eq!(fields, ["name", "minute"]);
    let mut cron = schedule_body("x");
    cron["hour"] = json!("25");
    let answer = post(&sandbox, &path, keys::ALICE, cron).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.detail(),
        "The cron data provided does not evaluate to a valid expression."
    );
    let id = get(&sandbox, &path, keys::ALICE).await.json["data"][1]["attributes"]["id"]
        .as_u64()
        .unwrap();
    let task = post(
        &sandbox,
        &server_path(servers::RUNNING, &format!("/schedules/{id}/tasks")),
        keys::ALICE,
        json!({"action": "power", "time_offset": 901}),
    )
    .await;
    let details: Vec<&str> = task.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["detail"].as_str())
        .collect();
    assert_eq!(
        details,
        [
            "The payload field is required unless action is in backup.",
            "The time offset may not be greater than 900."
        ]
    );
}

#[tokio::test]
async fn a_schedule_holds_ten_tasks_and_runs_only_with_one() {
    let sandbox = start().await;
    let created = post(
        &sandbox,
        &server_path(servers::RUNNING, "/schedules"),
        keys::ALICE,
        schedule_body("Many"),
    )
    .await;
    let id = created.json["attributes"]["id"].as_u64().unwrap();
    let run = post(
        &sandbox,
        &server_path(servers::RUNNING, &format!("/schedules/{id}/execute")),
        keys::ALICE,
        json!({}),
    )
    .await;
    assert_eq!(run.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        run.detail(),
        "Cannot process schedule for task execution: no tasks are registered."
    );
    let tasks = server_path(servers::RUNNING, &format!("/schedules/{id}/tasks"));
    for _ in 0..10 {
        let answer = post(
            &sandbox,
            &tasks,
            keys::ALICE,
            json!({"action": "command", "payload": "list", "time_offset": 0}),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let eleventh = post(
        &sandbox,
        &tasks,
        keys::ALICE,
        json!({"action": "command", "payload": "list", "time_offset": 0}),
    )
    .await;
    assert_eq!(eleventh.status, StatusCode::BAD_REQUEST);
    assert_eq!(eleventh.error().0, "ServiceLimitExceededException");
    assert!(eleventh.detail().contains("more than 10 tasks"));
}

#[tokio::test]
async fn a_subuser_without_the_permission_is_refused_on_every_family() {
    let sandbox = start().await;
    for path in [
        "/schedules",
        "/databases",
        "/users",
        "/network/allocations",
        "/activity",
    ] {
        let answer = get(&sandbox, &server_path(servers::SHARED, path), keys::BOB).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(answer.detail(), "This action is unauthorized.");
    }
    let create = post(
        &sandbox,
        &server_path(servers::SHARED, "/schedules"),
        keys::BOB,
        schedule_body("x"),
    )
    .await;
    assert_eq!(create.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn creation_is_throttled_per_server_on_1_12_and_not_on_1_11() {
    for (flavor, throttled) in [
        (Flavor::Pterodactyl112, true),
        (Flavor::Pterodactyl111, false),
    ] {
        let sandbox = start_with(|c| *c = SandboxConfig::fast_flavored(flavor)).await;
        let key = sandbox.key(keys::ALICE);
        let path = server_path(servers::OFFLINE, "/schedules");
        let mut statuses = Vec::new();
        for n in 0..3 {
            statuses.push(post(&sandbox, &path, &key, schedule_body(&format!("s{n}"))).await);
        }
        let third = &statuses[2];
        if throttled {
            assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS, "{flavor:?}");
            assert_eq!(third.detail(), "Too Many Attempts.");
            assert!(third.header("retry-after").is_some());
            // Another server has its own budget.
            let other = post(
                &sandbox,
                &server_path(servers::RUNNING, "/schedules"),
                &key,
                schedule_body("x"),
            )
            .await;
            assert_eq!(other.status, StatusCode::OK);
        } else {
            assert_eq!(third.status, StatusCode::OK, "{flavor:?}");
        }
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn databases_are_created_within_the_limit_rotated_and_deleted() {
    let sandbox = start_with(|c| *c = SandboxConfig::fast_flavored(Flavor::Pterodactyl111)).await;
    let path = server_path(servers::RUNNING, "/databases");
    let list: DatabaseList = serde_json::from_value(
        get(&sandbox, &format!("{path}?include=password"), keys::ALICE)
            .await
            .json,
    )
    .unwrap();
    assert_eq!(list.data.len(), 1);
    assert!(list.data[0].attributes.password().is_some());
    let without: DatabaseList =
        serde_json::from_value(get(&sandbox, &path, keys::ALICE).await.json).unwrap();
    assert_eq!(without.data[0].attributes.password(), None);

    let created = post(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"database": "plugins", "remote": "%"}),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let created: DatabaseItem = serde_json::from_value(created.json).unwrap();
    assert_eq!(created.attributes.name, "s1_plugins");
    let old = created.attributes.password().map(str::to_owned);
    assert!(old.is_some());
    let again = post(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"database": "plugins", "remote": "%"}),
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        again.detail(),
        "The database name you have selected is already in use by this server."
    );
    let over = post(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"database": "third", "remote": "%"}),
    )
    .await;
    assert_eq!(over.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        over.detail(),
        "Operation aborted: creating a new database would put this server over the defined limit."
    );
    let bad = post(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"database": "a b", "remote": "10.0.0.*"}),
    )
    .await;
    let rules: Vec<&str> = bad.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["meta"]["rule"].as_str())
        .collect();
    assert_eq!(rules, ["alpha_dash", "regex"]);

    let id = &created.attributes.id;
    let rotated: DatabaseItem = serde_json::from_value(
        post(
            &sandbox,
            &format!("{path}/{id}/rotate-password"),
            keys::ALICE,
            json!({}),
        )
        .await
        .json,
    )
    .unwrap();
    assert_ne!(rotated.attributes.password().map(str::to_owned), old);
    assert_eq!(
        delete(&sandbox, &format!("{path}/{id}"), keys::ALICE)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(&sandbox, &format!("{path}/{id}"), keys::ALICE)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn subusers_are_invited_edited_and_removed_with_the_permission_groups() {
    let sandbox = start().await;
    // Read from the text: a serde_json Value would sort the groups.
    let groups: PermissionsItem = serde_json::from_str(
        &get(&sandbox, "/api/client/permissions", keys::ALICE)
            .await
            .text,
    )
    .unwrap();
    assert_eq!(groups.attributes.permissions.0[0].name, "websocket");
    assert_eq!(groups.attributes.permissions.all().len(), 40);

    let path = server_path(servers::SHARED, "/users");
    let list: SubuserList =
        serde_json::from_value(get(&sandbox, &path, keys::ALICE).await.json).unwrap();
    assert_eq!(list.data.len(), 1);
    assert!(
        list.data[0].attributes.two_factor_enabled,
        "Bob uses two-factor"
    );

    let invited = post(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"email": "dana@example.org", "permissions": ["control.console", "made.up"]}),
    )
    .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.text);
    let invited: SubuserItem = serde_json::from_value(invited.json).unwrap();
    assert_eq!(
        invited.attributes.permissions,
        ["control.console", "websocket.connect"]
    );
    let again = post(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"email": "dana@example.org", "permissions": ["control.console"]}),
    )
    .await;
    assert_eq!(
        again.detail(),
        "A user with that email address is already assigned as a subuser for this server."
    );
    let owner = post(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"email": "alice@example.com", "permissions": ["control.console"]}),
    )
    .await;
    assert_eq!(
        owner.detail(),
        "You cannot add the server owner as a subuser for this server."
    );
    let bad = post(
        &sandbox,
        &path,
        keys::ALICE,
        json!({"email": "nope", "permissions": []}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let user = format!("{path}/{}", invited.attributes.uuid);
    let edited = post(
        &sandbox,
        &user,
        keys::ALICE,
        json!({"permissions": ["file.read"]}),
    )
    .await;
    assert_eq!(
        edited.json["attributes"]["permissions"],
        json!(["file.read", "websocket.connect"])
    );
    assert_eq!(
        delete(&sandbox, &user, keys::ALICE).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        get(&sandbox, &user, keys::ALICE).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn allocations_get_notes_a_new_primary_and_stay_within_the_limit() {
    let sandbox = start_with(|c| *c = SandboxConfig::fast_flavored(Flavor::Pterodactyl111)).await;
    let path = server_path(servers::RUNNING, "/network/allocations");
    let list: AllocationList =
        serde_json::from_value(get(&sandbox, &path, keys::ALICE).await.json).unwrap();
    assert_eq!(list.data.len(), 2);
    let (primary, other) = (
        list.data[0].attributes.clone(),
        list.data[1].attributes.clone(),
    );
    assert!(primary.is_default);

    let added = post(&sandbox, &path, keys::ALICE, json!({})).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    let over = post(&sandbox, &path, keys::ALICE, json!({})).await;
    assert_eq!(
        over.detail(),
        "Cannot assign additional allocations to this server: limit has been reached."
    );

    let noted = post(
        &sandbox,
        &format!("{path}/{}", other.id),
        keys::ALICE,
        json!({"notes": "Voice chat"}),
    )
    .await;
    assert_eq!(noted.json["attributes"]["notes"], "Voice chat");
    let missing = post(
        &sandbox,
        &format!("{path}/{}", other.id),
        keys::ALICE,
        json!({}),
    )
    .await;
    assert_eq!(missing.detail(), "The notes field must be present.");
    let primary_delete = delete(&sandbox, &format!("{path}/{}", primary.id), keys::ALICE).await;
    assert_eq!(
        primary_delete.detail(),
        "You cannot delete the primary allocation for this server."
    );

    let made = post(
        &sandbox,
        &format!("{path}/{}/primary", other.id),
        keys::ALICE,
        json!({}),
    )
    .await;
    assert_eq!(made.json["attributes"]["is_default"], true);
    assert_eq!(
        delete(&sandbox, &format!("{path}/{}", primary.id), keys::ALICE)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let after: AllocationList =
        serde_json::from_value(get(&sandbox, &path, keys::ALICE).await.json).unwrap();
    assert_eq!(after.data.len(), 2);
    assert_eq!(
        after.data[0].attributes.id, other.id,
        "the primary is listed first"
    );
}

#[tokio::test]
async fn activity_is_paged_newest_first_with_actors_and_hidden_addresses() {
    let sandbox = start().await;
    let path = server_path(servers::RUNNING, "/activity?include=actor&per_page=25");
    let page: ActivityList =
        serde_json::from_value(get(&sandbox, &path, keys::ALICE).await.json).unwrap();
    assert_eq!(page.data.len(), 25);
    let pagination = page.pagination().unwrap();
    assert_eq!((pagination.total, pagination.total_pages), (30, 2));
    let times: Vec<&str> = page
        .data
        .iter()
        .map(|e| e.attributes.timestamp.as_str())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(
        page.data.iter().any(|e| e.attributes.actor().is_none()),
        "system entries"
    );
    assert!(page
        .data
        .iter()
        .any(|e| e.attributes.actor().is_some_and(|a| a.username == "alice")));

    // An action is logged at once.
    post(
        &sandbox,
        &server_path(servers::RUNNING, "/power"),
        keys::ALICE,
        json!({"signal": "restart"}),
    )
    .await;
    let fresh: ActivityList =
        serde_json::from_value(get(&sandbox, &path, keys::ALICE).await.json).unwrap();
    assert_eq!(fresh.data[0].attributes.event, "server:power.restart");
    assert_eq!(fresh.data[0].attributes.ip.as_deref(), Some("127.0.0.1"));

    // Alice sees Bob's entries on her server without his address.
    let shared: ActivityList = serde_json::from_value(
        get(
            &sandbox,
            &server_path(servers::SHARED, "/activity"),
            keys::ALICE,
        )
        .await
        .json,
    )
    .unwrap();
    assert!(shared.data.iter().all(|e| e.attributes.ip.is_none()));
    let account: ActivityList = serde_json::from_value(
        get(&sandbox, "/api/client/account/activity", keys::ALICE)
            .await
            .json,
    )
    .unwrap();
    assert!(account
        .data
        .iter()
        .any(|e| e.attributes.event == "user:ssh-key.create"));
    let capped = get(
        &sandbox,
        &server_path(servers::RUNNING, "/activity?per_page=500"),
        keys::ALICE,
    )
    .await;
    assert_eq!(capped.json["meta"]["pagination"]["per_page"], 100);
}

#[tokio::test]
async fn api_keys_are_created_once_shown_and_limited_to_25() {
    let sandbox = start_with(|c| *c = SandboxConfig::fast_flavored(Flavor::Pterodactyl111)).await;
    let path = "/api/client/account/api-keys";
    let before: UserApiKeyList =
        serde_json::from_value(get(&sandbox, path, keys::ALICE).await.json).unwrap();
    assert_eq!(before.data.len(), 2, "Alice's two client keys");
    let bad = post(
        &sandbox,
        path,
        keys::ALICE,
        json!({"description": "x", "allowed_ips": ["10.0.0.0/8", "nope"]}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.json["errors"][0]["meta"]["source_field"],
        "allowed_ips.1"
    );
    assert_eq!(
        bad.detail(),
        "\"nope\" is not a valid IP address or CIDR range."
    );

    let created = post(
        &sandbox,
        path,
        keys::ALICE,
        json!({"description": "laptop", "allowed_ips": []}),
    )
    .await;
    let created: CreatedApiKey = serde_json::from_value(created.json).unwrap();
    let key = ptero_api::full_key(&created).expect("a whole key");
    assert_eq!(
        get(&sandbox, "/api/client/account", key.expose_secret())
            .await
            .status,
        StatusCode::OK
    );
    for n in 0..22 {
        let answer = post(
            &sandbox,
            path,
            keys::ALICE,
            json!({"description": format!("k{n}")}),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let over = post(
        &sandbox,
        path,
        keys::ALICE,
        json!({"description": "one too many"}),
    )
    .await;
    assert_eq!(over.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        over.detail(),
        "You have reached the account limit for number of API keys."
    );
    let identifier = &created.attributes.identifier;
    assert_eq!(
        delete(&sandbox, &format!("{path}/{identifier}"), keys::ALICE)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        get(&sandbox, "/api/client/account", key.expose_secret())
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn ssh_keys_two_factor_email_and_password() {
    let sandbox = start_with(|c| *c = SandboxConfig::fast_flavored(Flavor::Pterodactyl111)).await;
    let keys_path = "/api/client/account/ssh-keys";
    let list: SshKeyList =
        serde_json::from_value(get(&sandbox, keys_path, keys::ALICE).await.json).unwrap();
    assert_eq!(list.data.len(), 1);
    let line =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICgpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZH desk";
    let added = post(
        &sandbox,
        keys_path,
        keys::ALICE,
        json!({"name": "desk", "public_key": line}),
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    let duplicate = post(
        &sandbox,
        keys_path,
        keys::ALICE,
        json!({"name": "again", "public_key": line}),
    )
    .await;
    assert_eq!(
        duplicate.detail(),
        "The public key provided already exists on your account."
    );
    let dsa = post(
        &sandbox,
        keys_path,
        keys::ALICE,
        json!({"name": "old", "public_key": "ssh-dss AAAAB3NzaC1kc3MAAAABAA=="}),
    )
    .await;
    assert_eq!(dsa.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fingerprint = added.json["attributes"]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let removed = post(
        &sandbox,
        &format!("{keys_path}/remove"),
        keys::ALICE,
        json!({"fingerprint": fingerprint}),
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);

    let off = get(&sandbox, "/api/client/account/two-factor", keys::ALICE).await;
    assert_eq!(off.status, StatusCode::OK);
    let on = get(&sandbox, "/api/client/account/two-factor", keys::BOB).await;
    assert_eq!(on.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        on.detail(),
        "Two-factor authentication is already enabled on this account."
    );

    let wrong = put(
        &sandbox,
        "/api/client/account/email",
        keys::ALICE,
        json!({"email": "a2@example.com", "password": "nope"}),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        wrong.detail(),
        "The password provided was invalid for this account."
    );
    let taken = put(
        &sandbox,
        "/api/client/account/email",
        keys::ALICE,
        json!({"email": "bob@example.com", "password": "alice-password"}),
    )
    .await;
    assert_eq!(taken.detail(), "The email has already been taken.");
    let moved = put(
        &sandbox,
        "/api/client/account/email",
        keys::ALICE,
        json!({"email": "a2@example.com", "password": "alice-password"}),
    )
    .await;
    assert_eq!(moved.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&sandbox, "/api/client/account", keys::ALICE).await.json["attributes"]["email"],
        "a2@example.com"
    );
    let short = put(&sandbox, "/api/client/account/password", keys::ALICE, json!({"current_password": "alice-password", "password": "short", "password_confirmation": "shrt"})).await;
    let rules: Vec<&str> = short.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["meta"]["rule"].as_str())
        .collect();
    assert_eq!(rules, ["confirmed", "min"]);
    let changed = put(&sandbox, "/api/client/account/password", keys::ALICE, json!({"current_password": "alice-password", "password": "a-longer-one", "password_confirmation": "a-longer-one"})).await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn pelican_removes_ssh_keys_by_fingerprint_and_has_no_two_factor_route() {
    let sandbox = start_with(|c| *c = SandboxConfig::fast_flavored(Flavor::Pelican)).await;
    let key = sandbox.key(keys::ALICE);
    assert_eq!(
        get(&sandbox, "/api/client/account/two-factor", &key)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let list = get(&sandbox, "/api/client/account/ssh-keys", &key).await;
    let fingerprint = list.json["data"][0]["attributes"]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let encoded = fingerprint.replace('+', "%2B").replace('/', "%2F");
    let removed = delete(
        &sandbox,
        &format!("/api/client/account/ssh-keys/{encoded}"),
        &key,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let after = get(&sandbox, "/api/client/account/ssh-keys", &key).await;
    assert_eq!(after.json["data"], json!([]));
}
