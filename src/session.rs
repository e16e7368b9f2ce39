//! The signed-in state shared by every page: credentials and the client built from them.

use leptos::prelude::*;

use crate::api::{Credentials, PanelClient, Persistence};

/// Provided at the app root; pages read it with `use_session()`.
#[derive(Clone, Copy)]
pub struct Session {
    credentials: RwSignal<Option<Credentials>>,
}

impl Session {
    pub fn provide() -> Self {
        let session = Session {
            credentials: RwSignal::new(Credentials::load()),
        };
        provide_context(session);
        session
    }

    pub fn client(&self) -> Option<PanelClient> {
        self.credentials.with(|c| c.as_ref().map(PanelClient::new))
    }

    pub fn is_signed_in(&self) -> bool {
        self.credentials.with(Option::is_some)
    }

    pub fn sign_in(&self, credentials: Credentials, persistence: Persistence) {
        credentials.save(persistence);
        self.credentials.set(Some(credentials));
    }

    pub fn sign_out(&self) {
        Credentials::forget();
        self.credentials.set(None);
    }
}

pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(Session::provide)
}
