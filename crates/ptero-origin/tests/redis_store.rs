//! The Redis store against a real `redis-server`: the behaviour asked of every store
//! (as `src/store/tests.rs` asks it of memory and SQLite), and the same records seen
//! through two connections, as two origin instances see them.

#[path = "support/redis_server.rs"]
mod redis_server;

use std::sync::Arc;

use ptero_api::{Action, ServerId};
use ptero_origin::redis::{Redis, RedisStore};
use ptero_origin::store::{
    AlertRecord, AuditAction, AuditEntry, Delivery, PanelIdentity, SealedKey, Session,
    SsoTicketRecord, Store, TicketTake, TICKET_MEMORY_SECS,
};
use redis_server::RedisServer;

/// A store on its own connection, as one origin instance has it.
async fn instance(server: &RedisServer) -> RedisStore {
    let (redis, _pushes) = Redis::connect(&server.address())
        .await
        .expect("connects to redis-server");
    RedisStore::new(redis)
}

#[path = "support/store_fixtures.rs"]
mod fixtures;
use fixtures::{audit, delivery, session, ticket};

#[tokio::test]
async fn a_jti_is_claimed_once_across_instances_until_it_expires() {
    let server = RedisServer::start();
    let (a, b) = (instance(&server).await, instance(&server).await);
    assert!(a.claim_jti("iss", "j1", 100, 10).await.expect("claim"));
    assert!(!b.claim_jti("iss", "j1", 100, 20).await.expect("claim"));
    assert!(b.claim_jti("other", "j1", 100, 20).await.expect("claim"));
    // ("a:b", "c") and ("a", "b:c") are different claims.
    assert!(a.claim_jti("a:b", "c", 100, 20).await.expect("claim"));
    assert!(a.claim_jti("a", "b:c", 100, 20).await.expect("claim"));
    // Expired by the caller's clock: free again, before any purge.
    assert!(b.claim_jti("iss", "j1", 300, 100).await.expect("claim"));
}

#[tokio::test]
async fn concurrent_claims_of_one_jti_succeed_once() {
    let server = RedisServer::start();
    let stores: Vec<Arc<RedisStore>> = vec![
        Arc::new(instance(&server).await),
        Arc::new(instance(&server).await),
        Arc::new(instance(&server).await),
    ];
    let claims = (0..12).map(|n| {
        let store = Arc::clone(&stores[n % stores.len()]);
        tokio::spawn(async move { store.claim_jti("iss", "race", 100, 10).await })
    });
    let mut won = 0;
    for claim in claims {
        if claim.await.expect("task").expect("claim") {
            won += 1;
        }
    }
    assert_eq!(won, 1);
}

#[tokio::test]
async fn a_session_is_shared_and_ends_at_its_expiry() {
    let server = RedisServer::start();
    let (a, b) = (instance(&server).await, instance(&server).await);
    let kept = session("https://a.example", 100);
    a.put_session("t", kept.clone()).await.expect("put");
    assert_eq!(b.session("t", 99).await.expect("get"), Some(kept));
    assert_eq!(b.session("t", 100).await.expect("get"), None);
    assert_eq!(b.session("unknown", 1).await.expect("get"), None);
}

#[tokio::test]
async fn revoking_an_origin_ends_only_its_sessions() {
    let server = RedisServer::start();
    let (a, b) = (instance(&server).await, instance(&server).await);
    a.put_session("a1", session("https://a.example", 100))
        .await
        .expect("put");
    b.put_session("a2", session("https://a.example", 100))
        .await
        .expect("put");
    a.put_session("b", session("https://b.example", 100))
        .await
        .expect("put");
    assert_eq!(
        b.revoke_origin("https://a.example").await.expect("revoke"),
        2
    );
    assert!(a.session("a1", 1).await.expect("get").is_none());
    assert!(a.session("a2", 1).await.expect("get").is_none());
    assert!(a.session("b", 1).await.expect("get").is_some());
    assert_eq!(
        b.revoke_origin("https://a.example").await.expect("revoke"),
        0
    );
}

