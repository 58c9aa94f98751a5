//! The reviews subgraph through its real router (HTTP, token verification, GraphQL, database),
//! every case on in-memory SQLite and, when `TEST_POSTGRES_URL` is set, on a fresh PostgreSQL
//! database.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, header};
use serde_json::{Value, json};
use subgraph_kit::seed::{self as plan, SeedSize};
use subgraph_kit::testing::{Backend, TestClient, TestDb, TestKeys, databases, error_codes};

/// One backend under test: its database, the keys tokens are minted with, and a client for
/// the reviews router over that database.
struct Harness {
    t: TestDb,
    keys: TestKeys,
    client: TestClient,
}

/// A migrated database per backend; seeded with [`SeedSize::small`] when `seeded`.
async fn harnesses(seeded: bool) -> Vec<Harness> {
    let mut out = Vec::new();
    for t in databases().await {
        reviews_subgraph::migrate(&t.db).await.expect("migrate");
        if seeded {
            let rows = reviews_subgraph::seed(&t.db, &SeedSize::small())
                .await
                .expect("seed");
            assert_eq!(
                rows,
                u64::from(SeedSize::small().reviews),
                "{:?}: seeded rows",
                t.backend
            );
        }
        let keys = TestKeys::new();
        let schema = reviews_subgraph::schema(t.db.clone());
        let client = TestClient::new(reviews_subgraph::router(
            schema,
            keys.verifier(),
            t.db.clone(),
        ));
        t.statements.take();
        out.push(Harness { t, keys, client });
    }
    out
}

/// Text that would show a database error leaked to the client.
const DB_TEXT: [&str; 10] = [
    "sqlx",
    "sqlite",
    "postgres",
    "SQLSTATE",
    "constraint",
    "duplicate key",
    "UNIQUE",
    "syntax error",
    "no such",
    "reviews_",
];

impl Harness {
    fn backend(&self) -> Backend {
        self.t.backend
    }

    /// Posts a GraphQL request; every response must be a 200 without database text.
    async fn gql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let (status, body) = self
            .client
            .post(json!({"query": query, "variables": variables}), token)
            .await;
        assert_eq!(
            status,
            200,
            "{:?}: status for {query}: {body}",
            self.backend()
        );
        assert_no_database_text(self.backend(), &body);
        body
    }

    async fn add_review(&self, token: &str, product: i64, rating: i32, body: &str) -> Value {
        self.gql(
            ADD,
            json!({"p": product.to_string(), "r": rating, "b": body}),
            Some(token),
        )
        .await
    }

    /// Runs `query` and returns how many SQL statements it cost.
    async fn count_statements(&self, query: &str, variables: Value) -> (Value, u64) {
        self.t.statements.take();
        let body = self.gql(query, variables, None).await;
        (body, self.t.statements.take())
    }
}

fn assert_no_database_text(backend: Backend, body: &Value) {
    for err in body["errors"].as_array().into_iter().flatten() {
        let msg = err["message"].as_str().unwrap_or_default();
        for needle in DB_TEXT {
            assert!(
                !msg.to_lowercase().contains(&needle.to_lowercase()),
                "{backend:?}: error message leaks database text ({needle}): {msg}"
            );
        }
    }
}

/// The only error codes in a response, asserting there is at least one.
fn codes(backend: Backend, body: &Value) -> Vec<String> {
    let codes = error_codes(body);
    assert!(!codes.is_empty(), "{backend:?}: expected an error: {body}");
    codes
}

const ADD: &str = "mutation($p: ID!, $r: Int!, $b: String!) {
    addReview(productId: $p, rating: $r, body: $b) { id rating body createdAt author { id } product { id } }
}";
const DELETE: &str = "mutation($id: ID!) { deleteReview(id: $id) }";
const REVIEW: &str =
    "query($id: ID!) { review(id: $id) { id rating body createdAt author { id } product { id } } }";
const ENTITIES: &str = "query($r: [_Any!]!) { _entities(representations: $r) {
    __typename
    ... on Review { id rating body createdAt author { id } product { id } }
    ... on Product { id }
    ... on User { id }
} }";

/// The seeded reviews (small plan), as `(id, review)`.
fn seeded() -> Vec<(i64, plan::SeedReview)> {
    let size = SeedSize::small();
    (1..=size.reviews)
        .map(|i| (i64::from(i), plan::review(i, &size)))
        .collect()
}

