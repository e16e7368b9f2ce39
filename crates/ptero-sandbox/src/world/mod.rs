//! The panel's database, in memory: users, keys, nodes, servers (with egg variables,
//! subusers and files) and the addon's audit log. Pure data and lookups; no I/O.

pub mod backups;
mod build;
pub mod file_ops;
pub mod files;
pub mod manage;
mod manage_seed;
mod seed_files;

use std::collections::BTreeMap;

use ptero_api::{EggSummary, FeatureLimits, KeyKind, Limits, PowerState, ServerStatus};
use serde::Serialize;

pub use backups::BackupRecord;
pub use build::{build, NodeEndpoint, Shape};
pub use files::{FileKind, FileNode};

/// A panel user.
#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub uuid: String,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub language: String,
    pub root_admin: bool,
    pub external_id: Option<String>,
    pub created_at: u64,
    /// The account's password, as typed (a sandbox keeps no hashes worth the name).
    pub password: String,
    /// Two-factor authentication is on (`use_totp`).
    pub use_totp: bool,
}

/// An API key row: identifier + secret, its kind and owner.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub identifier: String,
    pub secret: String,
    pub user_id: u64,
    pub kind: KeyKind,
    pub description: String,
    pub allowed_ips: Vec<String>,
    pub created_at: u64,
    pub last_used_at: Option<u64>,
}

/// A node (one Wings).
#[derive(Debug, Clone)]
pub struct Node {
    pub id: u64,
    pub name: String,
    /// Host name or IP the Wings listener is reachable at.
    pub fqdn: String,
    /// The Wings listener's port.
    pub port: u16,
    pub maintenance: bool,
    /// The daemon token that signs this node's websocket JWTs.
    pub daemon_token: String,
    /// The node's clock offset, minutes east of UTC (file times).
    pub utc_offset_minutes: i32,
    pub allocations: Vec<NodeAllocation>,
}

impl Node {
    /// `http://fqdn:port`: the JWT audience and the socket base.
    pub fn base_url(&self) -> String {
        format!("http://{}:{}", self.fqdn, self.port)
    }

    /// The websocket address of a server on this node.
    pub fn socket_url(&self, server_uuid: &str) -> String {
        format!(
            "ws://{}:{}/api/servers/{server_uuid}/ws",
            self.fqdn, self.port
        )
    }
}

/// An allocation (ip:port) of a node, used by a server or free.
#[derive(Debug, Clone)]
pub struct NodeAllocation {
    pub id: u64,
    pub ip: String,
    pub alias: Option<String>,
    pub port: u16,
    pub notes: Option<String>,
    /// The server uuid using it, if any.
    pub server: Option<String>,
    /// Whether it is that server's primary allocation.
    pub primary: bool,
}

/// An egg variable with the server's value.
#[derive(Debug, Clone)]
pub struct VariableRecord {
    pub name: String,
    pub description: String,
    pub env: String,
    pub default_value: String,
    pub server_value: Option<String>,
    pub user_viewable: bool,
    pub user_editable: bool,
    pub rules: String,
}

/// A subuser grant on a server.
#[derive(Debug, Clone)]
pub struct SubuserRecord {
    pub user_id: u64,
    pub permissions: Vec<String>,
    pub created_at: u64,
}

/// A server row.
#[derive(Debug, Clone)]
pub struct ServerRecord {
    pub internal_id: u64,
    pub uuid: String,
    pub identifier: String,
    pub name: String,
    pub description: String,
    pub owner_id: u64,
    pub node_id: u64,
    pub status: Option<ServerStatus>,
    pub limits: Limits,
    pub feature_limits: FeatureLimits,
    pub docker_image: String,
    pub docker_images: BTreeMap<String, String>,
    pub egg: EggSummary,
    pub egg_features: Option<Vec<String>>,
    /// The egg's startup command with `{{VARIABLES}}`.
    pub startup: String,
    pub variables: Vec<VariableRecord>,
    pub subusers: Vec<SubuserRecord>,
    pub files: Vec<FileNode>,
    /// Backups, oldest first (deleted ones are gone).
    pub backups: Vec<BackupRecord>,
    /// When each backup was started, deleted ones included: the panel's backup
    /// throttle counts them all.
    pub backups_started: Vec<u64>,
    /// The power state the server boots the sandbox in.
    pub initial_state: PowerState,
    pub disk_bytes: u64,
}

impl ServerRecord {
    pub fn is_suspended(&self) -> bool {
        self.status == Some(ServerStatus::Suspended)
    }

    /// `installing` and `install_failed` (not `reinstall_failed`) are not installed.
    pub fn is_installing(&self) -> bool {
        matches!(
            self.status,
            Some(ServerStatus::Installing | ServerStatus::InstallFailed)
        )
    }
}

/// One line of the nextscale addon's audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// ATOM time.
    pub at: String,
    /// `api_key.list`, `api_key.create`, `api_key.delete`.
    pub action: String,
    /// The identifier of the application key that acted.
    pub actor_key: String,
    /// The user whose keys were touched.
    pub user_id: u64,
    /// The key concerned (empty for a listing).
    pub key_identifier: String,
}

/// The whole panel database.
#[derive(Debug, Clone)]
pub struct World {
    pub users: Vec<User>,
    pub keys: Vec<KeyRecord>,
    pub nodes: Vec<Node>,
    pub servers: Vec<ServerRecord>,
    pub audit: Vec<AuditEntry>,
    /// Schedules, databases, the activity log and SSH keys.
    pub manage: manage::ManageData,
}

impl World {
    pub fn user(&self, id: u64) -> Option<&User> {
        self.users.iter().find(|user| user.id == id)
    }

    pub fn node(&self, id: u64) -> Option<&Node> {
        self.nodes.iter().find(|node| node.id == id)
    }

    /// The key row for a whole presented key (identifier + secret), compared in full.
    pub fn key_mut(&mut self, presented: &str) -> Option<&mut KeyRecord> {
        let identifier = presented.get(..ptero_api::key::IDENTIFIER_LENGTH)?;
        let secret = presented.get(ptero_api::key::IDENTIFIER_LENGTH..)?;
        self.keys
            .iter_mut()
            .find(|key| key.identifier == identifier && key.secret == secret)
    }

    /// A server by its 8-character identifier or its uuid (case-insensitive, as MySQL
    /// compares them).
    pub fn server(&self, id: &str) -> Option<&ServerRecord> {
        let id = id.to_ascii_lowercase();
        self.servers
            .iter()
            .find(|server| server.identifier == id || server.uuid == id)
    }

    pub fn server_mut(&mut self, id: &str) -> Option<&mut ServerRecord> {
        let id = id.to_ascii_lowercase();
        self.servers
            .iter_mut()
            .find(|server| server.identifier == id || server.uuid == id)
    }

    /// Allocations of a server, primary first.
    pub fn allocations_of(&self, server: &ServerRecord) -> Vec<&NodeAllocation> {
        let mut list: Vec<&NodeAllocation> = self
            .node(server.node_id)
            .map(|node| {
                node.allocations
                    .iter()
                    .filter(|allocation| allocation.server.as_deref() == Some(&server.uuid))
                    .collect()
            })
            .unwrap_or_default();
        list.sort_by_key(|allocation| (!allocation.primary, allocation.id));
        list
    }
}
