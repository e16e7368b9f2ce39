//! How many streams are open per session and per client IP: a stream over either cap is
//! refused with a clear reason (each open stream holds a connection, a buffer per server
//! and a subscription), and a slot is given back when its stream ends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use ptero_api::origin::OriginErrorCode;

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Holder {
    Session(String),
    Ip(IpAddr),
}

/// The counts, shared by every stream of this instance.
#[derive(Debug)]
pub struct StreamSlots {
    per_session: usize,
    per_ip: usize,
    open: Arc<Mutex<HashMap<Holder, usize>>>,
}

/// One open stream's slots; dropping it frees them.
#[derive(Debug)]
pub struct StreamSlot {
    open: Arc<Mutex<HashMap<Holder, usize>>>,
    holders: Vec<Holder>,
}

impl StreamSlots {
    pub fn new(per_session: usize, per_ip: usize) -> Self {
        Self {
            per_session,
            per_ip,
            open: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// A slot for a stream carrying the sessions stored under `session_keys`, from `ip`.
    pub fn acquire_many(
        &self,
        session_keys: &[&str],
        ip: Option<IpAddr>,
    ) -> Result<StreamSlot, AppError> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let mut holders: Vec<Holder> = Vec::new();
        for key in session_keys {
            let holder = Holder::Session((*key).to_owned());
            if holders.contains(&holder) {
                continue;
            }
            if open.get(&holder).copied().unwrap_or(0) >= self.per_session {
                return Err(AppError::refused(
                    OriginErrorCode::TooManyStreams,
                    format!(
                        "this session already has {} open streams, the most allowed: close another page or tab that shows these cards",
                        self.per_session
                    ),
                ));
            }
            holders.push(holder);
        }
        if let Some(ip) = ip {
            let holder = Holder::Ip(ip);
            if open.get(&holder).copied().unwrap_or(0) >= self.per_ip {
                return Err(AppError::refused(
                    OriginErrorCode::TooManyStreams,
                    format!(
                        "{} streams are open from this address, the most allowed: close some pages or tabs with server cards",
                        self.per_ip
                    ),
                ));
            }
            holders.push(holder);
        }
        for holder in &holders {
            *open.entry(holder.clone()).or_default() += 1;
        }
        Ok(StreamSlot {
            open: Arc::clone(&self.open),
            holders,
        })
    }

    /// A slot for a stream of the session stored under `session_key` from `ip`.
    pub fn acquire(&self, session_key: &str, ip: Option<IpAddr>) -> Result<StreamSlot, AppError> {
        self.acquire_many(&[session_key], ip)
    }

    /// Streams open under `session_key` (tests, metrics).
    pub fn of_session(&self, session_key: &str) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&Holder::Session(session_key.to_owned()))
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        for holder in &self.holders {
            if let Some(count) = open.get_mut(holder) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    open.remove(holder);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_over_the_session_cap_is_refused_and_a_closed_one_frees_its_slot() {
        let slots = StreamSlots::new(2, 10);
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        let first = slots.acquire("s", ip).expect("first");
        let _second = slots.acquire("s", ip).expect("second");
        let refused = slots.acquire("s", ip).expect_err("third");
        assert_eq!(refused.code(), OriginErrorCode::TooManyStreams);
        assert!(slots.acquire("other", ip).is_ok());
        drop(first);
        assert!(slots.acquire("s", ip).is_ok());
    }

    #[test]
    fn the_ip_cap_counts_every_session_from_one_address() {
        let slots = StreamSlots::new(5, 2);
        let ip = Some(IpAddr::from([10, 0, 0, 9]));
        let _a = slots.acquire("a", ip).expect("a");
        let _b = slots.acquire("b", ip).expect("b");
        assert!(slots.acquire("c", ip).is_err());
        assert!(slots
            .acquire("c", Some(IpAddr::from([10, 0, 0, 10])))
            .is_ok());
    }
}
