//! Stage 5: execution. Root introspection is answered from the API schema; everything else is
//! planned (cached) and run by the executor.

use apollo_compiler::executable::{Operation, Selection};
use apollo_compiler::response::JsonMap;
use apollo_compiler::validation::Valid;
use serde_json::Value;

use super::validate::ValidatedDocument;
use super::{Engine, RequestFailure, Response};
use crate::error::ErrorCode;
use crate::planner::QueryPlan;

/// Runs `operation`: the one place that calls the planner and the executor.
pub async fn execute(
    engine: &Engine,
    document: &ValidatedDocument,
    operation: &Operation,
    variables: &Valid<JsonMap>,
    _plan: &QueryPlan,
) -> Result<Response, RequestFailure> {
    let introspection = engine
        .introspection
        .execute(
            engine.api_schema(),
            &document.document,
            operation,
            variables,
        )
        .map_err(|e| RequestFailure::from_error(ErrorCode::GraphqlValidationFailed, *e))?;
    let concrete = operation
        .root_fields(&document.document)
        .any(|f| !matches!(f.name.as_str(), "__schema" | "__type" | "__typename"));
    if concrete {
        return Err(RequestFailure::new(
            ErrorCode::QueryPlanningFailed,
            "the executor is not available in this build",
        ));
    }
    let mut introspection = introspection.unwrap_or_default();
    for selection in &operation.selection_set.selections {
        if let Selection::Field(field) = selection
            && field.name == "__typename"
        {
            let root = Value::String(operation.object_type().to_string());
            introspection
                .data
                .insert(field.response_key().to_string(), root);
        }
    }
    Ok(Response {
        data: Value::Object(introspection.data),
        errors: introspection.errors,
        extensions: Default::default(),
    })
}
