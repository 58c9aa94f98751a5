//! The query planner: pure (no I/O, no async), from a validated operation to a [`QueryPlan`].
//!
//! # Layout
//! - `operation`: normalising the client operation (fragments inlined, constant conditions
//!   applied, data keys chosen).
//! - `walk`: assigning each field to a fetch group: stay in the subgraph while it can resolve,
//!   jump by `@key` when it cannot, `@requires`/`@provides`, abstract types.
//! - `groups`: fetch groups and their selection arena.
//! - `schedule`: groups to the `Sequence`/`Parallel`/`Flatten`/`Condition` tree.
//! - `print`: subgraph operation text.
//! - [`shape`]: the client's selection collected per runtime type, for the executor's projection.
//! - [`plan`]: the plan types, `Display` and `Serialize`.
//! - `budget`: the time and size bound.
//! - [`error`]: the error type, [`PlanError`].

mod budget;
pub mod error;
mod groups;
mod operation;
pub mod plan;
mod print;
mod schedule;
pub mod shape;
mod walk;

use std::sync::Arc;

use apollo_compiler::ExecutableDocument;
use apollo_compiler::validation::Valid;

pub use budget::PlanBudget;
pub use error::PlanError;
pub use plan::{
    ConditionNode, ContextInput, FetchNode, FetchPathElement, FlattenNode, InputRewrite, PlanNode,
    QueryPlan, Selection,
};
pub use shape::ResponseShape;

use crate::supergraph::Supergraph;

/// Options that change a plan. The plan cache must key on them too.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Bounds on planning work.
    pub budget: PlanBudget,
    /// Progressive `@override` labels that are enabled for this plan (`percent(N)` labels
    /// are resolved by the caller, deterministically, before planning).
    pub enabled_override_labels: Arc<[String]>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            budget: PlanBudget::default(),
            enabled_override_labels: Arc::from(Vec::new()),
        }
    }
}

/// Plans an operation with the default options.
pub fn plan(
    supergraph: &Supergraph,
    document: &Valid<ExecutableDocument>,
    operation_name: Option<&str>,
) -> Result<QueryPlan, PlanError> {
    plan_with(
        supergraph,
        document,
        operation_name,
        &PlanOptions::default(),
    )
}

/// Plans an operation.
pub fn plan_with(
    supergraph: &Supergraph,
    document: &Valid<ExecutableDocument>,
    operation_name: Option<&str>,
    options: &PlanOptions,
) -> Result<QueryPlan, PlanError> {
    let mut budget = budget::Budget::new(options.budget);
    let label_enabled = |label: &str| options.enabled_override_labels.iter().any(|l| l == label);

    // 1. Pick the operation and normalise it: fragments inlined, constant @skip/@include
    //    applied, every field tied to the supergraph model, data keys chosen.
    let operation = operation::select_operation(document, operation_name)?;
    let normalized = operation::normalize(supergraph, document, operation, &mut budget)?;

    // 2. Walk the selection: each field lands in a fetch group (stay in the subgraph while
    //    it resolves; jump by key, with @requires inputs first, when it does not).
    let mut walker = walk::Walker {
        supergraph,
        groups: groups::Groups::default(),
        budget: &mut budget,
        label_enabled: &label_enabled,
        context_frames: Vec::new(),
        context_fields: 0,
    };
    let roots = walker.walk_operation(&normalized)?;
    let groups = walker.groups;

    // 3. Schedule the groups: each after the group it waits for, siblings in parallel,
    //    mutation fields in document order, @skip/@include variables as condition nodes.
    let scheduled = schedule::schedule(
        supergraph,
        &groups,
        &roots,
        normalized.kind,
        &normalized.variables,
    )?;

    // 4. Collect the client's selection per runtime type for the executor's projection.
    let shape = shape::build(supergraph, &normalized, &mut budget)?;

    Ok(QueryPlan {
        node: scheduled.node,
        fetch_count: scheduled.fetch_count,
        shape: Arc::new(shape),
        operation_kind: normalized.kind,
    })
}

/// Errors of [`plan_text`].
#[derive(Debug, thiserror::Error)]
pub enum PlanTextError {
    #[error(transparent)]
    Supergraph(#[from] crate::supergraph::SupergraphError),
    #[error("the operation is invalid: {0}")]
    InvalidOperation(String),
    #[error(transparent)]
    Plan(#[from] PlanError),
}

/// Parses a supergraph and an operation and prints the plan (for `tessera-gateway plan`).
pub fn plan_text(
    sdl: &str,
    query: &str,
    operation_name: Option<&str>,
) -> Result<String, PlanTextError> {
    let supergraph = Supergraph::parse(sdl)?;
    let document =
        ExecutableDocument::parse_and_validate(supergraph.api_schema(), query, "operation.graphql")
            .map_err(|e| PlanTextError::InvalidOperation(e.errors.to_string()))?;
    Ok(plan(&supergraph, &document, operation_name)?.to_string())
}

#[cfg(test)]
mod tests;
