//! `[limits]`: caches and the bounds that keep one request from using the whole gateway.

use std::time::Duration;

use serde::Deserialize;

use super::primitives;

/// Cache sizes and per-request bounds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Validated documents kept, keyed by a hash of the query text. Parsing and validating
    /// costs tens of microseconds per request; clients repeat the same few queries.
    pub document_cache_size: usize,
    /// Query plans kept, keyed by (document hash, operation name). Planning is the most
    /// expensive stage and plans do not depend on variable values.
    pub plan_cache_size: usize,
    /// Selection nodes the planner may visit or emit for one operation before it gives up
    /// with `QUERY_PLANNING_FAILED`, so a pathological query cannot exhaust memory.
    pub planner_budget_nodes: usize,
    /// Wall time the planner may spend on one operation, so a pathological query cannot pin
    /// a core.
    #[serde(deserialize_with = "primitives::duration")]
    pub planner_budget_time: Duration,
    /// Operations accepted in one batch (a JSON array body); more is refused with 400.
    pub max_batch_size: usize,
    /// Nesting depth the parser accepts, a guard against stack exhaustion by deep documents.
    pub parser_recursion_limit: usize,
    /// Tokens the parser accepts in one document, a guard against huge documents
    /// (`MAX_TOKENS_LIMIT`).
    pub parser_token_limit: usize,
    /// Deepest field nesting of an operation, through fragments (`MAX_DEPTH_LIMIT`).
    pub max_depth: usize,
    /// Aliased fields in an operation once fragments are expanded (`MAX_ALIASES_LIMIT`); bounds
    /// alias batching such as a thousand `login` attempts in one request.
    pub max_aliases: usize,
    /// Root fields of an operation, through fragments (`MAX_ROOT_FIELDS_LIMIT`).
    pub max_root_fields: usize,
    /// Directive applications in an operation once fragments are expanded
    /// (`MAX_DIRECTIVES_LIMIT`).
    pub max_directives: usize,
    /// Fields an operation selects once every fragment spread is expanded
    /// (`MAX_FRAGMENT_EXPANSION_LIMIT`): refuses fragment bombs before validation runs.
    pub max_fragment_expansion: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            document_cache_size: 1000,
            plan_cache_size: 1000,
            planner_budget_nodes: 200_000,
            planner_budget_time: Duration::from_millis(100),
            max_batch_size: 32,
            parser_recursion_limit: 500,
            parser_token_limit: 15_000,
            max_depth: 64,
            max_aliases: 256,
            max_root_fields: 64,
            max_directives: 256,
            max_fragment_expansion: 20_000,
        }
    }
}
