//! A [`Store`] in one SQLite file (WAL mode), so sessions, used `jti`s, tickets, the
//! audit log and sealed keys survive a restart. The schema is created on first run and
//! versioned in `schema_version`. Calls run on tokio's blocking pool, one at a time on
//! the one connection (the mutex is what makes `claim_jti` and `take_ticket` atomic
//! within this process; each is also a single statement, atomic for SQLite itself).

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::future::BoxFuture;
use rusqlite::{params, Connection, OptionalExtension};

use super::{
    decode, encode, AuditAction, AuditEntry, Delivery, SealedKey, Session, SsoTicketRecord, Store,
    StoreError, StoreResult, TicketTake, TICKET_MEMORY_SECS,
};

/// The schema this code writes; older files are migrated up to it.
const SCHEMA_VERSION: i64 = 3;

/// Version 2 keeps sessions and tickets under the SHA-256 of their token (the `token` and
/// `ticket` columns hold that key now) and each session's site. Version 1 rows held the
/// tokens themselves: they are deleted, not kept (their viewers hand off again).
const SCHEMA_V2: &str = "
DELETE FROM sessions;
DELETE FROM sso_tickets;
ALTER TABLE sessions ADD COLUMN site TEXT;
CREATE INDEX sessions_site ON sessions (site);
";

/// Version 3 adds the alerts' outbox: one row per alert and target until delivered (then
/// `delivered_at` is set and the row stays, so the same id is never queued twice).
const SCHEMA_V3: &str = "
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    next_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    delivered_at INTEGER,
    body TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (delivered_at, next_at);
";

const SCHEMA_V1: &str = "
CREATE TABLE sessions (
    token TEXT PRIMARY KEY,
    origin TEXT,
    expires_at INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX sessions_origin ON sessions (origin);
CREATE TABLE used_jtis (
    issuer TEXT NOT NULL,
    jti TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (issuer, jti)
);
CREATE TABLE sso_tickets (
    ticket TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    site TEXT NOT NULL,
    viewer TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    server TEXT,
    origin TEXT,
    outcome TEXT NOT NULL
);
CREATE TABLE sealed_keys (
    panel_user_id INTEGER PRIMARY KEY,
    identifier TEXT NOT NULL,
    nonce BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
";

pub struct SqliteStore {
    connection: Arc<Mutex<Connection>>,
    /// The last power signal per server: only this instance sends them, and they matter
    /// for two minutes, so memory is the place.
    power: Mutex<std::collections::HashMap<String, (String, u64)>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

fn failed(what: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |error| StoreError(format!("{what}: {error}"))
}

/// SQLite keeps signed 64-bit integers; unix seconds and user ids fit.
fn int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn uint(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

impl SqliteStore {
    /// Opens (or creates) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> StoreResult<Self> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|error| {
                StoreError(format!(
                    "cannot create the folder {}: {error}",
                    dir.display()
                ))
            })?;
        }
        owner_only(path)?;
        let connection = Connection::open(path).map_err(|error| {
            StoreError(format!(
                "cannot open the database {}: {error}",
                path.display()
            ))
        })?;
        Self::prepare(connection)
    }

    /// A private in-memory database (tests).
    pub fn open_in_memory() -> StoreResult<Self> {
        Self::prepare(Connection::open_in_memory().map_err(failed("opening"))?)
    }

    fn prepare(mut connection: Connection) -> StoreResult<Self> {
        // WAL: readers do not block the writer, and a crash loses at most the last commit.
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(failed("switching to WAL"))?;
        connection
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(failed("setting synchronous"))?;
        connection
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(failed("setting the busy timeout"))?;
        migrate(&mut connection)?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            power: Mutex::new(std::collections::HashMap::new()),
        })
    }

    /// Runs `work` on the connection on the blocking pool.
    fn run<'a, T, F>(&'a self, work: F) -> BoxFuture<'a, StoreResult<T>>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut connection = connection.lock().unwrap_or_else(PoisonError::into_inner);
                work(&mut connection)
            })
            .await
            .map_err(|error| StoreError(format!("the database task failed: {error}")))?
        })
    }
}