#[tokio::test]
async fn a_ticket_is_taken_once_even_by_racing_instances() {
    let server = RedisServer::start();
    let stores: Vec<Arc<RedisStore>> = vec![
        Arc::new(instance(&server).await),
        Arc::new(instance(&server).await),
    ];
    stores[0].put_ticket("t1", ticket(160)).await.expect("put");
    let takes = (0..8).map(|n| {
        let store = Arc::clone(&stores[n % 2]);
        tokio::spawn(async move { store.take_ticket("t1", 120).await })
    });
    let mut taken = Vec::new();
    for take in takes {
        match take.await.expect("task").expect("take") {
            TicketTake::Taken(record) => taken.push(record),
            TicketTake::Used => {}
            other => panic!("a racing take saw {other:?}"),
        }
    }
    assert_eq!(taken, [ticket(160)]);
    assert_eq!(
        stores[1].take_ticket("t1", 121).await.expect("take"),
        TicketTake::Used
    );
    assert_eq!(
        stores[1].take_ticket("nope", 121).await.expect("take"),
        TicketTake::Unknown
    );
}

#[tokio::test]
async fn an_expired_ticket_cannot_be_taken_and_is_forgotten_by_purge() {
    let server = RedisServer::start();
    let store = instance(&server).await;
    store.put_ticket("t1", ticket(160)).await.expect("put");
    assert_eq!(
        store.take_ticket("t1", 160).await.expect("take"),
        TicketTake::Expired
    );
    store
        .purge(160 + TICKET_MEMORY_SECS - 1)
        .await
        .expect("purge");
    assert_eq!(
        store.take_ticket("t1", 160).await.expect("take"),
        TicketTake::Expired
    );
    store.purge(160 + TICKET_MEMORY_SECS).await.expect("purge");
    assert_eq!(
        store.take_ticket("t1", 160).await.expect("take"),
        TicketTake::Unknown
    );
}

#[tokio::test]
async fn the_audit_stream_lists_the_newest_first_from_any_instance() {
    let server = RedisServer::start();
    let (a, b) = (instance(&server).await, instance(&server).await);
    a.append_audit(audit(1, AuditAction::Power))
        .await
        .expect("append");
    b.append_audit(audit(2, AuditAction::Sso))
        .await
        .expect("append");
    a.append_audit(audit(3, AuditAction::KeyProvisioned))
        .await
        .expect("append");
    assert_eq!(
        b.recent_audit(2).await.expect("recent"),
        [
            audit(3, AuditAction::KeyProvisioned),
            audit(2, AuditAction::Sso)
        ]
    );
    assert_eq!(a.recent_audit(10).await.expect("recent").len(), 3);
    assert!(a.recent_audit(0).await.expect("recent").is_empty());
}

#[tokio::test]
async fn a_sealed_key_is_kept_by_panel_user_byte_for_byte() {
    let server = RedisServer::start();
    let (a, b) = (instance(&server).await, instance(&server).await);
    let key = SealedKey {
        panel_user_id: 2,
        identifier: "ptlc_abcdefghijk".to_owned(),
        // Every byte value, zero and invalid UTF-8 included.
        nonce: vec![0, 255, 1, 128, 0, 0, 7, 8, 9, 10, 11, 12],
        ciphertext: (0..=255).collect(),
        created_at: 5,
    };
    a.put_key(key.clone()).await.expect("put");
    assert_eq!(b.key(2).await.expect("get"), Some(key.clone()));
    assert_eq!(b.key(3).await.expect("get"), None);
    let replaced = SealedKey {
        identifier: "ptlc_zyxwvutsrqp".to_owned(),
        ciphertext: vec![1, 2, 3],
        ..key
    };
    b.put_key(replaced.clone()).await.expect("replace");
    assert_eq!(a.key(2).await.expect("get"), Some(replaced));
    assert!(a.delete_key(2).await.expect("delete"));
    assert!(!b.delete_key(2).await.expect("delete"));
    assert_eq!(a.key(2).await.expect("get"), None);
}

