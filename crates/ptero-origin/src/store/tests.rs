//! The same behaviour asked of every store.

use super::*;

#[path = "../../tests/support/store_fixtures.rs"]
mod fixtures;
use fixtures::{audit, delivery, session, ticket};

fn stores() -> Vec<(&'static str, Box<dyn Store>)> {
    vec![
        ("memory", Box::new(MemoryStore::new())),
        (
            "sqlite",
            Box::new(SqliteStore::open_in_memory().expect("sqlite")),
        ),
    ]
}

#[tokio::test]
async fn a_jti_is_accepted_once_until_it_expires() {
    for (name, store) in stores() {
        assert!(
            store.claim_jti("iss", "j1", 100, 10).await.expect(name),
            "{name}"
        );
        assert!(
            !store.claim_jti("iss", "j1", 100, 20).await.expect(name),
            "{name}"
        );
        assert!(
            store.claim_jti("other", "j1", 100, 20).await.expect(name),
            "{name}"
        );
        store.purge(200).await.expect(name);
        assert!(
            store.claim_jti("iss", "j1", 300, 200).await.expect(name),
            "{name}"
        );
    }
}

#[tokio::test]
async fn an_expired_jti_record_may_be_claimed_again_before_a_purge() {
    for (name, store) in stores() {
        assert!(
            store.claim_jti("iss", "j1", 100, 10).await.expect(name),
            "{name}"
        );
        assert!(
            store.claim_jti("iss", "j1", 300, 150).await.expect(name),
            "{name}"
        );
        assert!(
            !store.claim_jti("iss", "j1", 300, 160).await.expect(name),
            "{name}"
        );
    }
}

#[tokio::test]
async fn an_expired_session_is_gone() {
    for (name, store) in stores() {
        let stored = session("https://a.example", 100);
        store.put_session("t", stored.clone()).await.expect(name);
        assert_eq!(
            store.session("t", 99).await.expect(name),
            Some(stored),
            "{name}"
        );
        assert!(
            store.session("t", 100).await.expect(name).is_none(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn revoking_an_origin_ends_only_its_sessions() {
    for (name, store) in stores() {
        store
            .put_session("a", session("https://a.example", 100))
            .await
            .expect(name);
        store
            .put_session("b", session("https://b.example", 100))
            .await
            .expect(name);
        assert_eq!(
            store.revoke_origin("https://a.example").await.expect(name),
            1,
            "{name}"
        );
        assert!(store.session("a", 1).await.expect(name).is_none(), "{name}");
        assert!(store.session("b", 1).await.expect(name).is_some(), "{name}");
    }
}

#[tokio::test]
async fn a_ticket_is_taken_once() {
    for (name, store) in stores() {
        store.put_ticket("t1", ticket(160)).await.expect(name);
        assert_eq!(
            store.take_ticket("t1", 120).await.expect(name),
            TicketTake::Taken(ticket(160)),
            "{name}"
        );
        assert_eq!(
            store.take_ticket("t1", 121).await.expect(name),
            TicketTake::Used,
            "{name}"
        );
        assert_eq!(
            store.take_ticket("nope", 121).await.expect(name),
            TicketTake::Unknown,
            "{name}"
        );
    }
}

#[tokio::test]
async fn an_expired_ticket_cannot_be_taken() {
    for (name, store) in stores() {
        store.put_ticket("t1", ticket(160)).await.expect(name);
        assert_eq!(
            store.take_ticket("t1", 160).await.expect(name),
            TicketTake::Expired,
            "{name}"
        );
        store.purge(160 + TICKET_MEMORY_SECS).await.expect(name);
        assert_eq!(
            store.take_ticket("t1", 160).await.expect(name),
            TicketTake::Unknown,
            "{name}"
        );
    }
}

#[tokio::test]
async fn concurrent_takes_of_a_ticket_succeed_once() {
    for (name, store) in stores() {
        let store: Arc<dyn Store> = Arc::from(store);
        store.put_ticket("t1", ticket(160)).await.expect(name);
        let takes = (0..8).map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.take_ticket("t1", 100).await })
        });
        let mut taken = 0;
        for take in takes {
            if let TicketTake::Taken(_) = take.await.expect("task").expect(name) {
                taken += 1;
            }
        }
        assert_eq!(taken, 1, "{name}");
    }
}

