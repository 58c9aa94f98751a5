//! Execution: internal aliases restored to the client's names, entity fetches inside lists of
//! lists, `null` items in representation lists, `_entities` errors at the right client path,
//! mutations run field by field (each with its entity fetches), and `@skip`/`@include` on
//! variables causing no fetch for a skipped branch.
//!
//! - `catalog`: `Product @key(upc) { upc name price(currency) }`,
//!   `Query.shelves: [[Product]]` (with null items and null lists), `Mutation.createProduct`.
//! - `inventory`: `Product @key(upc) { upc stock }` (fails for `p3`, unknown for `p9`),
//!   `Mutation.restock`.

use serde_json::json;

use crate::support::{Gateway, counts};

mod catalog {
    use async_graphql::{EmptySubscription, Object, Schema, SimpleObject};

    #[derive(SimpleObject, Clone)]
    #[graphql(complex)]
    pub struct Product {
        upc: String,
        name: String,
    }

    #[async_graphql::ComplexObject]
    impl Product {
        async fn price(&self, #[graphql(default = "USD")] currency: String) -> i32 {
            let base = i32::try_from(self.name.len()).unwrap_or(0) * 100;
            if currency == "EUR" {
                base * 9 / 10
            } else {
                base
            }
        }
    }

    pub fn product(upc: &str) -> Product {
        let name = match upc {
            "p1" => "Dune",
            "p2" => "Go",
            "p3" => "Rust",
            _ => "Ghost",
        };
        Product {
            upc: upc.into(),
            name: name.into(),
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn shelves(&self) -> Vec<Option<Vec<Option<Product>>>> {
            vec![
                Some(vec![Some(product("p1")), None]),
                Some(vec![
                    Some(product("p2")),
                    Some(product("p3")),
                    Some(product("p1")),
                ]),
                None,
                Some(vec![Some(product("p9"))]),
            ]
        }
        async fn product(&self, upc: String) -> Product {
            product(&upc)
        }
        #[graphql(entity)]
        async fn find_product_by_upc(&self, upc: String) -> Product {
            product(&upc)
        }
    }

    pub struct Mutation;

    #[Object]
    impl Mutation {
        async fn create_product(&self, name: String) -> Product {
            Product {
                upc: format!("new-{name}"),
                name,
            }
        }
    }

    pub fn schema() -> Schema<Query, Mutation, EmptySubscription> {
        Schema::build(Query, Mutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

mod inventory {
    use async_graphql::{EmptySubscription, Object, Schema};

    pub struct Product {
        upc: String,
        stock: i32,
    }

    #[Object]
    impl Product {
        async fn upc(&self) -> &str {
            &self.upc
        }
        /// Fails for `p3`: a field error inside one `_entities` item.
        async fn stock(&self) -> async_graphql::Result<Option<i32>> {
            if self.upc == "p3" {
                return Err("warehouse offline".into());
            }
            Ok(Some(self.stock))
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        #[graphql(entity)]
        async fn find_product_by_upc(&self, upc: String) -> async_graphql::Result<Option<Product>> {
            match upc.as_str() {
                "p9" => Ok(None),
                _ => Ok(Some(Product {
                    stock: i32::try_from(upc.len()).unwrap_or(0),
                    upc,
                })),
            }
        }
    }

    pub struct Mutation;

    #[Object]
    impl Mutation {
        async fn restock(&self, upc: String) -> Product {
            Product { upc, stock: 99 }
        }
    }

    pub fn schema() -> Schema<Query, Mutation, EmptySubscription> {
        Schema::build(Query, Mutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

fn gateway() -> Gateway {
    Gateway::builder()
        .fixture("execution")
        .subgraph("catalog", catalog::schema())
        .subgraph("inventory", inventory::schema())
        .build()
}

/// Entities inside `[[Product]]`: representations are collected across both list levels,
/// null items and null lists are skipped, duplicates are sent once, and the answers are merged
/// back by position. `p3`'s `_entities` error lands at `shelves.1.1.stock`; the unknown `p9`
/// comes back `null`, so its `stock` is null without an error.
#[tokio::test]
async fn entities_in_lists_of_lists_with_null_items_and_errors() {
    let gateway = gateway();
    let response = gateway.query("{ shelves { name stock } }", json!({})).await;
    assert_eq!(
        response,
        json!({
            "data": {"shelves": [
                [{"name": "Dune", "stock": 2}, null],
                [{"name": "Go", "stock": 2}, {"name": "Rust", "stock": null}, {"name": "Dune", "stock": 2}],
                null,
                [{"name": "Ghost", "stock": null}]
            ]},
            "errors": [{
                "message": "warehouse offline",
                "path": ["shelves", 1, 1, "stock"],
                "extensions": {"code": "SUBGRAPH_ERROR", "service": "inventory"}
            }]
        })
    );
    assert_eq!(gateway.calls(), counts(&[("catalog", 1), ("inventory", 1)]));
    assert_eq!(
        gateway.log()[1].variables["representations"],
        json!([
            {"__typename": "Product", "upc": "p1"},
            {"__typename": "Product", "upc": "p2"},
            {"__typename": "Product", "upc": "p3"},
            {"__typename": "Product", "upc": "p9"}
        ])
    );
}

/// Aliases that shadow a field the plan needs (`upc: name` while `upc` is the key of the jump),
/// and one field under two response keys with different arguments: the subgraph queries use
/// internal names, the client gets its own.
#[tokio::test]
async fn internal_aliases_are_restored_to_client_names() {
    let gateway = gateway();
    let response = gateway
        .query(
            r#"{ product(upc: "p2") {
                 upc: name
                 name: stock
                 stock: price(currency: "EUR")
                 price
                 __typename
               } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        response,
        json!({"data": {"product": {
            "upc": "Go", "name": 2, "stock": 180, "price": 200, "__typename": "Product"
        }}})
    );
    assert_eq!(gateway.calls(), counts(&[("catalog", 1), ("inventory", 1)]));
    assert_eq!(
        gateway.log()[1].variables["representations"],
        json!([{"__typename": "Product", "upc": "p2"}])
    );
}

/// Each top-level mutation field finishes, entity fetches included, before the next starts:
/// the subgraph calls come in document order.
#[tokio::test]
async fn mutation_fields_run_one_after_another_with_their_entity_fetches() {
    let gateway = gateway();
    let response = gateway
        .query(
            r#"mutation {
                 a: createProduct(name: "Ada") { upc stock }
                 r: restock(upc: "p1") { name stock }
                 b: createProduct(name: "Bo") { name stock }
               }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        response,
        json!({"data": {
            "a": {"upc": "new-Ada", "stock": 7},
            "r": {"name": "Dune", "stock": 99},
            "b": {"name": "Bo", "stock": 6}
        }})
    );
    let order: Vec<(String, bool)> = gateway
        .log()
        .into_iter()
        .map(|c| (c.subgraph, c.query.contains("_entities")))
        .collect();
    assert_eq!(
        order,
        [
            ("catalog".to_owned(), false),
            ("inventory".to_owned(), true),
            ("inventory".to_owned(), false),
            ("catalog".to_owned(), true),
            ("catalog".to_owned(), false),
            ("inventory".to_owned(), true),
        ]
    );
}

/// `@include(if: $v)`/`@skip(if: $v)`: the plan has condition nodes; a skipped branch sends
/// no request.
#[tokio::test]
async fn skipped_branches_cause_no_fetch() {
    let gateway = gateway();
    let query = r#"query($stock: Boolean!, $noName: Boolean!) {
        product(upc: "p1") { name @skip(if: $noName) stock @include(if: $stock) }
    }"#;
    let response = gateway
        .query(query, json!({"stock": false, "noName": false}))
        .await;
    assert_eq!(response, json!({"data": {"product": {"name": "Dune"}}}));
    assert_eq!(gateway.calls(), counts(&[("catalog", 1)]));

    let response = gateway
        .query(query, json!({"stock": true, "noName": true}))
        .await;
    assert_eq!(response, json!({"data": {"product": {"stock": 2}}}));
    assert_eq!(gateway.calls(), counts(&[("catalog", 1), ("inventory", 1)]));

    // A skipped fragment spread holding the only cross-subgraph field.
    let query = r#"query($s: Boolean!) { product(upc: "p2") { name ...S @skip(if: $s) } }
                   fragment S on Product { stock }"#;
    let response = gateway.query(query, json!({"s": true})).await;
    assert_eq!(response, json!({"data": {"product": {"name": "Go"}}}));
    assert_eq!(gateway.calls(), counts(&[("catalog", 1)]));
}
