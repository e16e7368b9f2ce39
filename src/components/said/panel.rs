//! The panel's error answers, by what the person can do about them.

use ptero_api::error::{ConflictReason, ForbiddenReason};
use ptero_api::PanelError;

use super::Said;
use crate::i18n::ui::{t, tf};

impl Said for PanelError {
    fn said(&self) -> String {
        let n = |status: &u16| status.to_string();
        match self {
            PanelError::Unauthenticated => t("panel.unauthenticated").into(),
            PanelError::Forbidden(reason) => reason.said(),
            PanelError::NotFound => t("panel.not_found").into(),
            PanelError::Conflict { reason } => reason.said(),
            PanelError::Validation { errors } if errors.is_empty() => {
                tf("panel.invalid", &[t("panel.invalid_field")])
            }
            PanelError::Validation { errors } => {
                let fields: Vec<String> = errors
                    .iter()
                    .map(|error| match error.source_field.as_str() {
                        "" => error.detail.clone(),
                        field => [field, ": ", &error.detail].concat(),
                    })
                    .collect();
                tf("panel.invalid", &[&fields.join("; ")])
            }
            PanelError::RateLimited { retry_after: None } => t("panel.rate_limited").into(),
            PanelError::RateLimited {
                retry_after: Some(seconds),
            } => tf("panel.rate_limited_for", &[&seconds.to_string()]),
            PanelError::Throttled {
                detail,
                retry_after: None,
            } => tf("panel.throttled", &[detail]),
            PanelError::Throttled {
                detail,
                retry_after: Some(seconds),
            } => tf("panel.throttled_for", &[detail, &seconds.to_string()]),
            PanelError::Daemon { status: 504, .. } => t("panel.daemon_unreachable").into(),
            PanelError::Daemon { status, detail } => tf("panel.daemon", &[&n(status), detail]),
            PanelError::Offline => t("panel.offline").into(),
            PanelError::Refused { detail } => tf("panel.refused", &[detail]),
            PanelError::TwoFactorRequired => t("panel.two_factor").into(),
            PanelError::LoginRedirect => t("panel.login_redirect").into(),
            PanelError::NotApi { status } => tf("panel.not_api", &[&n(status)]),
            PanelError::Unavailable { status } => tf("panel.unavailable", &[&n(status)]),
            PanelError::Other { status, detail } if detail.is_empty() => {
                tf("panel.unexplained", &[&n(status)])
            }
            PanelError::Other { status, detail } => tf("panel.other_detail", &[&n(status), detail]),
        }
    }
}

impl Said for ForbiddenReason {
    fn said(&self) -> String {
        match self {
            ForbiddenReason::ApplicationKeyOnClientApi => t("forbidden.application_key").into(),
            ForbiddenReason::IpNotAllowed { ip: Some(ip) } => tf("forbidden.ip", &[ip]),
            ForbiddenReason::IpNotAllowed { ip: None } => t("forbidden.ip_other").into(),
            ForbiddenReason::NotAdmin => t("forbidden.not_admin").into(),
            ForbiddenReason::MissingPermission { detail } => tf("forbidden.permission", &[detail]),
            ForbiddenReason::Other(detail) if detail.is_empty() => t("forbidden.generic").into(),
            ForbiddenReason::Other(detail) => tf("forbidden.other_detail", &[detail]),
        }
    }
}

impl Said for ConflictReason {
    fn said(&self) -> String {
        match self {
            ConflictReason::Suspended => t("conflict.suspended").into(),
            ConflictReason::Installing => t("conflict.installing").into(),
            ConflictReason::Transferring => t("conflict.transferring").into(),
            ConflictReason::Restoring => t("conflict.restoring").into(),
            ConflictReason::Maintenance => t("conflict.maintenance").into(),
            ConflictReason::Other(detail) => tf("conflict.generic", &[detail]),
        }
    }
}