/// The JSON a seeded review resolves to.
fn review_json(id: i64, r: &plan::SeedReview) -> Value {
    json!({
        "id": id.to_string(),
        "rating": r.rating,
        "body": r.body,
        "createdAt": r.created_at.to_rfc3339(),
        "author": {"id": r.author.to_string()},
        "product": {"id": r.product.to_string()},
    })
}

#[tokio::test]
async fn sdl_file_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema/reviews.graphql");
    let file = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        reviews_subgraph::sdl() == file,
        "schema/reviews.graphql is out of date; regenerate it with:\n  \
         cargo run -q -p reviews-subgraph -- --print-sdl > schema/reviews.graphql"
    );
}

#[tokio::test]
async fn service_sdl_equals_file_and_health_checks_the_database() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema/reviews.graphql");
    let file = std::fs::read_to_string(path).unwrap_or_default();
    for h in harnesses(false).await {
        let body = h.gql("{ _service { sdl } }", json!({}), None).await;
        assert_eq!(
            body["data"]["_service"]["sdl"].as_str(),
            Some(file.as_str()),
            "{:?}: _service.sdl differs from schema/reviews.graphql; regenerate it with: \
             cargo run -q -p reviews-subgraph -- --print-sdl > schema/reviews.graphql",
            h.backend()
        );
        for needle in [
            "type Review @key(fields: \"id\")",
            "type Product @key(fields: \"id\")",
            "type User @key(fields: \"id\")",
        ] {
            assert!(file.contains(needle), "SDL declares {needle}");
        }
        let (status, body) = h.client.get("/health").await;
        assert_eq!(status, 200, "{:?}: {body}", h.backend());
        assert_eq!(body["status"], "ok", "{:?}", h.backend());
    }
}

#[tokio::test]
async fn entities_keep_order_and_length_with_null_for_unknown_reviews() {
    let plan = seeded();
    for h in harnesses(true).await {
        let reps = json!([
            {"__typename": "Review", "id": "3"},
            {"__typename": "Product", "id": "7"},
            {"__typename": "Review", "id": "999999"},
            {"__typename": "User", "id": "5"},
            {"__typename": "Review", "id": "1"},
            {"__typename": "Review", "id": "3"},
            {"__typename": "Product", "id": "424242"},
        ]);
        let body = h.gql(ENTITIES, json!({"r": reps}), None).await;
        assert!(body["errors"].is_null(), "{:?}: {body}", h.backend());
        let entities = body["data"]["_entities"].as_array().expect("list");
        assert_eq!(entities.len(), 7, "{:?}: length kept", h.backend());

        let mut review3 = review_json(3, &plan[2].1);
        review3["__typename"] = json!("Review");
        let mut review1 = review_json(1, &plan[0].1);
        review1["__typename"] = json!("Review");
        assert_eq!(entities[0], review3, "{:?}", h.backend());
        assert_eq!(
            entities[1],
            json!({"__typename": "Product", "id": "7"}),
            "{:?}",
            h.backend()
        );
        assert_eq!(
            entities[2],
            Value::Null,
            "{:?}: unknown review is null",
            h.backend()
        );
        assert_eq!(
            entities[3],
            json!({"__typename": "User", "id": "5"}),
            "{:?}",
            h.backend()
        );
        assert_eq!(entities[4], review1, "{:?}", h.backend());
        assert_eq!(
            entities[5],
            review3,
            "{:?}: duplicates answered in place",
            h.backend()
        );
        // Reviews cannot know which products exist: any product id resolves (with no reviews).
        assert_eq!(
            entities[6],
            json!({"__typename": "Product", "id": "424242"}),
            "{:?}",
            h.backend()
        );
    }
}

#[tokio::test]
async fn thousand_review_entities_cost_one_statement() {
    let plan = seeded();
    for h in harnesses(true).await {
        let reps: Vec<Value> = (1..=1000)
            .rev()
            .map(|i| json!({"__typename": "Review", "id": i.to_string()}))
            .collect();
        let (body, statements) = h
            .count_statements(
                "query($r: [_Any!]!) { _entities(representations: $r) { ... on Review { id rating } } }",
                json!({"r": reps}),
            )
            .await;
        assert!(body["errors"].is_null(), "{:?}: {body}", h.backend());
        assert_eq!(
            statements,
            1,
            "{:?}: 1,000 review representations = one statement",
            h.backend()
        );
        let entities = body["data"]["_entities"].as_array().expect("list");
        assert_eq!(entities.len(), 1000, "{:?}", h.backend());
        for (pos, entity) in entities.iter().enumerate() {
            let id = 1000 - pos as i64;
            match plan.iter().find(|(i, _)| *i == id) {
                Some((_, r)) => {
                    assert_eq!(
                        entity,
                        &json!({"id": id.to_string(), "rating": r.rating}),
                        "{:?}",
                        h.backend()
                    )
                }
                None => assert_eq!(
                    entity,
                    &Value::Null,
                    "{:?}: review {id} is unknown",
                    h.backend()
                ),
            }
        }
    }
}

