//! The one error type of the panel emulator: a panel error envelope with its status,
//! answered as JSON. Browsers without `Accept: application/json` get what the panel gives
//! them instead (see [`crate::negotiate`]), driven by the [`ErrorMarker`] extension.

use axum::http::header::{HeaderName, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use ptero_api::error::{DETAIL_NOT_ADMIN, DETAIL_NOT_VISIBLE};
use ptero_api::{ConflictReason, ErrorEnvelope, FieldError};

/// A panel error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    envelope: ErrorEnvelope,
    headers: HeaderMap,
}

/// Marks a response as a panel error, with its status, for the content negotiation layer.
#[derive(Debug, Clone, Copy)]
pub struct ErrorMarker(pub StatusCode);

impl ApiError {
    pub fn new(envelope: ErrorEnvelope) -> Self {
        Self {
            envelope,
            headers: HeaderMap::new(),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.envelope
            .status()
            .and_then(|status| StatusCode::from_u16(status).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Adds a response header (rate-limit headers on a 429).
    pub fn with_header(mut self, name: HeaderName, value: impl ToString) -> Self {
        if let Ok(value) = HeaderValue::from_str(&value.to_string()) {
            self.headers.insert(name, value);
        }
        self
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorEnvelope::unauthenticated())
    }

    pub fn application_key_on_client_api() -> Self {
        Self::new(ErrorEnvelope::application_key_on_client_api())
    }

    pub fn ip_not_allowed(ip: &str) -> Self {
        Self::new(ErrorEnvelope::ip_not_allowed(ip))
    }

    /// 403 on the application API for a key whose user is not a root admin.
    pub fn not_admin() -> Self {
        Self::new(ErrorEnvelope::single(
            "AccessDeniedHttpException",
            403,
            DETAIL_NOT_ADMIN,
        ))
    }

    pub fn unauthorized() -> Self {
        Self::new(ErrorEnvelope::unauthorized())
    }

    pub fn websocket_forbidden() -> Self {
        Self::new(ErrorEnvelope::websocket_forbidden())
    }

    pub fn not_found() -> Self {
        Self::new(ErrorEnvelope::not_found())
    }

    /// 404 for a server that exists but the caller may not see
    /// (panel `AuthenticateServerAccess`).
    pub fn not_visible() -> Self {
        Self::new(ErrorEnvelope::single(
            "NotFoundHttpException",
            404,
            DETAIL_NOT_VISIBLE,
        ))
    }

    pub fn conflict(reason: &ConflictReason) -> Self {
        Self::new(ErrorEnvelope::conflict(reason))
    }

    pub fn throttled() -> Self {
        Self::new(ErrorEnvelope::throttled())
    }

    pub fn daemon_unreachable() -> Self {
        Self::new(ErrorEnvelope::daemon_unreachable())
    }

    pub fn server_offline() -> Self {
        Self::new(ErrorEnvelope::server_offline())
    }

    pub fn unexpected() -> Self {
        Self::new(ErrorEnvelope::unexpected())
    }

    pub fn validation(fields: impl IntoIterator<Item = FieldError>) -> Self {
        Self::new(ErrorEnvelope::validation(fields))
    }

    /// One 422 entry.
    pub fn invalid(field: &str, rule: &str, detail: impl Into<String>) -> Self {
        Self::validation([FieldError::new(field, rule, detail)])
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(ErrorEnvelope::single(
            "BadRequestHttpException",
            400,
            detail,
        ))
    }

    /// 400 for a body that is not JSON (panel `app/Exceptions/Handler.php`).
    pub fn malformed_json() -> Self {
        Self::bad_request(
            "The JSON data passed in the request appears to be malformed: Syntax error",
        )
    }

    /// Wings answered 4xx: the panel passes Wings' status on with Wings' sentence
    /// (`DaemonConnectionException`; panel `Exceptions/Http/Connection`). The panel adds a
    /// "." even when Wings' sentence already ends in one.
    pub fn from_wings(status: u16, message: &str, request_id: &str) -> Self {
        Self::new(ErrorEnvelope::single(
            "DaemonConnectionException",
            status,
            format!("An error occurred on the remote host: {message}. (request id: {request_id})"),
        ))
    }

    /// 400 when a file is larger than `PTERODACTYL_FILES_MAX_EDIT_SIZE`.
    pub fn file_too_large() -> Self {
        Self::new(ErrorEnvelope::single(
            "FileSizeTooLargeException",
            400,
            "The file you are attempting to open is too large to view in the file editor.",
        ))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (
            status,
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            self.envelope.to_json(),
        )
            .into_response();
        response.headers_mut().extend(self.headers);
        response.extensions_mut().insert(ErrorMarker(status));
        response
    }
}
