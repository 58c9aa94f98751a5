//! Differential testing of the gateway against a monolith.
//!
//! Five in-process Federation v2 subgraphs and one plain async-graphql schema serve the same
//! deterministic data set. A seeded generator writes random valid operations from the
//! gateway's API schema; each goes to the monolith and, through the HTTP router, to the
//! gateway. Their `data` must be identical and their errors must sit at the same paths.
//!
//! `DIFF_SEED=<u64>` and `DIFF_COUNT=<n>` run other or longer sequences locally:
//! `DIFF_SEED=7 DIFF_COUNT=5000 cargo test -p gateway --test differential`.
//!
//! # Where async-graphql is not a spec oracle, and what the test does about it
//! - A failed non-null field is dropped instead of nulling its parent: `spec::propagate`
//!   applies the spec's propagation to the monolith's answer; nullable fields that fail answer
//!   `null` in place (`data::nullable`).
//! - An object left with no fields is answered `null`: every generated selection set has a
//!   field outside fragments and conditions.
//! - `... on SomeUnion` on a concrete object never matches: union conditions are generated
//!   only directly on a field of that union.
//! - Two occurrences of a list-of-lists-of-objects field are not merged: such a response key
//!   is never repeated.
//! - Errors inside a region nulled by a non-null error depend on execution order:
//!   `spec::ErrorView` compares the region there, exact paths everywhere else.
//!
//! # Layout
//! - `data`: the data set and every rule deciding nulls and errors.
//! - `subgraphs`: the five subgraphs, the counting client and the composed supergraph.
//! - `monolith`: the same API as one schema.
//! - `normalize`: an order-independent print of a schema, to compare the two.
//! - `spec`: null propagation for the monolith, and which error paths are comparable.
//! - `generator`: random valid operations from the API schema.
//! - `runner`: the gateway under test, the comparison, and the failure report.

#[path = "differential/data.rs"]
mod data;
#[path = "differential/generator.rs"]
mod generator;
#[path = "differential/monolith.rs"]
mod monolith;
#[path = "differential/normalize.rs"]
mod normalize;
#[path = "differential/runner.rs"]
mod runner;
#[path = "differential/spec.rs"]
mod spec;
#[path = "differential/subgraphs.rs"]
mod subgraphs;

use apollo_compiler::Schema;

/// The monolith's schema and the gateway's API schema have the same types, fields,
/// arguments and values, so an operation valid on one is valid on the other.
#[test]
fn schemas_agree() {
    let supergraph = subgraphs::Subgraphs::new().supergraph();
    let monolith_sdl = monolith::schema().sdl();
    let monolith = Schema::parse_and_validate(&monolith_sdl, "monolith.graphql")
        .unwrap_or_else(|e| panic!("the monolith's SDL is valid: {e}"));
    let api = normalize::normalize(supergraph.api_schema());
    let mono = normalize::normalize(&monolith);
    assert_eq!(api, mono, "API schema (left) vs monolith (right)");
    assert!(api.contains("interface Media"), "{api}");
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, got {v:?}"))
    })
}

/// The default seed: fixed, so CI runs the same 500 operations every time.
const DEFAULT_SEED: u64 = 20_261_104;
const DEFAULT_COUNT: usize = 500;