/// Expected `reviews(first, after)` of a parent, from the seed plan.
fn expected_page(
    plan: &[(i64, plan::SeedReview)],
    belongs: impl Fn(&plan::SeedReview) -> bool,
    first: usize,
    after: i64,
) -> Vec<String> {
    plan.iter()
        .filter(|(id, r)| belongs(r) && *id > after)
        .take(first)
        .map(|(id, _)| id.to_string())
        .collect()
}

#[tokio::test]
async fn product_reviews_and_average_for_100_products_cost_one_statement_each() {
    let plan = seeded();
    for h in harnesses(true).await {
        let reps: Vec<Value> = (1..=100)
            .map(|i| json!({"__typename": "Product", "id": i.to_string()}))
            .collect();
        let query = "query($r: [_Any!]!) { _entities(representations: $r) {
            ... on Product { id reviews(first: 2) { id product { id } } averageRating }
        } }";
        let (body, statements) = h.count_statements(query, json!({"r": reps})).await;
        assert!(body["errors"].is_null(), "{:?}: {body}", h.backend());
        assert_eq!(
            statements,
            2,
            "{:?}: one statement for reviews, one for averageRating",
            h.backend()
        );

        let entities = body["data"]["_entities"].as_array().expect("list");
        assert_eq!(entities.len(), 100, "{:?}", h.backend());
        let mut with_reviews = 0;
        for (pos, entity) in entities.iter().enumerate() {
            let product = pos as u32 + 1;
            assert_eq!(entity["id"], product.to_string(), "{:?}", h.backend());
            let ids: Vec<&str> = entity["reviews"]
                .as_array()
                .expect("reviews")
                .iter()
                .map(|r| {
                    assert_eq!(r["product"]["id"], product.to_string(), "{:?}", h.backend());
                    r["id"].as_str().expect("id")
                })
                .collect();
            assert_eq!(
                ids,
                expected_page(&plan, |r| r.product == product, 2, 0),
                "{:?}: product {product}",
                h.backend()
            );

            let ratings: Vec<i32> = plan
                .iter()
                .filter(|(_, r)| r.product == product)
                .map(|(_, r)| r.rating)
                .collect();
            if ratings.is_empty() {
                assert_eq!(
                    entity["averageRating"],
                    Value::Null,
                    "{:?}: product {product} has no average",
                    h.backend()
                );
            } else {
                with_reviews += 1;
                let expected = f64::from(ratings.iter().sum::<i32>()) / ratings.len() as f64;
                let got = entity["averageRating"].as_f64().expect("average");
                assert!(
                    (got - expected).abs() < 1e-9,
                    "{:?}: product {product}: {got} vs {expected}",
                    h.backend()
                );
            }
        }
        assert!(
            with_reviews > 1,
            "{:?}: the seed reviews several products",
            h.backend()
        );
    }
}

#[tokio::test]
async fn user_reviews_for_100_users_cost_one_statement() {
    let plan = seeded();
    for h in harnesses(true).await {
        let reps: Vec<Value> = (1..=100)
            .map(|i| json!({"__typename": "User", "id": i.to_string()}))
            .collect();
        let query = "query($r: [_Any!]!) { _entities(representations: $r) {
            ... on User { id reviews(first: 2) { id author { id } } }
        } }";
        let (body, statements) = h.count_statements(query, json!({"r": reps})).await;
        assert!(body["errors"].is_null(), "{:?}: {body}", h.backend());
        assert_eq!(
            statements,
            1,
            "{:?}: one statement for 100 users' reviews",
            h.backend()
        );
        let entities = body["data"]["_entities"].as_array().expect("list");
        assert_eq!(entities.len(), 100, "{:?}", h.backend());
        for (pos, entity) in entities.iter().enumerate() {
            let user = pos as u32 + 1;
            let ids: Vec<&str> = entity["reviews"]
                .as_array()
                .expect("reviews")
                .iter()
                .map(|r| {
                    assert_eq!(r["author"]["id"], user.to_string(), "{:?}", h.backend());
                    r["id"].as_str().expect("id")
                })
                .collect();
            assert_eq!(
                ids,
                expected_page(&plan, |r| r.author == user, 2, 0),
                "{:?}: user {user}",
                h.backend()
            );
        }
    }
}

