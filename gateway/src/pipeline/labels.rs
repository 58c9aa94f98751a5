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

    fn supergraph() -> Supergraph {
        let path = format!(
            "{}/fixtures/override_context.graphql",
            env!("CARGO_MANIFEST_DIR")
        );
        let sdl = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Supergraph::parse(&sdl).unwrap_or_else(|e| panic!("{e}"))
    }

    fn config(enabled: &[&str], disabled: &[&str], seed: Option<u64>) -> OverrideLabelsConfig {
        OverrideLabelsConfig {
            enabled: enabled.iter().map(|l| (*l).to_owned()).collect(),
            disabled: disabled.iter().map(|l| (*l).to_owned()).collect(),
            seed,
        }
    }

    #[test]
    fn seeded_rolls_repeat_and_pinned_labels_do_not_roll() {
        let s = supergraph();
        assert_eq!(s.override_labels(), ["percent(50)"]);
        let rolls = |resolver: &OverrideLabels| -> Vec<bool> {
            (0..64).map(|_| !resolver.resolve().is_empty()).collect()
        };
        let first = rolls(&OverrideLabels::new(&s, &config(&[], &[], Some(3))));
        assert_eq!(
            first,
            rolls(&OverrideLabels::new(&s, &config(&[], &[], Some(3))))
        );
        let on = first.iter().filter(|b| **b).count();
        assert!((16..=48).contains(&on), "{on} of 64 at 50%");
        let pinned_on = OverrideLabels::new(&s, &config(&["percent(50)"], &[], None));
        assert!(rolls(&pinned_on).iter().all(|b| *b));
        let pinned_off = OverrideLabels::new(&s, &config(&[], &["percent(50)"], None));
        assert!(rolls(&pinned_off).iter().all(|b| !*b));
        // Custom labels are on only when listed, and the set is sorted.
        let custom = OverrideLabels::new(&s, &config(&["zeta", "alpha"], &["percent(50)"], None));
        assert_eq!(&*custom.resolve(), ["alpha".to_owned(), "zeta".to_owned()]);
    }

    #[test]
    fn percent_labels_parse() {
        assert_eq!(percent("percent(25)"), Some(25.0));
        assert_eq!(percent("percent(0.5)"), Some(0.5));
        assert_eq!(percent("percent(101)"), None);
        assert_eq!(percent("beta"), None);
    }
}
