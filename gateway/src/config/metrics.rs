//! `[metrics]`: the Prometheus endpoint.

use serde::Deserialize;

/// Prometheus metrics on `GET /metrics`, on the gateway's own port.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Serve `GET /metrics`. Off, the route answers 404 (the series are still kept: they cost
    /// a few atomic additions per request).
    pub enabled: bool,
    /// Distinct operation names used as the `operation` label; later names are counted
    /// under `(other)`. Clients choose operation names, so without a cap they could make the
    /// gateway keep (and Prometheus store) any number of series.
    pub max_operation_names: usize,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            max_operation_names: 100,
        }
    }
}