/// Creates the file readable and writable by its owner only (it holds sessions and sealed
/// keys), or takes other users' access away from an existing one. SQLite gives its `-wal`
/// and `-shm` files the database file's mode.
fn owner_only(path: &Path) -> StoreResult<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let refuse = |error: std::io::Error| {
            StoreError(format!(
                "cannot create {} with owner-only access: {error}",
                path.display()
            ))
        };
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(refuse)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(refuse)?;
        for suffix in ["-wal", "-shm"] {
            let mut side = path.as_os_str().to_owned();
            side.push(suffix);
            let side = std::path::PathBuf::from(side);
            if side.exists() {
                std::fs::set_permissions(&side, std::fs::Permissions::from_mode(0o600))
                    .map_err(refuse)?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn migrate(connection: &mut Connection) -> StoreResult<()> {
    let transaction = connection
        .transaction()
        .map_err(failed("starting the migration"))?;
    transaction
        .execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);")
        .map_err(failed("creating schema_version"))?;
    let version: i64 = transaction
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version",
            [],
            |row| row.get(0),
        )
        .map_err(failed("reading the schema version"))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError(format!(
            "the database has schema version {version}, newer than this ptero-origin knows ({SCHEMA_VERSION}): run a newer ptero-origin or use another file"
        )));
    }
    if version < 1 {
        transaction
            .execute_batch(SCHEMA_V1)
            .map_err(failed("creating the schema"))?;
    }
    if version < 2 {
        transaction
            .execute_batch(SCHEMA_V2)
            .map_err(failed("migrating the schema to version 2"))?;
    }
    if version < 3 {
        transaction
            .execute_batch(SCHEMA_V3)
            .map_err(failed("migrating the schema to version 3"))?;
    }
    if version < SCHEMA_VERSION {
        transaction
            .execute("DELETE FROM schema_version", [])
            .map_err(failed("recording the schema version"))?;
        transaction
            .execute(
                "INSERT INTO schema_version (version) VALUES (?1)",
                [SCHEMA_VERSION],
            )
            .map_err(failed("recording the schema version"))?;
    }
    transaction
        .commit()
        .map_err(failed("committing the migration"))
}

fn read_audit(row: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    let action: String = row.get(3)?;
    let action = AuditAction::parse(&action).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            3,
            rusqlite::types::Type::Text,
            Box::new(StoreError(format!(
                "the audit log holds an action this version does not know: {action:?}"
            ))),
        )
    })?;
    Ok(AuditEntry {
        at: uint(row.get(0)?),
        site: row.get(1)?,
        viewer: row.get(2)?,
        action,
        detail: row.get(4)?,
        server: row.get(5)?,
        origin: row.get(6)?,
        outcome: row.get(7)?,
    })
}

