//! [`Store`] on the shared Redis, so every instance of a cluster sees the same sessions,
//! used hand-off ids, SSO tickets, audit log and sealed keys.
//!
//! Keys (under [`PREFIX`]):
//! - `session:{key}`: the session as JSON (its key is the SHA-256 of its token);
//!   `origin-sessions:{origin}` and `site-sessions:{site}`: sets of the keys bound to an
//!   origin and to a site, for revocation.
//! - `jti:{issuer length}:{issuer}:{jti}`: until when the id is used (the length keeps
//!   `("a:b", "c")` and `("a", "b:c")` apart).
//! - `ticket:{ticket}`: a hash of the record (JSON), its expiry and whether it is used;
//!   `tickets`: a sorted set of tickets by when they are forgotten, for `purge`.
//! - `audit`: a stream (`XADD … MAXLEN ~`), one JSON entry per item.
//! - `sealed-key:{panel user id}`: a hash of the sealed key's fields (bytes as they are).
//! - `power:{server}`: the last power signal sent through any instance and its time (two
//!   minutes), so the instance that watches the server knows a stop was asked for.
//! - `outbox:{id}`: a delivery as JSON; `outbox-due`: a sorted set of undelivered ids by
//!   their next attempt (claims move them forward); `outbox-seen:{id}`: that the id was
//!   queued once (kept a week), so the same alert is never queued twice.
//!
//! Expiry is decided by the caller's `now`, as the trait asks: records keep their expiry
//! as data and the checks compare it in one atomic step (a script where a check and a
//! write go together). Redis's own expiry only collects garbage, never earlier than
//! [`GRACE_SECS`] from now; `purge` forgets dead tickets by the caller's clock.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use ::redis::{AsyncCommands as _, Script};
use futures_util::future::BoxFuture;

use super::{Redis, PREFIX};
use crate::store::{
    decode, encode, AuditEntry, Delivery, SealedKey, Session, SsoTicketRecord, Store, StoreError,
    StoreResult, TicketTake, TICKET_MEMORY_SECS,
};

/// Redis drops a record at the earliest this long from now, whatever its expiry says.
const GRACE_SECS: u64 = 60;
/// Audit entries kept (about: `MAXLEN ~` trims by whole blocks).
const AUDIT_CAPACITY: usize = 10_000;

/// Ends every session of one set (an origin's or a site's) in one step; answers how many
/// existed.
const REVOKE: &str = r"
local tokens = redis.call('SMEMBERS', KEYS[1])
local ended = 0
for _, token in ipairs(tokens) do
  ended = ended + redis.call('DEL', ARGV[1] .. token)
end
redis.call('DEL', KEYS[1])
return ended
";

/// Records a jti unless it is recorded and still live at ARGV[2]: `SET NX EX` that
/// honours the caller's clock. ARGV: expires_at, now, seconds to keep.
const CLAIM_JTI: &str = r"
local recorded = redis.call('GET', KEYS[1])
if recorded and tonumber(recorded) > tonumber(ARGV[2]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
";

/// Takes a ticket once. ARGV: now, how long a dead ticket is remembered.
const TAKE_TICKET: &str = r"
local fields = redis.call('HMGET', KEYS[1], 'record', 'expires_at', 'used')
if not fields[1] then
  return {'unknown'}
end
local expires_at = tonumber(fields[2])
local now = tonumber(ARGV[1])
if now >= expires_at + tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return {'unknown'}
end
if fields[3] == '1' then
  return {'used'}
end
if expires_at <= now then
  return {'expired'}
end
redis.call('HSET', KEYS[1], 'used', '1')
return {'taken', fields[1]}
";

/// Queues a delivery once. KEYS: seen, record, due. ARGV: json, next_at, seen seconds.
const ENQUEUE: &str = r"
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[3]) == false then
  return 0
end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], KEYS[2])
return 1
";

/// Claims up to ARGV[3] due deliveries at ARGV[1] until ARGV[2]; answers their JSON.
const CLAIM: &str = r"
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local claimed = {}
for _, key in ipairs(due) do
  local json = redis.call('GET', key)
  if json then
    redis.call('ZADD', KEYS[1], ARGV[2], key)
    table.insert(claimed, json)
  else
    redis.call('ZREM', KEYS[1], key)
  end
end
return claimed
";

