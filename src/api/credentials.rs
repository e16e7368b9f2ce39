//! The user's panel connections (name, panel URL, key, and optionally a ptero-origin to
//! go through). Each is kept in `sessionStorage` (gone with the tab) unless the user
//! explicitly chose "remember me" for it (`localStorage`); which one is in use is kept
//! in the tab's `sessionStorage`. Removing a connection removes it from both, with the
//! server list cached for it ([`super::offline`]).
//!
//! The stored form is parsed again on load (URL and key), so a tampered value is dropped
//! rather than used.

use ptero_api::{ApiKey, PanelUrl};
use serde::{Deserialize, Serialize};

/// Where the connections live (one entry per storage).
const STORAGE_KEY: &str = "ptero-web.connections";
/// The single-panel form of earlier releases, read once and moved.
const LEGACY_KEY: &str = "ptero-web.credentials";

#[derive(Clone, PartialEq, Debug)]
pub struct Credentials {
    pub panel: PanelUrl,
    pub key: ApiKey,
    /// A ptero-origin to go through when the panel's CORS does not allow this page.
    pub via_origin: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Persistence {
    /// This tab only (sessionStorage).
    Session,
    /// Survives restarts (localStorage): an explicit, warned-about choice.
    Remembered,
}

/// One panel the app talks to.
#[derive(Clone, PartialEq, Debug)]
pub struct Connection {
    /// Stable for a panel and key: a hash of the panel URL and the key's identifier.
    pub id: String,
    /// What the user calls it (the panel's host unless named).
    pub name: String,
    pub credentials: Credentials,
    pub persistence: Persistence,
}

/// Every connection, and the one in use.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Connections {
    pub list: Vec<Connection>,
    pub active: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredConnection {
    id: String,
    name: String,
    panel: String,
    key: String,
    via_origin: Option<String>,
}

#[derive(Serialize, Deserialize, Default)]
struct Stored {
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    connections: Vec<StoredConnection>,
}

/// The legacy single entry.
#[derive(Deserialize)]
struct Legacy {
    panel: String,
    key: String,
    via_origin: Option<String>,
}

pub(crate) fn storage(persistence: Persistence) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    match persistence {
        Persistence::Session => window.session_storage().ok()?,
        Persistence::Remembered => window.local_storage().ok()?,
    }
}

