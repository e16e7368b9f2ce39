//! The user's panel URL + key, kept in `sessionStorage` (gone with the tab) unless the
//! user explicitly chose "remember me" (`localStorage`). Sign-out clears both.

use ptero_api::{ApiKey, PanelUrl};
use serde::{Deserialize, Serialize};

const STORAGE_KEY: &str = "ptero-web.credentials";

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

/// The stored form; the key is parsed again on load so a tampered value is rejected.
#[derive(Serialize, Deserialize)]
struct Stored {
    panel: String,
    key: String,
    via_origin: Option<String>,
}

fn storage(persistence: Persistence) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    match persistence {
        Persistence::Session => window.session_storage().ok()?,
        Persistence::Remembered => window.local_storage().ok()?,
    }
}

impl Credentials {
    pub fn save(&self, persistence: Persistence) {
        Self::forget();
        let stored = Stored {
            panel: self.panel.as_str().to_string(),
            key: self.key.expose_secret().to_string(),
            via_origin: self.via_origin.clone(),
        };
        if let (Some(storage), Ok(json)) = (storage(persistence), serde_json::to_string(&stored)) {
            let _ = storage.set_item(STORAGE_KEY, &json);
        }
    }

    /// The saved credentials, session storage first.
    pub fn load() -> Option<Self> {
        [Persistence::Session, Persistence::Remembered]
            .into_iter()
            .find_map(|p| {
                let json = storage(p)?.get_item(STORAGE_KEY).ok()??;
                let stored: Stored = serde_json::from_str(&json).ok()?;
                Some(Credentials {
                    panel: PanelUrl::parse(&stored.panel).ok()?,
                    key: ApiKey::parse(&stored.key).ok()?,
                    via_origin: stored.via_origin,
                })
            })
    }

    pub fn forget() {
        for p in [Persistence::Session, Persistence::Remembered] {
            if let Some(storage) = storage(p) {
                let _ = storage.remove_item(STORAGE_KEY);
            }
        }
    }
}