#[tokio::test]
async fn a_down_redis_is_an_error_never_an_empty_answer() {
    let mut server = RedisServer::start();
    let store = instance(&server).await;
    store
        .put_session("t", session("https://a.example", u64::MAX / 2))
        .await
        .expect("put");
    server.kill();
    let error = store.session("t", 1).await.expect_err("Redis is down");
    assert!(error.to_string().contains("Redis at 127.0.0.1"), "{error}");
    assert!(store.claim_jti("iss", "j", 100, 10).await.is_err());
    assert!(store.take_ticket("t", 10).await.is_err());
    assert!(store.ping().await.is_err());
}

#[tokio::test]
async fn an_unreadable_record_is_an_error_not_a_session() {
    let server = RedisServer::start();
    let store = instance(&server).await;
    let mut connection = server.connection().await;
    redis::cmd("SET")
        .arg("ptero-origin:session:forged")
        .arg("{\"site\": \"https://shop.example.com\"")
        .query_async::<()>(&mut connection)
        .await
        .expect("SET");
    let error = store.session("forged", 1).await.expect_err("unreadable");
    assert!(error.to_string().contains("not readable"), "{error}");
    redis::cmd("HSET")
        .arg("ptero-origin:sealed-key:9")
        .arg("identifier")
        .arg("ptlc_abcdefghijk")
        .query_async::<()>(&mut connection)
        .await
        .expect("HSET");
    let error = store.key(9).await.expect_err("incomplete");
    assert!(error.to_string().contains("no nonce"), "{error}");
}

#[tokio::test]
async fn a_released_claim_can_be_claimed_again_by_another_instance() {
    let server = RedisServer::start();
    let (a, b) = (instance(&server).await, instance(&server).await);
    assert!(a.claim_jti("lease", "u2", 100, 10).await.expect("claim"));
    assert!(!b.claim_jti("lease", "u2", 100, 11).await.expect("claim"));
    a.release_claim("lease", "u2").await.expect("release");
    assert!(b.claim_jti("lease", "u2", 100, 12).await.expect("claim"));
}

#[tokio::test]
async fn sign_out_site_revocation_peeks_and_audit_retention_work_across_instances() {
    let server = RedisServer::start();
    let (a, b) = (instance(&server).await, instance(&server).await);
    let mut other = session("https://a.example", 100);
    other.site = "https://other-site.example".to_owned();
    a.put_session("s1", session("https://a.example", 100))
        .await
        .expect("put");
    a.put_session("s2", other).await.expect("put");
    a.put_session("s3", session("https://a.example", 100))
        .await
        .expect("put");
    assert!(b.delete_session("s3").await.expect("delete"));
    assert_eq!(
        b.revoke_site("https://shop.example.com")
            .await
            .expect("revoke"),
        1
    );
    assert!(a.session("s1", 1).await.expect("read").is_none());
    assert!(a.session("s2", 1).await.expect("read").is_some());

    a.put_ticket("t", ticket(100)).await.expect("ticket");
    assert!(matches!(
        b.peek_ticket("t", 10).await.expect("peek"),
        TicketTake::Taken(_)
    ));
    assert!(matches!(
        b.take_ticket("t", 10).await.expect("take"),
        TicketTake::Taken(_)
    ));
    assert_eq!(
        a.peek_ticket("t", 10).await.expect("peek"),
        TicketTake::Used
    );

    for at in 1..=10 {
        a.append_audit(audit(at, AuditAction::Power))
            .await
            .expect("audit");
    }
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    b.trim_audit(5, wall - 3600).await.expect("trim by count");
    assert_eq!(a.recent_audit(100).await.expect("audit").len(), 5);
    b.trim_audit(100, wall + 10).await.expect("trim by age");
    assert!(a.recent_audit(100).await.expect("audit").is_empty());
}

