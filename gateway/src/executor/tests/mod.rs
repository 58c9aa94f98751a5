//! Executor tests against real in-process subgraphs (async-graphql federation schemas), through
//! a client that logs every subgraph request so the tests can count them.

mod harness;
mod perf;
mod replay;
mod tessera;

use serde_json::{Value, json};

use crate::test_support::bench::{self, BENCH_QUERY};
use harness::{run, supergraph};

const FIVE_FETCHES: &str = "{ users(first: 50) { name orders { total { amount } items { quantity product { name reviews { rating author { name } } } } } } }";

fn widget_reviews() -> Value {
    json!([{"rating": 5, "author": {"name": "Grace"}}, {"rating": 4, "author": {"name": "Alan"}}])
}

#[tokio::test]
async fn five_fetches_return_the_right_data_with_one_request_per_subgraph_per_level() {
    let s = supergraph("tessera.graphql");
    let client = tessera::client();
    let response = run(&s, &client, FIVE_FETCHES, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"users": [
            {"name": "Ada", "orders": [
                {"total": {"amount": "29.60"}, "items": [
                    {"quantity": 2, "product": {"name": "Widget", "reviews": widget_reviews()}},
                    {"quantity": 1, "product": {"name": "Gadget", "reviews": [{"rating": 3, "author": {"name": "Ada"}}]}}
                ]},
                {"total": {"amount": "12.30"}, "items": [
                    {"quantity": 1, "product": {"name": "Widget", "reviews": widget_reviews()}}
                ]}
            ]},
            {"name": "Grace", "orders": [
                {"total": {"amount": "7.50"}, "items": [{"quantity": 1, "product": {"name": "Gizmo", "reviews": []}}]}
            ]},
            {"name": "Alan", "orders": []}
        ]}})
    );
    // users (root), orders, products, reviews, users (authors): one request each.
    assert_eq!(client.log().len(), 5);
    assert_eq!(client.count("users"), 2);
    assert_eq!(client.count("orders"), 1);
    assert_eq!(client.count("products"), 1);
    assert_eq!(client.count("reviews"), 1);
}

#[tokio::test]
async fn request_count_does_not_grow_with_the_number_of_users() {
    let s = supergraph("tessera.graphql");
    for first in [1, 2, 3] {
        let client = tessera::client();
        let query = FIVE_FETCHES.replace("first: 50", &format!("first: {first}"));
        let response = run(&s, &client, &query, json!({})).await;
        assert!(response.get("errors").is_none(), "{response}");
        assert_eq!(client.log().len(), 5, "{first} users");
    }
}

