//! `[readiness]`: what `GET /ready` checks.

use std::time::Duration;

use serde::Deserialize;

use super::primitives;

/// Readiness is always "a supergraph is loaded"; optionally also "every subgraph answers".
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReadinessConfig {
    /// Also send `{ __typename }` to every subgraph on each `/ready` and answer 503 unless all
    /// answer. Off by default: with it, one subgraph down takes every gateway replica out of
    /// the load balancer, although the gateway could still serve partial data.
    pub check_subgraphs: bool,
    /// Time each subgraph gets to answer that check.
    #[serde(deserialize_with = "primitives::duration")]
    pub subgraph_timeout: Duration,
}

impl Default for ReadinessConfig {
    fn default() -> Self {
        Self {
            check_subgraphs: false,
            subgraph_timeout: Duration::from_secs(2),
        }
    }
}