/// FNV-1a: a short stable id, not a secret (hand-written: four lines, no crate).
fn digest(text: &str) -> String {
    let hash = text.bytes().fold(0x811c_9dc5u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    format!("{hash:08x}")
}

/// A connection's name when the user gave none: the panel's host (and port).
pub fn default_name(panel: &PanelUrl) -> String {
    let origin = panel.origin();
    match origin.port() {
        Some(port) => format!("{}:{port}", origin.host()),
        None => origin.host().to_string(),
    }
}

impl Connection {
    pub fn new(name: &str, credentials: Credentials, persistence: Persistence) -> Self {
        let identifier = credentials
            .key
            .expose_secret()
            .get(..ptero_api::key::IDENTIFIER_LENGTH)
            .unwrap_or_default()
            .to_owned();
        let name = name.trim();
        Self {
            id: digest(&format!("{} {identifier}", credentials.panel.as_str())),
            name: if name.is_empty() {
                default_name(&credentials.panel)
            } else {
                name.to_owned()
            },
            credentials,
            persistence,
        }
    }

    fn stored(&self) -> StoredConnection {
        StoredConnection {
            id: self.id.clone(),
            name: self.name.clone(),
            panel: self.credentials.panel.as_str().to_owned(),
            key: self.credentials.key.expose_secret().to_owned(),
            via_origin: self.credentials.via_origin.clone(),
        }
    }

    fn read(stored: StoredConnection, persistence: Persistence) -> Option<Self> {
        let credentials = Credentials {
            panel: PanelUrl::parse(&stored.panel).ok()?,
            key: ApiKey::parse(&stored.key).ok()?,
            via_origin: stored.via_origin,
        };
        let mut connection = Connection::new(&stored.name, credentials, persistence);
        // An id that does not match its panel and key was tampered with.
        (connection.id == stored.id).then(|| {
            connection.name = stored.name;
            connection
        })
    }
}

fn read(persistence: Persistence) -> Stored {
    storage(persistence)
        .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

fn read_legacy() -> Vec<Connection> {
    [Persistence::Session, Persistence::Remembered]
        .into_iter()
        .filter_map(|p| {
            let storage = storage(p)?;
            let json = storage.get_item(LEGACY_KEY).ok()??;
            let _ = storage.remove_item(LEGACY_KEY);
            let legacy: Legacy = serde_json::from_str(&json).ok()?;
            let credentials = Credentials {
                panel: PanelUrl::parse(&legacy.panel).ok()?,
                key: ApiKey::parse(&legacy.key).ok()?,
                via_origin: legacy.via_origin,
            };
            Some(Connection::new("", credentials, p))
        })
        .collect()
}

impl Connections {
    /// What the browser holds: this tab's connections, then the remembered ones (an
    /// earlier release's single sign-in moved into them).
    pub fn load() -> Self {
        let session = read(Persistence::Session);
        let remembered = read(Persistence::Remembered);
        let mut all = Connections::default();
        let stored = session
            .connections
            .into_iter()
            .map(|c| (c, Persistence::Session))
            .chain(
                remembered
                    .connections
                    .into_iter()
                    .map(|c| (c, Persistence::Remembered)),
            );
        for connection in stored
            .filter_map(|(c, p)| Connection::read(c, p))
            .chain(read_legacy())
        {
            if !all.list.iter().any(|known| known.id == connection.id) {
                all.list.push(connection);
            }
        }
        all.active = session
            .active
            .filter(|id| all.list.iter().any(|c| &c.id == id))
            .or_else(|| all.list.first().map(|c| c.id.clone()));
        all
    }

    /// Writes both storages: each connection where its owner chose, the active one in
    /// this tab's storage. An empty storage holds nothing at all.
    pub fn save(&self) {
        for persistence in [Persistence::Session, Persistence::Remembered] {
            let Some(storage) = storage(persistence) else {
                continue;
            };
            let stored = Stored {
                active: (persistence == Persistence::Session)
                    .then(|| self.active.clone())
                    .flatten(),
                connections: self
                    .list
                    .iter()
                    .filter(|c| c.persistence == persistence)
                    .map(Connection::stored)
                    .collect(),
            };
            if stored.connections.is_empty() && stored.active.is_none() {
                let _ = storage.remove_item(STORAGE_KEY);
            } else if let Ok(json) = serde_json::to_string(&stored) {
                let _ = storage.set_item(STORAGE_KEY, &json);
            }
        }
    }

    pub fn active(&self) -> Option<&Connection> {
        let id = self.active.as_ref()?;
        self.list.iter().find(|c| &c.id == id)
    }

    pub fn get(&self, id: &str) -> Option<&Connection> {
        self.list.iter().find(|c| c.id == id)
    }

    /// Adds `connection` (replacing one for the same panel and key) and makes it active.
    pub fn add(&mut self, connection: Connection) {
        self.active = Some(connection.id.clone());
        match self.list.iter_mut().find(|c| c.id == connection.id) {
            Some(known) => *known = connection,
            None => self.list.push(connection),
        }
    }

    /// Removes one; the next one (if any) becomes active.
    pub fn remove(&mut self, id: &str) {
        self.list.retain(|c| c.id != id);
        super::offline::forget(id);
        if self.active.as_deref() == Some(id) || self.active().is_none() {
            self.active = self.list.first().map(|c| c.id.clone());
        }
    }

    pub fn switch(&mut self, id: &str) -> bool {
        let known = self.list.iter().any(|c| c.id == id);
        if known {
            self.active = Some(id.to_owned());
        }
        known
    }

    pub fn rename(&mut self, id: &str, name: &str) {
        if let Some(connection) = self.list.iter_mut().find(|c| c.id == id) {
            let name = name.trim();
            connection.name = if name.is_empty() {
                default_name(&connection.credentials.panel)
            } else {
                name.to_owned()
            };
        }
    }
}

impl Credentials {
    /// Adds these credentials as the active connection (named after the panel's host).
    pub fn save(&self, persistence: Persistence) {
        let mut all = Connections::load();
        all.add(Connection::new("", self.clone(), persistence));
        all.save();
    }

    /// The active connection's credentials.
    pub fn load() -> Option<Self> {
        Connections::load().active().map(|c| c.credentials.clone())
    }

    /// Forgets every connection, in both storages, with their cached lists.
    pub fn forget() {
        for p in [Persistence::Session, Persistence::Remembered] {
            if let Some(storage) = storage(p) {
                let _ = storage.remove_item(STORAGE_KEY);
                let _ = storage.remove_item(LEGACY_KEY);
            }
        }
        super::offline::forget_all();
    }
}
