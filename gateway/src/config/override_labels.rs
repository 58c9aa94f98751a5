//! `[override_labels]`: how progressive `@override(label:)` labels are resolved per request.

use serde::Deserialize;

/// Progressive override: which labels are on for a request.
///
/// A field overridden with `@override(from: "a", label: "percent(25)")` moves to the new
/// subgraph for about a quarter of the requests: the gateway rolls each `percent(N)` label of
/// the supergraph per request. Other labels are off unless listed in `enabled`. Plans are
/// cached per label set, so requests with different sets never share a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OverrideLabelsConfig {
    /// Labels on for every request: custom labels, or a `percent(N)` label pinned on (for a
    /// full rollout, or for a deterministic test).
    pub enabled: Vec<String>,
    /// Labels off for every request, `percent(N)` labels pinned off included (to roll back a
    /// migration without recomposing).
    pub disabled: Vec<String>,
    /// Seed of the per-request `percent(N)` rolls, so a sequence of requests can be replayed;
    /// unset, the rolls are seeded from the clock.
    pub seed: Option<u64>,
}
