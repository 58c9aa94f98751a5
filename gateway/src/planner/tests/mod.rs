//! Planner snapshot tests: one file per federation feature. Each test states the supergraph
//! (a fixture in `gateway/fixtures/` or inline SDL), the operation, and the plan it must give.

use apollo_compiler::ExecutableDocument;

use super::{PlanOptions, QueryPlan, plan_with};
use crate::supergraph::Supergraph;

mod abstract_types;
mod budget;
mod conditions;
mod context;
mod entity_jumps;
mod fragments;
mod inaccessible;
mod interface_object;
mod keys;
mod mutations;
mod override_labels;
mod provides;
mod requires;
mod shareable;
mod types;

pub(super) fn fixture(name: &str) -> Supergraph {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let sdl = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Supergraph::parse(&sdl).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub(super) fn plan_with_options(
    supergraph: &Supergraph,
    query: &str,
    options: &PlanOptions,
) -> QueryPlan {
    let document =
        ExecutableDocument::parse_and_validate(supergraph.api_schema(), query, "op.graphql")
            .unwrap_or_else(|e| panic!("invalid test operation: {}", e.errors));
    plan_with(supergraph, &document, None, options)
        .unwrap_or_else(|e| panic!("planning failed: {e}"))
}

pub(super) fn plan(supergraph: &Supergraph, query: &str) -> QueryPlan {
    plan_with_options(supergraph, query, &PlanOptions::default())
}

/// The plan's `Display` form.
pub(super) fn plan_string(supergraph: &Supergraph, query: &str) -> String {
    plan(supergraph, query).to_string()
}

/// The planning error for an operation that validates.
pub(super) fn plan_error(
    supergraph: &Supergraph,
    query: &str,
    options: &PlanOptions,
) -> super::PlanError {
    let document =
        ExecutableDocument::parse_and_validate(supergraph.api_schema(), query, "op.graphql")
            .unwrap_or_else(|e| panic!("invalid test operation: {}", e.errors));
    match plan_with(supergraph, &document, None, options) {
        Ok(plan) => panic!("expected a planning error, got {plan}"),
        Err(e) => e,
    }
}
