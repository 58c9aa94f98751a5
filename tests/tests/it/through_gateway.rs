//! Through the gateway, against the four real subgraphs: data, request counts, errors,
//! outages and parity between a composed and a file-loaded supergraph.

use integration_tests::{SUBGRAPHS, TestGateway, TestStack, backends};
use serde_json::{Value, json};
use subgraph_kit::money::Money;
use subgraph_kit::seed::{self, SeedSize};

const STANDARD_QUERY: &str = "query Standard($first: Int) { users(first: $first) { name orders { total { amount } items { quantity product { name reviews { rating author { name } } } } } } }";

/// What the standard query must return, computed from the seed plan alone (the subgraphs'
/// code is not consulted): pages are ordered by id with the default `first` of 20.
fn expected_standard(size: &SeedSize, first: u32) -> Value {
    let users: Vec<Value> = (1..=first.min(size.users))
        .map(|u| {
            let orders: Vec<Value> = (1..=size.orders)
                .map(|o| seed::order(o, size))
                .filter(|o| o.user == u)
                .take(20)
                .map(|o| {
                    let total: i64 = o.items.iter().map(|i| i64::from(i.quantity) * i.unit_price_cents).sum();
                    let items: Vec<Value> = o
                        .items
                        .iter()
                        .map(|it| {
                            let reviews: Vec<Value> = (1..=size.reviews)
                                .map(|r| seed::review(r, size))
                                .filter(|r| r.product == it.product)
                                .take(20)
                                .map(|r| json!({"rating": r.rating, "author": {"name": seed::user(r.author).name}}))
                                .collect();
                            json!({
                                "quantity": it.quantity,
                                "product": {"name": seed::product(it.product, size).name, "reviews": reviews},
                            })
                        })
                        .collect();
                    json!({"total": {"amount": Money::from_cents(total, "USD").amount}, "items": items})
                })
                .collect();
            json!({"name": seed::user(u).name, "orders": orders})
        })
        .collect();
    json!({"users": users})
}

#[tokio::test]
async fn standard_query_returns_seeded_data_with_one_request_per_subgraph_per_level() {
    let size = SeedSize::small();
    for backend in backends() {
        let stack = TestStack::start(backend, size).await;
        let gateway = TestGateway::composed(&stack).await;
        let admin = stack.keys.admin_token(1);

        for first in [50, 3] {
            stack.reset_counts();
            let resp = gateway
                .query(STANDARD_QUERY, json!({"first": first}), Some(&admin))
                .await;
            assert!(resp["errors"].is_null(), "{backend:?}: {resp}");
            assert_eq!(
                resp["data"],
                expected_standard(&size, first),
                "{backend:?} first={first}"
            );
            // users → orders → products → reviews → users: five fetches, whatever the count.
            let counts = stack.counts();
            assert_eq!(counts["users"], 2, "{backend:?} first={first}: {counts:?}");
            assert_eq!(counts["orders"], 1, "{backend:?} first={first}: {counts:?}");
            assert_eq!(
                counts["products"], 1,
                "{backend:?} first={first}: {counts:?}"
            );
            assert_eq!(
                counts["reviews"], 1,
                "{backend:?} first={first}: {counts:?}"
            );
        }
    }
}

#[tokio::test]
async fn orders_need_identity_and_the_token_reaches_the_subgraph() {
    let stack = TestStack::start(subgraph_kit::testing::Backend::Sqlite, SeedSize::small()).await;
    let gateway = TestGateway::composed(&stack).await;
    let q = "{ users(first: 2) { name orders { id } } }";

    // Anonymous: orders are refused by the orders subgraph, names still come back.
    let resp = gateway.query(q, json!({}), None).await;
    let codes: Vec<&str> = resp["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{resp}"))
        .iter()
        .filter_map(|e| e["extensions"]["code"].as_str())
        .collect();
    assert!(codes.contains(&"UNAUTHENTICATED"), "{resp}");

    // A user sees their own orders only: the same query as user 2 is refused for user 1.
    let token = stack.keys.token(2);
    let own = gateway
        .query(
            "{ user(id: \"2\") { orders { id } } }",
            json!({}),
            Some(&token),
        )
        .await;
    assert!(own["errors"].is_null(), "{own}");
    let other = gateway
        .query(
            "{ user(id: \"1\") { orders { id } } }",
            json!({}),
            Some(&token),
        )
        .await;
    assert!(other.to_string().contains("FORBIDDEN"), "{other}");
}

