//! The orders subgraph through its real HTTP router and token verification, on in-memory
//! SQLite and, when `TEST_POSTGRES_URL` is set, on a fresh PostgreSQL database per test.
//!
//! Expectations come from the seed plan (`subgraph_kit::seed`), never from the code under test.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use subgraph_kit::seed::{self as plan, SeedSize};
use subgraph_kit::testing::{Backend, TestClient, TestDb, TestKeys, databases, error_codes};

const SCHEMA_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema/orders.graphql");
const REGENERATE: &str = "cargo run -q -p orders-subgraph -- --print-sdl > schema/orders.graphql";

/// A migrated, seeded database behind the real router.
struct Env {
    t: TestDb,
    client: TestClient,
    keys: TestKeys,
    size: SeedSize,
}

impl Env {
    async fn new(t: TestDb, size: SeedSize) -> Self {
        let b = t.backend;
        orders_subgraph::migrate(&t.db)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: migrate: {e}"));
        orders_subgraph::seed(&t.db, &size)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: seed: {e}"));
        let keys = TestKeys::new();
        let router = orders_subgraph::router(
            orders_subgraph::schema(t.db.clone()),
            keys.verifier(),
            t.db.clone(),
        );
        t.statements.take();
        Self {
            client: TestClient::new(router),
            t,
            keys,
            size,
        }
    }

    fn b(&self) -> Backend {
        self.t.backend
    }

    /// Runs a query; every answer must be HTTP 200 with a JSON body, whatever the input.
    async fn q(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let (status, body) = self
            .client
            .post(json!({"query": query, "variables": variables}), token)
            .await;
        assert_eq!(
            status,
            200,
            "{:?}: HTTP status for {query}: {body}",
            self.b()
        );
        assert!(
            body.is_object(),
            "{:?}: JSON body for {query}: {body}",
            self.b()
        );
        body
    }

    /// The user owning order `i` in the seed plan.
    fn owner(&self, i: u32) -> u32 {
        plan::order(i, &self.size).user
    }

    /// The plan's orders of `user`, by id.
    fn orders_of(&self, user: u32) -> Vec<u32> {
        (1..=self.size.orders)
            .filter(|i| self.owner(*i) == user)
            .collect()
    }

    /// The seeded user with the most orders.
    fn busiest_user(&self) -> u32 {
        (1..=self.size.users)
            .max_by_key(|u| self.orders_of(*u).len())
            .unwrap_or(1)
    }

    /// A seeded order not owned by `user`.
    fn order_not_of(&self, user: u32) -> u32 {
        (1..=self.size.orders)
            .find(|i| self.owner(*i) != user)
            .expect("some order of another user")
    }
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("expected a list, got {list}"))
        .iter()
        .map(|o| {
            o["id"]
                .as_str()
                .unwrap_or_else(|| panic!("no id in {o}"))
                .to_owned()
        })
        .collect()
}

fn strs(ids: &[u32]) -> Vec<String> {
    ids.iter().map(u32::to_string).collect()
}

fn order_reps(ids: impl IntoIterator<Item = impl ToString>) -> Value {
    ids.into_iter()
        .map(|id| json!({"__typename": "Order", "id": id.to_string()}))
        .collect()
}

fn user_reps(ids: impl IntoIterator<Item = impl ToString>) -> Value {
    ids.into_iter()
        .map(|id| json!({"__typename": "User", "id": id.to_string()}))
        .collect()
}

/// The error whose path is exactly `path`, if any.
fn error_at<'a>(resp: &'a Value, path: &Value) -> Option<&'a Value> {
    resp["errors"]
        .as_array()?
        .iter()
        .find(|e| &e["path"] == path)
}

fn code(err: Option<&Value>) -> Option<&str> {
    err.and_then(|e| e["extensions"]["code"].as_str())
}

/// Nothing from the database may leak into a message.
fn assert_no_database_text(resp: &Value, b: Backend) {
    let text = resp["errors"].to_string().to_lowercase();
    for leak in [
        "select",
        "sqlx",
        "sqlite",
        "postgres",
        "no such",
        "relation",
        "order_items",
        "syntax",
    ] {
        assert!(
            !text.contains(leak),
            "{b:?}: error text leaks `{leak}`: {text}"
        );
    }
}

