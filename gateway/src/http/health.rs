//! `GET /health` (the process answers) and `GET /ready` (it can serve GraphQL).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

use super::state::AppState;
use crate::transport::{SubgraphClient, SubgraphRequest};

/// Liveness: 200 as long as the process serves HTTP. An orchestrator restarts on failure, so
/// this must not depend on subgraphs or the supergraph.
pub async fn health() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

/// Readiness: 200 once a supergraph is loaded, 503 before (e.g. while composing at boot from
/// subgraphs that are not up yet), so load balancers send no traffic too early. With
/// `[readiness] check_subgraphs`, also 503 unless every subgraph answers `{ __typename }`
/// within `subgraph_timeout`; the body says which did not.
pub async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    let Some(engine) = state.engine() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "loading"})),
        );
    };
    let readiness = &state.settings().readiness;
    let client = match state.probe_client() {
        Some(client) if readiness.check_subgraphs => client,
        _ => return (StatusCode::OK, Json(json!({"status": "ready"}))),
    };
    let names: Vec<String> = engine
        .supergraph()
        .subgraphs()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    let checks = names
        .iter()
        .map(|name| probe(client.clone(), name, readiness.subgraph_timeout));
    let results = futures::future::join_all(checks).await;
    let mut subgraphs = Map::new();
    let mut all_up = true;
    for (name, result) in names.into_iter().zip(results) {
        let status = match result {
            Ok(()) => "ok".to_owned(),
            Err(problem) => {
                all_up = false;
                tracing::warn!(subgraph = %name, problem = %problem, "subgraph not ready");
                problem
            }
        };
        subgraphs.insert(name, Value::String(status));
    }
    if all_up {
        (
            StatusCode::OK,
            Json(json!({"status": "ready", "subgraphs": subgraphs})),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "degraded", "subgraphs": subgraphs})),
        )
    }
}

/// Whether `subgraph` answers a GraphQL request at all: any GraphQL server answers
/// `{ __typename }`, so this needs nothing of the subgraph beyond the specification.
async fn probe(
    client: Arc<dyn SubgraphClient>,
    subgraph: &str,
    timeout: std::time::Duration,
) -> Result<(), String> {
    let request = SubgraphRequest {
        query: Arc::from("{ __typename }"),
        operation_name: None,
        variables: Map::new(),
        headers: Default::default(),
        // A probe must reach the subgraph itself, never share another caller's answer.
        read_only: false,
    };
    match tokio::time::timeout(timeout, client.execute(subgraph, request)).await {
        Err(_) => Err("timeout".into()),
        Ok(Err(err)) => Err(format!("unreachable: {err}")),
        Ok(Ok(response)) if response.data.is_some() => Ok(()),
        Ok(Ok(_)) => Err("answered without data".into()),
    }
}