#[tokio::test]
async fn entity_representations_are_deduplicated_and_merged_into_every_duplicate() {
    let s = supergraph("tessera.graphql");
    let client = tessera::client();
    run(&s, &client, FIVE_FETCHES, json!({})).await;
    let products = client
        .log()
        .into_iter()
        .find(|l| l.subgraph == "products")
        .expect("products request");
    // Widget appears in two orders, Gadget and Gizmo once each: three unique representations.
    assert_eq!(
        products.variables["representations"],
        json!([
            {"__typename": "Product", "id": "1"},
            {"__typename": "Product", "id": "2"},
            {"__typename": "Product", "id": "3"}
        ])
    );
    assert!(products.query.starts_with(
        "query($representations:[_Any!]!){_entities(representations:$representations)"
    ));
    let authors = client
        .log()
        .into_iter()
        .filter(|l| l.subgraph == "users")
        .nth(1)
        .expect("author request");
    // Authors: Grace and Alan (twice each, through Widget) and Ada.
    assert_eq!(
        authors.variables["representations"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
}

#[tokio::test]
async fn projection_keeps_aliases_fragments_typename_and_client_order() {
    let s = supergraph("tessera.graphql");
    let client = tessera::client();
    let query = r#"
        query Q($id: ID!) {
            first: user(id: $id) {
                __typename
                ...Names
                id: email
                ... on User { handle: name ordersAgain: orders { id } }
                orders { status }
            }
            __typename
        }
        fragment Names on User { name kind: __typename }
    "#;
    let response = run(&s, &client, query, json!({"id": "2"})).await;
    let text = serde_json::to_string(&response).expect("json");
    assert_eq!(
        text,
        r#"{"data":{"first":{"__typename":"User","name":"Grace","kind":"User","id":"grace@tessera.dev","handle":"Grace","ordersAgain":[{"id":"3"}],"orders":[{"status":"SHIPPED"}]},"__typename":"Query"}}"#
    );
    // `id: email` travels under an internal alias, because the planner needs the real `id`
    // as the key for the orders jump.
    let users = client
        .log()
        .into_iter()
        .find(|l| l.subgraph == "users")
        .expect("users request");
    assert!(users.query.contains("_tsr_id:email"), "{}", users.query);
    assert_eq!(
        users.variables,
        json!({"id": "2"}).as_object().cloned().unwrap_or_default()
    );
}

#[tokio::test]
async fn only_the_variables_a_fetch_uses_are_sent() {
    let s = supergraph("tessera.graphql");
    let client = tessera::client();
    let query = "query($u: ID!, $n: Int) { user(id: $u) { name orders(first: $n) { id } } }";
    let response = run(&s, &client, query, json!({"u": "1", "n": 1})).await;
    assert_eq!(
        response,
        json!({"data": {"user": {"name": "Ada", "orders": [{"id": "1"}]}}})
    );
    let log = client.log();
    assert_eq!(
        log[0].variables,
        json!({"u": "1"}).as_object().cloned().unwrap_or_default()
    );
    assert!(
        log[0].query.starts_with("query($u:ID!)"),
        "{}",
        log[0].query
    );
    assert_eq!(log[1].variables.get("n"), Some(&json!(1)));
    assert!(log[1].variables.get("u").is_none());
}

#[tokio::test]
async fn null_propagates_to_the_nearest_nullable_ancestor_with_the_subgraph_error_at_the_client_path()
 {
    let s = supergraph("tessera.graphql");
    let client = tessera::client();
    // Ada's only review (id 3) has an unavailable body (a non-null field): the review, the
    // non-null reviews list and so the nullable `user` become null.
    let response = run(
        &s,
        &client,
        r#"{ u: user(id: "1") { name reviews { body } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(response["data"], json!({"u": null}));
    let errors = response["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{response}");
    assert_eq!(errors[0]["message"], "body unavailable");
    assert_eq!(errors[0]["path"], json!(["u", "reviews", 0, "body"]));
    assert_eq!(errors[0]["extensions"]["code"], "SUBGRAPH_ERROR");
    assert_eq!(errors[0]["extensions"]["service"], "reviews");
}

#[tokio::test]
async fn subgraph_error_codes_are_kept() {
    let s = supergraph("tessera.graphql");
    let client = tessera::client();
    let response = run(
        &s,
        &client,
        r#"{ review(id: "99") { body } users(first: 1) { name } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        response["data"],
        json!({"review": null, "users": [{"name": "Ada"}]})
    );
    assert_eq!(response["errors"][0]["path"], json!(["review"]));
    assert_eq!(response["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn a_failing_subgraph_gives_partial_data_and_errors_at_the_affected_paths() {
    let s = supergraph("tessera.graphql");
    let client = tessera::client().down("reviews");
    let query = r#"{ users(first: 2) { name orders { items { product { name averageRating } } } } review(id: "1") { body } }"#;
    let response = run(&s, &client, query, json!({})).await;
    assert_eq!(
        response["data"],
        json!({
            "users": [
                {"name": "Ada", "orders": [
                    {"items": [{"product": {"name": "Widget", "averageRating": null}}, {"product": {"name": "Gadget", "averageRating": null}}]},
                    {"items": [{"product": {"name": "Widget", "averageRating": null}}]}
                ]},
                {"name": "Grace", "orders": [{"items": [{"product": {"name": "Gizmo", "averageRating": null}}]}]}
            ],
            "review": null
        })
    );
    let errors = response["errors"].as_array().expect("errors");
    let paths: Vec<&Value> = errors.iter().map(|e| &e["path"]).collect();
    assert!(paths.contains(&&json!(["review"])), "{response}");
    assert!(
        paths.contains(&&json!([
            "users",
            0,
            "orders",
            0,
            "items",
            0,
            "product",
            "averageRating"
        ])),
        "{response}"
    );
    assert!(
        paths.contains(&&json!([
            "users",
            1,
            "orders",
            0,
            "items",
            0,
            "product",
            "averageRating"
        ])),
        "{response}"
    );
    for error in errors {
        assert_eq!(error["extensions"]["code"], "SUBGRAPH_REQUEST_FAILURE");
        let text = error.to_string();
        assert!(
            !text.contains("127.0.0.1") && !text.contains("refused"),
            "internal details leaked: {text}"
        );
    }
}

#[tokio::test]
async fn a_null_key_sends_no_representation_and_leaves_the_entity_fields_null() {
    // The nullkey fixture: `a` returns items whose product key may be null; `b` owns `name`.
    let s = supergraph("nullkey.graphql");
    let client = harness::InProcess::default()
        .with("a", nullkey::a())
        .with("b", nullkey::b());
    let response = run(
        &s,
        &client,
        "{ items { id product { upc name } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        response["data"],
        json!({"items": [
            {"id": "1", "product": {"upc": "u1", "name": "One"}},
            {"id": "2", "product": {"upc": null, "name": null}},
            {"id": "3", "product": {"upc": "u1", "name": "One"}}
        ]})
    );
    let b = client
        .log()
        .into_iter()
        .find(|l| l.subgraph == "b")
        .expect("b request");
    assert_eq!(
        b.variables["representations"],
        json!([{"__typename": "Product", "upc": "u1"}])
    );
}

#[tokio::test]
async fn mutation_fields_run_in_order_each_with_its_entity_fetches() {
    let s = supergraph("tessera.graphql");
    let client = tessera::client();
    let query = r#"mutation {
        first: addReview(productId: "2", rating: 5, body: "again") { id product { name } }
        gone: deleteReview(id: "4")
        second: addReview(productId: "3", rating: 1, body: "meh") { id product { name } }
    }"#;
    let response = run(&s, &client, query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {
            "first": {"id": "4", "product": {"name": "Gadget"}},
            "gone": true,
            "second": {"id": "4", "product": {"name": "Gizmo"}}
        }})
    );
    let order: Vec<String> = client.log().iter().map(|l| l.subgraph.clone()).collect();
    assert_eq!(
        order,
        ["reviews", "products", "reviews", "reviews", "products"]
    );
}

#[tokio::test]
async fn skipped_branches_cause_no_fetch() {
    let s = supergraph("tessera.graphql");
    let query = "query($withOrders: Boolean!) { user(id: \"1\") { name orders @include(if: $withOrders) { id } } }";
    let client = tessera::client();
    let response = run(&s, &client, query, json!({"withOrders": false})).await;
    assert_eq!(response, json!({"data": {"user": {"name": "Ada"}}}));
    assert_eq!(client.log().len(), 1);
    let client = tessera::client();
    let response = run(&s, &client, query, json!({"withOrders": true})).await;
    assert_eq!(
        response,
        json!({"data": {"user": {"name": "Ada", "orders": [{"id": "1"}, {"id": "2"}]}}})
    );
    assert_eq!(client.log().len(), 2);
}

/// A response key whose first occurrence is skipped sits where its first included
/// occurrence is, as CollectFields orders it (found by the differential test).
#[tokio::test]
async fn a_skipped_first_occurrence_does_not_fix_the_key_position() {
    let s = supergraph("tessera.graphql");
    let query = r#"query($skip: Boolean!) {
        user(id: "1") { email @skip(if: $skip) name email ... @include(if: $skip) { id name } id }
    }"#;
    for (skip, expected) in [
        (
            true,
            r#"{"data":{"user":{"name":"Ada","email":"ada@tessera.dev","id":"1"}}}"#,
        ),
        (
            false,
            r#"{"data":{"user":{"email":"ada@tessera.dev","name":"Ada","id":"1"}}}"#,
        ),
    ] {
        let client = tessera::client();
        let response = run(&s, &client, query, json!({"skip": skip})).await;
        let text = serde_json::to_string(&response).expect("json");
        assert_eq!(text, expected, "skip = {skip}");
    }
}

#[tokio::test]
async fn a_second_key_is_used_when_the_source_has_it() {
    let s = supergraph("tessera.graphql");
    let client = tessera::client();
    let response = run(
        &s,
        &client,
        r#"{ productBySku(sku: "P-1") { name averageRating reviews { rating } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        response,
        json!({"data": {"productBySku": {"name": "Widget", "averageRating": 4.5, "reviews": [{"rating": 5}, {"rating": 4}]}}})
    );
    assert_eq!(client.log().len(), 2);
}

mod nullkey {
    //! Two tiny subgraphs for null keys: `a` refers to products by a nullable `upc`.
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

    #[derive(SimpleObject, Clone)]
    #[graphql(name = "Product")]
    pub struct ProductRef {
        upc: Option<String>,
    }

    #[derive(SimpleObject, Clone)]
    pub struct Item {
        id: ID,
        product: ProductRef,
    }

    pub struct QueryA;

    #[Object]
    impl QueryA {
        async fn items(&self) -> Vec<Item> {
            [(1, Some("u1")), (2, None), (3, Some("u1"))]
                .into_iter()
                .map(|(id, upc)| Item {
                    id: ID(id.to_string()),
                    product: ProductRef {
                        upc: upc.map(Into::into),
                    },
                })
                .collect()
        }
    }

    pub fn a() -> Schema<QueryA, EmptyMutation, EmptySubscription> {
        Schema::build(QueryA, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }

    #[derive(SimpleObject, Clone)]
    pub struct Product {
        upc: String,
        name: String,
    }

    pub struct QueryB;

    #[Object]
    impl QueryB {
        #[graphql(entity)]
        async fn find_product_by_upc(&self, upc: String) -> Option<Product> {
            (upc == "u1").then(|| Product {
                upc,
                name: "One".into(),
            })
        }
    }

    pub fn b() -> Schema<QueryB, EmptyMutation, EmptySubscription> {
        Schema::build(QueryB, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

/// What a single monolithic server would answer for [`BENCH_QUERY`], computed from the data.
fn bench_expected() -> Value {
    use bench::{ACCOUNTS, PRODUCTS, REVIEWS, shipping_estimate};
    let user = |id: u32, rest: Map| {
        let a = ACCOUNTS.iter().find(|a| a.id == id).expect("account");
        let mut m = json!({"id": a.id.to_string(), "username": a.username, "name": a.name})
            .as_object()
            .cloned()
            .unwrap_or_default();
        m.extend(rest);
        Value::Object(m)
    };
    let review = |id: u32, rest: Map| {
        let r = REVIEWS.iter().find(|r| r.id == id).expect("review");
        let mut m = json!({"id": r.id.to_string(), "body": r.body})
            .as_object()
            .cloned()
            .unwrap_or_default();
        m.extend(rest);
        Value::Object(m)
    };
    let product = |upc: &str, rest: Map| {
        let p = PRODUCTS.iter().find(|p| p.upc == upc).expect("product");
        let mut m = json!({"inStock": p.in_stock, "name": p.name, "price": p.price,
            "shippingEstimate": shipping_estimate(p.price, p.weight), "upc": p.upc, "weight": p.weight})
        .as_object().cloned().unwrap_or_default();
        m.extend(rest);
        Value::Object(m)
    };
    let reviews_of_user = |id: u32| REVIEWS.iter().filter(move |r| r.author == id);
    let reviews_of_product = |upc: &'static str| REVIEWS.iter().filter(move |r| r.product == upc);
    let one = |key: &str, value: Value| {
        let mut m = Map::new();
        m.insert(key.to_owned(), value);
        m
    };
    // author { ...User reviews { ...Review product { ...Product } } }
    let author = |id: u32| {
        user(
            id,
            one(
                "reviews",
                Value::Array(
                    reviews_of_user(id)
                        .map(|r| review(r.id, one("product", product(r.product, Map::new()))))
                        .collect(),
                ),
            ),
        )
    };
    // reviews { ...Review author { ... } }
    let product_reviews = |upc: &'static str| {
        Value::Array(
            reviews_of_product(upc)
                .map(|r| review(r.id, one("author", author(r.author))))
                .collect(),
        )
    };
    let users: Vec<Value> = ACCOUNTS
        .iter()
        .map(|a| {
            user(
                a.id,
                one(
                    "reviews",
                    Value::Array(
                        reviews_of_user(a.id)
                            .map(|r| {
                                review(
                                    r.id,
                                    one(
                                        "product",
                                        product(
                                            r.product,
                                            one("reviews", product_reviews(r.product)),
                                        ),
                                    ),
                                )
                            })
                            .collect(),
                    ),
                ),
            )
        })
        .collect();
    let top: Vec<Value> = PRODUCTS
        .iter()
        .map(|p| product(p.upc, one("reviews", product_reviews(p.upc))))
        .collect();
    json!({"data": {"users": users, "topProducts": top}})
}

type Map = serde_json::Map<String, Value>;

#[tokio::test]
async fn benchmark_query_matches_a_monolith() {
    let s = supergraph("requires_provides.graphql");
    let client = bench::client();
    let response = run(&s, &client, BENCH_QUERY, json!({})).await;
    assert_eq!(response, bench_expected());
    let plan = harness::plan_for(&s, BENCH_QUERY);
    assert_eq!(
        client.log().len(),
        plan.fetch_count,
        "one request per fetch node:\n{plan}"
    );
}

#[tokio::test]
async fn requires_inputs_are_sent_in_the_representation() {
    let s = supergraph("requires_provides.graphql");
    let client = bench::client();
    let response = run(
        &s,
        &client,
        "{ topProducts(first: 2) { name shippingEstimate inStock } }",
        json!({}),
    )
    .await;
    assert_eq!(
        response,
        json!({"data": {"topProducts": [
            {"name": "Table", "shippingEstimate": 50, "inStock": true},
            {"name": "Couch", "shippingEstimate": 0, "inStock": false}
        ]}})
    );
    let inventory: Vec<_> = client
        .log()
        .into_iter()
        .filter(|l| l.subgraph == "inventory")
        .collect();
    assert_eq!(inventory.len(), 1);
    assert_eq!(
        inventory[0].variables["representations"],
        json!([
            {"__typename": "Product", "upc": "1", "price": 899, "weight": 100},
            {"__typename": "Product", "upc": "2", "price": 1299, "weight": 1000}
        ])
    );
}

#[tokio::test]
async fn provided_fields_skip_the_jump() {
    let s = supergraph("requires_provides.graphql");
    let client = bench::client();
    let response = run(
        &s,
        &client,
        "{ topProducts(first: 1) { reviews { author { username } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        response,
        json!({"data": {"topProducts": [{"reviews": [{"author": {"username": "@ada"}}, {"author": {"username": "@complete"}}]}]}})
    );
    assert_eq!(client.count("accounts"), 0);
    let client = bench::client();
    let response = run(
        &s,
        &client,
        "{ topProducts(first: 1) { reviews { author { username name } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        response["data"]["topProducts"][0]["reviews"][1]["author"],
        json!({"username": "@complete", "name": "Alan Turing"})
    );
    assert_eq!(client.count("accounts"), 1);
}

#[tokio::test]
async fn interface_object_fields_reach_every_implementation() {
    let s = supergraph("interface_object.graphql");
    let client = harness::InProcess::default()
        .with("a", media::a())
        .with("b", media::b());
    let response = run(
        &s,
        &client,
        "{ book { title reviews } media { __typename title reviews } }",
        json!({}),
    )
    .await;
    assert_eq!(
        response,
        json!({"data": {
            "book": {"title": "Dune", "reviews": ["review of 1"]},
            "media": [
                {"__typename": "Book", "title": "Dune", "reviews": ["review of 1"]},
                {"__typename": "Movie", "title": "Alien", "reviews": ["review of 2"]}
            ]
        }})
    );
    // The interface-object graph is sent the interface's name, once per distinct entity.
    let b: Vec<_> = client
        .log()
        .into_iter()
        .filter(|l| l.subgraph == "b")
        .collect();
    let mut sent: Vec<Value> = b
        .iter()
        .flat_map(|l| {
            l.variables["representations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    sent.sort_by_key(|v| v["id"].as_str().unwrap_or_default().to_owned());
    assert_eq!(
        sent,
        [
            json!({"__typename": "Media", "id": "1"}),
            json!({"__typename": "Media", "id": "1"}),
            json!({"__typename": "Media", "id": "2"})
        ]
    );
}

mod media {
    //! `a` owns interface `Media` (Book, Movie); `b` adds `reviews` as an `@interfaceObject`.
    use async_graphql::{
        EmptyMutation, EmptySubscription, ID, Interface, Object, Schema, SimpleObject,
    };

    #[derive(SimpleObject, Clone)]
    pub struct Book {
        id: ID,
        title: String,
        author: String,
    }

    #[derive(SimpleObject, Clone)]
    pub struct Movie {
        id: ID,
        title: String,
        director: String,
    }

    #[derive(Interface, Clone)]
    #[graphql(field(name = "id", ty = "&ID"), field(name = "title", ty = "&String"))]
    pub enum Media {
        Book(Book),
        Movie(Movie),
    }

    fn dune() -> Book {
        Book {
            id: ID("1".into()),
            title: "Dune".into(),
            author: "Herbert".into(),
        }
    }

    pub struct QueryA;

    #[Object]
    impl QueryA {
        async fn book(&self) -> Book {
            dune()
        }
        async fn media(&self) -> Vec<Media> {
            vec![
                Media::Book(dune()),
                Media::Movie(Movie {
                    id: ID("2".into()),
                    title: "Alien".into(),
                    director: "Scott".into(),
                }),
            ]
        }
    }

    pub fn a() -> Schema<QueryA, EmptyMutation, EmptySubscription> {
        Schema::build(QueryA, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }

    #[derive(SimpleObject)]
    #[graphql(name = "Media", interface_object)]
    pub struct MediaObject {
        id: ID,
        reviews: Vec<String>,
    }

    pub struct QueryB;

    #[Object]
    impl QueryB {
        async fn top_media(&self) -> Vec<MediaObject> {
            Vec::new()
        }
        #[graphql(entity)]
        async fn find_media_by_id(&self, id: ID) -> MediaObject {
            MediaObject {
                reviews: vec![format!("review of {}", id.0)],
                id,
            }
        }
    }

    pub fn b() -> Schema<QueryB, EmptyMutation, EmptySubscription> {
        Schema::build(QueryB, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

#[tokio::test]
async fn context_values_are_read_at_the_enclosing_object_and_sent_in_one_request() {
    let s = supergraph("context.graphql");
    let client = harness::InProcess::default()
        .with("a", shops::a())
        .with("b", shops::b());
    let response = run(
        &s,
        &client,
        "{ shops { id products { name price } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        response,
        json!({"data": {"shops": [
            {"id": "1", "products": [{"name": "Lamp", "price": 100}, {"name": "Desk", "price": 200}]},
            {"id": "2", "products": [{"name": "Lamp", "price": 90}]}
        ]}})
    );
    let priced: Vec<_> = client
        .log()
        .into_iter()
        .filter(|l| l.subgraph == "b" && l.query.contains("_entities"))
        .collect();
    // One request, one aliased `_entities` per distinct currency.
    assert_eq!(priced.len(), 1);
    let variables = &priced[0].variables;
    assert_eq!(variables["contextualArgument_0_0_0"], json!("USD"));
    assert_eq!(variables["contextualArgument_0_0_1"], json!("EUR"));
    assert_eq!(
        variables["representations_0"],
        json!([{"__typename": "Product", "id": "1"}, {"__typename": "Product", "id": "2"}])
    );
    assert_eq!(
        variables["representations_1"],
        json!([{"__typename": "Product", "id": "1"}])
    );
}

mod shops {
    //! `a` knows each shop's currency; `b` has shops, products and a price that takes the
    //! enclosing shop's currency through `@fromContext`.
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

    #[derive(SimpleObject)]
    #[graphql(name = "Shop")]
    pub struct ShopA {
        id: ID,
        currency: String,
    }

    pub struct QueryA;

    #[Object]
    impl QueryA {
        #[graphql(entity)]
        async fn find_shop_by_id(&self, id: ID) -> ShopA {
            let currency = if id.0 == "1" { "USD" } else { "EUR" };
            ShopA {
                id,
                currency: currency.into(),
            }
        }
    }

    pub fn a() -> Schema<QueryA, EmptyMutation, EmptySubscription> {
        Schema::build(QueryA, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }

    pub struct Product {
        id: u32,
    }

    #[Object]
    impl Product {
        async fn id(&self) -> ID {
            ID(self.id.to_string())
        }
        async fn name(&self) -> &str {
            if self.id == 1 { "Lamp" } else { "Desk" }
        }
        async fn price(&self, currency: Option<String>) -> async_graphql::Result<i32> {
            let base = 100 * self.id as i32;
            match currency.as_deref() {
                Some("USD") => Ok(base),
                Some("EUR") => Ok(base * 9 / 10),
                _ => Err("unknown currency".into()),
            }
        }
    }

    pub struct Shop {
        id: u32,
    }

    #[Object]
    impl Shop {
        async fn id(&self) -> ID {
            ID(self.id.to_string())
        }
        async fn products(&self) -> Vec<Product> {
            if self.id == 1 {
                vec![Product { id: 1 }, Product { id: 2 }]
            } else {
                vec![Product { id: 1 }]
            }
        }
    }

    pub struct QueryB;

    #[Object]
    impl QueryB {
        async fn shops(&self) -> Vec<Shop> {
            vec![Shop { id: 1 }, Shop { id: 2 }]
        }
        #[graphql(entity)]
        async fn find_product_by_id(&self, id: ID) -> async_graphql::Result<Product> {
            Ok(Product { id: id.0.parse()? })
        }
        #[graphql(entity)]
        async fn find_shop_by_id(&self, id: ID) -> async_graphql::Result<Shop> {
            Ok(Shop { id: id.0.parse()? })
        }
    }

    pub fn b() -> Schema<QueryB, EmptyMutation, EmptySubscription> {
        Schema::build(QueryB, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

/// A Federation 1 supergraph (join v0.1, `@join__owner`) of the same subgraphs answers like the
/// Federation 2 one.
#[tokio::test]
async fn federation_1_supergraph_executes_like_federation_2() {
    let query = "{ topProducts { upc name shippingEstimate inStock reviews { body author { username name } } } }";
    let fed1 = supergraph("fed1.graphql");
    let fed2 = supergraph("requires_provides.graphql");
    let client = bench::client();
    let one = run(&fed1, &client, query, json!({})).await;
    let two = run(&fed2, &bench::client(), query, json!({})).await;
    assert!(one.get("errors").is_none(), "{one}");
    assert_eq!(one, two);
    assert_eq!(one["data"]["topProducts"][1]["shippingEstimate"], json!(0));
    assert_eq!(
        one["data"]["topProducts"][0]["reviews"][1]["author"],
        json!({"username": "@complete", "name": "Alan Turing"})
    );
}
