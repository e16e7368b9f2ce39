//! Writing the audit log: who (site + viewer) did what to which server, from which
//! embedding page, and how it went. A failed write is logged loudly but does not undo
//! the action it records.

use crate::auth::now;
use crate::error::AppError;
use crate::store::{AuditAction, AuditEntry, Store};

/// What one audited attempt was about.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub site: &'a str,
    pub viewer: &'a str,
    pub origin: Option<&'a str>,
    pub server: Option<&'a str>,
    pub action: AuditAction,
    /// `restart`, `ticket issued`, … — never a secret.
    pub detail: String,
}

impl Attempt<'_> {
    /// The entry for this attempt with its outcome.
    pub fn entry<T>(&self, outcome: &Result<T, AppError>) -> AuditEntry {
        AuditEntry {
            at: now(),
            site: self.site.to_owned(),
            viewer: self.viewer.to_owned(),
            action: self.action,
            detail: self.detail.clone(),
            server: self.server.map(str::to_owned),
            origin: self.origin.map(str::to_owned),
            outcome: match outcome {
                Ok(_) => "ok".to_owned(),
                Err(error) => format!("failed: {}", error.code()),
            },
        }
    }
}

/// Appends the attempt's entry and says so in the log.
pub async fn record<T>(store: &dyn Store, attempt: &Attempt<'_>, outcome: &Result<T, AppError>) {
    let entry = attempt.entry(outcome);
    tracing::info!(
        target: "ptero_origin::audit",
        site = %entry.site,
        viewer = %entry.viewer,
        action = %entry.action,
        detail = %entry.detail,
        server = entry.server.as_deref().unwrap_or("-"),
        origin = entry.origin.as_deref().unwrap_or("-"),
        outcome = %entry.outcome,
        "audit"
    );
    if let Err(error) = store.append_audit(entry).await {
        tracing::error!(%error, "the audit log could not be written");
    }
}
