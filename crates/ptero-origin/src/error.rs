//! The one error type of the handlers, answered as ptero-api's `OriginErrorBody`, and the
//! `AppJson` extractor whose rejections use the same envelope.
//!
//! The client gets a sentence it can act on; internal details ride in a response
//! extension ([`InternalDetail`]) that the logging middleware reads, and never reach
//! the body.

use axum::extract::rejection::JsonRejection;
use axum::extract::FromRequest;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ptero_api::origin::{OriginErrorBody, OriginErrorCode};
use ptero_api::PanelError;

use crate::store::StoreError;

/// A failure of a request.
#[derive(Debug)]
pub enum AppError {
    /// A refusal with its code and sentence (token problems, grants, origin, input).
    Refused {
        code: OriginErrorCode,
        message: String,
    },
    /// The panel answered an error.
    Panel(PanelError),
    /// The panel could not be reached (connection, TLS, timeout).
    Unreachable(String),
    /// A bug or a broken dependency; the client sees a generic sentence.
    Internal(String),
    /// The store (sessions, replay protection; a shared Redis in a cluster) does not
    /// answer: nothing is decided without it, so the client is told to retry (503).
    StoreUnavailable(String),
    /// A rate limit of the origin's own: 429 with `Retry-After`.
    Throttled {
        retry_after_secs: u64,
        message: String,
    },
}

/// What went wrong inside, for the log only.
#[derive(Debug, Clone)]
pub struct InternalDetail(pub String);

impl AppError {
    pub fn refused(code: OriginErrorCode, message: impl Into<String>) -> Self {
        AppError::Refused {
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::refused(OriginErrorCode::BadRequest, message)
    }

    pub fn code(&self) -> OriginErrorCode {
        match self {
            AppError::Refused { code, .. } => code.clone(),
            AppError::Throttled { .. } => OriginErrorCode::RateLimited,
            AppError::Panel(error) => OriginErrorCode::from_panel(error),
            AppError::Unreachable(_) => OriginErrorCode::PanelUnreachable,
            AppError::Internal(_) | AppError::StoreUnavailable(_) => OriginErrorCode::Internal,
        }
    }

    pub fn body(&self) -> OriginErrorBody {
        match self {
            AppError::Refused { code, message } => OriginErrorBody::new(code.clone(), message.clone()),
            AppError::Throttled { message, .. } => {
                OriginErrorBody::new(OriginErrorCode::RateLimited, message.clone())
            }
            AppError::Panel(error) => OriginErrorBody::from_panel(error),
            AppError::Unreachable(_) => OriginErrorBody::new(
                OriginErrorCode::PanelUnreachable,
                "the panel could not be reached: try again in a minute",
            ),
            AppError::Internal(_) => OriginErrorBody::new(
                OriginErrorCode::Internal,
                "something went wrong on the origin server: try again, and tell the site if it persists",
            ),
            AppError::StoreUnavailable(_) => OriginErrorBody::new(
                OriginErrorCode::Internal,
                "the origin cannot reach its store of sessions and used tokens, so it decides nothing: try again in a minute",
            ),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        AppError::StoreUnavailable(error.to_string())
    }
}

impl From<PanelError> for AppError {
    fn from(error: PanelError) -> Self {
        AppError::Panel(error)
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        AppError::bad_request(format!(
            "the request body is not what this endpoint takes: {}",
            rejection.body_text()
        ))
    }
}

/// The body of a refusal, as a response (also used by middleware).
pub fn error_response(code: OriginErrorCode, message: impl Into<String>) -> Response {
    AppError::refused(code, message).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = self.body();
        let status = match self {
            AppError::StoreUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::from_u16(body.error.code.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        };
        let mut response = (status, Json(body)).into_response();
        let detail = match &self {
            AppError::Unreachable(detail)
            | AppError::Internal(detail)
            | AppError::StoreUnavailable(detail) => Some(detail.clone()),
            AppError::Panel(error) => Some(error.to_string()),
            AppError::Refused { .. } | AppError::Throttled { .. } => None,
        };
        if let Some(detail) = detail {
            response.extensions_mut().insert(InternalDetail(detail));
        }
        let retry_after = match self {
            AppError::Panel(PanelError::RateLimited {
                retry_after: Some(seconds),
            })
            | AppError::Throttled {
                retry_after_secs: seconds,
                ..
            } => Some(seconds),
            _ => None,
        };
        if let Some(value) = retry_after.and_then(|seconds| seconds.to_string().parse().ok()) {
            response.headers_mut().insert("retry-after", value);
        }
        response
    }
}

/// `Json` whose rejection is an [`AppError`] (same envelope as every other error).
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct AppJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}
