//! Operations: liveness, readiness (the store and the panel answer) and Prometheus
//! metrics. Readiness and metrics are served only on the operations listener
//! (`[ops] listen`, loopback by default): they say which store and panel the origin uses
//! and how it is being used, which is nobody else's business. The public listener keeps
//! a bare liveness answer for load balancers.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ptero_api::origin::{OriginErrorBody, OriginErrorCode};

use crate::error::AppError;
use crate::metrics::Metrics;
use crate::panel::{describe_transport, Panel};
use crate::state::AppState;

/// What the public listener serves of these.
pub fn public_routes() -> Router<AppState> {
    Router::new().route("/healthz", get(health_show))
}

/// The operations listener's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health_show))
        .route("/readyz", get(ready_show))
        .route("/metrics", get(metrics_show))
}

async fn health_show() -> &'static str {
    "ok\n"
}

/// Ready when the store answers (a shared Redis: without it there is no replay
/// protection, so the instance must leave the load balancer, not fall back to local
/// state) and the panel answers at all.
async fn ready_show(State(state): State<AppState>) -> Result<&'static str, Response> {
    if let Err(error) = state.store.ping().await {
        tracing::warn!(%error, "store not ready");
        let body = OriginErrorBody::new(OriginErrorCode::Internal, format!("not ready: {error}"));
        return Err((StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response());
    }
    panel_ready(&state.panel)
        .await
        .map_err(IntoResponse::into_response)
}

/// The panel answers at all (a 401 without credentials counts, as PteroCA's connection
/// test does).
async fn panel_ready(panel: &Panel) -> Result<&'static str, AppError> {
    panel
        .http()
        .get(panel.url().client_api(""))
        .header("accept", "application/json")
        .send()
        .await
        .map(|_| "ready\n")
        .map_err(|error| {
            tracing::warn!(problem = %describe_transport(&error), "panel not reachable");
            AppError::refused(
                OriginErrorCode::PanelUnreachable,
                "the panel cannot be reached",
            )
        })
}

async fn metrics_show(
    State(metrics): State<Arc<Metrics>>,
    State(panel): State<Panel>,
) -> impl IntoResponse {
    let ceiling = panel.ceiling();
    let text = format!(
        "{}# HELP ptero_origin_upstream_requests_total Requests to the panel (all keys).\n# TYPE ptero_origin_upstream_requests_total counter\nptero_origin_upstream_requests_total {}\n# HELP ptero_origin_upstream_ceiling_per_minute The most requests a minute each key sends the panel.\n# TYPE ptero_origin_upstream_ceiling_per_minute gauge\nptero_origin_upstream_ceiling_per_minute {}\n",
        metrics.render(),
        ceiling.sent.load(std::sync::atomic::Ordering::Relaxed),
        ceiling.per_minute()
    );
    (
        StatusCode::OK,
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        text,
    )
}
