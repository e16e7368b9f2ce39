//! The router and its layer stack.

use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::cors;
use crate::error::InternalDetail;
use crate::routes::{self, ops, panel_proxy};
use crate::state::AppState;

/// Every route of the origin, with its layers.
pub fn app(state: AppState) -> Router {
    let config = &state.config;
    let guarded = Router::new()
        .merge(routes::api())
        .merge(panel_proxy::routes())
        // Inner to outer: the token buckets (inside CORS, so a 429 is readable by the
        // page); CORS answers preflights of allowed origins; the guard outside it refuses
        // every other origin (preflight included) with an error body.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::throttle::throttle,
        ))
        .layer(cors::layer(state.allow.clone()))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            cors::origin_guard,
        ))
        // Answers carry sessions, keys' data and errors: never cached, never sniffed,
        // never rendered as a document, never framed.
        // Overriding: streams come with `no-cache`, and they carry sessions' data too.
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(set_if_absent(
            CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ))
        .layer(set_if_absent(X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set_if_absent(REFERRER_POLICY, "no-referrer"));

    // Card assets are public and cacheable, and load into any embedding page: module
    // scripts need CORS (hence `*`), and a cross-origin resource policy that lets them.
    let card = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ))
        .layer(set_if_absent(X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set_if_absent(REFERRER_POLICY, "no-referrer"))
        .layer(set_if_absent(
            HeaderName::from_static("cross-origin-resource-policy"),
            "cross-origin",
        ))
        .service(
            Router::new()
                .fallback(routes::app_files::card)
                .with_state(state.clone()),
        );
    // The app: its own files only, `index.html` with its CSP (routes::app_files).
    let spa = Router::new()
        .fallback(routes::app_files::serve)
        .layer(set_if_absent(X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set_if_absent(REFERRER_POLICY, "no-referrer"))
        .layer(set_if_absent(X_FRAME_OPTIONS, "DENY"))
        .with_state(state.clone());

    Router::new()
        .merge(guarded)
        .merge(ops::public_routes())
        .merge(
            routes::sso::page_routes().layer(middleware::from_fn_with_state(
                state.clone(),
                crate::throttle::throttle,
            )),
        )
        .nest_service("/card", card)
        .fallback_service(spa)
        // Each `.layer` wraps the ones above it, so the last listed sees the request first.
        // Innermost: a body over the limit is refused before a handler reads it.
        .layer(RequestBodyLimitLayer::new(config.limits.body_bytes))
        // A stuck handler answers 408 instead of holding the connection (streams are
        // not cut: the timeout covers producing the response head only).
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.limits.request_timeout,
        ))
        // Counts and logs failures (with the internal detail the body hides).
        .layer(middleware::from_fn_with_state(state.clone(), record))
        .layer(PropagateRequestIdLayer::x_request_id())
        // Tracing outermost of the work: one span per request, named by route.
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        // A request id for every request, before the span that records it.
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The operations listener: metrics and readiness, kept off the public listener.
pub fn ops_app(state: AppState) -> Router {
    ops::routes()
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.limits.request_timeout,
        ))
        .with_state(state)
}

fn set_if_absent(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("<unmatched>", MatchedPath::as_str);
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), route, request_id = id)
}

async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "<static>".to_owned(), |path| path.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let status = response.status();
    state.metrics.request(&route, status.as_u16());
    if let Some(InternalDetail(detail)) = response.extensions().get::<InternalDetail>() {
        tracing::warn!(%route, status = status.as_u16(), detail = %detail, "request failed");
    }
    if started.elapsed() > Duration::from_secs(5) {
        tracing::debug!(%route, "slow request");
    }
    response
}
