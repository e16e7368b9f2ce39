//! The signed-in state shared by every page: the panel connections, the one in use, and
//! the clients built from them. A `?panel=ID` in the page's address (a link from the
//! list of every panel's servers) makes that connection the one in use as the app
//! starts, so a server page opened in a new tab talks to the right panel.

use leptos::prelude::*;

use crate::api::{Connection, Connections, Credentials, PanelClient, Persistence};

/// Provided at the app root; pages read it with `use_session()`.
#[derive(Clone, Copy)]
pub struct Session {
    connections: RwSignal<Connections>,
}

/// What the navigation and the panels page show of a connection (never its key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanelInfo {
    pub id: String,
    pub name: String,
    pub panel: String,
    pub remembered: bool,
    pub active: bool,
}

/// The `panel` parameter of the page's query string.
fn panel_in_address() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("panel="))
        .map(str::to_owned)
}

impl Session {
    pub fn provide() -> Self {
        let mut connections = Connections::load();
        if let Some(id) = panel_in_address() {
            if connections.switch(&id) {
                connections.save();
            }
        }
        let session = Session {
            connections: RwSignal::new(connections),
        };
        provide_context(session);
        session
    }

    /// The client of the connection in use.
    pub fn client(&self) -> Option<PanelClient> {
        self.connections
            .with(|c| c.active().map(|c| PanelClient::new(&c.credentials)))
    }

    /// The key of the connection in use.
    pub fn active_key(&self) -> Option<ptero_api::ApiKey> {
        self.connections
            .with(|c| c.active().map(|c| c.credentials.key.clone()))
    }

    /// The id of the connection in use (tracked).
    pub fn active_id(&self) -> Option<String> {
        self.connections.with(|c| c.active.clone())
    }

    /// Every connection with its client, in the order they were added.
    pub fn clients(&self) -> Vec<(PanelInfo, PanelClient, Persistence)> {
        self.connections.with(|all| {
            all.list
                .iter()
                .map(|c| {
                    (
                        info(all, c),
                        PanelClient::new(&c.credentials),
                        c.persistence,
                    )
                })
                .collect()
        })
    }

    /// The connections as the navigation shows them (tracked).
    pub fn panels(&self) -> Vec<PanelInfo> {
        self.connections
            .with(|all| all.list.iter().map(|c| info(all, c)).collect())
    }

    pub fn is_signed_in(&self) -> bool {
        self.connections.with(|c| c.active().is_some())
    }

    /// Adds (or replaces) a connection and uses it.
    pub fn sign_in(&self, name: &str, credentials: Credentials, persistence: Persistence) {
        self.change(|all| all.add(Connection::new(name, credentials, persistence)));
    }

    /// Uses another connection.
    pub fn switch(&self, id: &str) {
        self.change(|all| {
            all.switch(id);
        });
    }

    pub fn rename(&self, id: &str, name: &str) {
        self.change(|all| all.rename(id, name));
    }

    /// Forgets one connection; the next one is used.
    pub fn remove(&self, id: &str) {
        self.change(|all| all.remove(id));
    }

    /// Forgets the connection in use.
    pub fn sign_out(&self) {
        if let Some(id) = self.active_id() {
            self.remove(&id);
        }
    }

    /// Forgets every connection.
    pub fn sign_out_everywhere(&self) {
        Credentials::forget();
        self.connections.set(Connections::default());
    }

    fn change(&self, change: impl FnOnce(&mut Connections)) {
        self.connections.update(|all| {
            change(all);
            all.save();
        });
    }
}

fn info(all: &Connections, connection: &Connection) -> PanelInfo {
    PanelInfo {
        id: connection.id.clone(),
        name: connection.name.clone(),
        panel: connection.credentials.panel.as_str().to_owned(),
        remembered: connection.persistence == Persistence::Remembered,
        active: all.active.as_deref() == Some(connection.id.as_str()),
    }
}

pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(Session::provide)
}
