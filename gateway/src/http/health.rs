//! `GET /health` (the process answers) and `GET /ready` (it can serve GraphQL).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use super::state::AppState;

/// Liveness: 200 as long as the process serves HTTP. An orchestrator restarts on failure, so
/// this must not depend on subgraphs or the supergraph.
pub async fn health() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

/// Readiness: 200 once a supergraph is loaded, 503 before (e.g. while composing at boot from
/// subgraphs that are not up yet), so load balancers send no traffic too early.
pub async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    match state.engine() {
        Some(_) => (StatusCode::OK, Json(json!({"status": "ready"}))),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "loading"})),
        ),
    }
}