/// Forgets the tickets whose memory ends by ARGV[1]; ARGV[2] is the ticket key prefix.
const PURGE_TICKETS: &str = r"
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for _, ticket in ipairs(dead) do
  redis.call('DEL', ARGV[2] .. ticket)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return #dead
";

#[derive(Clone, Debug)]
pub struct RedisStore {
    redis: Redis,
    revoke: Script,
    claim_jti: Script,
    take_ticket: Script,
    purge_tickets: Script,
    enqueue: Script,
    claim: Script,
}

fn session_key(token: &str) -> String {
    format!("{PREFIX}session:{token}")
}

fn origin_key(origin: &str) -> String {
    format!("{PREFIX}origin-sessions:{origin}")
}

fn site_key(site: &str) -> String {
    format!("{PREFIX}site-sessions:{site}")
}

fn jti_key(issuer: &str, jti: &str) -> String {
    format!("{PREFIX}jti:{}:{issuer}:{jti}", issuer.len())
}

fn ticket_key(ticket: &str) -> String {
    format!("{PREFIX}ticket:{ticket}")
}

fn tickets_key() -> String {
    format!("{PREFIX}tickets")
}

fn audit_key() -> String {
    format!("{PREFIX}audit")
}

fn outbox_key(id: &str) -> String {
    format!("{PREFIX}outbox:{id}")
}

fn outbox_due_key() -> String {
    format!("{PREFIX}outbox-due")
}

/// How long an id is remembered as queued.
const OUTBOX_SEEN_SECS: u64 = 7 * 24 * 3600;

fn sealed_key(panel_user_id: u64) -> String {
    format!("{PREFIX}sealed-key:{panel_user_id}")
}

