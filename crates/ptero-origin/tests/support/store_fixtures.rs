//! Records the store tests write: shared by `src/store/tests.rs` (memory, SQLite) and
//! `tests/redis_store.rs` (Redis), which include this file with `#[path]`. The includer
//! imports `Session`, `SsoTicketRecord`, `AuditEntry`, `AuditAction`, `PanelIdentity`,
//! `ServerId`, `Action`, `Delivery` and `AlertRecord`.

use super::*;

pub fn session(origin: &str, expires_at: u64) -> Session {
    Session {
        site: "https://shop.example.com".to_owned(),
        viewer: "42".to_owned(),
        origin: Some(origin.to_owned()),
        servers: vec![ServerId::parse("1a7c3f02").expect("id")],
        actions: vec![Action::Start],
        expires_at,
        panel_identity: Some(PanelIdentity::Email("alice@example.com".to_owned())),
    }
}

pub fn ticket(expires_at: u64) -> SsoTicketRecord {
    SsoTicketRecord {
        panel_user_label: "alice@example.com".to_owned(),
        panel_user_id: 2,
        site: "https://shop.example.com".to_owned(),
        viewer: "42".to_owned(),
        server: "1a7c3f02".to_owned(),
        origin: Some("https://shop.example.com".to_owned()),
        expires_at,
    }
}

pub fn audit(at: u64, action: AuditAction) -> AuditEntry {
    AuditEntry {
        at,
        site: "https://shop.example.com".to_owned(),
        viewer: "42".to_owned(),
        action,
        detail: format!("entry {at}"),
        server: Some("1a7c3f02".to_owned()),
        origin: None,
        outcome: "ok".to_owned(),
    }
}

pub fn delivery(id: &str, next_at: u64) -> Delivery {
    Delivery {
        id: id.to_owned(),
        target: "ops".to_owned(),
        alert: AlertRecord {
            kind: "crash".to_owned(),
            server: "1a7c3f02".to_owned(),
            server_name: "Survival".to_owned(),
            at_ms: next_at * 1000,
            detail: "Wings detected the server process in a crashed state".to_owned(),
        },
        attempts: 0,
        next_at,
        created_at: next_at,
        last_error: None,
    }
}
