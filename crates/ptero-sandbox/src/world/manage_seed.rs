//! The seeded schedules, databases, activity and SSH keys (see the README's world
//! table): enough of each for every screen to show something real, and room left under
//! each server's limits.

use ptero_api::{Cron, TaskAction};
use serde_json::{json, Map, Value};

use super::manage::{
    DatabaseHostRecord, DatabaseRecord, ManageData, NewActivity, ScheduleRecord, Subject,
    TaskRecord,
};
use super::World;
use crate::seed::{nodes, servers, users};
use crate::ssh_keys;

/// Alice's seeded SSH key (an ed25519 key; the sandbox never checks signatures).
pub const ALICE_SSH_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFmGtG4mQ0T3lKcS2Cz0mM9m3b9q4yq8w9U1vZkq3F9D alice@laptop";

pub fn seed(world: &mut World, epoch: u64) {
    let mut data = ManageData::default();
    seed_schedules(&mut data, epoch);
    seed_databases(&mut data);
    seed_activity(&mut data, epoch);
    if let Ok(key) = ssh_keys::parse(ALICE_SSH_KEY) {
        data.log(NewActivity {
            event: "user:ssh-key.create",
            actor_id: Some(users::ALICE_ID),
            api: false,
            ip: "203.0.113.7".into(),
            properties: props(json!({"fingerprint": key.fingerprint})),
            timestamp: epoch + 3 * 86_400,
            subjects: vec![Subject::User(users::ALICE_ID)],
        });
        data.ssh_keys.push(super::manage::SshKeyRecord {
            user_id: users::ALICE_ID,
            name: "laptop".into(),
            fingerprint: key.fingerprint,
            public_key: key.pkcs8_pem,
            created_at: epoch + 3 * 86_400,
        });
    }
    world.manage = data;
}

fn task(
    data: &mut ManageData,
    sequence_id: u32,
    action: TaskAction,
    payload: &str,
    offset: u32,
    at: u64,
) -> TaskRecord {
    TaskRecord {
        id: data.next_id(),
        sequence_id,
        action,
        payload: payload.into(),
        time_offset: offset,
        is_queued: false,
        continue_on_failure: false,
        created_at: at,
        updated_at: at,
    }
}

fn seed_schedules(data: &mut ManageData, epoch: u64) {
    let at = epoch + 2 * 86_400;
    let nightly_tasks = vec![
        task(
            data,
            1,
            TaskAction::Command,
            "say Restarting in 5 minutes",
            0,
            at,
        ),
        task(data, 2, TaskAction::Power, "restart", 300, at),
    ];
    let id = data.next_id();
    data.schedules.push(ScheduleRecord {
        id,
        server_uuid: servers::RUNNING_UUID.into(),
        name: "Nightly restart".into(),
        cron: Cron::new("0", "4", "*", "*", "*"),
        is_active: true,
        is_processing: false,
        only_when_online: true,
        last_run_at: Some(at + 86_400),
        next_run_at: None,
        created_at: at,
        updated_at: at,
        tasks: nightly_tasks,
    });
    let backup_tasks = vec![task(data, 1, TaskAction::Backup, "", 0, at)];
    let id = data.next_id();
    data.schedules.push(ScheduleRecord {
        id,
        server_uuid: servers::RUNNING_UUID.into(),
        name: "Weekly backup".into(),
        cron: Cron::new("30", "3", "*", "*", "0"),
        is_active: false,
        is_processing: false,
        only_when_online: false,
        last_run_at: None,
        next_run_at: None,
        created_at: at,
        updated_at: at,
        tasks: backup_tasks,
    });
}

fn seed_databases(data: &mut ManageData) {
    for (node, address) in [
        (nodes::FRA, "db.fra.sandbox.test"),
        (nodes::NYC, "db.nyc.sandbox.test"),
    ] {
        let id = data.next_id();
        data.database_hosts.push(DatabaseHostRecord {
            id,
            node_id: Some(node),
            address: address.into(),
            port: 3306,
        });
    }
    let host_id = data.database_hosts[0].id;
    let id = data.next_id();
    data.databases.push(DatabaseRecord {
        id,
        server_uuid: servers::RUNNING_UUID.into(),
        host_id,
        name: "s1_luckperms".into(),
        username: "u1_Tq8bVw2KzP".into(),
        remote: "%".into(),
        password: "=Xw8k.v9Bq!p2Lz@r4Jc".into(),
        max_connections: Some(0),
    });
}

fn props(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Thirty entries on Survival (a page and a bit), a few on the shared server, and
/// Alice's account history.
fn seed_activity(data: &mut ManageData, epoch: u64) {
    let server = |uuid: &str| vec![Subject::Server(uuid.to_owned())];
    let running: [(&'static str, Value); 6] = [
        ("server:power.start", json!({})),
        (
            "server:console.command",
            json!({"command": "say Welcome back!"}),
        ),
        ("server:file.write", json!({"file": "/server.properties"})),
        (
            "server:file.rename",
            json!({"directory": "/plugins/", "files": [{"from": "old.jar", "to": "new.jar"}]}),
        ),
        ("server:power.restart", json!({})),
        (
            "server:startup.edit",
            json!({"variable": "MAX_PLAYERS", "old": "20", "new": "30"}),
        ),
    ];
    for n in 0..30u64 {
        let (event, properties) = running[n as usize % running.len()].clone();
        data.log(NewActivity {
            event,
            actor_id: (n % 5 != 4).then_some(users::ALICE_ID),
            api: n % 3 == 0,
            ip: "203.0.113.7".into(),
            properties: props(properties),
            timestamp: epoch + 86_400 * 3 + n * 3_600,
            subjects: server(servers::RUNNING_UUID),
        });
    }
    for (n, (event, properties)) in [
        ("server:console.command", json!({"command": "mg start"})),
        ("server:power.start", json!({})),
    ]
    .into_iter()
    .enumerate()
    {
        data.log(NewActivity {
            event,
            actor_id: Some(users::BOB_ID),
            api: false,
            ip: "198.51.100.23".into(),
            properties: props(properties),
            timestamp: epoch + 86_400 * 6 + n as u64 * 600,
            subjects: server(servers::SHARED_UUID),
        });
    }
    for (n, (event, properties)) in [
        ("auth:success", json!({})),
        (
            "user:api-key.create",
            json!({"identifier": "ptlc_SbxAlice001"}),
        ),
        ("auth:success", json!({})),
    ]
    .into_iter()
    .enumerate()
    {
        data.log(NewActivity {
            event,
            actor_id: Some(users::ALICE_ID),
            api: false,
            ip: "203.0.113.7".into(),
            properties: props(properties),
            timestamp: epoch + 86_400 + n as u64 * 7_200,
            subjects: vec![Subject::User(users::ALICE_ID)],
        });
    }
}