fn wall_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Records are never kept longer than this, whatever their expiry (Redis refuses
/// expiry times far in the future).
const LONGEST_KEEP_SECS: u64 = 366 * 24 * 3600;

/// When Redis may drop a record that is dead at `until` (unix seconds).
fn collect_at(until: u64) -> i64 {
    let now = wall_clock();
    let at = until.clamp(now + GRACE_SECS, now + LONGEST_KEEP_SECS);
    i64::try_from(at).unwrap_or(i64::MAX)
}

fn unreadable(what: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError(format!("{what} in Redis is not readable: {error}"))
}

impl RedisStore {
    pub fn new(redis: Redis) -> Self {
        Self {
            redis,
            revoke: Script::new(REVOKE),
            claim_jti: Script::new(CLAIM_JTI),
            take_ticket: Script::new(TAKE_TICKET),
            purge_tickets: Script::new(PURGE_TICKETS),
            enqueue: Script::new(ENQUEUE),
            claim: Script::new(CLAIM),
        }
    }

    async fn revoke_set(&self, set: String) -> StoreResult<usize> {
        let ended: u64 = self
            .revoke
            .key(set)
            .arg(format!("{PREFIX}session:"))
            .invoke_async(&mut self.connection())
            .await
            .map_err(|error| self.fail(&error))?;
        Ok(usize::try_from(ended).unwrap_or(usize::MAX))
    }

    fn fail(&self, error: &::redis::RedisError) -> StoreError {
        StoreError(self.redis.error(error).to_string())
    }

    fn connection(&self) -> ::redis::aio::ConnectionManager {
        self.redis.manager.clone()
    }
}

impl Store for RedisStore {
    fn put_session<'a>(
        &'a self,
        token: &'a str,
        session: Session,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            let json = encode("a session", &session)?;
            let until = collect_at(session.expires_at);
            let mut pipe = ::redis::pipe();
            pipe.atomic()
                .set(session_key(token), json)
                .ignore()
                .expire_at(session_key(token), until)
                .ignore();
            // Each set lives as long as its newest session (every session has the same
            // lifetime, so the newest ends last).
            let sets = session.origin.iter().map(|origin| origin_key(origin));
            for set in sets.chain([site_key(&session.site)]) {
                pipe.sadd(&set, token)
                    .ignore()
                    .expire_at(&set, until)
                    .ignore();
            }
            pipe.query_async::<()>(&mut self.connection())
                .await
                .map_err(|error| self.fail(&error))
        })
    }

    fn session<'a>(
        &'a self,
        token: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<Option<Session>>> {
        Box::pin(async move {
            let json: Option<String> = self
                .connection()
                .get(session_key(token))
                .await
                .map_err(|error| self.fail(&error))?;
            let Some(json) = json else {
                return Ok(None);
            };
            let session: Session = decode("a session", &json)?;
            Ok((session.expires_at > now).then_some(session))
        })
    }

    fn delete_session<'a>(&'a self, key: &'a str) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let deleted: u64 = self
                .connection()
                .del(session_key(key))
                .await
                .map_err(|error| self.fail(&error))?;
            Ok(deleted > 0)
        })
    }

    fn revoke_origin<'a>(&'a self, origin: &'a str) -> BoxFuture<'a, StoreResult<usize>> {
        Box::pin(self.revoke_set(origin_key(origin)))
    }

    fn revoke_site<'a>(&'a self, site: &'a str) -> BoxFuture<'a, StoreResult<usize>> {
        Box::pin(self.revoke_set(site_key(site)))
    }

    fn trim_audit(&self, keep: usize, before: u64) -> BoxFuture<'_, StoreResult<usize>> {
        Box::pin(async move {
            // Stream ids are milliseconds of the wall clock: MINID drops what is older.
            let mut pipe = ::redis::pipe();
            // Exact trims (no `~`): this runs once a minute, and the bound is the point.
            pipe.cmd("XTRIM")
                .arg(audit_key())
                .arg("MAXLEN")
                .arg(keep)
                .cmd("XTRIM")
                .arg(audit_key())
                .arg("MINID")
                .arg(before.saturating_mul(1000));
            let (over, old): (u64, u64) = pipe
                .query_async(&mut self.connection())
                .await
                .map_err(|error| self.fail(&error))?;
            Ok(usize::try_from(over + old).unwrap_or(usize::MAX))
        })
    }

    fn claim_jti<'a>(
        &'a self,
        issuer: &'a str,
        jti: &'a str,
        expires_at: u64,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let keep = expires_at.saturating_sub(now).max(GRACE_SECS);
            let claimed: i64 = self
                .claim_jti
                .key(jti_key(issuer, jti))
                .arg(expires_at)
                .arg(now)
                .arg(keep)
                .invoke_async(&mut self.connection())
                .await
                .map_err(|error| self.fail(&error))?;
            Ok(claimed == 1)
        })
    }

    fn release_claim<'a>(
        &'a self,
        issuer: &'a str,
        jti: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            let _: u64 = self
                .connection()
                .del(jti_key(issuer, jti))
                .await
                .map_err(|error| self.fail(&error))?;
            Ok(())
        })
    }

    fn put_ticket<'a>(
        &'a self,
        ticket: &'a str,
        record: SsoTicketRecord,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            let json = encode("a ticket", &record)?;
            let key = ticket_key(ticket);
            let mut pipe = ::redis::pipe();
            pipe.atomic()
                .del(&key)
                .ignore()
                .hset_multiple(
                    &key,
                    &[
                        ("record", json),
                        ("expires_at", record.expires_at.to_string()),
                        ("used", "0".to_owned()),
                    ],
                )
                .ignore()
                .expire_at(&key, collect_at(record.expires_at + TICKET_MEMORY_SECS))
                .ignore()
                .zadd(
                    tickets_key(),
                    ticket,
                    record.expires_at.saturating_add(TICKET_MEMORY_SECS),
                )
                .ignore();
            pipe.query_async::<()>(&mut self.connection())
                .await
                .map_err(|error| self.fail(&error))
        })
    }

    fn peek_ticket<'a>(
        &'a self,
        ticket: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<TicketTake>> {
        Box::pin(async move {
            let (record, expires_at, used): (Option<String>, Option<u64>, Option<String>) =
                ::redis::cmd("HMGET")
                    .arg(ticket_key(ticket))
                    .arg("record")
                    .arg("expires_at")
                    .arg("used")
                    .query_async(&mut self.connection())
                    .await
                    .map_err(|error| self.fail(&error))?;
            Ok(match (record, expires_at, used.as_deref()) {
                (Some(_), Some(expires_at), _) if now >= expires_at + TICKET_MEMORY_SECS => {
                    TicketTake::Unknown
                }
                (Some(_), _, Some("1")) => TicketTake::Used,
                (Some(_), Some(expires_at), _) if expires_at <= now => TicketTake::Expired,
                (Some(json), Some(_), _) => TicketTake::Taken(decode("a ticket", &json)?),
                _ => TicketTake::Unknown,
            })
        })
    }

    fn take_ticket<'a>(
        &'a self,
        ticket: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<TicketTake>> {
        Box::pin(async move {
            let answer: Vec<String> = self
                .take_ticket
                .key(ticket_key(ticket))
                .arg(now)
                .arg(TICKET_MEMORY_SECS)
                .invoke_async(&mut self.connection())
                .await
                .map_err(|error| self.fail(&error))?;
            match answer.as_slice() {
                [state] if state == "unknown" => Ok(TicketTake::Unknown),
                [state] if state == "used" => Ok(TicketTake::Used),
                [state] if state == "expired" => Ok(TicketTake::Expired),
                [state, json] if state == "taken" => {
                    decode("a ticket", json).map(TicketTake::Taken)
                }
                other => Err(unreadable("a ticket", format!("the answer {other:?}"))),
            }
        })
    }

    fn append_audit(&self, entry: AuditEntry) -> BoxFuture<'_, StoreResult<()>> {
        Box::pin(async move {
            let json = encode("an audit entry", &entry)?;
            ::redis::cmd("XADD")
                .arg(audit_key())
                .arg("MAXLEN")
                .arg("~")
                .arg(AUDIT_CAPACITY)
                .arg("*")
                .arg("entry")
                .arg(json)
                .query_async::<String>(&mut self.connection())
                .await
                .map(drop)
                .map_err(|error| self.fail(&error))
        })
    }

    fn recent_audit(&self, limit: usize) -> BoxFuture<'_, StoreResult<Vec<AuditEntry>>> {
        Box::pin(async move {
            if limit == 0 {
                return Ok(Vec::new());
            }
            let entries: Vec<(String, HashMap<String, String>)> = ::redis::cmd("XREVRANGE")
                .arg(audit_key())
                .arg("+")
                .arg("-")
                .arg("COUNT")
                .arg(limit)
                .query_async(&mut self.connection())
                .await
                .map_err(|error| self.fail(&error))?;
            entries
                .into_iter()
                .map(|(id, fields)| {
                    let json = fields.get("entry").ok_or_else(|| {
                        unreadable("an audit entry", format!("{id} has no entry"))
                    })?;
                    decode("an audit entry", json)
                })
                .collect()
        })
    }

    fn put_key(&self, key: SealedKey) -> BoxFuture<'_, StoreResult<()>> {
        Box::pin(async move {
            let name = sealed_key(key.panel_user_id);
            let mut pipe = ::redis::pipe();
            pipe.atomic()
                .del(&name)
                .ignore()
                .hset_multiple(
                    &name,
                    &[
                        ("identifier", key.identifier.into_bytes()),
                        ("nonce", key.nonce),
                        ("ciphertext", key.ciphertext),
                        ("created_at", key.created_at.to_string().into_bytes()),
                    ],
                )
                .ignore();
            pipe.query_async::<()>(&mut self.connection())
                .await
                .map_err(|error| self.fail(&error))
        })
    }

    fn key(&self, panel_user_id: u64) -> BoxFuture<'_, StoreResult<Option<SealedKey>>> {
        Box::pin(async move {
            let mut fields: HashMap<String, Vec<u8>> = self
                .connection()
                .hgetall(sealed_key(panel_user_id))
                .await
                .map_err(|error| self.fail(&error))?;
            if fields.is_empty() {
                return Ok(None);
            }
            let mut field = |name: &str| {
                fields
                    .remove(name)
                    .ok_or_else(|| unreadable("a sealed key", format!("it has no {name}")))
            };
            let identifier = String::from_utf8(field("identifier")?)
                .map_err(|error| unreadable("a sealed key", error))?;
            let nonce = field("nonce")?;
            let ciphertext = field("ciphertext")?;
            let created_at = String::from_utf8(field("created_at")?)
                .ok()
                .and_then(|text| text.parse().ok())
                .ok_or_else(|| unreadable("a sealed key", "created_at is not a number"))?;
            Ok(Some(SealedKey {
                panel_user_id,
                identifier,
                nonce,
                ciphertext,
                created_at,
            }))
        })
    }

    fn delete_key(&self, panel_user_id: u64) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(async move {
            let deleted: u64 = self
                .connection()
                .del(sealed_key(panel_user_id))
                .await
                .map_err(|error| self.fail(&error))?;
            Ok(deleted > 0)
        })
    }

    fn note_power<'a>(
        &'a self,
        server: &'a str,
        signal: &'a str,
        at_ms: u64,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            self.connection()
                .set_ex::<_, _, ()>(
                    format!("{PREFIX}power:{server}"),
                    format!("{signal} {at_ms}"),
                    120,
                )
                .await
                .map_err(|error| self.fail(&error))
        })
    }

    fn last_power<'a>(
        &'a self,
        server: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<(String, u64)>>> {
        Box::pin(async move {
            let value: Option<String> = self
                .connection()
                .get(format!("{PREFIX}power:{server}"))
                .await
                .map_err(|error| self.fail(&error))?;
            Ok(value.and_then(|value| {
                let (signal, at) = value.split_once(' ')?;
                Some((signal.to_owned(), at.parse().ok()?))
            }))
        })
    }

    fn enqueue_delivery(&self, delivery: Delivery) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(async move {
            let json = encode("a delivery", &delivery)?;
            let added: i64 = self
                .enqueue
                .key(format!("{PREFIX}outbox-seen:{}", delivery.id))
                .key(outbox_key(&delivery.id))
                .key(outbox_due_key())
                .arg(json)
                .arg(delivery.next_at)
                .arg(OUTBOX_SEEN_SECS)
                .invoke_async(&mut self.connection())
                .await
                .map_err(|error| self.fail(&error))?;
            Ok(added == 1)
        })
    }

    fn claim_deliveries(
        &self,
        now: u64,
        lease_secs: u64,
        limit: usize,
    ) -> BoxFuture<'_, StoreResult<Vec<Delivery>>> {
        Box::pin(async move {
            let claimed: Vec<String> = self
                .claim
                .key(outbox_due_key())
                .arg(now)
                .arg(now + lease_secs)
                .arg(limit)
                .invoke_async(&mut self.connection())
                .await
                .map_err(|error| self.fail(&error))?;
            claimed
                .iter()
                .map(|json| {
                    let mut delivery: Delivery = decode("a delivery", json)?;
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
        Box::pin(async move {
            let key = outbox_key(id);
            let mut connection = self.connection();
            match retry {
                None => {
                    let mut pipe = ::redis::pipe();
                    pipe.atomic()
                        .zrem(outbox_due_key(), &key)
                        .ignore()
                        .del(&key)
                        .ignore();
                    pipe.query_async::<()>(&mut connection)
                        .await
                        .map_err(|error| self.fail(&error))
                }
                Some((at, attempts, error)) => {
                    let json: Option<String> = connection
                        .get(&key)
                        .await
                        .map_err(|error| self.fail(&error))?;
                    let Some(json) = json else {
                        return Ok(());
                    };
                    let mut delivery: Delivery = decode("a delivery", &json)?;
                    delivery.attempts = attempts;
                    delivery.next_at = at;
                    delivery.last_error = Some(error);
                    let mut pipe = ::redis::pipe();
                    pipe.atomic()
                        .set(&key, encode("a delivery", &delivery)?)
                        .ignore()
                        .zadd(outbox_due_key(), &key, at)
                        .ignore();
                    pipe.query_async::<()>(&mut connection)
                        .await
                        .map_err(|error| self.fail(&error))
                }
            }
        })
    }

    fn pending_deliveries(&self, limit: usize) -> BoxFuture<'_, StoreResult<Vec<Delivery>>> {
        Box::pin(async move {
            let mut connection = self.connection();
            let keys: Vec<String> = connection
                .zrange(
                    outbox_due_key(),
                    0,
                    isize::try_from(limit).unwrap_or(isize::MAX) - 1,
                )
                .await
                .map_err(|error| self.fail(&error))?;
            let mut pending = Vec::new();
            for key in keys {
                let json: Option<String> = connection
                    .get(&key)
                    .await
                    .map_err(|error| self.fail(&error))?;
                if let Some(json) = json {
                    pending.push(decode("a delivery", &json)?);
                }
            }
            pending.sort_by_key(|delivery: &Delivery| delivery.created_at);
            Ok(pending)
        })
    }

    /// Sessions and jti records need no purge (their checks compare expiry, Redis
    /// collects them); tickets are forgotten here, so a late take says "unknown".
    fn purge<'a>(&'a self, now: u64) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            self.purge_tickets
                .key(tickets_key())
                .arg(now)
                .arg(format!("{PREFIX}ticket:"))
                .invoke_async::<i64>(&mut self.connection())
                .await
                .map(drop)
                .map_err(|error| self.fail(&error))
        })
    }

    fn ping(&self) -> BoxFuture<'_, StoreResult<()>> {
        Box::pin(async move {
            self.redis
                .ping()
                .await
                .map_err(|error| StoreError(error.to_string()))
        })
    }
}