#[tokio::test]
async fn pagination_per_parent() {
    let plan = seeded();
    // The small seed gives each user 2 or 3 reviews; walk user 1's one at a time.
    let user1: Vec<String> = expected_page(&plan, |r| r.author == 1, 100, 0);
    assert!(user1.len() >= 2, "user 1 has several reviews");
    for h in harnesses(true).await {
        let query =
            "query($r: [_Any!]!, $first: Int, $after: ID) { _entities(representations: $r) {
            ... on User { reviews(first: $first, after: $after) { id } }
            ... on Product { reviews(first: $first, after: $after) { id } }
        } }";
        let user = json!([{"__typename": "User", "id": "1"}]);
        let mut after: Option<String> = None;
        let mut walked = Vec::new();
        loop {
            let body = h
                .gql(query, json!({"r": user, "first": 1, "after": after}), None)
                .await;
            let page = body["data"]["_entities"][0]["reviews"]
                .as_array()
                .expect("page")
                .clone();
            assert!(page.len() <= 1, "{:?}: first bounds the page", h.backend());
            let Some(last) = page.last() else { break };
            let id = last["id"].as_str().expect("id").to_owned();
            walked.push(id.clone());
            after = Some(id);
            assert!(
                walked.len() <= user1.len(),
                "{:?}: pagination terminates",
                h.backend()
            );
        }
        assert_eq!(
            walked,
            user1,
            "{:?}: cursor walk yields every review once, in id order",
            h.backend()
        );

        // Several parents with different page arguments in one request, each honoured.
        let (p_a, p_b) = (plan[0].1.product, plan[1].1.product);
        let query_two = "query($a: [_Any!]!, $b: [_Any!]!, $after: ID) {
            a: _entities(representations: $a) { ... on Product { reviews(first: 1) { id } } }
            b: _entities(representations: $b) { ... on Product { reviews(first: 5, after: $after) { id } } }
        }";
        let body = h
            .gql(
                query_two,
                json!({
                    "a": [{"__typename": "Product", "id": p_a.to_string()}, {"__typename": "Product", "id": p_b.to_string()}],
                    "b": [{"__typename": "Product", "id": p_b.to_string()}, {"__typename": "Product", "id": p_a.to_string()}],
                    "after": "1",
                }),
                None,
            )
            .await;
        assert!(body["errors"].is_null(), "{:?}: {body}", h.backend());
        let ids = |v: &Value| -> Vec<String> {
            v["reviews"]
                .as_array()
                .expect("list")
                .iter()
                .map(|r| r["id"].as_str().expect("id").to_owned())
                .collect()
        };
        assert_eq!(
            ids(&body["data"]["a"][0]),
            expected_page(&plan, |r| r.product == p_a, 1, 0),
            "{:?}",
            h.backend()
        );
        assert_eq!(
            ids(&body["data"]["a"][1]),
            expected_page(&plan, |r| r.product == p_b, 1, 0),
            "{:?}",
            h.backend()
        );
        assert_eq!(
            ids(&body["data"]["b"][0]),
            expected_page(&plan, |r| r.product == p_b, 5, 1),
            "{:?}",
            h.backend()
        );
        assert_eq!(
            ids(&body["data"]["b"][1]),
            expected_page(&plan, |r| r.product == p_a, 5, 1),
            "{:?}",
            h.backend()
        );

        // `first` bounds.
        let one = json!([{"__typename": "User", "id": "1"}]);
        let zero = h.gql(query, json!({"r": one, "first": 0}), None).await;
        assert_eq!(
            zero["data"]["_entities"][0]["reviews"],
            json!([]),
            "{:?}: first 0",
            h.backend()
        );
        let max = h.gql(query, json!({"r": one, "first": 100}), None).await;
        assert!(
            max["errors"].is_null(),
            "{:?}: first 100 is allowed: {max}",
            h.backend()
        );
        let default = h.gql(query, json!({"r": one}), None).await;
        assert_eq!(
            default["data"]["_entities"][0]["reviews"]
                .as_array()
                .map(Vec::len),
            Some(user1.len()),
            "{:?}: default page holds all of user 1's reviews",
            h.backend()
        );
        for first in [101, -1] {
            let body = h.gql(query, json!({"r": one, "first": first}), None).await;
            assert_eq!(
                codes(h.backend(), &body),
                ["BAD_USER_INPUT"],
                "{:?}: first {first}",
                h.backend()
            );
        }
        let body = h
            .gql(query, json!({"r": one, "after": "not-an-id"}), None)
            .await;
        assert_eq!(
            codes(h.backend(), &body),
            ["BAD_USER_INPUT"],
            "{:?}: bad cursor",
            h.backend()
        );
    }
}