#[tokio::test]
async fn the_audit_log_lists_the_newest_first() {
    for (name, store) in stores() {
        for (at, action) in [
            (1, AuditAction::Power),
            (2, AuditAction::Sso),
            (3, AuditAction::KeyProvisioned),
        ] {
            store.append_audit(audit(at, action)).await.expect(name);
        }
        let recent = store.recent_audit(2).await.expect(name);
        assert_eq!(
            recent,
            [
                audit(3, AuditAction::KeyProvisioned),
                audit(2, AuditAction::Sso)
            ],
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_sealed_key_is_kept_by_panel_user() {
    for (name, store) in stores() {
        let key = SealedKey {
            panel_user_id: 2,
            identifier: "ptlc_abcdefghijk".to_owned(),
            nonce: vec![1; 12],
            ciphertext: vec![7; 48],
            created_at: 5,
        };
        store.put_key(key.clone()).await.expect(name);
        assert_eq!(store.key(2).await.expect(name), Some(key), "{name}");
        assert_eq!(store.key(3).await.expect(name), None, "{name}");
        assert!(store.delete_key(2).await.expect(name), "{name}");
        assert!(!store.delete_key(2).await.expect(name), "{name}");
        assert_eq!(store.key(2).await.expect(name), None, "{name}");
    }
}

#[tokio::test]
async fn a_sqlite_file_keeps_its_records_across_reopening() {
    let dir = std::env::temp_dir().join(format!("ptero-origin-store-{}", std::process::id()));
    let path = dir.join("state.db");
    let _ = std::fs::remove_file(&path);
    {
        let store = SqliteStore::open(&path).expect("open");
        store
            .put_session("t", session("https://a.example", 100))
            .await
            .expect("session");
        assert!(store.claim_jti("iss", "j1", 100, 10).await.expect("jti"));
        store
            .append_audit(audit(1, AuditAction::Command))
            .await
            .expect("audit");
    }
    let store = SqliteStore::open(&path).expect("reopen");
    assert!(store.session("t", 50).await.expect("session").is_some());
    assert!(!store.claim_jti("iss", "j1", 100, 20).await.expect("jti"));
    assert_eq!(
        store.recent_audit(10).await.expect("audit"),
        [audit(1, AuditAction::Command)]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_released_claim_can_be_claimed_again() {
    for (name, store) in stores() {
        assert!(store.claim_jti("lease", "u2", 100, 10).await.expect(name));
        assert!(!store.claim_jti("lease", "u2", 100, 11).await.expect(name));
        store.release_claim("lease", "u2").await.expect(name);
        assert!(
            store.claim_jti("lease", "u2", 100, 12).await.expect(name),
            "{name}"
        );
        // Releasing what is not held is harmless.
        store.release_claim("lease", "nobody").await.expect(name);
    }
}

#[tokio::test]
async fn revoking_a_site_or_signing_out_ends_only_those_sessions() {
    for (name, store) in stores() {
        let mut other = session("https://a.example", 100);
        other.site = "https://other-site.example".to_owned();
        store
            .put_session("a", session("https://a.example", 100))
            .await
            .expect(name);
        store.put_session("b", other).await.expect(name);
        store
            .put_session("c", session("https://a.example", 100))
            .await
            .expect(name);
        assert!(store.delete_session("c").await.expect(name), "{name}");
        assert!(!store.delete_session("c").await.expect(name), "{name}");
        assert_eq!(
            store
                .revoke_site("https://shop.example.com")
                .await
                .expect(name),
            1,
            "{name}"
        );
        assert!(store.session("a", 1).await.expect(name).is_none(), "{name}");
        assert!(store.session("b", 1).await.expect(name).is_some(), "{name}");
    }
}

#[tokio::test]
async fn peeking_at_a_ticket_spends_nothing() {
    for (name, store) in stores() {
        store.put_ticket("t", ticket(100)).await.expect(name);
        for _ in 0..3 {
            assert!(
                matches!(
                    store.peek_ticket("t", 10).await.expect(name),
                    TicketTake::Taken(_)
                ),
                "{name}"
            );
        }
        assert!(matches!(
            store.take_ticket("t", 10).await.expect(name),
            TicketTake::Taken(_)
        ));
        assert_eq!(
            store.peek_ticket("t", 10).await.expect(name),
            TicketTake::Used,
            "{name}"
        );
        assert_eq!(
            store.peek_ticket("never", 10).await.expect(name),
            TicketTake::Unknown
        );
        store.put_ticket("late", ticket(5)).await.expect(name);
        assert_eq!(
            store.peek_ticket("late", 10).await.expect(name),
            TicketTake::Expired
        );
    }
}

#[tokio::test]
async fn the_audit_log_keeps_its_count_and_age() {
    for (name, store) in stores() {
        for at in 1..=10 {
            store
                .append_audit(audit(at, AuditAction::Power))
                .await
                .expect(name);
        }
        // Older than 3 goes; then at most 5 stay.
        store.trim_audit(5, 3).await.expect(name);
        let kept: Vec<u64> = store
            .recent_audit(100)
            .await
            .expect(name)
            .iter()
            .map(|entry| entry.at)
            .collect();
        assert_eq!(kept, vec![10, 9, 8, 7, 6], "{name}");
    }
}

#[tokio::test]
async fn an_outbox_delivers_each_alert_once_and_keeps_what_failed() {
    for (name, store) in stores() {
        assert!(
            store
                .enqueue_delivery(delivery("d1", 10))
                .await
                .expect(name),
            "{name}"
        );
        assert!(
            !store
                .enqueue_delivery(delivery("d1", 10))
                .await
                .expect(name),
            "{name}: duplicate"
        );
        assert!(
            store
                .claim_deliveries(5, 30, 10)
                .await
                .expect(name)
                .is_empty(),
            "{name}: not due"
        );
        let claimed = store.claim_deliveries(10, 30, 10).await.expect(name);
        assert_eq!(claimed.len(), 1, "{name}");
        assert!(
            store
                .claim_deliveries(11, 30, 10)
                .await
                .expect(name)
                .is_empty(),
            "{name}: leased"
        );
        store
            .finish_delivery("d1", Some((50, 1, "connection refused".to_owned())))
            .await
            .expect(name);
        let pending = store.pending_deliveries(10).await.expect(name);
        assert_eq!(pending.len(), 1, "{name}");
        assert_eq!(pending[0].attempts, 1, "{name}");
        assert_eq!(
            pending[0].last_error.as_deref(),
            Some("connection refused"),
            "{name}"
        );
        assert!(
            store
                .claim_deliveries(49, 30, 10)
                .await
                .expect(name)
                .is_empty(),
            "{name}"
        );
        assert_eq!(
            store.claim_deliveries(50, 30, 10).await.expect(name).len(),
            1,
            "{name}"
        );
        store.finish_delivery("d1", None).await.expect(name);
        assert!(
            store.pending_deliveries(10).await.expect(name).is_empty(),
            "{name}"
        );
        assert!(
            store
                .claim_deliveries(1000, 30, 10)
                .await
                .expect(name)
                .is_empty(),
            "{name}"
        );
        assert!(
            !store
                .enqueue_delivery(delivery("d1", 10))
                .await
                .expect(name),
            "{name}: delivered once"
        );
    }
}
