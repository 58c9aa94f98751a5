//! Running a query plan and shaping the response.
//!
//! Subgraph data is parsed once into one `serde_json::Value` tree; entity results are merged
//! into it in place, by position; the client's response is then projected from it in one pass
//! driven by the plan's precomputed [`ResponseShape`](crate::planner::ResponseShape). There is
//! no per-field async resolution and no re-serialisation between stages.
//!
//! # Layout
//! - `run`: walking the plan: sequences, concurrent parallels, conditions, fetches.
//! - `context_batch`: every `@fromContext` batch of an entity fetch in one request.
//! - `entities`: representations at a path (deduplicated), and merging `_entities` back.
//! - `project`: the client's selection, null propagation, enum checks.
//! - `paths`: subgraph error paths to client paths.

mod context_batch;
mod entities;
mod paths;
mod project;
mod run;

use axum::http::HeaderMap;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::GraphqlError;
use crate::planner::QueryPlan;
use crate::supergraph::Supergraph;
use crate::transport::SubgraphClient;

/// Everything one execution needs.
pub struct ExecutionRequest<'a> {
    pub plan: &'a QueryPlan,
    pub supergraph: &'a Supergraph,
    /// Coerced variable values.
    pub variables: &'a Map<String, Value>,
    pub client: &'a dyn SubgraphClient,
    /// Results of root `__schema`/`__type` fields, by response key, computed by introspection.
    pub introspection: Option<&'a Map<String, Value>>,
    /// Headers forwarded to every subgraph request (e.g. `authorization`).
    pub headers: &'a HeaderMap,
}

/// A GraphQL response: `{"data", "errors", "extensions"}`, empty parts omitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Response {
    pub data: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<GraphqlError>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub extensions: Map<String, Value>,
}

impl Response {
    /// A response with only request errors (no `data` key).
    pub fn from_errors(errors: Vec<GraphqlError>) -> Self {
        Self {
            data: None,
            errors,
            extensions: Map::new(),
        }
    }
}

/// Runs the plan and projects the client's response. Never fails as a whole: subgraph
/// failures become `null`s with errors at the client paths they affect.
pub async fn execute(request: ExecutionRequest<'_>) -> Response {
    let runner = run::Runner::new(&request);
    if let Some(node) = &request.plan.node {
        runner.run(node).await;
    }
    let (mut data, pending) = runner.finish();
    let mut errors: Vec<GraphqlError> = pending
        .into_iter()
        .map(|p| {
            let mut error = p.error;
            if let Some(data_path) = p.data_path {
                error.path = Some(paths::to_client_path(
                    &request.plan.shape.root,
                    &data,
                    &data_path,
                ));
            }
            error
        })
        .collect();
    let variable = |name: &str| {
        request
            .variables
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    let data = project::project(
        &request.plan.shape,
        &mut data,
        request.introspection,
        &variable,
        &mut errors,
    );
    Response {
        data: Some(data),
        errors,
        extensions: Map::new(),
    }
}

#[cfg(test)]
mod tests;
