//! The Client API's `server` object (`GET /api/client`, `GET /servers/{id}`) and its
//! relationships: allocations, egg variables, egg, subusers.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::envelope::{Item, List, Relation};
use crate::startup::EggVariable;

/// `GET /api/client`: a paged list of servers.
pub type ServerList = List<Server>;
/// `GET /api/client/servers/{id}`: one server with `meta.is_server_owner` and
/// `meta.user_permissions`.
pub type ServerDetail = Item<Server, ServerMeta>;

/// `attributes` of a `server` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Server {
    #[serde(default)]
    pub server_owner: bool,
    /// The 8-character short id (`uuidShort`).
    pub identifier: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_id: Option<u64>,
    pub uuid: String,
    pub name: String,
    /// The node's *name*.
    #[serde(default)]
    pub node: String,
    #[serde(default)]
    pub is_node_under_maintenance: bool,
    pub sftp_details: SftpDetails,
    /// May be `""`.
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub description: String,
    pub limits: Limits,
    /// The startup command with values substituted; hidden values read `[hidden]`.
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub invocation: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub docker_image: String,
    /// May be `null`.
    #[serde(default)]
    pub egg_features: Option<Vec<String>>,
    #[serde(default)]
    pub feature_limits: FeatureLimits,
    /// `null` for a normal server.
    #[serde(default)]
    pub status: Option<ServerStatus>,
    #[serde(default)]
    pub is_suspended: bool,
    /// True for `installing` and `install_failed`.
    #[serde(default)]
    pub is_installing: bool,
    #[serde(default)]
    pub is_transferring: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationships: Option<ServerRelationships>,
}

impl Server {
    /// The allocations the key may see (only the primary one without `allocation.read`).
    pub fn allocations(&self) -> impl Iterator<Item = &Allocation> {
        self.relationships
            .as_ref()
            .and_then(|rel| rel.allocations.as_ref())
            .map(Relation::items)
            .unwrap_or(&[])
            .iter()
            .map(|item| &item.attributes)
    }

    /// The primary allocation, when visible.
    pub fn default_allocation(&self) -> Option<&Allocation> {
        self.allocations().find(|allocation| allocation.is_default)
    }

    /// Whether the server refuses power and console because of its state (suspended,
    /// installing, transferring, restoring, or its node under maintenance).
    pub fn is_blocked(&self) -> bool {
        self.is_suspended
            || self.is_installing
            || self.is_transferring
            || self.is_node_under_maintenance
            || matches!(self.status, Some(ServerStatus::RestoringBackup))
    }
}

/// `sftp_details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SftpDetails {
    /// The node's FQDN.
    pub ip: String,
    pub port: u16,
}

/// `limits`: MiB, percent; `swap` -1 is unlimited, `cpu` 0 is unlimited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    #[serde(default)]
    pub memory: i64,
    #[serde(default)]
    pub swap: i64,
    #[serde(default)]
    pub disk: i64,
    #[serde(default)]
    pub io: i64,
    #[serde(default)]
    pub cpu: i64,
    /// A CPU pin list such as `"0-5"`, or `null`.
    #[serde(default)]
    pub threads: Option<String>,
    #[serde(default)]
    pub oom_disabled: bool,
}

/// `feature_limits`: each may be `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureLimits {
    #[serde(default)]
    pub databases: Option<u32>,
    #[serde(default)]
    pub allocations: Option<u32>,
    #[serde(default)]
    pub backups: Option<u32>,
}

/// `status` of a server; `null` (no variant) when it is usable.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ServerStatus {
    Installing,
    InstallFailed,
    ReinstallFailed,
    Suspended,
    RestoringBackup,
    /// A value this crate does not know, kept verbatim.
    Other(String),
}

impl ServerStatus {
    /// The panel's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            ServerStatus::Installing => "installing",
            ServerStatus::InstallFailed => "install_failed",
            ServerStatus::ReinstallFailed => "reinstall_failed",
            ServerStatus::Suspended => "suspended",
            ServerStatus::RestoringBackup => "restoring_backup",
            ServerStatus::Other(other) => other,
        }
    }

    /// Reads the panel's spelling; never fails.
    pub fn parse(value: &str) -> Self {
        match value {
            "installing" => ServerStatus::Installing,
            "install_failed" => ServerStatus::InstallFailed,
            "reinstall_failed" => ServerStatus::ReinstallFailed,
            "suspended" => ServerStatus::Suspended,
            "restoring_backup" => ServerStatus::RestoringBackup,
            other => ServerStatus::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for ServerStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ServerStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ServerStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        Ok(ServerStatus::parse(&value))
    }
}

/// `attributes.relationships`: `allocations` and `variables` always, `egg` and
/// `subusers` with `?include=`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerRelationships {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocations: Option<Relation<Allocation>>,
    /// A `null_resource` without `startup.read`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<Relation<EggVariable>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egg: Option<Relation<EggSummary>>,
    /// A `null_resource` without `user.read`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subusers: Option<Relation<Subuser>>,
}

/// An `allocation` of a server (Client API shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub id: u64,
    pub ip: String,
    #[serde(default)]
    pub ip_alias: Option<String>,
    pub port: u16,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub is_default: bool,
}

/// The `egg` include: `{uuid, name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EggSummary {
    pub uuid: String,
    pub name: String,
}

/// A `server_subuser`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subuser {
    pub uuid: String,
    pub username: String,
    pub email: String,
    #[serde(default)]
    pub image: String,
    #[serde(rename = "2fa_enabled", default)]
    pub two_factor_enabled: bool,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// `meta` of `GET /servers/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerMeta {
    #[serde(default)]
    pub is_server_owner: bool,
    /// `["*"]` for the owner; a subuser's stored list otherwise.
    #[serde(default)]
    pub user_permissions: Vec<String>,
}

impl ServerMeta {
    /// Whether `permission` (such as `control.start`) is granted. `*` grants every
    /// permission except `admin.*`, as in Wings.
    pub fn can(&self, permission: &str) -> bool {
        self.user_permissions
            .iter()
            .any(|p| p == permission || (p == "*" && !permission.starts_with("admin.")))
    }
}
