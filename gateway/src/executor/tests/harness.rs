//! The executor test harness: fixtures by name, and planning plus execution over
//! [`InProcess`] subgraphs (the client shared with the benches, in `crate::test_support`).

use axum::http::HeaderMap;
use serde_json::{Map, Value};

use crate::executor::{ExecutionRequest, Response, execute};
use crate::planner::QueryPlan;
use crate::supergraph::Supergraph;
pub use crate::test_support::InProcess;
use crate::transport::SubgraphClient;

pub fn supergraph(fixture: &str) -> Supergraph {
    let path = format!("{}/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let sdl = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Supergraph::parse(&sdl).unwrap_or_else(|e| panic!("{fixture}: {e}"))
}

pub fn plan_for(supergraph: &Supergraph, query: &str) -> QueryPlan {
    crate::test_support::plan_for(supergraph, query).unwrap_or_else(|e| panic!("{e}"))
}

/// Plans and executes; returns the response as JSON (as a client would read it).
pub async fn run(
    supergraph: &Supergraph,
    client: &dyn SubgraphClient,
    query: &str,
    variables: Value,
) -> Value {
    let plan = plan_for(supergraph, query);
    let variables = match variables {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let headers = HeaderMap::new();
    let response: Response = execute(ExecutionRequest {
        plan: &plan,
        supergraph,
        variables: &variables,
        client,
        introspection: None,
        headers: &headers,
    })
    .await;
    serde_json::to_value(&response).unwrap_or_else(|e| panic!("response does not serialize: {e}"))
}
