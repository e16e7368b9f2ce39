//! The embedding allow-list: a reloadable [`AllowList`], the guard that refuses other
//! origins with an `origin_not_allowed` body, and the CORS layer answering only listed
//! origins (ptero-api's exact matcher; no credentials).

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, ORIGIN, RETRY_AFTER, VARY};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use ptero_api::origin::OriginErrorCode;
use ptero_api::{Origin, OriginAllowList};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::error::error_response;
use crate::state::AppState;

/// The allowed origins, replaceable while running. This origin's own public URL is
/// always allowed (the app it serves).
#[derive(Debug, Clone)]
pub struct AllowList {
    own: Origin,
    list: Arc<RwLock<OriginAllowList>>,
}

impl AllowList {
    pub fn new(own: Origin, list: OriginAllowList) -> Self {
        Self {
            own,
            list: Arc::new(RwLock::new(list)),
        }
    }

    /// Whether an `Origin` header value may call the API. The header must be spelt
    /// exactly as a browser serialises the origin (lowercase, no default or leading-zero
    /// port, no path): `https://shop.example.com:0443` names the listed
    /// `https://shop.example.com` but no browser sends it, so it is neither accepted nor
    /// echoed.
    pub fn allows(&self, header: &str) -> bool {
        match Origin::parse(header) {
            Ok(origin) if origin.to_string() == header => {
                origin == self.own
                    || self
                        .list
                        .read()
                        .unwrap_or_else(PoisonError::into_inner)
                        .allows_origin(&origin)
            }
            _ => false,
        }
    }

    /// Installs `next`; answers the origins it no longer lists.
    pub fn replace(&self, next: OriginAllowList) -> Vec<Origin> {
        let mut list = self.list.write().unwrap_or_else(PoisonError::into_inner);
        let removed = list
            .origins()
            .iter()
            .filter(|origin| !next.allows_origin(origin))
            .cloned()
            .collect();
        *list = next;
        removed
    }
}

/// Refuses a request whose `Origin` is not allowed, before any handler or preflight.
pub async fn origin_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(origin) = request.headers().get(ORIGIN) else {
        return next.run(request).await;
    };
    let text = origin.to_str().unwrap_or("<not text>");
    if state.allow.allows(text) {
        return next.run(request).await;
    }
    tracing::warn!(origin = %text, path = %request.uri().path(), "refused a request from an origin that is not allowed");
    state.metrics.reject("origin_not_allowed");
    let mut response = error_response(
        OriginErrorCode::OriginNotAllowed,
        format!("{text} is not allowed to embed this server's cards: the origin's administrator must add it with `ptero-origin origins add`"),
    );
    response
        .headers_mut()
        .insert(VARY, HeaderValue::from_static("origin"));
    response
}

/// CORS for the API: exactly the allowed origins, `Vary: Origin`, no credentials.
pub fn layer(allow: AllowList) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin.to_str().is_ok_and(|origin| allow.allows(origin))
        }))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([AUTHORIZATION, CONTENT_TYPE])
        .expose_headers([RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}