#[tokio::test]
async fn validation_errors_carry_locations_and_reach_no_subgraph() {
    let stack = TestStack::start(subgraph_kit::testing::Backend::Sqlite, SeedSize::small()).await;
    let gateway = TestGateway::composed(&stack).await;
    stack.reset_counts();
    let (status, resp) = gateway
        .post(
            json!({"query": "{\n  users(first: 2) {\n    nope\n  }\n}"}),
            None,
            "application/graphql-response+json",
        )
        .await;
    assert_eq!(status, 400, "{resp}");
    assert!(resp.get("data").is_none(), "{resp}");
    let errors = resp["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{resp}"));
    assert!(
        errors
            .iter()
            .all(|e| e["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"),
        "{resp}"
    );
    let err = errors
        .iter()
        .find(|e| e["message"].as_str().is_some_and(|m| m.contains("nope")))
        .unwrap_or_else(|| panic!("no error names the unknown field: {resp}"));
    assert_eq!(err["locations"][0]["line"], 3, "{resp}");
    assert_eq!(err["locations"][0]["column"], 5, "{resp}");

    let (status, resp) = gateway
        .post(
            json!({"query": "{ users(first: 2) { name "}),
            None,
            "application/json",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        resp["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED",
        "{resp}"
    );
    assert!(resp["errors"][0]["locations"].is_array(), "{resp}");

    assert!(
        stack.counts().values().all(|c| *c == 0),
        "{:?}",
        stack.counts()
    );
}

#[tokio::test]
async fn a_subgraph_down_gives_partial_data_and_an_error_at_its_path() {
    let stack = TestStack::start(subgraph_kit::testing::Backend::Sqlite, SeedSize::small()).await;
    let gateway = TestGateway::composed(&stack).await;
    let q = "{ products(first: 3) { name averageRating } }";
    let before = gateway.query(q, json!({}), None).await;
    assert!(before["errors"].is_null(), "{before}");

    stack.stop_subgraph("reviews").await;
    let resp = gateway.query(q, json!({}), None).await;
    let products = resp["data"]["products"]
        .as_array()
        .unwrap_or_else(|| panic!("{resp}"));
    assert_eq!(products.len(), 3, "{resp}");
    for (i, p) in products.iter().enumerate() {
        assert_eq!(p["name"], before["data"]["products"][i]["name"], "{resp}");
        assert!(p["averageRating"].is_null(), "{resp}");
    }
    let errors = resp["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{resp}"));
    assert!(!errors.is_empty());
    for e in errors {
        assert_eq!(
            e["extensions"]["code"], "SUBGRAPH_REQUEST_FAILURE",
            "{resp}"
        );
        let path = e["path"]
            .as_array()
            .unwrap_or_else(|| panic!("error without path: {resp}"));
        assert_eq!(path[0], "products", "{resp}");
        let text = e.to_string();
        assert!(!text.contains("127.0.0.1"), "subgraph URL leaked: {text}");
    }
}

const INTROSPECTION: &str = "{ __schema { queryType { name } types { name kind fields(includeDeprecated: true) { name args { name type { name kind ofType { name kind } } } type { name kind ofType { name kind ofType { name kind } } } } } } }";