#[tokio::test]
async fn query_review_and_malformed_ids() {
    let plan = seeded();
    for h in harnesses(true).await {
        let body = h.gql(REVIEW, json!({"id": "2"}), None).await;
        assert_eq!(
            body["data"]["review"],
            review_json(2, &plan[1].1),
            "{:?}",
            h.backend()
        );
        let body = h.gql(REVIEW, json!({"id": "987654"}), None).await;
        assert!(body["errors"].is_null(), "{:?}: {body}", h.backend());
        assert_eq!(
            body["data"]["review"],
            Value::Null,
            "{:?}: unknown review is null",
            h.backend()
        );
        for bad in ["x", "0", "-4", "1.5"] {
            let body = h.gql(REVIEW, json!({"id": bad}), None).await;
            assert_eq!(
                codes(h.backend(), &body),
                ["BAD_USER_INPUT"],
                "{:?}: id {bad}",
                h.backend()
            );
        }
        for (typename, id) in [("Review", "abc"), ("Product", "-1"), ("User", "0")] {
            let reps = json!([{"__typename": typename, "id": id}]);
            let body = h.gql(ENTITIES, json!({"r": reps}), None).await;
            assert_eq!(
                codes(h.backend(), &body),
                ["BAD_USER_INPUT"],
                "{:?}: {typename} key {id}",
                h.backend()
            );
        }
    }
}

#[tokio::test]
async fn seed_is_idempotent_and_new_reviews_follow_it() {
    for h in harnesses(true).await {
        let again = reviews_subgraph::seed(&h.t.db, &SeedSize::small())
            .await
            .expect("seed again");
        assert_eq!(
            again,
            0,
            "{:?}: seeding a seeded table does nothing",
            h.backend()
        );
        // Product 15 is not reviewed by user 1 in the small plan; the new id follows the seed.
        assert!(
            !seeded()
                .iter()
                .any(|(_, r)| r.author == 1 && r.product == 15)
        );
        let body = h
            .add_review(&h.keys.token(1), 15, 4, "after the seed")
            .await;
        assert!(body["errors"].is_null(), "{:?}: {body}", h.backend());
        let expected = (SeedSize::small().reviews + 1).to_string();
        assert_eq!(
            body["data"]["addReview"]["id"],
            expected.as_str(),
            "{:?}: ids continue after the seed",
            h.backend()
        );
    }
}

#[tokio::test]
async fn add_review_happy_path() {
    for h in harnesses(false).await {
        let token = h.keys.token(7);
        let before = chrono::Utc::now() - chrono::Duration::seconds(5);
        let body = h
            .add_review(&token, 42, 4, "  Solid kettle, boils fast.  ")
            .await;
        assert!(body["errors"].is_null(), "{:?}: {body}", h.backend());
        let created = &body["data"]["addReview"];
        assert_eq!(created["rating"], 4, "{:?}", h.backend());
        assert_eq!(
            created["body"],
            "Solid kettle, boils fast.",
            "{:?}: body is trimmed",
            h.backend()
        );
        assert_eq!(
            created["author"]["id"],
            "7",
            "{:?}: author from the token",
            h.backend()
        );
        assert_eq!(created["product"]["id"], "42", "{:?}", h.backend());
        let at: chrono::DateTime<chrono::Utc> = created["createdAt"]
            .as_str()
            .expect("createdAt")
            .parse()
            .expect("rfc3339");
        assert!(
            at > before && at < chrono::Utc::now() + chrono::Duration::seconds(5),
            "{:?}: createdAt is now",
            h.backend()
        );

        // It reads back identically, and shows on the product and the author.
        let id = created["id"].as_str().expect("id").to_owned();
        let read = h.gql(REVIEW, json!({"id": id}), None).await;
        assert_eq!(
            &read["data"]["review"],
            created,
            "{:?}: read back",
            h.backend()
        );

        let second = h.add_review(&h.keys.token(8), 42, 1, "Leaks.").await;
        assert!(second["errors"].is_null(), "{:?}: {second}", h.backend());
        let q = "query($r: [_Any!]!) { _entities(representations: $r) {
            ... on Product { reviews { id rating } averageRating }
            ... on User { reviews { id } }
        } }";
        let reps =
            json!([{"__typename": "Product", "id": "42"}, {"__typename": "User", "id": "7"}]);
        let body = h.gql(q, json!({"r": reps}), None).await;
        let product = &body["data"]["_entities"][0];
        assert_eq!(
            product["reviews"].as_array().map(Vec::len),
            Some(2),
            "{:?}",
            h.backend()
        );
        assert_eq!(
            product["averageRating"].as_f64(),
            Some(2.5),
            "{:?}",
            h.backend()
        );
        assert_eq!(
            body["data"]["_entities"][1]["reviews"],
            json!([{"id": id}]),
            "{:?}",
            h.backend()
        );
    }
}

