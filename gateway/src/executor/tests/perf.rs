//! Gateway-side cost figures (run with `--release -- --ignored --nocapture`): parse+validate,
//! cold plan, and execute+project with a replaying in-memory transport, so only the
//! gateway's own work is timed.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use apollo_compiler::ExecutableDocument;
use async_trait::async_trait;
use axum::http::HeaderMap;
use serde_json::{Map, Value};

use super::{BENCH_QUERY, bench, harness};
use crate::executor::{ExecutionRequest, execute};
use crate::planner::plan;
use crate::transport::{SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError};

/// Answers from responses recorded once from the real in-process subgraphs.
struct Replay {
    responses: HashMap<(String, String), Value>,
}

#[async_trait]
impl SubgraphClient for Replay {
    async fn execute(
        &self,
        subgraph: &str,
        request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        let key = (
            subgraph.to_owned(),
            serde_json::to_string(&request.variables).unwrap_or_default(),
        );
        let value = self.responses.get(&key).cloned().unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|e| TransportError::InvalidResponse {
            subgraph: subgraph.to_owned(),
            message: e.to_string(),
        })
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test]
#[ignore = "timing figures; run in release"]
async fn gateway_cost_figures() {
    let s = harness::supergraph("requires_provides.graphql");
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
    let query_plan = Arc::new(plan(&s, &document, None).expect("plan"));

    // Record real subgraph answers once.
    let live = bench::client();
    let expected = harness::run(&s, &live, BENCH_QUERY, Value::Object(Map::new())).await;
    let mut responses = HashMap::new();
    for logged in live.log() {
        let variables = Value::Object(logged.variables.clone());
        let request = async_graphql::Request::new(logged.query.clone())
            .variables(async_graphql::Variables::from_json(variables));
        let schema_response = match logged.subgraph.as_str() {
            "accounts" | "products" | "inventory" | "reviews" => {
                let client = bench::client();
                let r = client
                    .execute(
                        &logged.subgraph,
                        SubgraphRequest {
                            query: logged.query.clone().into(),
                            operation_name: None,
                            variables: logged.variables.clone(),
                            headers: HeaderMap::new(),
                        },
                    )
                    .await
                    .expect("live");
                drop(request);
                serde_json::json!({"data": r.data, "errors": []})
            }
            _ => Value::Null,
        };
        responses.insert(
            (
                logged.subgraph.clone(),
                serde_json::to_string(&logged.variables).unwrap_or_default(),
            ),
            schema_response,
        );
    }
    let replay = Replay { responses };
    let variables = Map::new();
    let headers = HeaderMap::new();
    let mut executing = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let response = execute(ExecutionRequest {
            plan: &query_plan,
            supergraph: &s,
            variables: &variables,
            client: &replay,
            introspection: None,
            headers: &headers,
        })
        .await;
        let elapsed = t.elapsed();
        assert!(response.errors.is_empty());
        executing.push(elapsed);
    }
    let check = serde_json::to_value(
        execute(ExecutionRequest {
            plan: &query_plan,
            supergraph: &s,
            variables: &variables,
            client: &replay,
            introspection: None,
            headers: &headers,
        })
        .await,
    )
    .expect("json");
    assert_eq!(check, expected);
    println!(
        "bench query: parse+validate {:?}, cold plan {:?}, execute+project (replayed subgraphs, {} fetches) {:?}",
        median(parse),
        median(planning),
        query_plan.fetch_count,
        median(executing)
    );
}
