//! `[subgraphs]`: how the gateway talks to subgraphs.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::primitives;

/// Settings for every subgraph, with per-subgraph overrides.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SubgraphsConfig {
    /// Time allowed for one subgraph request. A slow subgraph then costs its own part of the
    /// response (partial data plus an error), not the whole request.
    #[serde(deserialize_with = "primitives::duration")]
    pub timeout: Duration,
    /// In-flight deduplication: identical queries to the same subgraph (same body and
    /// forwarded headers) sent while one is already waiting for its answer share that answer
    /// instead of calling the subgraph again. Mutations are never shared. On by default.
    pub deduplicate: bool,
    /// Per-subgraph settings keyed by the subgraph's name in the supergraph (`users`, ...).
    /// A name the supergraph does not know is refused at start, as it is surely a typo.
    pub overrides: BTreeMap<String, SubgraphOverride>,
}

impl Default for SubgraphsConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            deduplicate: true,
            overrides: BTreeMap::new(),
        }
    }
}

/// Settings for one subgraph.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SubgraphOverride {
    /// URL to use instead of the one in the supergraph's `@join__graph`, so the same
    /// supergraph file serves in development, CI and production.
    #[serde(deserialize_with = "primitives::optional_http_url")]
    pub url: Option<reqwest::Url>,
    /// Timeout for this subgraph instead of `subgraphs.timeout`.
    #[serde(deserialize_with = "primitives::optional_duration")]
    pub timeout: Option<Duration>,
}

impl SubgraphsConfig {
    /// The timeout that applies to `subgraph`.
    pub fn timeout_for(&self, subgraph: &str) -> Duration {
        self.overrides
            .get(subgraph)
            .and_then(|o| o.timeout)
            .unwrap_or(self.timeout)
    }

    /// Refuses overrides for subgraphs the supergraph does not define: a typo there would
    /// otherwise silently leave the real subgraph on its default URL.
    pub fn check_names<'a>(&self, known: impl IntoIterator<Item = &'a str>) -> Result<(), String> {
        let known: Vec<&str> = known.into_iter().collect();
        match self
            .overrides
            .keys()
            .find(|name| !known.contains(&name.as_str()))
        {
            Some(name) => Err(format!(
                "[subgraphs.overrides.{name}] names no subgraph of the supergraph (it has: {})",
                known.join(", ")
            )),
            None => Ok(()),
        }
    }

    /// The URL override for `subgraph`, if any.
    pub fn url_for(&self, subgraph: &str) -> Option<&reqwest::Url> {
        self.overrides.get(subgraph).and_then(|o| o.url.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_must_name_known_subgraphs() {
        let mut config = SubgraphsConfig::default();
        config
            .overrides
            .insert("users".into(), SubgraphOverride::default());
        assert!(config.check_names(["users", "orders"]).is_ok());
        let err = config.check_names(["orders"]).unwrap_err();
        assert!(err.contains("users") && err.contains("orders"), "{err}");
    }
}