#[tokio::test]
async fn add_review_needs_a_verified_token() {
    for h in harnesses(false).await {
        let k = &h.keys;
        let bad_tokens = [
            k.expired_token(3),
            k.wrong_audience_token(3),
            k.foreign_token(3),
            k.none_alg_token(3),
            "garbage".to_owned(),
        ];
        for token in &bad_tokens {
            let body = h.add_review(token, 1, 5, "nice").await;
            assert_eq!(
                codes(h.backend(), &body),
                ["UNAUTHENTICATED"],
                "{:?}: token {token}",
                h.backend()
            );
        }
        let body = h
            .gql(ADD, json!({"p": "1", "r": 5, "b": "nice"}), None)
            .await;
        assert_eq!(
            codes(h.backend(), &body),
            ["UNAUTHENTICATED"],
            "{:?}: no token",
            h.backend()
        );

        // A header a client could set is no identity.
        let req = Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-user-id", "3")
            .header("x-user", "3")
            .body(Body::from(
                json!({"query": ADD, "variables": {"p": "1", "r": 5, "b": "nice"}}).to_string(),
            ))
            .expect("request");
        let (status, body) = h.client.send(req).await;
        assert_eq!(status, 200, "{:?}", h.backend());
        assert_eq!(
            codes(h.backend(), &body),
            ["UNAUTHENTICATED"],
            "{:?}: identity headers ignored",
            h.backend()
        );

        let count = h.gql(REVIEW, json!({"id": "1"}), None).await;
        assert_eq!(
            count["data"]["review"],
            Value::Null,
            "{:?}: nothing was written",
            h.backend()
        );
    }
}

#[tokio::test]
async fn add_review_rejects_bad_input() {
    for h in harnesses(false).await {
        let token = h.keys.token(3);
        for rating in [0, 6, -1, 2_147_483_647] {
            let body = h.add_review(&token, 1, rating, "fine").await;
            assert_eq!(
                codes(h.backend(), &body),
                ["BAD_USER_INPUT"],
                "{:?}: rating {rating}",
                h.backend()
            );
        }
        for empty in ["", "   ", "\n\t "] {
            let body = h.add_review(&token, 1, 3, empty).await;
            assert_eq!(
                codes(h.backend(), &body),
                ["BAD_USER_INPUT"],
                "{:?}: body {empty:?}",
                h.backend()
            );
        }
        for product in ["abc", "0", "-2", ""] {
            let body = h
                .gql(
                    ADD,
                    json!({"p": product, "r": 3, "b": "fine"}),
                    Some(&token),
                )
                .await;
            assert_eq!(
                codes(h.backend(), &body),
                ["BAD_USER_INPUT"],
                "{:?}: product {product:?}",
                h.backend()
            );
        }
        // Nothing was written: the first valid review of product 1 by user 3 succeeds.
        let body = h.add_review(&token, 1, 3, "fine").await;
        assert!(body["errors"].is_null(), "{:?}: {body}", h.backend());
    }
}

