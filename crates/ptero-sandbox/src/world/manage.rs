//! The panel's tables behind the management screens: schedules and their tasks,
//! database hosts and databases, the activity log, SSH keys. Pure data and lookups; the
//! Client API routes in `client/` read and change them.

use ptero_api::{Cron, TaskAction};
use serde_json::{Map, Value};

/// A schedule row (`schedules`) with its tasks (`tasks`).
#[derive(Debug, Clone)]
pub struct ScheduleRecord {
    pub id: u64,
    pub server_uuid: String,
    pub name: String,
    pub cron: Cron,
    pub is_active: bool,
    pub is_processing: bool,
    pub only_when_online: bool,
    pub last_run_at: Option<u64>,
    pub next_run_at: Option<u64>,
    pub created_at: u64,
    pub updated_at: u64,
    pub tasks: Vec<TaskRecord>,
}

#[derive(Debug, Clone)]
pub struct TaskRecord {
    pub id: u64,
    pub sequence_id: u32,
    pub action: TaskAction,
    pub payload: String,
    pub time_offset: u32,
    pub is_queued: bool,
    pub continue_on_failure: bool,
    pub created_at: u64,
    pub updated_at: u64,
}

/// A database host (`database_hosts`): a MySQL server, linked to a node or not.
#[derive(Debug, Clone)]
pub struct DatabaseHostRecord {
    pub id: u64,
    pub node_id: Option<u64>,
    pub address: String,
    pub port: u16,
}

/// A server's database (`databases`).
#[derive(Debug, Clone)]
pub struct DatabaseRecord {
    pub id: u64,
    pub server_uuid: String,
    pub host_id: u64,
    /// The full name, `s{internal id}_{name}`.
    pub name: String,
    pub username: String,
    pub remote: String,
    pub password: String,
    pub max_connections: Option<u64>,
}

/// What an activity entry is about (`activity_log_subjects`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Server(String),
    User(u64),
}

/// An activity log row.
#[derive(Debug, Clone)]
pub struct ActivityRecord {
    pub id: u64,
    pub batch: Option<String>,
    pub event: String,
    /// `None`: the system (a schedule, Wings).
    pub actor_id: Option<u64>,
    /// Made with an API key.
    pub api: bool,
    pub ip: String,
    pub properties: Map<String, Value>,
    pub timestamp: u64,
    pub subjects: Vec<Subject>,
}

/// An account's SSH key (`user_ssh_keys`).
#[derive(Debug, Clone)]
pub struct SshKeyRecord {
    pub user_id: u64,
    pub name: String,
    pub fingerprint: String,
    /// PKCS#8 PEM.
    pub public_key: String,
    pub created_at: u64,
}

/// The tables, with one id sequence for all of them.
#[derive(Debug, Clone, Default)]
pub struct ManageData {
    pub schedules: Vec<ScheduleRecord>,
    pub database_hosts: Vec<DatabaseHostRecord>,
    pub databases: Vec<DatabaseRecord>,
    pub activity: Vec<ActivityRecord>,
    pub ssh_keys: Vec<SshKeyRecord>,
    last_id: u64,
}

impl ManageData {
    /// A fresh row id.
    pub fn next_id(&mut self) -> u64 {
        self.last_id += 1;
        self.last_id
    }

    pub fn schedules_of<'a>(
        &'a self,
        server_uuid: &'a str,
    ) -> impl Iterator<Item = &'a ScheduleRecord> {
        self.schedules
            .iter()
            .filter(move |schedule| schedule.server_uuid == server_uuid)
    }

    /// A schedule of `server_uuid` by id: another server's is not found.
    pub fn schedule_mut(&mut self, server_uuid: &str, id: u64) -> Option<&mut ScheduleRecord> {
        self.schedules
            .iter_mut()
            .find(|schedule| schedule.id == id && schedule.server_uuid == server_uuid)
    }

    pub fn databases_of<'a>(
        &'a self,
        server_uuid: &'a str,
    ) -> impl Iterator<Item = &'a DatabaseRecord> {
        self.databases
            .iter()
            .filter(move |database| database.server_uuid == server_uuid)
    }

    pub fn host(&self, id: u64) -> Option<&DatabaseHostRecord> {
        self.database_hosts.iter().find(|host| host.id == id)
    }

    /// Appends an entry to the log.
    pub fn log(&mut self, entry: NewActivity) -> u64 {
        let id = self.next_id();
        self.activity.push(ActivityRecord {
            id,
            batch: None,
            event: entry.event.to_owned(),
            actor_id: entry.actor_id,
            api: entry.api,
            ip: entry.ip,
            properties: entry.properties,
            timestamp: entry.timestamp,
            subjects: entry.subjects,
        });
        id
    }
}

/// An entry to log.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub event: &'static str,
    pub actor_id: Option<u64>,
    pub api: bool,
    pub ip: String,
    pub properties: Map<String, Value>,
    pub timestamp: u64,
    pub subjects: Vec<Subject>,
}

/// The hashid the panel shows for a database row (`Hashids` with the app's salt): a
/// stand-in of the same alphabet and length.
pub fn database_hashid(id: u64) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut n = id.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5bd1_e995;
    let mut out = String::new();
    for _ in 0..8 {
        out.push(char::from(ALPHABET[(n % ALPHABET.len() as u64) as usize]));
        n /= ALPHABET.len() as u64;
        n ^= id;
    }
    out
}
