//! Where the origin's state lives: sessions, used hand-off `jti`s, one-time SSO tickets,
//! the audit log and the sealed per-user client keys. [`Store`] is the one seam;
//! [`MemoryStore`] keeps it in the process (lost on restart), [`SqliteStore`] in a file
//! (the default), and other backends (Redis) implement the same calls.

mod memory;
mod sqlite;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use ptero_api::{Action, ServerId};
use serde::{Deserialize, Serialize};

use crate::config::RedisUrl;

pub use memory::MemoryStore;
pub use sqlite::SqliteStore;

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
    /// The viewer's panel identity from the hand-off token, to find their panel user
    /// (SSO, per-user keys): `external_id` wins over `email` when both are given.
    #[serde(default)]
    pub panel_identity: Option<PanelIdentity>,
}

impl Session {
    pub fn covers(&self, server: &ServerId) -> bool {
        self.servers.iter().any(|granted| granted.matches(server))
    }

    pub fn allows(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }
}

/// How to find the viewer among the panel's users.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelIdentity {
    ExternalId(String),
    Email(String),
}

/// A one-time SSO ticket's grant: who is signed in to the panel when it is taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoTicketRecord {
    pub panel_user_id: u64,
    /// Who the viewer becomes on the panel, as the confirmation page names them (the
    /// panel user's email).
    #[serde(default)]
    pub panel_user_label: String,
    pub site: String,
    pub viewer: String,
    pub server: String,
    /// The embedding page's origin the ticket was asked from.
    pub origin: Option<String>,
    /// Unix seconds.
    pub expires_at: u64,
}

/// The answer of [`Store::take_ticket`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketTake {
    /// First use, in time: the ticket is now used.
    Taken(SsoTicketRecord),
    /// It was taken before.
    Used,
    /// Its time ran out before it was used.
    Expired,
    /// Never issued, or purged long ago.
    Unknown,
}

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// A power signal (the signal is in `detail`).
    Power,
    Command,
    /// An SSO ticket issued or redeemed.
    Sso,
    KeyProvisioned,
    KeyRevoked,
    /// An alert reached its target.
    AlertDelivered,
    /// An alert's delivery failed (it is retried) or was given up.
    AlertFailed,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Power => "power",
            AuditAction::Command => "command",
            AuditAction::Sso => "sso",
            AuditAction::KeyProvisioned => "key_provisioned",
            AuditAction::KeyRevoked => "key_revoked",
            AuditAction::AlertDelivered => "alert_delivered",
            AuditAction::AlertFailed => "alert_failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            AuditAction::Power,
            AuditAction::Command,
            AuditAction::Sso,
            AuditAction::KeyProvisioned,
            AuditAction::KeyRevoked,
            AuditAction::AlertDelivered,
            AuditAction::AlertFailed,
        ]
        .into_iter()
        .find(|action| action.as_str() == text)
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of the audit log: who (site + viewer) did what to which server, from which
/// embedding page, when, and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Unix seconds.
    pub at: u64,
    pub site: String,
    pub viewer: String,
    pub action: AuditAction,
    /// Say what exactly (`restart`, `ticket issued`, `user 2`), never a secret.
    pub detail: String,
    pub server: Option<String>,
    /// The embedding page's origin.
    pub origin: Option<String>,
    /// `ok`, or why it failed.
    pub outcome: String,
}

/// An alert as it is delivered: the same record for every target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertRecord {
    /// `crash`, `unexpected_stop`, … (`ptero_api::alerts::AlertKind`).
    pub kind: String,
    pub server: String,
    pub server_name: String,
    /// Unix milliseconds.
    pub at_ms: u64,
    pub detail: String,
}

/// One alert on its way to one target, kept until it is delivered (the durable outbox).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// The idempotency key: the same alert for the same target is queued once, and the
    /// receiver sees it in `Idempotency-Key` on every attempt.
    pub id: String,
    /// The target's name (`[alerts.targets.NAME]`).
    pub target: String,
    pub alert: AlertRecord,
    pub attempts: u32,
    /// Unix seconds of the next attempt (of the claim's end while one is under way).
    pub next_at: u64,
    pub created_at: u64,
    #[serde(default)]
    pub last_error: Option<String>,
}