#[tokio::test]
async fn instances_sharing_redis_share_one_upstream_ceiling() {
    use ptero_origin::panel::{Ceiling, Priority};
    use std::time::Duration;
    let server = RedisServer::start();
    let connect = || async {
        let (redis, _pushes) = Redis::connect(&server.address()).await.expect("redis");
        Ceiling::with_redis(Some(10), Some(redis))
    };
    let (a, b) = (connect().await, connect().await);
    let short = Duration::from_millis(300);
    for turn in 0..10 {
        let ceiling = if turn % 2 == 0 { &a } else { &b };
        ceiling
            .acquire("ptlc_SbxAdmin001", short, Priority::Feed)
            .await
            .expect("within the ceiling");
    }
    // The minute's 10 are spent between the two: neither may send an eleventh.
    for ceiling in [&a, &b] {
        assert!(
            ceiling
                .acquire("ptlc_SbxAdmin001", short, Priority::Feed)
                .await
                .is_err(),
            "an instance spent the ceiling again on its own"
        );
    }
    // Another key has its own.
    a.acquire("ptlc_SbxAlice001", short, Priority::Feed)
        .await
        .expect("another key");
}

/// The outbox seen from two instances: the same alert is queued once, a claim by one keeps
/// the other off it, and a retry is visible to both.
async fn outbox_pair(server: &RedisServer) -> Vec<(&'static str, Box<dyn Store>)> {
    vec![
        ("first", Box::new(instance(server).await)),
        ("second", Box::new(instance(server).await)),
    ]
}

#[tokio::test]
async fn the_outbox_is_shared_by_instances() {
    let server = RedisServer::start();
    let stores = outbox_pair(&server).await;
    let (a, b) = (&stores[0].1, &stores[1].1);
    assert!(a.enqueue_delivery(delivery("d1", 10)).await.expect("queue"));
    assert!(
        !b.enqueue_delivery(delivery("d1", 10)).await.expect("queue"),
        "queued once"
    );
    assert_eq!(
        b.claim_deliveries(10, 30, 10).await.expect("claim").len(),
        1
    );
    assert!(
        a.claim_deliveries(11, 30, 10)
            .await
            .expect("claim")
            .is_empty(),
        "claimed by b"
    );
    b.finish_delivery("d1", Some((50, 1, "timeout".to_owned())))
        .await
        .expect("retry");
    assert_eq!(
        a.pending_deliveries(10).await.expect("pending")[0].attempts,
        1
    );
    assert_eq!(
        a.claim_deliveries(50, 30, 10).await.expect("claim").len(),
        1
    );
    a.finish_delivery("d1", None).await.expect("delivered");
    assert!(b.pending_deliveries(10).await.expect("pending").is_empty());
    assert!(
        !b.enqueue_delivery(delivery("d1", 10)).await.expect("queue"),
        "never again"
    );
}

#[tokio::test]
async fn viewers_may_spend_only_half_of_the_shared_ceiling() {
    use ptero_origin::panel::{Ceiling, Priority};
    use std::time::Duration;
    let server = RedisServer::start();
    let (redis, _pushes) = Redis::connect(&server.address()).await.expect("redis");
    let ceiling = Ceiling::with_redis(Some(10), Some(redis));
    let short = Duration::from_millis(300);
    for _ in 0..5 {
        ceiling
            .acquire("k", short, Priority::Viewer)
            .await
            .expect("the viewers' half");
    }
    assert!(ceiling.acquire("k", short, Priority::Viewer).await.is_err());
    for _ in 0..5 {
        ceiling
            .acquire("k", short, Priority::Feed)
            .await
            .expect("the feeds' half is kept");
    }
}
