//! Gateway-side cost figures (run with `--release -- --ignored --nocapture`): parse+validate,
//! cold plan, and execute+project over a [`Replay`] of the benchmark subgraphs, so only the
//! gateway's own work is timed. The criterion suite (`benches/pipeline.rs`) measures the same
//! stages more carefully; this test is the quick check that needs no extra feature.

use std::time::{Duration, Instant};

use apollo_compiler::ExecutableDocument;
use axum::http::HeaderMap;
use serde_json::Map;

use super::{BENCH_QUERY, bench, bench_expected};
use crate::executor::{ExecutionRequest, execute};
use crate::planner::plan;
use crate::test_support::{Replay, record};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test]
#[ignore = "timing figures; run in release"]
async fn gateway_cost_figures() {
    let s = bench::supergraph().expect("benchmark supergraph");
    let schema = s.api_schema();
    let runs = 2000;

    let parse: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let d = ExecutableDocument::parse_and_validate(schema, BENCH_QUERY, "q.graphql");
            assert!(d.is_ok());
            t.elapsed()
        })
        .collect();
    let document =
        ExecutableDocument::parse_and_validate(schema, BENCH_QUERY, "q.graphql").expect("valid");
    let planning: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let p = plan(&s, &document, None);
            assert!(p.is_ok());
            t.elapsed()
        })
        .collect();
    let query_plan = plan(&s, &document, None).expect("plan");

    // Record real subgraph answers once.
    let variables = Map::new();
    let (live, replay): (_, Replay) = record(&s, &query_plan, &variables, bench::client()).await;
    let expected = serde_json::to_value(&live).expect("json");
    assert_eq!(expected, bench_expected());

    let headers = HeaderMap::new();
    let request = || ExecutionRequest {
        plan: &query_plan,
        supergraph: &s,
        variables: &variables,
        client: &replay,
        introspection: None,
        headers: &headers,
    };
    let mut executing = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let response = execute(request()).await;
        let elapsed = t.elapsed();
        assert!(response.errors.is_empty());
        executing.push(elapsed);
    }
    let check = serde_json::to_value(execute(request()).await).expect("json");
    assert_eq!(check, expected);
    println!(
        "bench query: parse+validate {:?}, cold plan {:?}, execute+project (replayed subgraphs, {} fetches) {:?}",
        median(parse),
        median(planning),
        query_plan.fetch_count,
        median(executing)
    );
}
