//! `[query_plan]`: whether clients may see query plans.

use serde::Deserialize;

/// Query plan exposure.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QueryPlanConfig {
    /// Honour the request header `tessera-include-query-plan: true` by adding the plan to
    /// `extensions.queryPlan`. On by default because it is the quickest way to see why a
    /// query is slow; turn it off where the subgraph layout is not for clients to see.
    pub expose: bool,
}

impl Default for QueryPlanConfig {
    fn default() -> Self {
        Self { expose: true }
    }
}