impl Store for SqliteStore {
    fn put_session<'a>(
        &'a self,
        token: &'a str,
        session: Session,
    ) -> BoxFuture<'a, StoreResult<()>> {
        let token = token.to_owned();
        self.run(move |connection| {
            let body = encode("a session", &session)?;
            connection
                .execute(
                    "INSERT OR REPLACE INTO sessions (token, origin, site, expires_at, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![token, session.origin, session.site, int(session.expires_at), body],
                )
                .map_err(failed("storing a session"))?;
            Ok(())
        })
    }

    fn session<'a>(
        &'a self,
        token: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<Option<Session>>> {
        let token = token.to_owned();
        self.run(move |connection| {
            let body: Option<String> = connection
                .query_row(
                    "SELECT body FROM sessions WHERE token = ?1 AND expires_at > ?2",
                    params![token, int(now)],
                    |row| row.get(0),
                )
                .optional()
                .map_err(failed("reading a session"))?;
            body.as_deref()
                .map(|body| decode("a session", body))
                .transpose()
        })
    }

    fn delete_session<'a>(&'a self, key: &'a str) -> BoxFuture<'a, StoreResult<bool>> {
        let key = key.to_owned();
        self.run(move |connection| {
            connection
                .execute("DELETE FROM sessions WHERE token = ?1", [key])
                .map(|deleted| deleted > 0)
                .map_err(failed("ending a session"))
        })
    }

    fn revoke_origin<'a>(&'a self, origin: &'a str) -> BoxFuture<'a, StoreResult<usize>> {
        let origin = origin.to_owned();
        self.run(move |connection| {
            connection
                .execute("DELETE FROM sessions WHERE origin = ?1", [origin])
                .map_err(failed("revoking sessions"))
        })
    }

    fn revoke_site<'a>(&'a self, site: &'a str) -> BoxFuture<'a, StoreResult<usize>> {
        let site = site.to_owned();
        self.run(move |connection| {
            connection
                .execute("DELETE FROM sessions WHERE site = ?1", [site])
                .map_err(failed("revoking a site's sessions"))
        })
    }

    fn trim_audit(&self, keep: usize, before: u64) -> BoxFuture<'_, StoreResult<usize>> {
        self.run(move |connection| {
            let old = connection
                .execute("DELETE FROM audit_log WHERE at < ?1", [int(before)])
                .map_err(failed("trimming the audit log"))?;
            let over = connection
                .execute(
                    "DELETE FROM audit_log WHERE id <= (SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET ?1)",
                    [int(keep as u64)],
                )
                .map_err(failed("trimming the audit log"))?;
            Ok(old + over)
        })
    }

    fn claim_jti<'a>(
        &'a self,
        issuer: &'a str,
        jti: &'a str,
        expires_at: u64,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        let (issuer, jti) = (issuer.to_owned(), jti.to_owned());
        self.run(move |connection| {
            // One statement: a new row, or an expired record taken over; a live record
            // is left alone and changes nothing (a replay).
            let changed = connection
                .execute(
                    "INSERT INTO used_jtis (issuer, jti, expires_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = excluded.expires_at
                     WHERE used_jtis.expires_at <= ?4",
                    params![issuer, jti, int(expires_at), int(now)],
                )
                .map_err(failed("recording a jti"))?;
            Ok(changed == 1)
        })
    }

    fn release_claim<'a>(
        &'a self,
        issuer: &'a str,
        jti: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        let (issuer, jti) = (issuer.to_owned(), jti.to_owned());
        self.run(move |connection| {
            connection
                .execute(
                    "DELETE FROM used_jtis WHERE issuer = ?1 AND jti = ?2",
                    params![issuer, jti],
                )
                .map_err(failed("releasing a claim"))?;
            Ok(())
        })
    }

    fn put_ticket<'a>(
        &'a self,
        ticket: &'a str,
        record: SsoTicketRecord,
    ) -> BoxFuture<'a, StoreResult<()>> {
        let ticket = ticket.to_owned();
        self.run(move |connection| {
            let body = encode("a ticket", &record)?;
            connection
                .execute(
                    "INSERT INTO sso_tickets (ticket, expires_at, used, body) VALUES (?1, ?2, 0, ?3)",
                    params![ticket, int(record.expires_at), body],
                )
                .map_err(failed("storing an SSO ticket"))?;
            Ok(())
        })
    }

    fn peek_ticket<'a>(
        &'a self,
        ticket: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<TicketTake>> {
        let ticket = ticket.to_owned();
        self.run(move |connection| {
            let row: Option<(bool, i64, String)> = connection
                .query_row(
                    "SELECT used, expires_at, body FROM sso_tickets WHERE ticket = ?1",
                    [ticket],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()
                .map_err(failed("reading an SSO ticket"))?;
            Ok(match row {
                None => TicketTake::Unknown,
                Some((true, _, _)) => TicketTake::Used,
                Some((false, expires_at, _)) if uint(expires_at) <= now => TicketTake::Expired,
                Some((false, _, body)) => TicketTake::Taken(decode("a ticket", &body)?),
            })
        })
    }

    fn take_ticket<'a>(
        &'a self,
        ticket: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<TicketTake>> {
        let ticket = ticket.to_owned();
        self.run(move |connection| {
            let taken: Option<String> = connection
                .query_row(
                    "UPDATE sso_tickets SET used = 1
                     WHERE ticket = ?1 AND used = 0 AND expires_at > ?2 RETURNING body",
                    params![ticket, int(now)],
                    |row| row.get(0),
                )
                .optional()
                .map_err(failed("taking an SSO ticket"))?;
            if let Some(body) = taken {
                return Ok(TicketTake::Taken(decode("a ticket", &body)?));
            }
            let seen: Option<bool> = connection
                .query_row(
                    "SELECT used FROM sso_tickets WHERE ticket = ?1",
                    [ticket],
                    |row| row.get(0),
                )
                .optional()
                .map_err(failed("reading an SSO ticket"))?;
            Ok(match seen {
                None => TicketTake::Unknown,
                Some(true) => TicketTake::Used,
                Some(false) => TicketTake::Expired,
            })
        })
    }

    fn append_audit(&self, entry: AuditEntry) -> BoxFuture<'_, StoreResult<()>> {
        self.run(move |connection| {
            connection
                .execute(
                    "INSERT INTO audit_log (at, site, viewer, action, detail, server, origin, outcome)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        int(entry.at),
                        entry.site,
                        entry.viewer,
                        entry.action.as_str(),
                        entry.detail,
                        entry.server,
                        entry.origin,
                        entry.outcome
                    ],
                )
                .map_err(failed("appending to the audit log"))?;
            Ok(())
        })
    }

    fn recent_audit(&self, limit: usize) -> BoxFuture<'_, StoreResult<Vec<AuditEntry>>> {
        self.run(move |connection| {
            let mut statement = connection
                .prepare(
                    "SELECT at, site, viewer, action, detail, server, origin, outcome
                     FROM audit_log ORDER BY id DESC LIMIT ?1",
                )
                .map_err(failed("reading the audit log"))?;
            let rows = statement
                .query_map([int(limit as u64)], read_audit)
                .map_err(failed("reading the audit log"))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(failed("reading the audit log"))
        })
    }

    fn put_key(&self, key: SealedKey) -> BoxFuture<'_, StoreResult<()>> {
        self.run(move |connection| {
            connection
                .execute(
                    "INSERT OR REPLACE INTO sealed_keys (panel_user_id, identifier, nonce, ciphertext, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        int(key.panel_user_id),
                        key.identifier,
                        key.nonce,
                        key.ciphertext,
                        int(key.created_at)
                    ],
                )
                .map_err(failed("storing a sealed key"))?;
            Ok(())
        })
    }

    fn key(&self, panel_user_id: u64) -> BoxFuture<'_, StoreResult<Option<SealedKey>>> {
        self.run(move |connection| {
            connection
                .query_row(
                    "SELECT identifier, nonce, ciphertext, created_at FROM sealed_keys WHERE panel_user_id = ?1",
                    [int(panel_user_id)],
                    |row| {
                        Ok(SealedKey {
                            panel_user_id,
                            identifier: row.get(0)?,
                            nonce: row.get(1)?,
                            ciphertext: row.get(2)?,
                            created_at: uint(row.get(3)?),
                        })
                    },
                )
                .optional()
                .map_err(failed("reading a sealed key"))
        })
    }

    fn delete_key(&self, panel_user_id: u64) -> BoxFuture<'_, StoreResult<bool>> {
        self.run(move |connection| {
            let deleted = connection
                .execute(
                    "DELETE FROM sealed_keys WHERE panel_user_id = ?1",
                    [int(panel_user_id)],
                )
                .map_err(failed("deleting a sealed key"))?;
            Ok(deleted > 0)
        })
    }

    fn note_power<'a>(
        &'a self,
        server: &'a str,
        signal: &'a str,
        at_ms: u64,
    ) -> BoxFuture<'a, StoreResult<()>> {
        self.power
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(server.to_owned(), (signal.to_owned(), at_ms));
        Box::pin(async { Ok(()) })
    }

    fn last_power<'a>(
        &'a self,
        server: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<(String, u64)>>> {
        let last = self
            .power
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(server)
            .cloned();
        Box::pin(async move { Ok(last) })
    }

    fn enqueue_delivery(&self, delivery: Delivery) -> BoxFuture<'_, StoreResult<bool>> {
        self.run(move |connection| {
            let body = encode("a delivery", &delivery)?;
            let added = connection
                .execute(
                    "INSERT OR IGNORE INTO outbox (id, next_at, created_at, body) VALUES (?1, ?2, ?3, ?4)",
                    params![delivery.id, int(delivery.next_at), int(delivery.created_at), body],
                )
                .map_err(failed("queueing a delivery"))?;
            Ok(added == 1)
        })
    }

    fn claim_deliveries(
        &self,
        now: u64,
        lease_secs: u64,
        limit: usize,
    ) -> BoxFuture<'_, StoreResult<Vec<Delivery>>> {
        self.run(move |connection| {
            let mut statement = connection
                .prepare(
                    "UPDATE outbox SET next_at = ?1 WHERE id IN (
                        SELECT id FROM outbox WHERE delivered_at IS NULL AND next_at <= ?2
                        ORDER BY next_at, created_at LIMIT ?3)
                     RETURNING body",
                )
                .map_err(failed("claiming deliveries"))?;
            let bodies = statement
                .query_map(
                    params![int(now + lease_secs), int(now), int(limit as u64)],
                    |row| row.get::<_, String>(0),
                )
                .map_err(failed("claiming deliveries"))?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(failed("claiming deliveries"))?;
            bodies
                .iter()
                .map(|body| {
                    let mut delivery: Delivery = decode("a delivery", body)?;
                    delivery.next_at = now + lease_secs;
                    Ok(delivery)
                })
                .collect()
        })
    }

    fn finish_delivery<'a>(
        &'a self,
        id: &'a str,
        retry: Option<(u64, u32, String)>,
    ) -> BoxFuture<'a, StoreResult<()>> {
        let id = id.to_owned();
        self.run(move |connection| {
            match retry {
                None => connection
                    .execute(
                        "UPDATE outbox SET delivered_at = strftime('%s','now') WHERE id = ?1",
                        [id],
                    )
                    .map_err(failed("recording a delivery"))?,
                Some((at, attempts, error)) => {
                    let body: Option<String> = connection
                        .query_row("SELECT body FROM outbox WHERE id = ?1", [&id], |row| {
                            row.get(0)
                        })
                        .optional()
                        .map_err(failed("reading a delivery"))?;
                    let Some(body) = body else {
                        return Ok(());
                    };
                    let mut delivery: Delivery = decode("a delivery", &body)?;
                    delivery.attempts = attempts;
                    delivery.next_at = at;
                    delivery.last_error = Some(error);
                    connection
                        .execute(
                            "UPDATE outbox SET next_at = ?1, body = ?2 WHERE id = ?3",
                            params![int(at), encode("a delivery", &delivery)?, id],
                        )
                        .map_err(failed("rescheduling a delivery"))?
                }
            };
            Ok(())
        })
    }

    fn pending_deliveries(&self, limit: usize) -> BoxFuture<'_, StoreResult<Vec<Delivery>>> {
        self.run(move |connection| {
            let mut statement = connection
                .prepare(
                    "SELECT body FROM outbox WHERE delivered_at IS NULL ORDER BY created_at LIMIT ?1",
                )
                .map_err(failed("reading the outbox"))?;
            let bodies = statement
                .query_map([int(limit as u64)], |row| row.get::<_, String>(0))
                .map_err(failed("reading the outbox"))?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(failed("reading the outbox"))?;
            bodies.iter().map(|body| decode("a delivery", body)).collect()
        })
    }

    fn purge<'a>(&'a self, now: u64) -> BoxFuture<'a, StoreResult<()>> {
        self.run(move |connection| {
            let now = int(now);
            connection
                .execute_batch(&format!(
                    "DELETE FROM sessions WHERE expires_at <= {now};
                     DELETE FROM used_jtis WHERE expires_at <= {now};
                     DELETE FROM sso_tickets WHERE expires_at + {TICKET_MEMORY_SECS} <= {now};
                     DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at + 604800 <= {now};"
                ))
                .map_err(failed("purging expired records"))
        })
    }
}
