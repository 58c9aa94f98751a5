//! Stage 5: execution, the one place that calls the executor. Root `__schema`/`__type` are
//! answered from the API schema first; the executor then runs the plan over the subgraph
//! client and projects the client's response, introspection results included.

use apollo_compiler::executable::Operation;
use apollo_compiler::response::JsonMap;
use apollo_compiler::validation::Valid;
use axum::http::HeaderMap;

use super::validate::ValidatedDocument;
use super::{Engine, RequestFailure, Response};
use crate::error::ErrorCode;
use crate::executor::{self, ExecutionRequest};
use crate::introspection::object_to_serde;
use crate::planner::QueryPlan;
use crate::transport::SubgraphClient;

/// Runs `operation` with its coerced `variables` by `plan`, calling subgraphs through `client`.
pub async fn execute(
    engine: &Engine,
    document: &ValidatedDocument,
    operation: &Operation,
    variables: Valid<JsonMap>,
    plan: &QueryPlan,
    client: &dyn SubgraphClient,
) -> Result<Response, RequestFailure> {
    let introspection = engine
        .introspection
        .execute(
            engine.api_schema(),
            &document.document,
            operation,
            &variables,
        )
        .map_err(|e| RequestFailure::from_error(ErrorCode::GraphqlValidationFailed, *e))?;
    let variables = object_to_serde(variables.into_inner());
    let mut response = executor::execute(ExecutionRequest {
        plan,
        supergraph: &engine.supergraph,
        variables: &variables,
        client,
        introspection: introspection.as_ref().map(|i| &i.data),
        // `client` sets each subgraph request's headers from the `[headers]` rules.
        headers: &HeaderMap::new(),
    })
    .await;
    if let Some(introspection) = introspection {
        response.errors.extend(introspection.errors);
    }
    Ok(response)
}
