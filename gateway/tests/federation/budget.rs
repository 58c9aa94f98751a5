//! The planning budget through the gateway: `[limits] planner_budget_nodes` and
//! `planner_budget_time` bound planning; past them the client gets `QUERY_PLANNING_FAILED`
//! and no subgraph is called. (The pathological fixtures themselves are planner unit tests in
//! `gateway/src/planner/tests/budget.rs`.)

use serde_json::{Value, json};

use crate::keys::gateway_with_config;
use crate::support::counts;

/// 200 fragments on `Product`, nested 10 deep, each spreading two of the next level.
fn two_hundred_fragments() -> String {
    let spreads: String = (0..20).map(|c| format!("...F{c}_0 ")).collect();
    let mut query = format!("{{ products {{ {spreads} }} }}\n");
    for c in 0..20 {
        for d in 0..10 {
            let next = if d == 9 {
                "stock".to_string()
            } else {
                format!("...F{c}_{} ...F{}_{}", d + 1, (c + 1) % 20, d + 1)
            };
            query.push_str(&format!("fragment F{c}_{d} on Product {{ name {next} }}\n"));
        }
    }
    query
}

fn planning_failed(response: &Value) -> bool {
    response.get("data").is_none()
        && response["errors"][0]["extensions"]["code"] == json!("QUERY_PLANNING_FAILED")
}

#[tokio::test]
async fn node_budget_from_config() {
    let gateway = gateway_with_config("[limits]\nplanner_budget_nodes = 20\n");
    let response = gateway
        .query("{ products { name stock } }", json!({}))
        .await;
    assert_eq!(
        response,
        json!({"data": {"products": [
            {"name": "Dune", "stock": 5}, {"name": "Go", "stock": 0}, {"name": "Rust", "stock": 12}
        ]}})
    );
    let response = gateway
        .query(
            "{ products { id sku name stock price } stockedProducts { sku stock name price } }",
            json!({}),
        )
        .await;
    assert!(planning_failed(&response), "{response}");
    assert_eq!(gateway.calls(), counts(&[]));
}

#[tokio::test]
async fn time_budget_from_config() {
    let gateway = gateway_with_config("[limits]\nplanner_budget_time = \"0ms\"\n");
    let response = gateway.query(&two_hundred_fragments(), json!({})).await;
    assert!(planning_failed(&response), "{response}");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("time")),
        "{response}"
    );
    assert_eq!(gateway.calls(), counts(&[]));
}

/// With the default budget the fragment bomb either plans and runs (two fetches) or fails
/// cleanly; with a generous one it runs.
#[tokio::test]
async fn fragment_bomb_plans_or_fails_cleanly() {
    let query = two_hundred_fragments();
    let gateway = gateway_with_config("");
    let response = gateway.query(&query, json!({})).await;
    if !planning_failed(&response) {
        assert_eq!(
            response["data"]["products"][2],
            json!({"name": "Rust", "stock": 12})
        );
        assert_eq!(gateway.calls(), counts(&[("catalog", 1), ("inventory", 1)]));
    }
    let gateway = gateway_with_config("[limits]\nplanner_budget_time = \"60s\"\n");
    let response = gateway.query(&query, json!({})).await;
    assert_eq!(
        response["data"]["products"][0],
        json!({"name": "Dune", "stock": 5}),
        "{response}"
    );
    assert_eq!(gateway.calls(), counts(&[("catalog", 1), ("inventory", 1)]));
}
