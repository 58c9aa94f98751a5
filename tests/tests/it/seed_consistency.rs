//! The demo seed fills four separate databases; every cross-service reference must resolve.

use std::collections::{HashMap, HashSet};

use integration_tests::{TestStack, backends};
use serde_json::{Value, json};
use subgraph_kit::seed::SeedSize;

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected a list, got {v}"))
        .iter()
        .map(|x| {
            x["id"]
                .as_str()
                .unwrap_or_else(|| panic!("no id in {x}"))
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn references_resolve_across_services() {
    let size = SeedSize::small();
    for backend in backends() {
        let stack = TestStack::start(backend, size).await;
        let admin = stack.keys.admin_token(1);

        let users = stack
            .query_subgraph("users", "{ users(first: 100) { id } }", json!({}), None)
            .await;
        let user_ids: HashSet<String> = ids(&users["data"]["users"]).into_iter().collect();
        assert_eq!(user_ids.len(), size.users as usize, "{backend:?}: {users}");

        let products = stack
            .query_subgraph(
                "products",
                "{ products(first: 100) { id price { amount } } }",
                json!({}),
                None,
            )
            .await;
        let prices: HashMap<String, String> = products["data"]["products"]
            .as_array()
            .unwrap_or_else(|| panic!("{backend:?}: {products}"))
            .iter()
            .map(|p| {
                (
                    p["id"].as_str().unwrap_or_default().to_owned(),
                    p["price"]["amount"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        assert_eq!(prices.len(), size.products as usize, "{backend:?}");

        let reps: Vec<Value> = user_ids
            .iter()
            .map(|id| json!({"__typename": "User", "id": id}))
            .collect();
        let orders = stack
            .query_subgraph(
                "orders",
                "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id orders(first: 100) { id user { id } items { quantity unitPrice { amount } product { id } } } } } }",
                json!({"r": reps}),
                Some(&admin),
            )
            .await;
        assert!(orders["errors"].is_null(), "{backend:?}: {orders}");
        let mut order_count = 0;
        for user in orders["data"]["_entities"]
            .as_array()
            .unwrap_or_else(|| panic!("{orders}"))
        {
            for order in user["orders"]
                .as_array()
                .unwrap_or_else(|| panic!("{user}"))
            {
                order_count += 1;
                assert_eq!(order["user"]["id"], user["id"], "{backend:?}");
                for item in order["items"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{order}"))
                {
                    let pid = item["product"]["id"].as_str().unwrap_or_default();
                    let price = prices
                        .get(pid)
                        .unwrap_or_else(|| panic!("{backend:?}: order item product {pid} missing"));
                    assert_eq!(
                        item["unitPrice"]["amount"].as_str(),
                        Some(price.as_str()),
                        "{backend:?}: unit price"
                    );
                }
            }
        }
        assert_eq!(
            order_count, size.orders as usize,
            "{backend:?}: every order belongs to a seeded user"
        );

        let mut pairs = HashSet::new();
        for i in 1..=size.reviews {
            let r = stack
                .query_subgraph(
                    "reviews",
                    "query($id: ID!) { review(id: $id) { rating author { id } product { id } } }",
                    json!({"id": i.to_string()}),
                    None,
                )
                .await;
            let review = &r["data"]["review"];
            let author = review["author"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{backend:?}: {r}"))
                .to_owned();
            let product = review["product"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                user_ids.contains(&author),
                "{backend:?}: review author {author}"
            );
            assert!(
                prices.contains_key(&product),
                "{backend:?}: review product {product}"
            );
            assert!(
                pairs.insert((author, product)),
                "{backend:?}: one review per user per product"
            );
        }
    }
}
