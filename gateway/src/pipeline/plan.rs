//! Stage 4: plan the operation, once per (document, operation name).
//!
//! The planner is pure and its plans do not depend on variable values (`@skip`/`@include` on
//! variables become condition nodes), so a plan is cached under the hash of the query text and
//! the operation name (and the progressive override labels on) and shared by every request
//! that sends the same document.

use std::sync::Arc;

use apollo_compiler::ExecutableDocument;
use apollo_compiler::validation::Valid;

use super::RequestFailure;
use super::cache::BoundedCache;
use super::validate::DocumentHash;
use crate::error::ErrorCode;
use crate::planner::{self, PlanError, PlanOptions, QueryPlan};
use crate::supergraph::Supergraph;

/// Cache key: the document, the operation name picked in it, and the progressive override
/// labels on (a plan made for one label set is wrong for another).
pub type PlanKey = (DocumentHash, Option<String>, Arc<[String]>);

/// The plan cache.
pub type PlanCache = BoundedCache<PlanKey, Arc<QueryPlan>>;

/// The plan for `operation_name` of `document`, from `cache` when it is there.
pub fn plan(
    supergraph: &Supergraph,
    cache: &PlanCache,
    options: &PlanOptions,
    hash: DocumentHash,
    document: &Valid<ExecutableDocument>,
    operation_name: Option<&str>,
) -> Result<Arc<QueryPlan>, RequestFailure> {
    let key = (
        hash,
        operation_name.map(str::to_owned),
        options.enabled_override_labels.clone(),
    );
    cache.get_or_try_insert(key, || {
        planner::plan_with(supergraph, document, operation_name, options)
            .map(Arc::new)
            .map_err(|e| {
                // The operation was selected and its kind checked before planning, so what is
                // left is the planner's own failure (unsatisfiable field, budget).
                let code = match e {
                    PlanError::NoOperation
                    | PlanError::OperationNotFound(_)
                    | PlanError::OperationNameRequired => ErrorCode::OperationNotFound,
                    _ => ErrorCode::QueryPlanningFailed,
                };
                RequestFailure::from_error(code, e.to_graphql_error())
            })
    })
}
