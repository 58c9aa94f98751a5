//! Parity at the planner: the same operations planned over Tessera's supergraph and over
//! Apollo's give the same plans, so the two supergraphs behave the same in the gateway.

use gateway::planner::plan_text;
use gateway::supergraph::compose::compose;

use crate::support::{apollo_compose, load_fixture, oracle_available};

/// Plans `operations` over both supergraphs: planning must succeed, with the same plans.
fn same_plans(set: &str, operations: &[&str]) {
    let subgraphs = load_fixture(set);
    let ours = compose(&subgraphs).expect("tessera composes");
    // Without the oracle, still check every operation plans over our supergraph.
    let theirs = if oracle_available() {
        Some(apollo_compose(&subgraphs).expect("apollo composes"))
    } else {
        None
    };
    for operation in operations {
        let our_plan = plan_text(&ours, operation, None).unwrap_or_else(|e| {
            panic!("{set}: cannot plan {operation} over tessera's supergraph: {e}")
        });
        assert!(our_plan.contains("Fetch"), "{set}: {our_plan}");
        if let Some(theirs) = &theirs {
            let their_plan = plan_text(theirs, operation, None).unwrap_or_else(|e| {
                panic!("{set}: cannot plan {operation} over apollo's supergraph: {e}")
            });
            assert_eq!(our_plan, their_plan, "{set}: plans differ for {operation}");
        }
    }
}

#[test]
fn tessera_operations_plan_the_same() {
    same_plans(
        "tessera",
        &[
            "{ users(first: 50) { name orders { total { amount currency } items { quantity product { name reviews { rating author { name } } } } } } }",
            "{ product(id: \"1\") { name sku price { amount } averageRating reviews { body author { email } } } }",
            "{ productBySku(sku: \"a\") { id reviews { rating } } }",
            "{ me { email orders { id status createdAt } reviews { rating product { name } } } }",
            "mutation { placeOrder(input: { items: [{ productId: \"1\", quantity: 2 }] }) { id total { amount } user { name } } }",
        ],
    );
}

#[test]
fn requires_and_provides_plan_the_same() {
    same_plans(
        "requires_provides",
        &[
            "{ topProducts { name shippingEstimate inStock reviews { body author { username birthYear } } } }",
            "{ me { username discount reviews { product { name } } } }",
        ],
    );
}

#[test]
fn overrides_plan_the_same() {
    same_plans(
        "override",
        &["{ item(id: \"1\") { name price stock weight shipping code } }"],
    );
}

#[test]
fn keys_plan_the_same() {
    same_plans(
        "keys",
        &["{ account(id: \"1\") { login balance org { name } } org(id: \"2\") { name } }"],
    );
}

#[test]
fn abstract_types_plan_the_same() {
    same_plans(
        "abstract",
        &[
            "{ search(term: \"x\") { ... on Book { title pages } ... on Movie { title } } node(id: \"1\") { id ... on Book { pages } } }",
        ],
    );
}

#[test]
fn interface_objects_plan_the_same() {
    same_plans(
        "interface_object",
        &["{ media(id: \"1\") { title reviews ... on Book { author } } topMedia { id title } }"],
    );
}