/// A per-user client key, encrypted (see `crate::keys`): only the origin's encryption
/// key opens it.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedKey {
    pub panel_user_id: u64,
    /// The key's public identifier (`ptlc_…`, 16 characters), to delete it on the panel.
    pub identifier: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
    /// Unix seconds.
    pub created_at: u64,
}

impl fmt::Debug for SealedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedKey")
            .field("panel_user_id", &self.panel_user_id)
            .field("identifier", &self.identifier)
            .finish_non_exhaustive()
    }
}

/// A store failure (a database down or unreadable); the origin answers 503 and logs it.
#[derive(Debug)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the state store failed: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

pub type StoreResult<T> = Result<T, StoreError>;

/// `value` as the JSON text the SQLite and Redis stores keep; `what` names it in errors.
pub(crate) fn encode<T: Serialize>(what: &str, value: &T) -> StoreResult<String> {
    serde_json::to_string(value)
        .map_err(|error| StoreError(format!("{what} did not serialize: {error}")))
}

/// A record back from its stored JSON text; `what` names it in errors.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text)
        .map_err(|error| StoreError(format!("{what} in the store is not readable: {error}")))
}

/// Every call takes `now` (unix seconds) where expiry matters, so it is decided by the
/// caller's clock. Sessions and tickets are stored under their key
/// ([`crate::auth::session::token_key`], a SHA-256), never under the bearer value itself:
/// whoever reads the store cannot use what is in it.
pub trait Store: Send + Sync + 'static {
    fn put_session<'a>(&'a self, key: &'a str, session: Session) -> BoxFuture<'a, StoreResult<()>>;

    /// The live session stored under `key`, `None` when unknown or expired.
    fn session<'a>(&'a self, key: &'a str, now: u64)
        -> BoxFuture<'a, StoreResult<Option<Session>>>;

    /// Ends one session (sign-out); `true` when there was one.
    fn delete_session<'a>(&'a self, key: &'a str) -> BoxFuture<'a, StoreResult<bool>>;

    /// Ends every session bound to `origin`; answers how many.
    fn revoke_origin<'a>(&'a self, origin: &'a str) -> BoxFuture<'a, StoreResult<usize>>;

    /// Ends every session of the site whose `iss` is `site`; answers how many.
    fn revoke_site<'a>(&'a self, site: &'a str) -> BoxFuture<'a, StoreResult<usize>>;

    /// Keeps at most the newest `keep` audit entries, none from before `before` (unix
    /// seconds); answers how many were dropped (a stream store may answer about).
    fn trim_audit(&self, keep: usize, before: u64) -> BoxFuture<'_, StoreResult<usize>>;

    /// Records `(issuer, jti)` until `expires_at`. `false` when it was already recorded
    /// (a replay). Must be atomic.
    fn claim_jti<'a>(
        &'a self,
        issuer: &'a str,
        jti: &'a str,
        expires_at: u64,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<bool>>;

    /// Drops the record of `(issuer, jti)`, so it can be claimed again (a claim used as a
    /// short lease, such as provisioning a user's key, is released when done).
    fn release_claim<'a>(&'a self, issuer: &'a str, jti: &'a str)
        -> BoxFuture<'a, StoreResult<()>>;

    /// Keeps a one-time SSO ticket (under its key) until `record.expires_at`.
    fn put_ticket<'a>(
        &'a self,
        ticket: &'a str,
        record: SsoTicketRecord,
    ) -> BoxFuture<'a, StoreResult<()>>;

    /// What [`Store::take_ticket`] would answer now, without using the ticket
    /// ([`TicketTake::Taken`] meaning "usable").
    fn peek_ticket<'a>(
        &'a self,
        ticket: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<TicketTake>>;

    /// Marks the ticket used and answers its grant, once. Must be atomic: of two
    /// concurrent takes only one gets [`TicketTake::Taken`].
    fn take_ticket<'a>(
        &'a self,
        ticket: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<TicketTake>>;

    fn append_audit(&self, entry: AuditEntry) -> BoxFuture<'_, StoreResult<()>>;

    /// The latest `limit` entries, newest first.
    fn recent_audit(&self, limit: usize) -> BoxFuture<'_, StoreResult<Vec<AuditEntry>>>;

    /// Stores (or replaces) the sealed key of `key.panel_user_id`.
    fn put_key(&self, key: SealedKey) -> BoxFuture<'_, StoreResult<()>>;

    fn key(&self, panel_user_id: u64) -> BoxFuture<'_, StoreResult<Option<SealedKey>>>;

    /// `true` when there was one.
    fn delete_key(&self, panel_user_id: u64) -> BoxFuture<'_, StoreResult<bool>>;

    /// Notes that a power signal was sent to `server` at `at` (unix milliseconds), so the
    /// instance watching it does not take the stop that follows for a crash.
    fn note_power<'a>(
        &'a self,
        server: &'a str,
        signal: &'a str,
        at_ms: u64,
    ) -> BoxFuture<'a, StoreResult<()>>;

    /// The last power signal noted for `server` and when, if within the last two minutes.
    fn last_power<'a>(
        &'a self,
        server: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<(String, u64)>>>;

    /// Queues `delivery` unless one with its id was ever queued; `false` for a duplicate.
    fn enqueue_delivery(&self, delivery: Delivery) -> BoxFuture<'_, StoreResult<bool>>;

    /// Up to `limit` deliveries due at `now`, each claimed until `now + lease_secs` so no
    /// other instance takes it meanwhile. Must be atomic.
    fn claim_deliveries(
        &self,
        now: u64,
        lease_secs: u64,
        limit: usize,
    ) -> BoxFuture<'_, StoreResult<Vec<Delivery>>>;

    /// Done with `id`: delivered (`retry_at` `None`) or to be tried again at `retry_at`,
    /// with its new attempt count and error. A delivered id is never queued again.
    fn finish_delivery<'a>(
        &'a self,
        id: &'a str,
        retry: Option<(u64, u32, String)>,
    ) -> BoxFuture<'a, StoreResult<()>>;

    /// Deliveries not yet delivered (queued or retrying), oldest first.
    fn pending_deliveries(&self, limit: usize) -> BoxFuture<'_, StoreResult<Vec<Delivery>>>;

    /// Drops expired sessions, jti records and tickets (used tickets are kept a while
    /// past their expiry, so a replay is told "already used").
    fn purge<'a>(&'a self, now: u64) -> BoxFuture<'a, StoreResult<()>>;

    /// Whether the store answers now (readiness). An in-process store always does.
    fn ping(&self) -> BoxFuture<'_, StoreResult<()>> {
        Box::pin(async { Ok(()) })
    }
}