#[tokio::test]
async fn composed_and_file_supergraphs_behave_identically() {
    let size = SeedSize::small();
    let stack = TestStack::start(subgraph_kit::testing::Backend::Sqlite, size).await;
    let composed = TestGateway::composed(&stack).await;
    let file = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../schema/supergraph.graphql"
    ))
    .expect("schema/supergraph.graphql");
    let from_file = TestGateway::start(&file, &stack.url_overrides_toml()).await;
    let admin = stack.keys.admin_token(1);

    for (query, vars) in [
        (STANDARD_QUERY, json!({"first": 5})),
        (INTROSPECTION, json!({})),
        (
            "{ products(first: 4) { id sku name price { amount currency } inStock category { name } averageRating } }",
            json!({}),
        ),
    ] {
        stack.reset_counts();
        let a = composed.query(query, vars.clone(), Some(&admin)).await;
        let counts_a = stack.counts();
        stack.reset_counts();
        let b = from_file.query(query, vars, Some(&admin)).await;
        assert_eq!(a, b, "{query}");
        assert_eq!(
            counts_a,
            stack.counts(),
            "{query}: same plans, same requests"
        );
        assert!(a["errors"].is_null(), "{a}");
    }
}

#[test]
fn supergraph_file_is_the_composition_of_the_schema_files() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let subgraphs: Vec<gateway::supergraph::compose::SubgraphSdl> = SUBGRAPHS
        .iter()
        .enumerate()
        .map(|(i, name)| gateway::supergraph::compose::SubgraphSdl {
            name: (*name).to_owned(),
            url: format!("http://127.0.0.1:{}/graphql", 4001 + i),
            sdl: std::fs::read_to_string(format!("{root}/schema/{name}.graphql"))
                .expect("schema file"),
        })
        .collect();
    let composed = gateway::supergraph::compose::compose(&subgraphs).expect("composes");
    let file =
        std::fs::read_to_string(format!("{root}/schema/supergraph.graphql")).unwrap_or_default();
    assert!(
        composed == file,
        "schema/supergraph.graphql is stale; regenerate it with:\n  cargo run -q -p gateway -- compose \
         --subgraph users=http://127.0.0.1:4001/graphql=schema/users.graphql \
         --subgraph products=http://127.0.0.1:4002/graphql=schema/products.graphql \
         --subgraph orders=http://127.0.0.1:4003/graphql=schema/orders.graphql \
         --subgraph reviews=http://127.0.0.1:4004/graphql=schema/reviews.graphql > schema/supergraph.graphql"
    );
}

/// Advisory class: brute force by alias batching. A thousand `login` attempts in one request
/// are refused at the gateway by the default alias limit; the users service never sees one.
/// Below the limit, each aliased attempt reaches the service in the one request it gets.
#[tokio::test]
async fn alias_batched_login_attempts_are_refused_before_the_users_service() {
    let stack = TestStack::start(subgraph_kit::testing::Backend::Sqlite, SeedSize::small()).await;
    let gateway = TestGateway::composed(&stack).await;
    let email = seed::user(2).email;
    let attempt =
        |i: usize| format!("a{i}: login(email: \"{email}\", password: \"guess{i}\") {{ token }} ");
    stack.reset_counts();
    let many: String = (0..1000).map(attempt).collect();
    let (status, resp) = gateway
        .post(
            json!({"query": format!("mutation {{ {many} }}")}),
            None,
            "application/graphql-response+json",
        )
        .await;
    assert_eq!(status, 400, "{resp}");
    let codes: Vec<&str> = resp["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{resp}"))
        .iter()
        .filter_map(|e| e["extensions"]["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"MAX_ALIASES_LIMIT") || codes.contains(&"MAX_TOKENS_LIMIT"),
        "{resp}"
    );
    assert_eq!(stack.counts()["users"], 0, "{:?}", stack.counts());

    // A few attempts pass the limits, reach the service and fail as a wrong password does.
    let few: String = (0..3).map(attempt).collect();
    let resp = gateway
        .query(&format!("mutation {{ {few} }}"), json!({}), None)
        .await;
    let errors = resp["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{resp}"));
    assert!(
        errors
            .iter()
            .all(|e| e["extensions"]["code"] == "UNAUTHENTICATED"),
        "{resp}"
    );
    assert!(stack.counts()["users"] >= 1, "{:?}", stack.counts());
}
