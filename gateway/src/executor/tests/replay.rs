//! The replaying client the benches time the executor with, and the large response they use:
//! a replay must answer exactly as the live subgraphs did, and refuse what it never saw.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::harness::{plan_for, run};
use super::{BENCH_QUERY, bench, bench_expected};
use crate::test_support::large::{
    self, Breakage, LARGE_QUERY, is_broken, product_name, product_price,
};
use crate::test_support::record;

#[tokio::test]
async fn a_replay_answers_the_benchmark_query_exactly_like_the_live_subgraphs() {
    let s = bench::supergraph().expect("benchmark supergraph");
    let plan = plan_for(&s, BENCH_QUERY);
    let client = bench::client();
    let (live, replay) = record(&s, &plan, &Map::new(), client.clone()).await;
    assert_eq!(serde_json::to_value(&live).expect("json"), bench_expected());
    // One recorded body per distinct request (some fetch nodes send the same one).
    let log = client.log();
    assert_eq!(log.len(), plan.fetch_count);
    let distinct: HashSet<String> = log
        .iter()
        .map(|l| format!("{} {} {:?}", l.subgraph, l.query, l.variables))
        .collect();
    assert_eq!(replay.len(), distinct.len());
    for _ in 0..2 {
        assert_eq!(
            run(&s, &replay, BENCH_QUERY, json!({})).await,
            bench_expected()
        );
    }
}

#[tokio::test]
async fn a_replay_refuses_requests_it_did_not_record() {
    let s = bench::supergraph().expect("benchmark supergraph");
    let plan = plan_for(&s, "{ topProducts(first: 2) { name } }");
    let (_, replay) = record(&s, &plan, &Map::new(), bench::client()).await;
    assert_eq!(replay.len(), 1);
    // Same field, other argument: another request body, so nothing to replay.
    let response = run(&s, &replay, "{ topProducts(first: 3) { name } }", json!({})).await;
    assert_eq!(response["data"], json!({"topProducts": null}));
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "SUBGRAPH_REQUEST_FAILURE",
        "{response}"
    );
}

/// `count` products as the large query should answer them: broken ones null.
fn large_expected(count: u32) -> Value {
    (1..=count)
        .map(|id| {
            if is_broken(id) {
                Value::Null
            } else {
                json!({"__typename": "Product", "id": id.to_string(),
                    "name": product_name(id), "price": product_price(id)})
            }
        })
        .collect()
}

/// Client paths of the broken products' `name`.
fn broken_name_paths(count: u32) -> Vec<Value> {
    (1..=count)
        .filter(|id| is_broken(*id))
        .map(|id| json!(["products", id - 1, "name"]))
        .collect()
}

const LARGE_COUNT: u32 = 1000;

/// Runs the large query live over `count` products, checks the data and the fetches, and
/// checks that a replay of it answers the same; returns the response.
async fn large_response(breakage: Breakage) -> Value {
    let s = large::supergraph().expect("large supergraph");
    let client = large::client(breakage);
    let variables = json!({"first": LARGE_COUNT});
    let response = run(&s, &client, LARGE_QUERY, variables.clone()).await;
    assert_eq!(response["data"]["products"], large_expected(LARGE_COUNT));
    // One root fetch, and one entity fetch carrying every representation.
    assert_eq!(client.count("listing"), 1);
    assert_eq!(client.count("details"), 1);
    let details = client.log().into_iter().find(|l| l.subgraph == "details");
    let representations = details.map(|d| d.variables["representations"].clone());
    assert_eq!(
        representations
            .as_ref()
            .and_then(Value::as_array)
            .map(Vec::len),
        Some(LARGE_COUNT as usize)
    );

    let plan = plan_for(&s, LARGE_QUERY);
    let (live, replay) = record(
        &s,
        &plan,
        variables.as_object().unwrap_or(&Map::new()),
        large::client(breakage),
    )
    .await;
    assert_eq!(serde_json::to_value(&live).expect("json"), response);
    assert_eq!(run(&s, &replay, LARGE_QUERY, variables).await, response);
    response
}

#[tokio::test]
async fn missing_entities_null_their_items_with_one_error_each() {
    let response = large_response(Breakage::MissingEntity).await;
    let errors = response["errors"].as_array().expect("errors");
    let paths: Vec<Value> = errors.iter().map(|e| e["path"].clone()).collect();
    assert_eq!(paths, broken_name_paths(LARGE_COUNT));
    for error in errors {
        assert_eq!(
            error["message"],
            "cannot return null for non-nullable field `Product.name`"
        );
        assert_eq!(error["extensions"]["code"], "SUBGRAPH_ERROR");
    }
}

#[tokio::test]
async fn failing_entity_fields_null_their_items_with_the_subgraph_error() {
    let response = large_response(Breakage::FailingField).await;
    let errors = response["errors"].as_array().expect("errors");
    let mut distinct_paths: Vec<&Value> = Vec::new();
    for error in errors {
        if !distinct_paths.contains(&&error["path"]) {
            distinct_paths.push(&error["path"]);
        }
    }
    assert_eq!(
        distinct_paths,
        broken_name_paths(LARGE_COUNT).iter().collect::<Vec<_>>()
    );
    for error in errors {
        assert_eq!(error["message"], "name unavailable");
        assert_eq!(error["extensions"]["code"], "SUBGRAPH_ERROR");
        assert_eq!(error["extensions"]["service"], "details");
    }
}

/// async-graphql leaves the entity index out of `_entities` error paths; each error must still
/// reach the client once, at one broken entity, not once per broken entity (k² errors).
#[tokio::test]
async fn each_failing_entity_field_is_reported_once() {
    let response = large_response(Breakage::FailingField).await;
    let errors = response["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), broken_name_paths(LARGE_COUNT).len());
}
