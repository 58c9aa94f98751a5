//! Progressive override: the `@override(label:)` labels on for one request.
//!
//! `percent(N)` labels are rolled per request (on with probability N/100) from a seedable
//! generator, so a test or a replay sees a fixed sequence; configured labels are pinned on or
//! off. The resulting set is part of the plan cache key.

use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::OverrideLabelsConfig;
use crate::supergraph::Supergraph;

/// Resolves the label set of each request.
pub struct OverrideLabels {
    /// Labels on for every request, sorted.
    pinned_on: Vec<String>,
    /// `percent(N)` labels of the supergraph that are rolled, with N.
    rolled: Vec<(String, f64)>,
    rng: Mutex<StdRng>,
}

impl OverrideLabels {
    /// The resolver for `supergraph`'s labels under `config`.
    pub fn new(supergraph: &Supergraph, config: &OverrideLabelsConfig) -> Self {
        let mut pinned_on = config.enabled.clone();
        pinned_on.sort();
        pinned_on.dedup();
        let rolled = supergraph
            .override_labels()
            .into_iter()
            .filter(|l| !config.enabled.contains(l) && !config.disabled.contains(l))
            .filter_map(|l| percent(&l).map(|p| (l, p)))
            .collect();
        let rng = match config.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::seed_from_u64(clock_seed()),
        };
        Self {
            pinned_on,
            rolled,
            rng: Mutex::new(rng),
        }
    }

    /// The labels on for the next request, sorted (a stable cache key).
    pub fn resolve(&self) -> Arc<[String]> {
        if self.rolled.is_empty() {
            return self.pinned_on.clone().into();
        }
        let mut on = self.pinned_on.clone();
        // A poisoned lock only means a panic elsewhere mid-roll; the generator is still usable.
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        for (label, percent) in &self.rolled {
            if rng.gen_range(0.0..100.0) < *percent {
                on.push(label.clone());
            }
        }
        on.sort();
        on.into()
    }
}

/// A seed from the clock: rolls need no cryptographic quality, only independence from other
/// gateway instances started at another time.
fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// `N` of a `percent(N)` label (`0 <= N <= 100`, decimals allowed as composition allows them).
fn percent(label: &str) -> Option<f64> {
    let value: f64 = label
        .strip_prefix("percent(")?
        .strip_suffix(')')?
        .trim()
        .parse()
        .ok()?;
    (0.0..=100.0).contains(&value).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_labels_parse() {
        assert_eq!(percent("percent(25)"), Some(25.0));
        assert_eq!(percent("percent(0.5)"), Some(0.5));
        assert_eq!(percent("percent(101)"), None);
        assert_eq!(percent("beta"), None);
    }
}
