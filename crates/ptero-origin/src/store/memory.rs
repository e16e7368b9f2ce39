//! An in-process [`Store`]: lost on restart, fine for one instance and for tests.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use futures_util::future::BoxFuture;

use super::{
    AuditEntry, Delivery, SealedKey, Session, SsoTicketRecord, Store, StoreResult, TicketTake,
    TICKET_MEMORY_SECS,
};

/// Audit entries kept in memory; older ones are dropped.
const AUDIT_CAPACITY: usize = 10_000;

#[derive(Debug, Default)]
pub struct MemoryStore {
    sessions: Mutex<HashMap<String, Session>>,
    jtis: Mutex<HashMap<(String, String), u64>>,
    /// Ticket → (grant, used).
    tickets: Mutex<HashMap<String, (SsoTicketRecord, bool)>>,
    audit: Mutex<VecDeque<AuditEntry>>,
    keys: Mutex<HashMap<u64, SealedKey>>,
    /// The last power signal per server, with its time (unix ms).
    power: Mutex<HashMap<String, (String, u64)>>,
    /// Queued deliveries by id, and the ids ever queued.
    outbox: Mutex<(HashMap<String, Delivery>, std::collections::HashSet<String>)>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn ready<'a, T: Send + 'a>(value: T) -> BoxFuture<'a, StoreResult<T>> {
    Box::pin(async move { Ok(value) })
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
        ready(())
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
        ready(found)
    }

    fn delete_session<'a>(&'a self, key: &'a str) -> BoxFuture<'a, StoreResult<bool>> {
        ready(lock(&self.sessions).remove(key).is_some())
    }

    fn revoke_origin<'a>(&'a self, origin: &'a str) -> BoxFuture<'a, StoreResult<usize>> {
        let mut sessions = lock(&self.sessions);
        let before = sessions.len();
        sessions.retain(|_, session| session.origin.as_deref() != Some(origin));
        ready(before - sessions.len())
    }

    fn revoke_site<'a>(&'a self, site: &'a str) -> BoxFuture<'a, StoreResult<usize>> {
        let mut sessions = lock(&self.sessions);
        let before = sessions.len();
        sessions.retain(|_, session| session.site != site);
        ready(before - sessions.len())
    }

    fn trim_audit(&self, keep: usize, before: u64) -> BoxFuture<'_, StoreResult<usize>> {
        let mut audit = lock(&self.audit);
        let count = audit.len();
        audit.retain(|entry| entry.at >= before);
        while audit.len() > keep {
            audit.pop_front();
        }
        ready(count - audit.len())
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
        ready(fresh)
    }

    fn release_claim<'a>(
        &'a self,
        issuer: &'a str,
        jti: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        lock(&self.jtis).remove(&(issuer.to_owned(), jti.to_owned()));
        ready(())
    }

    fn put_ticket<'a>(
        &'a self,
        ticket: &'a str,
        record: SsoTicketRecord,
    ) -> BoxFuture<'a, StoreResult<()>> {
        lock(&self.tickets).insert(ticket.to_owned(), (record, false));
        ready(())
    }

    fn peek_ticket<'a>(
        &'a self,
        ticket: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<TicketTake>> {
        let tickets = lock(&self.tickets);
        let peek = match tickets.get(ticket) {
            None => TicketTake::Unknown,
            Some((_, true)) => TicketTake::Used,
            Some((record, _)) if record.expires_at <= now => TicketTake::Expired,
            Some((record, _)) => TicketTake::Taken(record.clone()),
        };
        ready(peek)
    }

    fn take_ticket<'a>(
        &'a self,
        ticket: &'a str,
        now: u64,
    ) -> BoxFuture<'a, StoreResult<TicketTake>> {
        let mut tickets = lock(&self.tickets);
        let take = match tickets.get_mut(ticket) {
            None => TicketTake::Unknown,
            Some((_, true)) => TicketTake::Used,
            Some((record, _)) if record.expires_at <= now => TicketTake::Expired,
            Some((record, used)) => {
                *used = true;
                TicketTake::Taken(record.clone())
            }
        };
        ready(take)
    }

    fn append_audit(&self, entry: AuditEntry) -> BoxFuture<'_, StoreResult<()>> {
        let mut audit = lock(&self.audit);
        if audit.len() >= AUDIT_CAPACITY {
            audit.pop_front();
        }
        audit.push_back(entry);
        ready(())
    }

    fn recent_audit(&self, limit: usize) -> BoxFuture<'_, StoreResult<Vec<AuditEntry>>> {
        let recent = lock(&self.audit)
            .iter()
            .rev()
            .take(limit)
            .cloned()
            .collect();
        ready(recent)
    }

    fn put_key(&self, key: SealedKey) -> BoxFuture<'_, StoreResult<()>> {
        lock(&self.keys).insert(key.panel_user_id, key);
        ready(())
    }

    fn key(&self, panel_user_id: u64) -> BoxFuture<'_, StoreResult<Option<SealedKey>>> {
        ready(lock(&self.keys).get(&panel_user_id).cloned())
    }

    fn delete_key(&self, panel_user_id: u64) -> BoxFuture<'_, StoreResult<bool>> {
        ready(lock(&self.keys).remove(&panel_user_id).is_some())
    }

    fn note_power<'a>(
        &'a self,
        server: &'a str,
        signal: &'a str,
        at_ms: u64,
    ) -> BoxFuture<'a, StoreResult<()>> {
        lock(&self.power).insert(server.to_owned(), (signal.to_owned(), at_ms));
        ready(())
    }

    fn last_power<'a>(
        &'a self,
        server: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<(String, u64)>>> {
        ready(lock(&self.power).get(server).cloned())
    }

    fn enqueue_delivery(&self, delivery: Delivery) -> BoxFuture<'_, StoreResult<bool>> {
        let mut outbox = lock(&self.outbox);
        let fresh = outbox.1.insert(delivery.id.clone());
        if fresh {
            outbox.0.insert(delivery.id.clone(), delivery);
        }
        ready(fresh)
    }

    fn claim_deliveries(
        &self,
        now: u64,
        lease_secs: u64,
        limit: usize,
    ) -> BoxFuture<'_, StoreResult<Vec<Delivery>>> {
        let mut outbox = lock(&self.outbox);
        let mut due: Vec<&mut Delivery> = outbox
            .0
            .values_mut()
            .filter(|delivery| delivery.next_at <= now)
            .collect();
        due.sort_by_key(|delivery| (delivery.next_at, delivery.created_at));
        let claimed = due
            .into_iter()
            .take(limit)
            .map(|delivery| {
                delivery.next_at = now + lease_secs;
                delivery.clone()
            })
            .collect();
        ready(claimed)
    }

    fn finish_delivery<'a>(
        &'a self,
        id: &'a str,
        retry: Option<(u64, u32, String)>,
    ) -> BoxFuture<'a, StoreResult<()>> {
        let mut outbox = lock(&self.outbox);
        match retry {
            None => {
                outbox.0.remove(id);
            }
            Some((at, attempts, error)) => {
                if let Some(delivery) = outbox.0.get_mut(id) {
                    delivery.next_at = at;
                    delivery.attempts = attempts;
                    delivery.last_error = Some(error);
                }
            }
        }
        ready(())
    }

    fn pending_deliveries(&self, limit: usize) -> BoxFuture<'_, StoreResult<Vec<Delivery>>> {
        let outbox = lock(&self.outbox);
        let mut pending: Vec<Delivery> = outbox.0.values().cloned().collect();
        pending.sort_by_key(|delivery| delivery.created_at);
        pending.truncate(limit);
        ready(pending)
    }

    fn purge<'a>(&'a self, now: u64) -> BoxFuture<'a, StoreResult<()>> {
        lock(&self.sessions).retain(|_, session| session.expires_at > now);
        lock(&self.jtis).retain(|_, until| *until > now);
        lock(&self.tickets).retain(|_, (record, _)| record.expires_at + TICKET_MEMORY_SECS > now);
        ready(())
    }
}