#[tokio::test]
async fn body_limit_counts_characters_not_bytes() {
    for h in harnesses(false).await {
        let token = h.keys.token(9);
        let accepted = [
            ("5,000 ASCII", "a".repeat(5_000)),
            ("5,000 two-byte", "é".repeat(5_000)),
            ("5,000 four-byte", "😀".repeat(5_000)),
        ];
        for (product, (label, body)) in (1..).zip(&accepted) {
            let resp = h.add_review(&token, product, 5, body).await;
            assert!(
                resp["errors"].is_null(),
                "{:?}: {label} accepted: {}",
                h.backend(),
                resp["errors"]
            );
            let stored = resp["data"]["addReview"]["body"].as_str().expect("body");
            assert_eq!(
                stored.chars().count(),
                5_000,
                "{:?}: {label} stored whole",
                h.backend()
            );
            assert_eq!(
                stored,
                body.as_str(),
                "{:?}: {label} round-trips",
                h.backend()
            );
        }
        let rejected = [
            ("5,001 ASCII", "a".repeat(5_001)),
            ("5,001 two-byte", "é".repeat(5_001)),
            ("5,001 four-byte", "😀".repeat(5_001)),
            ("5,000 plus padding", format!(" {} ", "a".repeat(4_999))),
        ];
        for (label, body) in &rejected {
            let resp = h.add_review(&token, 100, 5, body).await;
            assert_eq!(
                codes(h.backend(), &resp),
                ["BAD_USER_INPUT"],
                "{:?}: {label} rejected",
                h.backend()
            );
        }
    }
}

#[tokio::test]
async fn one_review_per_user_and_product() {
    for h in harnesses(false).await {
        let (alice, bob) = (h.keys.token(1), h.keys.token(2));
        let first = h.add_review(&alice, 10, 5, "great").await;
        assert!(first["errors"].is_null(), "{:?}: {first}", h.backend());

        let dup = h.add_review(&alice, 10, 1, "changed my mind").await;
        assert_eq!(
            codes(h.backend(), &dup),
            ["CONFLICT"],
            "{:?}: second review",
            h.backend()
        );
        assert_eq!(dup["data"], Value::Null, "{:?}", h.backend());

        let other_product = h.add_review(&alice, 11, 2, "meh").await;
        assert!(
            other_product["errors"].is_null(),
            "{:?}: {other_product}",
            h.backend()
        );
        let other_user = h.add_review(&bob, 10, 3, "ok").await;
        assert!(
            other_user["errors"].is_null(),
            "{:?}: {other_user}",
            h.backend()
        );

        // Concurrent duplicates: the unique index lets exactly one through.
        let carol = h.keys.token(3);
        let (a, b) = tokio::join!(
            h.add_review(&carol, 12, 4, "one"),
            h.add_review(&carol, 12, 4, "two")
        );
        let mut outcomes: Vec<Vec<String>> = vec![error_codes(&a), error_codes(&b)];
        outcomes.sort();
        assert_eq!(
            outcomes,
            vec![vec![], vec!["CONFLICT".to_owned()]],
            "{:?}: one wins",
            h.backend()
        );

        // The refused review changed nothing.
        let q = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { reviews { rating } averageRating } } }";
        let body = h
            .gql(
                q,
                json!({"r": [{"__typename": "Product", "id": "10"}]}),
                None,
            )
            .await;
        assert_eq!(
            body["data"]["_entities"][0],
            json!({"reviews": [{"rating": 5}, {"rating": 3}], "averageRating": 4.0}),
            "{:?}",
            h.backend()
        );

        // Once deleted, the pair is free again.
        let id = first["data"]["addReview"]["id"].clone();
        let del = h.gql(DELETE, json!({"id": id}), Some(&alice)).await;
        assert!(del["errors"].is_null(), "{:?}: {del}", h.backend());
        let again = h.add_review(&alice, 10, 4, "second thoughts").await;
        assert!(again["errors"].is_null(), "{:?}: {again}", h.backend());
    }
}