/// The proof: at least 500 generated operations answer identically on the gateway and the
/// monolith (data, and the set of error paths).
#[tokio::test]
async fn gateway_answers_like_the_monolith() {
    let seed = env_number("DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("DIFF_COUNT").map_or(DEFAULT_COUNT, |c| c as usize);
    let only = env_number("DIFF_ONLY").map(|o| o as usize);
    let harness = runner::Harness::new();
    let summary = runner::run(&harness, seed, count, only).await;
    eprintln!(
        "seed {seed}: {} operations, {} with errors, {} with null data, {} generated documents \
         rejected by validation and replaced, {} schema fields selected, depth up to {}, \
         features {:?}, subgraph requests {:?}",
        summary.operations,
        summary.with_errors,
        summary.null_data,
        summary.rejected_by_validation,
        summary.fields.len(),
        summary.max_depth,
        summary.features,
        summary.subgraph_calls,
    );
    if only.is_none() {
        assert!(summary.operations >= count);
        // The generator must mostly write valid documents, or it tests little.
        assert!(
            summary.rejected_by_validation * 20 <= count,
            "{} of {count} generated documents were invalid",
            summary.rejected_by_validation
        );
        // Error paths are part of the comparison only if some operations hit them.
        assert!(summary.with_errors * 10 >= count, "{summary:?}");
        // Every field of the API schema, and every operation feature, was exercised.
        let schema = harness.supergraph.api_schema();
        let missing: Vec<String> = schema
            .types
            .iter()
            .filter(|(_, t)| !t.is_built_in())
            .flat_map(|(name, t)| {
                let fields: Vec<String> = match t {
                    apollo_compiler::schema::ExtendedType::Object(o) => {
                        o.fields.keys().map(|f| format!("{name}.{f}")).collect()
                    }
                    apollo_compiler::schema::ExtendedType::Interface(i) => {
                        i.fields.keys().map(|f| format!("{name}.{f}")).collect()
                    }
                    _ => Vec::new(),
                };
                fields
            })
            .filter(|coordinate| !summary.fields.contains(coordinate))
            .collect();
        assert!(missing.is_empty(), "never selected: {missing:?}");
        for feature in [
            "__typename",
            "alias",
            "argument",
            "@skip/@include",
            "variables",
            "named fragment",
            "inline fragment on an abstract type",
            "inline fragment on an object type",
            "inline fragment without type condition",
        ] {
            assert!(
                summary.features.get(feature).is_some_and(|n| *n > 0),
                "{feature} never generated: {:?}",
                summary.features
            );
        }
        assert_eq!(summary.max_depth, generator::MAX_DEPTH, "{summary:?}");
    }
    let failures = summary.failures.len();
    for failure in summary.failures.iter().take(5) {
        eprintln!("{failure}");
    }
    assert_eq!(
        failures, 0,
        "{failures} operations differ (the first 5 above)"
    );
}

/// The comparison itself: it must see a different value, a different field order, a missing
/// error, an error at another path, and the monolith's own null propagation must be applied.
#[test]
fn comparison_catches_differences() {
    use serde_json::json;
    let supergraph = subgraphs::Subgraphs::new().supergraph();
    let document = apollo_compiler::ExecutableDocument::parse_and_validate(
        supergraph.api_schema(),
        "{ users { id secret } reviews { id verified } }",
        "op.graphql",
    )
    .expect("valid");
    let base = json!({
        "data": {"users": [{"id": "u1", "secret": null}], "reviews": [{"id": "r1", "verified": true}]},
        "errors": [{"message": "x", "path": ["users", 0, "secret"]}]
    });
    assert_eq!(runner::compare(&document, &base, &base.clone()), None);
    let mut value = base.clone();
    value["data"]["users"][0]["id"] = json!("u2");
    assert!(runner::compare(&document, &base, &value).is_some());
    let reordered = json!({
        "data": {"users": [{"secret": null, "id": "u1"}], "reviews": [{"id": "r1", "verified": true}]},
        "errors": [{"message": "x", "path": ["users", 0, "secret"]}]
    });
    assert!(runner::compare(&document, &base, &reordered).is_some());
    let mut no_error = base.clone();
    no_error["errors"] = json!([]);
    assert!(runner::compare(&document, &base, &no_error).is_some());
    let mut elsewhere = base.clone();
    elsewhere["errors"][0]["path"] = json!(["users", 1, "secret"]);
    assert!(runner::compare(&document, &base, &elsewhere).is_some());

    // async-graphql's answer to a failed non-null field: the field is dropped. Propagation
    // nulls the nearest nullable ancestor; here that is `data` itself (`[Review!]!`).
    let mut dropped = json!({
        "data": {"users": [], "reviews": [{"id": "r5"}]},
        "errors": [{"message": "x", "path": ["reviews", 0, "verified"]}]
    });
    spec::propagate(&document, &mut dropped);
    assert_eq!(dropped["data"], json!(null));
}