/// How long a used or expired ticket is remembered after its expiry, to say why it fails.
pub const TICKET_MEMORY_SECS: u64 = 600;

/// Which store the configuration asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreKind {
    Memory,
    Sqlite {
        path: PathBuf,
    },
    /// A Redis shared by several instances (see `crate::redis`).
    Redis(RedisUrl),
}

/// Opens the configured store (creating the SQLite file and schema on first run).
/// Redis is connected by `crate::server`, which shares the connection with the fan-out.
pub fn open(kind: &StoreKind) -> StoreResult<Arc<dyn Store>> {
    Ok(match kind {
        StoreKind::Memory => Arc::new(MemoryStore::new()),
        StoreKind::Sqlite { path } => Arc::new(SqliteStore::open(path)?),
        StoreKind::Redis(address) => {
            return Err(StoreError(format!(
                "Redis at {} is connected when the server starts (ptero_origin::start), not here",
                address.shown
            )))
        }
    })
}

/// [`open`], and for Redis a connection of its own (for the CLI: a server shares its
/// connection with the fan-out instead).
pub async fn connect(kind: &StoreKind) -> StoreResult<Arc<dyn Store>> {
    match kind {
        StoreKind::Redis(address) => {
            let (redis, _pushes) = crate::redis::Redis::connect(address)
                .await
                .map_err(|error| StoreError(error.to_string()))?;
            Ok(Arc::new(crate::redis::RedisStore::new(redis)))
        }
        other => open(other),
    }
}

#[cfg(test)]
mod tests;
