//! CORS on the Client API as the panel configures it (`config/cors.php`): only the exact
//! origins of `APP_CORS_ALLOWED_ORIGINS`, with credentials, any method and header, no
//! exposed headers. No list, no layer: the panel's default sends no CORS headers.

use axum::http::HeaderValue;
use ptero_api::OriginAllowList;
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};

pub fn layer(origins: &OriginAllowList) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let origins = origins.clone();
    let allow = AllowOrigin::predicate(move |origin: &HeaderValue, _| {
        origin.to_str().is_ok_and(|origin| origins.allows(origin))
    });
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_credentials(true)
            .allow_methods(AllowMethods::mirror_request())
            .allow_headers(AllowHeaders::mirror_request()),
    )
}
