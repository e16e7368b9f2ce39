//! Application API pieces ptero-web uses with an administrator's key: panel users, the
//! per-user client keys of the nextscale `pterodactyl-client-api` addon, free allocations,
//! and the PteroCA addon's version answer.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::envelope::{Item, List, Relation};
use crate::key::{ApiKey, KeyError, IDENTIFIER_LENGTH};

/// `GET /api/application/users`.
pub type AppUserList = List<AppUser>;
/// `GET /api/application/servers` (with `?filter[uuid]=…&include=subusers`).
pub type AppServerList = List<AppServer>;
/// `GET /api/application/users/{user}/api-keys` (not paged).
pub type UserApiKeyList = List<UserApiKey>;
/// `GET /api/application/nodes/{node}/allocations/free` (paged).
pub type FreeAllocationList = List<FreeAllocation>;
/// `POST /api/application/users/{user}/api-keys` answer: the key and, once, its secret.
pub type CreatedApiKey = Item<UserApiKey, SecretTokenMeta>;

/// An application API `user`. Times are UTC ATOM strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppUser {
    pub id: u64,
    #[serde(default)]
    pub external_id: Option<String>,
    pub uuid: String,
    pub username: String,
    pub email: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub first_name: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub last_name: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub language: String,
    #[serde(default)]
    pub root_admin: bool,
    #[serde(rename = "2fa", default)]
    pub two_factor: bool,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// An application API `server`: the fields the origin reads (who owns it, who shares it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppServer {
    pub id: u64,
    #[serde(default)]
    pub external_id: Option<String>,
    pub uuid: String,
    pub identifier: String,
    pub name: String,
    #[serde(default)]
    pub suspended: bool,
    /// The owner's user id.
    pub user: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationships: Option<AppServerRelationships>,
}

impl AppServer {
    /// Whether user `id` owns the server or is one of its subusers (needs
    /// `include=subusers`).
    pub fn is_shared_with(&self, id: u64) -> bool {
        self.user == id
            || self
                .relationships
                .as_ref()
                .and_then(|relationships| relationships.subusers.as_ref())
                .is_some_and(|subusers| {
                    subusers
                        .items()
                        .iter()
                        .any(|subuser| subuser.attributes.user_id == id)
                })
    }
}

/// Includes of an application `server`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppServerRelationships {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subusers: Option<Relation<AppSubuser>>,
}

/// An application API `subuser`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSubuser {
    pub id: u64,
    pub user_id: u64,
    pub server_id: u64,
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// A client key as the panel's `ApiKeyTransformer` shows it (`object: "api_key"`); never
/// the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserApiKey {
    /// 16 characters, `ptlc_` included.
    pub identifier: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub description: String,
    /// IPs or CIDR ranges; empty means any address. Some addon versions send `null`.
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub allowed_ips: Vec<String>,
    #[serde(default)]
    pub last_used_at: Option<String>,
    #[serde(default)]
    pub created_at: String,
}

/// `meta` of the create answer.
///
/// The panel's `secret_token` is the 32-character secret alone (the whole key is
/// `identifier` + secret); some addon versions sent the whole key. Use
/// [`full_key`] rather than reading it directly.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretTokenMeta {
    pub secret_token: String,
}

impl fmt::Debug for SecretTokenMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretTokenMeta")
            .field("secret_token", &"<redacted>")
            .finish()
    }
}

/// The usable key from a create answer, whichever way the secret was sent.
pub fn full_key(created: &CreatedApiKey) -> Result<ApiKey, KeyError> {
    let identifier = created.attributes.identifier.trim();
    let secret = created
        .meta
        .as_ref()
        .map(|meta| meta.secret_token.trim())
        .unwrap_or_default();
    if secret.len() > IDENTIFIER_LENGTH && secret.starts_with(identifier) && !identifier.is_empty()
    {
        ApiKey::parse(secret)
    } else {
        ApiKey::from_parts(identifier, secret)
    }
}

/// Body of `POST /api/application/users/{user}/api-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateApiKeyRequest {
    pub description: String,
    #[serde(default)]
    pub allowed_ips: Vec<String>,
}

/// An application API `allocation` (here: one no server uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeAllocation {
    pub id: u64,
    pub ip: String,
    #[serde(default)]
    pub alias: Option<String>,
    pub port: u16,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub assigned: bool,
}

/// `GET /api/application/pteroca/version` (a bare object, not an envelope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PterocaVersion {
    #[serde(default)]
    pub name: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub installed: bool,
}
