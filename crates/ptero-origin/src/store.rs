//! Where sessions and used hand-off `jti`s live. [`Store`] is the seam: [`MemoryStore`]
//! now; SQLite or Redis later implement the same calls (each is one statement there:
//! `INSERT OR IGNORE` / `SET NX EX` for jti, a keyed row with an expiry for sessions).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use futures_util::future::BoxFuture;
use ptero_api::{Action, ServerId};
use serde::{Deserialize, Serialize};

/// What a session token grants. Serializable so other stores can keep it as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The hosting site (`iss`).
    pub site: String,
    /// The viewer on that site (`sub`).
    pub viewer: String,
    /// The `Origin` the session was created from, normalised; requests must come from it.
    pub origin: Option<String>,
    pub servers: Vec<ServerId>,
    pub actions: Vec<Action>,
    /// Unix seconds.
    pub expires_at: u64,
}

impl Session {
    pub fn covers(&self, server: &ServerId) -> bool {
        self.servers.iter().any(|granted| granted.matches(server))
    }

    pub fn allows(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }
}

/// A store failure (a database down); the origin answers 500 and logs it.
#[derive(Debug)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "session store failed: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

pub type StoreResult<T> = Result<T, StoreError>;

/// Sessions by opaque token, and the single-use record of hand-off token ids.
/// Every call takes `now` (unix seconds) so expiry is decided by the caller's clock.
pub trait Store: Send + Sync + 'static {
    fn put_session<'a>(
        &'a self,
        token: &'a str,
        session: Session,
    ) -> BoxFuture<'a, StoreResult<()>>;

    /// The live session for `token`, `None` when unknown or expired.
    fn session<'a>(
        &'a self,
        token: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<Option<Session>>>;

    /// Ends every session bound to `origin`; answers how many.
    fn revoke_origin<'a>(&'a self, origin: &'a str) -> BoxFuture<'a, StoreResult<usize>>;

    /// Records `(issuer, jti)` until `expires_at`. `false` when it was already recorded
    /// (a replay). Must be atomic.
    fn claim_jti<'a>(
        &'a self,
        issuer: &'a str,
        jti: &'a str,
        expires_at: u64,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<bool>>;

    /// Drops expired sessions and jti records.
    fn purge<'a>(&'a self, now: u64) -> BoxFuture<'a, StoreResult<()>>;
}

/// An in-process store: lost on restart, fine for one instance.
#[derive(Debug, Default)]
pub struct MemoryStore {
    sessions: Mutex<HashMap<String, Session>>,
    jtis: Mutex<HashMap<(String, String), u64>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Store for MemoryStore {
    fn put_session<'a>(
        &'a self,
        token: &'a str,
        session: Session,
    ) -> BoxFuture<'a, StoreResult<()>> {
        lock(&self.sessions).insert(token.to_owned(), session);
        Box::pin(async { Ok(()) })
    }

    fn session<'a>(
        &'a self,
        token: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<Option<Session>>> {
        let mut sessions = lock(&self.sessions);
        let found = match sessions.get(token) {
            Some(session) if session.expires_at > now => Some(session.clone()),
            Some(_) => {
                sessions.remove(token);
                None
            }
            None => None,
        };
        Box::pin(async move { Ok(found) })
    }

    fn revoke_origin<'a>(&'a self, origin: &'a str) -> BoxFuture<'a, StoreResult<usize>> {
        let mut sessions = lock(&self.sessions);
        let before = sessions.len();
        sessions.retain(|_, session| session.origin.as_deref() != Some(origin));
        let revoked = before - sessions.len();
        Box::pin(async move { Ok(revoked) })
    }

    fn claim_jti<'a>(
        &'a self,
        issuer: &'a str,
        jti: &'a str,
        expires_at: u64,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        let mut jtis = lock(&self.jtis);
        let key = (issuer.to_owned(), jti.to_owned());
        let fresh = match jtis.get(&key) {
            Some(until) if *until > now => false,
            _ => {
                jtis.insert(key, expires_at);
                true
            }
        };
        Box::pin(async move { Ok(fresh) })
    }

    fn purge<'a>(&'a self, now: u64) -> BoxFuture<'a, StoreResult<()>> {
        lock(&self.sessions).retain(|_, session| session.expires_at > now);
        lock(&self.jtis).retain(|_, until| *until > now);
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(origin: &str, expires_at: u64) -> Session {
        Session {
            site: "https://shop.example.com".to_owned(),
            viewer: "42".to_owned(),
            origin: Some(origin.to_owned()),
            servers: vec![ServerId::parse("1a7c3f02").expect("id")],
            actions: vec![Action::Start],
            expires_at,
        }
    }

    #[tokio::test]
    async fn a_jti_is_accepted_once_until_it_expires() {
        let store = MemoryStore::new();
        assert!(store.claim_jti("iss", "j1", 100, 10).await.expect("store"));
        assert!(!store.claim_jti("iss", "j1", 100, 20).await.expect("store"));
        assert!(store
            .claim_jti("other", "j1", 100, 20)
            .await
            .expect("store"));
        store.purge(200).await.expect("store");
        assert!(store.claim_jti("iss", "j1", 300, 200).await.expect("store"));
    }

    #[tokio::test]
    async fn an_expired_session_is_gone() {
        let store = MemoryStore::new();
        store
            .put_session("t", session("https://a.example", 100))
            .await
            .expect("store");
        assert!(store.session("t", 99).await.expect("store").is_some());
        assert!(store.session("t", 100).await.expect("store").is_none());
    }

    #[tokio::test]
    async fn revoking_an_origin_ends_only_its_sessions() {
        let store = MemoryStore::new();
        store
            .put_session("a", session("https://a.example", 100))
            .await
            .expect("store");
        store
            .put_session("b", session("https://b.example", 100))
            .await
            .expect("store");
        assert_eq!(
            store
                .revoke_origin("https://a.example")
                .await
                .expect("store"),
            1
        );
        assert!(store.session("a", 1).await.expect("store").is_none());
        assert!(store.session("b", 1).await.expect("store").is_some());
    }
}