const ORDER_ENTITIES: &str =
    "query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id } } }";
const USER_ORDERS: &str = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id orders(first: 100) { id } } } }";

// ---------------------------------------------------------------------------------------------
// The federation contract

#[test]
fn sdl_matches_the_committed_schema_file() {
    let file = std::fs::read_to_string(SCHEMA_FILE).unwrap_or_default();
    assert!(
        file == orders_subgraph::sdl(),
        "schema/orders.graphql differs from the subgraph's SDL; regenerate it with: {REGENERATE}"
    );
}

#[tokio::test]
async fn service_sdl_is_the_committed_schema_file() {
    let file = std::fs::read_to_string(SCHEMA_FILE).unwrap_or_default();
    for t in databases().await {
        let env = Env::new(t, SeedSize::small()).await;
        let resp = env.q("{ _service { sdl } }", json!({}), None).await;
        assert!(
            resp["data"]["_service"]["sdl"].as_str() == Some(file.as_str()),
            "{:?}: `_service {{ sdl }}` differs from schema/orders.graphql; regenerate it with: {REGENERATE}",
            env.b()
        );
        let sdl = file.as_str();
        assert!(
            sdl.contains(r#"type Order @key(fields: "id")"#),
            "Order is an entity"
        );
        assert!(
            sdl.contains(r#"type User @key(fields: "id")"#),
            "User is an entity"
        );
        assert!(
            sdl.contains(r#"type Product @key(fields: "id", resolvable: false)"#),
            "Product is a reference"
        );
        assert!(
            sdl.contains("type Money @shareable"),
            "Money is shared with products"
        );
    }
}

#[tokio::test]
async fn entities_keep_order_and_length_and_null_unknown_keys() {
    for t in databases().await {
        let env = Env::new(t, SeedSize::small()).await;
        let b = env.b();
        let admin = env.keys.admin_token(1);
        let reps = json!([
            {"__typename": "Order", "id": "3"},
            {"__typename": "Order", "id": "999999"},
            {"__typename": "User", "id": "5"},
            {"__typename": "Order", "id": "1"},
            {"__typename": "Order", "id": "3"},
            {"__typename": "User", "id": "424242"},
        ]);
        let resp = env
            .q(
                "query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Order { id } ... on User { id } } }",
                json!({"r": reps}),
                Some(&admin),
            )
            .await;
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        assert_eq!(
            resp["data"]["_entities"],
            json!([
                {"__typename": "Order", "id": "3"},
                null,
                {"__typename": "User", "id": "5"},
                {"__typename": "Order", "id": "1"},
                {"__typename": "Order", "id": "3"},
                // Orders cannot tell whether a user exists: any id names a user with no orders.
                {"__typename": "User", "id": "424242"},
            ]),
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn each_request_of_an_http_batch_has_its_own_entities() {
    for t in databases().await {
        let env = Env::new(t, SeedSize::small()).await;
        let b = env.b();
        let owner = env.owner(1);
        let foreign = env.order_not_of(owner);
        let batch = json!([
            {"query": ORDER_ENTITIES, "variables": {"r": order_reps([1, foreign])}},
            {"query": ORDER_ENTITIES, "variables": {"r": order_reps([foreign, 1, foreign])}},
        ]);
        let (status, body) = env
            .client
            .post(batch, Some(&env.keys.token(i64::from(owner))))
            .await;
        assert_eq!(status, 200, "{b:?}: {body}");
        let first = &body[0];
        let second = &body[1];
        assert_eq!(
            first["data"]["_entities"],
            json!([{"id": "1"}, null]),
            "{b:?}: {body}"
        );
        assert_eq!(
            second["data"]["_entities"],
            json!([null, {"id": "1"}, null]),
            "{b:?}: {body}"
        );
        assert_eq!(
            code(error_at(first, &json!(["_entities", 1]))),
            Some("FORBIDDEN"),
            "{b:?}"
        );
        assert_eq!(
            code(error_at(second, &json!(["_entities", 0]))),
            Some("FORBIDDEN"),
            "{b:?}"
        );
        assert_eq!(
            code(error_at(second, &json!(["_entities", 2]))),
            Some("FORBIDDEN"),
            "{b:?}"
        );
        assert_eq!(
            error_codes(first).len() + error_codes(second).len(),
            3,
            "{b:?}: {body}"
        );
    }
}

#[tokio::test]
async fn order_entities_refuse_item_by_item() {
    for t in databases().await {
        let env = Env::new(t, SeedSize::small()).await;
        let b = env.b();
        let own = 1;
        let user = env.owner(own);
        let foreign = env.order_not_of(user);
        let token = env.keys.token(i64::from(user));
        let reps = json!([
            {"__typename": "Order", "id": own.to_string()},
            {"__typename": "Order", "id": foreign.to_string()},
            {"__typename": "Order", "id": own.to_string()},
            {"__typename": "Order", "id": foreign.to_string()},
            {"__typename": "Order", "id": "999999"},
            {"__typename": "Order", "id": "not-a-number"},
        ]);
        let resp = env
            .q(ORDER_ENTITIES, json!({"r": reps}), Some(&token))
            .await;
        let own_id = own.to_string();
        assert_eq!(
            resp["data"]["_entities"],
            json!([{"id": own_id}, null, {"id": own_id}, null, null, null]),
            "{b:?}: {resp}"
        );
        assert_eq!(
            code(error_at(&resp, &json!(["_entities", 1]))),
            Some("FORBIDDEN"),
            "{b:?}: {resp}"
        );
        // A repeated key gets its own error at its own index.
        assert_eq!(
            code(error_at(&resp, &json!(["_entities", 3]))),
            Some("FORBIDDEN"),
            "{b:?}: {resp}"
        );
        assert_eq!(
            code(error_at(&resp, &json!(["_entities", 5]))),
            Some("BAD_USER_INPUT"),
            "{b:?}: {resp}"
        );
        assert!(
            error_at(&resp, &json!(["_entities", 4])).is_none(),
            "{b:?}: unknown key is a bare null: {resp}"
        );
        assert_eq!(
            error_codes(&resp).len(),
            3,
            "{b:?}: exactly the refused items err: {resp}"
        );

        // Without a token every item is refused, each at its index, before any query runs.
        env.t.statements.take();
        let reps = order_reps([own, foreign, own]);
        let resp = env.q(ORDER_ENTITIES, json!({"r": reps}), None).await;
        assert_eq!(
            resp["data"]["_entities"],
            json!([null, null, null]),
            "{b:?}: {resp}"
        );
        for i in 0..3 {
            assert_eq!(
                code(error_at(&resp, &json!(["_entities", i]))),
                Some("UNAUTHENTICATED"),
                "{b:?}: index {i}: {resp}"
            );
        }
        assert_eq!(
            env.t.statements.take(),
            0,
            "{b:?}: refused callers cost no query"
        );

        // The admin scope sees all of them.
        let admin = env.keys.admin_token(i64::from(user));
        let resp = env
            .q(
                ORDER_ENTITIES,
                json!({"r": order_reps([own, foreign])}),
                Some(&admin),
            )
            .await;
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        assert_eq!(
            ids(&resp["data"]["_entities"]),
            strs(&[own, foreign]),
            "{b:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Query.order

#[tokio::test]
async fn order_is_visible_to_its_owner_and_admins_only() {
    for t in databases().await {
        let env = Env::new(t, SeedSize::small()).await;
        let b = env.b();
        let order = 2;
        let owner = env.owner(order);
        let stranger = (1..=env.size.users)
            .find(|u| *u != owner)
            .expect("another user");
        let query = "query($id: ID!) { order(id: $id) { id user { id } } }";
        let vars = json!({"id": order.to_string()});

        for (who, token) in [
            ("owner", env.keys.token(i64::from(owner))),
            ("admin", env.keys.admin_token(i64::from(stranger))),
        ] {
            let resp = env.q(query, vars.clone(), Some(&token)).await;
            assert!(resp["errors"].is_null(), "{b:?}: {who}: {resp}");
            assert_eq!(
                resp["data"]["order"]["id"],
                json!(order.to_string()),
                "{b:?}: {who}"
            );
            assert_eq!(
                resp["data"]["order"]["user"]["id"],
                json!(owner.to_string()),
                "{b:?}: {who}"
            );
        }

        let resp = env
            .q(
                query,
                vars.clone(),
                Some(&env.keys.token(i64::from(stranger))),
            )
            .await;
        assert_eq!(resp["data"]["order"], Value::Null, "{b:?}: {resp}");
        assert_eq!(error_codes(&resp), ["FORBIDDEN"], "{b:?}: {resp}");
        assert_eq!(resp["errors"][0]["path"], json!(["order"]), "{b:?}");

        let resp = env.q(query, vars.clone(), None).await;
        assert_eq!(resp["data"]["order"], Value::Null, "{b:?}: {resp}");
        assert_eq!(
            error_codes(&resp),
            ["UNAUTHENTICATED"],
            "{b:?}: anonymous: {resp}"
        );

        let resp = env
            .q(
                query,
                json!({"id": "999999"}),
                Some(&env.keys.admin_token(1)),
            )
            .await;
        assert_eq!(resp["data"]["order"], Value::Null, "{b:?}: {resp}");
        assert_eq!(
            error_codes(&resp),
            ["NOT_FOUND"],
            "{b:?}: unknown order: {resp}"
        );
    }
}

#[tokio::test]
async fn refused_tokens_are_unauthenticated() {
    for t in databases().await {
        let env = Env::new(t, SeedSize::small()).await;
        let b = env.b();
        let owner = i64::from(env.owner(1));
        for (kind, token) in [
            ("expired", env.keys.expired_token(owner)),
            ("wrong audience", env.keys.wrong_audience_token(owner)),
            ("foreign key", env.keys.foreign_token(owner)),
            ("alg none", env.keys.none_alg_token(owner)),
            ("garbage", "not.a.token".to_owned()),
        ] {
            let resp = env
                .q("{ order(id: \"1\") { id } }", json!({}), Some(&token))
                .await;
            assert_eq!(resp["data"]["order"], Value::Null, "{b:?}: {kind}: {resp}");
            assert_eq!(
                error_codes(&resp),
                ["UNAUTHENTICATED"],
                "{b:?}: {kind}: {resp}"
            );

            let resp = env
                .q(USER_ORDERS, json!({"r": user_reps([owner])}), Some(&token))
                .await;
            assert_eq!(
                resp["data"]["_entities"],
                json!([null]),
                "{b:?}: {kind}: {resp}"
            );
            assert_eq!(
                code(error_at(&resp, &json!(["_entities", 0]))),
                Some("UNAUTHENTICATED"),
                "{b:?}: {kind}: {resp}"
            );
        }
    }
}

#[tokio::test]
async fn orders_carry_the_seeded_items_and_totals() {
    for t in databases().await {
        let env = Env::new(t, SeedSize::small()).await;
        let b = env.b();
        let all: Vec<u32> = (1..=env.size.orders).collect();
        let resp = env
            .q(
                "query($r: [_Any!]!) { _entities(representations: $r) { ... on Order {
                    id status createdAt user { id }
                    items { quantity unitPrice { amount currency } product { id } }
                    total { amount currency } } } }",
                json!({"r": order_reps(all.iter())}),
                Some(&env.keys.admin_token(1)),
            )
            .await;
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        let orders = resp["data"]["_entities"].as_array().expect("list");
        assert_eq!(orders.len(), all.len(), "{b:?}");
        for (i, got) in all.iter().zip(orders) {
            let want = plan::order(*i, &env.size);
            assert_eq!(got["id"], json!(i.to_string()), "{b:?}");
            assert_eq!(got["status"], json!(want.status), "{b:?}: order {i}");
            assert_eq!(
                got["user"]["id"],
                json!(want.user.to_string()),
                "{b:?}: order {i}"
            );
            let created: DateTime<Utc> = got["createdAt"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("createdAt");
            assert_eq!(created, want.created_at, "{b:?}: order {i}");
            let items: Vec<Value> = want
                .items
                .iter()
                .map(|it| {
                    json!({
                        "quantity": it.quantity,
                        "unitPrice": {"amount": cents(it.unit_price_cents), "currency": "USD"},
                        "product": {"id": it.product.to_string()},
                    })
                })
                .collect();
            assert_eq!(got["items"], json!(items), "{b:?}: order {i}");
            let total: i64 = want
                .items
                .iter()
                .map(|it| i64::from(it.quantity) * it.unit_price_cents)
                .sum();
            assert_eq!(
                got["total"],
                json!({"amount": cents(total), "currency": "USD"}),
                "{b:?}: order {i}"
            );
        }
    }
}

fn cents(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

// ---------------------------------------------------------------------------------------------
// User.orders

#[tokio::test]
async fn user_orders_follow_the_access_rule() {
    for t in databases().await {
        let env = Env::new(t, SeedSize::small()).await;
        let b = env.b();
        let user = env.busiest_user();
        let other = (1..=env.size.users)
            .find(|u| *u != user)
            .expect("another user");
        let own_token = env.keys.token(i64::from(user));

        // Own and other's in one call: own resolves, the other is null with FORBIDDEN at index 1.
        let resp = env
            .q(
                USER_ORDERS,
                json!({"r": user_reps([user, other, user])}),
                Some(&own_token),
            )
            .await;
        let list = &resp["data"]["_entities"];
        assert_eq!(
            ids(&list[0]["orders"]),
            strs(&env.orders_of(user)),
            "{b:?}: {resp}"
        );
        assert_eq!(list[1], Value::Null, "{b:?}: {resp}");
        assert_eq!(
            ids(&list[2]["orders"]),
            strs(&env.orders_of(user)),
            "{b:?}: {resp}"
        );
        assert_eq!(
            code(error_at(&resp, &json!(["_entities", 1]))),
            Some("FORBIDDEN"),
            "{b:?}: {resp}"
        );
        assert_eq!(error_codes(&resp).len(), 1, "{b:?}: {resp}");

        // Admins see everyone's.
        let resp = env
            .q(
                USER_ORDERS,
                json!({"r": user_reps([user, other])}),
                Some(&env.keys.admin_token(999)),
            )
            .await;
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        assert_eq!(
            ids(&resp["data"]["_entities"][1]["orders"]),
            strs(&env.orders_of(other)),
            "{b:?}"
        );

        // Anonymous callers may name users but not list their orders.
        let resp = env
            .q(USER_ORDERS, json!({"r": user_reps([user])}), None)
            .await;
        assert_eq!(resp["data"]["_entities"], json!([null]), "{b:?}: {resp}");
        assert_eq!(
            code(error_at(&resp, &json!(["_entities", 0]))),
            Some("UNAUTHENTICATED"),
            "{b:?}: {resp}"
        );
        let resp = env
            .q(
                "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }",
                json!({"r": user_reps([user])}),
                None,
            )
            .await;
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        assert_eq!(
            resp["data"]["_entities"],
            json!([{"id": user.to_string()}]),
            "{b:?}"
        );
        let resp = env
            .q(
                "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }",
                json!({"r": user_reps(["zero", "0"])}),
                None,
            )
            .await;
        assert_eq!(
            resp["data"]["_entities"],
            json!([null, null]),
            "{b:?}: {resp}"
        );
        assert_eq!(
            code(error_at(&resp, &json!(["_entities", 0]))),
            Some("BAD_USER_INPUT"),
            "{b:?}: {resp}"
        );
        assert_eq!(
            code(error_at(&resp, &json!(["_entities", 1]))),
            Some("BAD_USER_INPUT"),
            "{b:?}: {resp}"
        );

        // Through an order: the owner reaches their own list, outside `_entities` too.
        let order = env.orders_of(user)[0];
        let resp = env
            .q(
                "query($id: ID!) { order(id: $id) { user { orders(first: 100) { id } } } }",
                json!({"id": order.to_string()}),
                Some(&own_token),
            )
            .await;
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        assert_eq!(
            ids(&resp["data"]["order"]["user"]["orders"]),
            strs(&env.orders_of(user)),
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn user_orders_paginate_by_cursor() {
    for t in databases().await {
        let env = Env::new(t, SeedSize::small()).await;
        let b = env.b();
        let user = env.busiest_user();
        let all = env.orders_of(user);
        assert!(
            all.len() >= 3,
            "{b:?}: the small plan gives user {user} {} orders",
            all.len()
        );
        let token = env.keys.token(i64::from(user));
        let query =
            "query($r: [_Any!]!, $first: Int, $after: ID) { _entities(representations: $r) {
            ... on User { orders(first: $first, after: $after) { id } } } }";
        let env = &env;
        let page = |first: Value, after: Value| {
            let vars = json!({"r": user_reps([user]), "first": first, "after": after});
            let token = token.clone();
            async move { env.q(query, vars, Some(&token)).await }
        };

        // Walk the whole list two at a time with the cursor.
        let mut walked = Vec::new();
        let mut after = Value::Null;
        loop {
            let resp = page(json!(2), after.clone()).await;
            assert!(resp["errors"].is_null(), "{b:?}: {resp}");
            let got = ids(&resp["data"]["_entities"][0]["orders"]);
            assert!(got.len() <= 2, "{b:?}: page bounded by first: {got:?}");
            if got.is_empty() {
                break;
            }
            after = json!(got.last());
            walked.extend(got);
        }
        assert_eq!(
            walked,
            strs(&all),
            "{b:?}: pages concatenate to the full list"
        );

        // A cursor needs not be one of the user's orders: it is an id bound.
        let resp = page(json!(100), json!(all[0].to_string())).await;
        assert_eq!(
            ids(&resp["data"]["_entities"][0]["orders"]),
            strs(&all[1..]),
            "{b:?}: {resp}"
        );

        let resp = page(json!(0), Value::Null).await;
        assert_eq!(
            resp["data"]["_entities"][0]["orders"],
            json!([]),
            "{b:?}: first 0: {resp}"
        );
        let resp = page(json!(100), Value::Null).await;
        assert_eq!(
            ids(&resp["data"]["_entities"][0]["orders"]),
            strs(&all),
            "{b:?}: first 100"
        );

        for (first, after) in [
            (json!(101), Value::Null),
            (json!(-1), Value::Null),
            (json!(5), json!("abc")),
        ] {
            let resp = page(first.clone(), after.clone()).await;
            assert_eq!(
                resp["data"]["_entities"],
                json!([null]),
                "{b:?}: first {first} after {after}: {resp}"
            );
            assert_eq!(
                error_codes(&resp),
                ["BAD_USER_INPUT"],
                "{b:?}: first {first} after {after}: {resp}"
            );
        }
    }
}

#[tokio::test]
async fn user_orders_default_to_twenty() {
    // Two users share 60 orders, so each has more than a default page.
    let size = SeedSize {
        users: 2,
        orders: 60,
        ..SeedSize::small()
    };
    for t in databases().await {
        let env = Env::new(t, size).await;
        let b = env.b();
        let user = env.busiest_user();
        let resp = env
            .q(
                "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders { id } } } }",
                json!({"r": user_reps([user])}),
                Some(&env.keys.token(i64::from(user))),
            )
            .await;
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        assert_eq!(
            ids(&resp["data"]["_entities"][0]["orders"]),
            strs(&env.orders_of(user)[..20]),
            "{b:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Batching

#[tokio::test]
async fn batches_cost_one_statement_per_table() {
    let size = SeedSize {
        users: 100,
        orders: 1_000,
        ..SeedSize::small()
    };
    for t in databases().await {
        let env = Env::new(t, size).await;
        let b = env.b();
        let admin = env.keys.admin_token(1);

        // 1,000 orders with their items and totals: one statement for orders, one for items.
        let all: Vec<u32> = (1..=1_000).collect();
        env.t.statements.take();
        let resp = env
            .q(
                "query($r: [_Any!]!) { _entities(representations: $r) { ... on Order {
                    id user { id } items { quantity unitPrice { amount } product { id } } total { amount } } } }",
                json!({"r": order_reps(all.iter())}),
                Some(&admin),
            )
            .await;
        assert_eq!(
            env.t.statements.take(),
            2,
            "{b:?}: 1,000 Order representations"
        );
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        let list = resp["data"]["_entities"].as_array().expect("list");
        assert_eq!(ids(&resp["data"]["_entities"]), strs(&all), "{b:?}");
        for (i, got) in all.iter().zip(list) {
            let want = plan::order(*i, &size);
            assert_eq!(
                got["items"].as_array().map(Vec::len),
                Some(want.items.len()),
                "{b:?}: order {i}"
            );
        }

        // Only Order ids: the items are not touched.
        let resp = env
            .q(
                ORDER_ENTITIES,
                json!({"r": order_reps(all.iter())}),
                Some(&admin),
            )
            .await;
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        assert_eq!(env.t.statements.take(), 1, "{b:?}: 1,000 Order ids");

        // 100 users' first 3 orders with items and totals: one windowed statement, one for items.
        let users: Vec<u32> = (1..=100).collect();
        let resp = env
            .q(
                "query($r: [_Any!]!) { _entities(representations: $r) { ... on User {
                    id orders(first: 3) { id items { quantity } total { amount } } } } }",
                json!({"r": user_reps(users.iter())}),
                Some(&admin),
            )
            .await;
        assert_eq!(
            env.t.statements.take(),
            2,
            "{b:?}: User.orders for 100 users"
        );
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        let list = resp["data"]["_entities"].as_array().expect("list");
        let mut per_user: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for i in 1..=size.orders {
            per_user.entry(env.owner(i)).or_default().push(i);
        }
        for (user, got) in users.iter().zip(list) {
            let mut want = per_user.get(user).cloned().unwrap_or_default();
            want.truncate(3);
            assert_eq!(
                ids(&got["orders"]),
                strs(&want),
                "{b:?}: user {user}: first 3 per user"
            );
        }

        // Users named by id only cost nothing.
        let resp = env
            .q(
                "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }",
                json!({"r": user_reps(1..=1_000)}),
                None,
            )
            .await;
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        assert_eq!(
            env.t.statements.take(),
            0,
            "{b:?}: User entities need no query"
        );
    }
}

#[tokio::test]
async fn the_bare_schema_resolves_the_same() {
    // Executing the schema directly, without `OrdersExecutor`'s per-request scope, loses only
    // the batching by representation list: answers and per-item errors are the same.
    use async_graphql::{Request, Variables};
    use subgraph_kit::auth::{AuthContext, Identity};
    use subgraph_kit::ids::UserId;

    for t in databases().await {
        let b = t.backend;
        let size = SeedSize::small();
        orders_subgraph::migrate(&t.db)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: migrate: {e}"));
        orders_subgraph::seed(&t.db, &size)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: seed: {e}"));
        let schema = orders_subgraph::schema(t.db.clone());
        let user = plan::order(1, &size).user;
        let foreign = (1..=size.orders)
            .find(|i| plan::order(*i, &size).user != user)
            .expect("order of another user");
        let caller = AuthContext::Authenticated(Identity {
            user_id: UserId(i64::from(user)),
            scopes: vec![],
        });
        let reps = order_reps([1, foreign, 999_999, 1]);
        let request = Request::new(
            "query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id items { quantity } } } }",
        )
        .variables(Variables::from_json(json!({"r": reps})))
        .data(caller);
        let resp = serde_json::to_value(schema.execute(request).await).expect("json");
        let list = &resp["data"]["_entities"];
        assert_eq!(list[0]["id"], "1", "{b:?}: {resp}");
        assert_eq!(
            list[0]["items"].as_array().map(Vec::len),
            Some(plan::order(1, &size).items.len()),
            "{b:?}"
        );
        assert_eq!(list[1], Value::Null, "{b:?}: {resp}");
        assert_eq!(list[2], Value::Null, "{b:?}: {resp}");
        assert_eq!(list[3]["id"], "1", "{b:?}: {resp}");
        assert_eq!(
            code(error_at(&resp, &json!(["_entities", 1]))),
            Some("FORBIDDEN"),
            "{b:?}: {resp}"
        );
        assert_eq!(error_codes(&resp).len(), 1, "{b:?}: {resp}");
    }
}

// ---------------------------------------------------------------------------------------------
// Bad input and failures

#[tokio::test]
async fn bad_ids_are_bad_user_input() {
    for t in databases().await {
        let env = Env::new(t, SeedSize::small()).await;
        let b = env.b();
        let admin = env.keys.admin_token(1);
        let long = "9".repeat(10_000);
        for bad in [
            "abc",
            "0",
            "-5",
            "1.5",
            "",
            "99999999999999999999",
            long.as_str(),
        ] {
            let resp = env
                .q(
                    "query($id: ID!) { order(id: $id) { id } }",
                    json!({"id": bad}),
                    Some(&admin),
                )
                .await;
            assert_eq!(
                resp["data"]["order"],
                Value::Null,
                "{b:?}: {bad:.20}: {resp}"
            );
            assert_eq!(
                error_codes(&resp),
                ["BAD_USER_INPUT"],
                "{b:?}: {bad:.20}: {resp}"
            );
            let message = resp["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(
                !message.is_empty() && message.len() < 200,
                "{b:?}: echo is bounded: {message:.300}"
            );
        }
        // Not an ID at all: a GraphQL validation error, still a clean 200 answer.
        let resp = env
            .q("{ order(id: {x: 1}) { id } }", json!({}), Some(&admin))
            .await;
        assert!(resp["errors"].is_array(), "{b:?}: {resp}");
    }
}

#[tokio::test]
async fn database_failures_are_internal_and_say_nothing() {
    for t in databases().await {
        let env = Env::new(t, SeedSize::small()).await;
        let b = env.b();
        let backend = env.t.db.get_database_backend();
        env.t
            .db
            .execute_raw(Statement::from_string(backend, "DROP TABLE order_items"))
            .await
            .unwrap_or_else(|e| panic!("{b:?}: drop: {e}"));
        let resp = env
            .q(
                "{ order(id: \"1\") { id items { quantity } } }",
                json!({}),
                Some(&env.keys.admin_token(1)),
            )
            .await;
        assert!(
            resp["data"]["order"]["items"].is_null(),
            "{b:?}: no items without a table: {resp}"
        );
        assert_eq!(
            error_codes(&resp),
            ["INTERNAL_SERVER_ERROR"],
            "{b:?}: {resp}"
        );
        assert_eq!(resp["errors"][0]["message"], "internal error", "{b:?}");
        assert_no_database_text(&resp, b);
    }
}

#[tokio::test]
async fn health_checks_the_database() {
    for t in databases().await {
        let env = Env::new(t, SeedSize::small()).await;
        let (status, body) = env.client.get("/ready").await;
        assert_eq!(status, 200, "{:?}: {body}", env.b());
        assert_eq!(body["status"], "ok", "{:?}", env.b());
    }
}

// ---------------------------------------------------------------------------------------------
// Seed

#[tokio::test]
async fn seed_follows_the_plan_once() {
    let size = SeedSize::small();
    for t in databases().await {
        let b = t.backend;
        orders_subgraph::migrate(&t.db)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: migrate: {e}"));
        let items: u64 = (1..=size.orders)
            .map(|i| plan::order(i, &size).items.len() as u64)
            .sum();
        let written = orders_subgraph::seed(&t.db, &size)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: seed: {e}"));
        assert_eq!(
            written,
            u64::from(size.orders) + items,
            "{b:?}: orders plus items"
        );
        let again = orders_subgraph::seed(&t.db, &size)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: reseed: {e}"));
        assert_eq!(again, 0, "{b:?}: an already seeded database is left alone");

        let backend = t.db.get_database_backend();
        let rows =
            t.db.query_all_raw(Statement::from_string(
                backend,
                "SELECT id, user_id, status FROM orders ORDER BY id",
            ))
            .await
            .unwrap_or_else(|e| panic!("{b:?}: read: {e}"));
        assert_eq!(rows.len(), size.orders as usize, "{b:?}");
        for (i, row) in (1..=size.orders).zip(&rows) {
            let want = plan::order(i, &size);
            assert_eq!(
                row.try_get::<i64>("", "id").ok(),
                Some(i64::from(i)),
                "{b:?}: row {i} has id {i}"
            );
            assert_eq!(
                row.try_get::<i64>("", "user_id").ok(),
                Some(i64::from(want.user)),
                "{b:?}: row {i}"
            );
            assert_eq!(
                row.try_get::<String>("", "status").ok().as_deref(),
                Some(want.status),
                "{b:?}: row {i}"
            );
        }

        // New rows continue after the seeded ids (PostgreSQL sequences were moved past them).
        let insert = "INSERT INTO orders (user_id, status, currency, created_at) \
                      VALUES (1, 'PAID', 'USD', '2026-06-01 00:00:00+00:00')";
        t.db.execute_raw(Statement::from_string(backend, insert))
            .await
            .unwrap_or_else(|e| panic!("{b:?}: insert after seed: {e}"));

        let unusable = SeedSize { users: 0, ..size };
        assert!(
            orders_subgraph::seed(&t.db, &unusable).await.is_err(),
            "{b:?}: impossible sizes are refused"
        );
    }
}