#[tokio::test]
async fn delete_review_rules() {
    for h in harnesses(false).await {
        let (author, other) = (h.keys.token(20), h.keys.token(21));
        let mut ids = HashMap::new();
        for product in [1, 2, 3] {
            let body = h.add_review(&author, product, 3, "to delete").await;
            ids.insert(
                product,
                body["data"]["addReview"]["id"]
                    .as_str()
                    .expect("id")
                    .to_owned(),
            );
        }

        // Not the author, not an admin.
        let body = h.gql(DELETE, json!({"id": ids[&1]}), Some(&other)).await;
        assert_eq!(
            codes(h.backend(), &body),
            ["FORBIDDEN"],
            "{:?}: someone else's review",
            h.backend()
        );
        let still = h.gql(REVIEW, json!({"id": ids[&1]}), None).await;
        assert_eq!(
            still["data"]["review"]["id"],
            ids[&1].as_str(),
            "{:?}: not deleted",
            h.backend()
        );

        // No or bad identity.
        let body = h.gql(DELETE, json!({"id": ids[&1]}), None).await;
        assert_eq!(
            codes(h.backend(), &body),
            ["UNAUTHENTICATED"],
            "{:?}: no token",
            h.backend()
        );
        let body = h
            .gql(
                DELETE,
                json!({"id": ids[&1]}),
                Some(&h.keys.expired_token(20)),
            )
            .await;
        assert_eq!(
            codes(h.backend(), &body),
            ["UNAUTHENTICATED"],
            "{:?}: expired token",
            h.backend()
        );
        let body = h
            .gql(
                DELETE,
                json!({"id": ids[&1]}),
                Some(&h.keys.foreign_token(20)),
            )
            .await;
        assert_eq!(
            codes(h.backend(), &body),
            ["UNAUTHENTICATED"],
            "{:?}: forged admin token",
            h.backend()
        );

        // The author.
        let body = h.gql(DELETE, json!({"id": ids[&1]}), Some(&author)).await;
        assert!(body["errors"].is_null(), "{:?}: {body}", h.backend());
        assert_eq!(
            body["data"]["deleteReview"],
            ids[&1].as_str(),
            "{:?}: returns the id",
            h.backend()
        );
        let gone = h.gql(REVIEW, json!({"id": ids[&1]}), None).await;
        assert_eq!(
            gone["data"]["review"],
            Value::Null,
            "{:?}: deleted",
            h.backend()
        );
        let body = h.gql(DELETE, json!({"id": ids[&1]}), Some(&author)).await;
        assert_eq!(
            codes(h.backend(), &body),
            ["NOT_FOUND"],
            "{:?}: deleted twice",
            h.backend()
        );

        // An admin may delete anyone's.
        let admin = h.keys.admin_token(99);
        let body = h.gql(DELETE, json!({"id": ids[&2]}), Some(&admin)).await;
        assert!(body["errors"].is_null(), "{:?}: {body}", h.backend());
        assert_eq!(
            body["data"]["deleteReview"],
            ids[&2].as_str(),
            "{:?}",
            h.backend()
        );

        // Unknown and malformed ids.
        let body = h.gql(DELETE, json!({"id": "999999"}), Some(&admin)).await;
        assert_eq!(
            codes(h.backend(), &body),
            ["NOT_FOUND"],
            "{:?}: unknown review",
            h.backend()
        );
        for bad in ["abc", "0", "-3"] {
            let body = h.gql(DELETE, json!({"id": bad}), Some(&author)).await;
            assert_eq!(
                codes(h.backend(), &body),
                ["BAD_USER_INPUT"],
                "{:?}: id {bad}",
                h.backend()
            );
        }

        // Only the review of product 3 is left.
        let left = h
            .gql(
                "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { reviews { id } } } }",
                json!({"r": [{"__typename": "User", "id": "20"}]}),
                None,
            )
            .await;
        assert_eq!(
            left["data"]["_entities"][0]["reviews"],
            json!([{"id": ids[&3]}]),
            "{:?}",
            h.backend()
        );
    }
}

#[tokio::test]
async fn database_failures_are_internal_errors_without_details() {
    use sea_orm::ConnectionTrait;
    for h in harnesses(true).await {
        // Break the database under the running service.
        h.t.db
            .execute_unprepared("DROP TABLE reviews")
            .await
            .expect("drop table");
        let product = "query($r: [_Any!]!) { _entities(representations: $r) {
            ... on Product { reviews { id } averageRating }
        } }";
        let cases = [
            (REVIEW, json!({"id": "1"}), None),
            (
                product,
                json!({"r": [{"__typename": "Product", "id": "1"}]}),
                None,
            ),
            (
                ADD,
                json!({"p": "1", "r": 5, "b": "fine"}),
                Some(h.keys.token(500)),
            ),
            (DELETE, json!({"id": "1"}), Some(h.keys.admin_token(1))),
        ];
        for (query, variables, token) in cases {
            let body = h.gql(query, variables, token.as_deref()).await;
            let errors = body["errors"].as_array().expect("errors");
            assert!(!errors.is_empty(), "{:?}: {body}", h.backend());
            for err in errors {
                assert_eq!(
                    err["extensions"]["code"],
                    "INTERNAL_SERVER_ERROR",
                    "{:?}: {body}",
                    h.backend()
                );
                assert_eq!(
                    err["message"],
                    "internal error",
                    "{:?}: no details",
                    h.backend()
                );
            }
        }
    }
}
