//! GraphQL over HTTP at the gateway's edge: methods, batches, content negotiation and status
//! codes, request errors, introspection, health, GraphiQL.

mod common;

use apollo_compiler::Schema;
use axum::http::StatusCode;
use common::*;
use gateway::AppState;
use gateway::config::GatewayConfig;
use serde_json::{Value, json};
use std::time::Duration;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

fn accept(media: &str) -> [(&str, &str); 1] {
    [("accept", media)]
}

// ---------------------------------------------------------------------------------------------
// Methods and batches

#[tokio::test]
async fn post_runs_a_query() {
    let app = app();
    let response = post(
        &app,
        &json!({"query": "{ __schema { queryType { name } } }"}),
        &[],
    )
    .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.content_type(), "application/json; charset=utf-8");
    assert_eq!(
        response.json(),
        json!({"data": {"__schema": {"queryType": {"name": "Query"}}}})
    );
}

#[tokio::test]
async fn get_runs_a_query_with_variables_and_operation_name() {
    let app = app();
    let query = "query A { __typename } query B($n: String!) { t: __type(name: $n) { name kind } }";
    let uri = format!(
        "/graphql?query={}&variables={}&operationName=B",
        encode(query),
        encode(r#"{"n": "User"}"#)
    );
    let response = get(&app, &uri, &[]).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(
        response.json(),
        json!({"data": {"t": {"name": "User", "kind": "OBJECT"}}})
    );
}

#[tokio::test]
async fn batches_go_in_and_out_as_arrays_in_order() {
    let app = app();
    let body = json!([
        {"query": "{ __type(name: \"User\") { name } }"},
        {"query": "{ nope }"},
        {"operationName": "x"},
        {"query": "query($n: String!) { __type(name: $n) { name } }", "variables": {"n": "Product"}}
    ]);
    for media in ["application/json", GRAPHQL_RESPONSE_JSON] {
        let response = post(&app, &body, &accept(media)).await;
        assert_eq!(response.status, StatusCode::OK);
        assert!(response.content_type().starts_with(media));
        let items = response.json();
        let items = items.as_array().expect("array out");
        assert_eq!(items.len(), 4);
        assert_eq!(items[0], json!({"data": {"__type": {"name": "User"}}}));
        assert_eq!(
            items[1]["errors"][0]["extensions"]["code"],
            "GRAPHQL_VALIDATION_FAILED"
        );
        assert!(items[1].get("data").is_none());
        assert_eq!(items[2]["errors"][0]["extensions"]["code"], "BAD_REQUEST");
        assert_eq!(items[3], json!({"data": {"__type": {"name": "Product"}}}));
    }
}

#[tokio::test]
async fn batches_are_bounded() {
    let mut config = GatewayConfig::default();
    config.limits.max_batch_size = 2;
    let (_, app) = app_with(&config);
    let one = json!({"query": "{ __typename }"});
    let response = post(&app, &json!([one, one, one]), &[]).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        response.json()["errors"][0]["extensions"]["code"],
        "BAD_REQUEST"
    );
    let response = post(&app, &json!([]), &[]).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn mutation_over_get_is_405_whatever_the_accept() {
    let app = app();
    let query = "mutation { placeOrder(input: {items: []}) { id } }";
    for media in ["application/json", GRAPHQL_RESPONSE_JSON] {
        let response = get(
            &app,
            &format!("/graphql?query={}", encode(query)),
            &accept(media),
        )
        .await;
        assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED, "{media}");
        assert_eq!(response.header("allow"), Some("POST"));
        assert!(response.content_type().starts_with(media));
        let body = response.json();
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "METHOD_NOT_ALLOWED"
        );
        assert!(body.get("data").is_none());
    }
    // Selecting the query of a document that also holds a mutation is fine over GET.
    let document = "query Q { __typename } mutation M { placeOrder(input: {items: []}) { id } }";
    let response = get(
        &app,
        &format!("/graphql?query={}&operationName=Q", encode(document)),
        &[],
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
}

#[tokio::test]
async fn other_methods_are_405() {
    let app = app();
    let request = axum::http::Request::put("/graphql")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = send(&app, request).await;
    assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn subscriptions_get_a_clear_error() {
    let app = app();
    let response = post(
        &app,
        &json!({"query": "subscription { orderPlaced { id } }"}),
        &accept(GRAPHQL_RESPONSE_JSON),
    )
    .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    let body = response.json();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("subscriptions are not supported")
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
}

// ---------------------------------------------------------------------------------------------
// Content negotiation and statuses

/// (request, expected code) pairs for every kind of request error.
fn request_errors() -> Vec<(Value, &'static str)> {
    vec![
        (json!({"query": "{ __typename "}), "GRAPHQL_PARSE_FAILED"),
        (json!({"query": "{ nope }"}), "GRAPHQL_VALIDATION_FAILED"),
        (
            json!({"query": "query($id: ID!) { user(id: $id) { name } }", "variables": {"id": {"no": 1}}}),
            "BAD_USER_INPUT",
        ),
        (
            json!({"query": "query A { __typename } query B { __typename }"}),
            "OPERATION_NOT_FOUND",
        ),
        (
            json!({"query": "{ __typename }", "operationName": "Missing"}),
            "OPERATION_NOT_FOUND",
        ),
    ]
}

#[tokio::test]
async fn request_errors_are_4xx_for_graphql_response_json() {
    let app = app();
    for (body, code) in request_errors() {
        let response = post(&app, &body, &accept(GRAPHQL_RESPONSE_JSON)).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(
            response.content_type(),
            "application/graphql-response+json; charset=utf-8"
        );
        let json = response.json();
        assert_eq!(json["errors"][0]["extensions"]["code"], code, "{body}");
        assert!(
            json.get("data").is_none(),
            "a request error has no data: {json}"
        );
    }
}

#[tokio::test]
async fn request_errors_are_200_for_application_json_and_legacy_accepts() {
    let app = app();
    for media in [
        None,
        Some("application/json"),
        Some("*/*"),
        Some("application/*"),
    ] {
        for (body, code) in request_errors() {
            let headers: Vec<(&str, &str)> = media.map(|m| ("accept", m)).into_iter().collect();
            let response = post(&app, &body, &headers).await;
            assert_eq!(response.status, StatusCode::OK, "{media:?} {body}");
            assert_eq!(response.content_type(), "application/json; charset=utf-8");
            assert_eq!(response.json()["errors"][0]["extensions"]["code"], code);
        }
    }
}

#[tokio::test]
async fn preferred_media_type_wins() {
    let app = app();
    let bad = json!({"query": "{ nope }"});
    let response = post(
        &app,
        &bad,
        &accept("application/json;q=0.9, application/graphql-response+json"),
    )
    .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(response.content_type().starts_with(GRAPHQL_RESPONSE_JSON));
    let response = post(
        &app,
        &bad,
        &accept("application/json, application/graphql-response+json;q=0.1"),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.content_type().starts_with("application/json"));
}

#[tokio::test]
async fn successful_responses_are_200_in_both_formats() {
    let app = app();
    for media in ["application/json", GRAPHQL_RESPONSE_JSON] {
        let response = post(&app, &json!({"query": "{ __typename }"}), &accept(media)).await;
        assert_eq!(response.status, StatusCode::OK);
        assert!(response.content_type().starts_with(media));
        assert_eq!(response.json(), json!({"data": {"__typename": "Query"}}));
    }
}

#[tokio::test]
async fn unacceptable_accept_is_406() {
    let app = app();
    for media in ["text/plain", "application/xml", "application/json;q=0"] {
        let response = post(&app, &json!({"query": "{ __typename }"}), &accept(media)).await;
        assert_eq!(response.status, StatusCode::NOT_ACCEPTABLE, "{media}");
        let response = get(&app, "/graphql?query=%7B__typename%7D", &accept(media)).await;
        assert_eq!(response.status, StatusCode::NOT_ACCEPTABLE, "{media}");
    }
}

#[tokio::test]
async fn unsupported_content_types_are_415() {
    let app = app();
    for content_type in [
        "application/graphql",
        "text/plain",
        "application/x-www-form-urlencoded",
        "",
    ] {
        let response = post_raw(&app, "{ __typename }".into(), content_type, &[]).await;
        assert_eq!(
            response.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert_eq!(
            response.json()["errors"][0]["extensions"]["code"],
            "BAD_REQUEST"
        );
    }
    let ok = post_raw(
        &app,
        json!({"query": "{ __typename }"}).to_string(),
        "application/json; charset=utf-8",
        &[],
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[tokio::test]
async fn malformed_requests_are_400_in_both_formats() {
    let app = app();
    for media in ["application/json", GRAPHQL_RESPONSE_JSON] {
        for body in [
            "{",
            "42",
            r#"{"variables": {}}"#,
            r#"{"query": 1}"#,
            r#"{"query": "{a}", "variables": "x"}"#,
        ] {
            let response = post_raw(&app, body.into(), "application/json", &accept(media)).await;
            assert_eq!(response.status, StatusCode::BAD_REQUEST, "{body}");
            assert!(response.content_type().starts_with(media));
            assert_eq!(
                response.json()["errors"][0]["extensions"]["code"],
                "BAD_REQUEST"
            );
        }
        for uri in [
            "/graphql",
            "/graphql?variables=%7B%7D",
            "/graphql?query=%7Ba%7D&variables=nope",
        ] {
            let response = get(&app, uri, &accept(media)).await;
            assert_eq!(response.status, StatusCode::BAD_REQUEST, "{uri}");
        }
    }
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let mut config = GatewayConfig::default();
    config.server.body_limit = 1024;
    let (_, app) = app_with(&config);
    let big = json!({"query": format!("{{ __typename }} # {}", "x".repeat(2048))});
    let response = post(&app, &big, &[]).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        response.json()["errors"][0]["extensions"]["code"],
        "BAD_REQUEST"
    );
}

// ---------------------------------------------------------------------------------------------
// Request errors in detail

#[tokio::test]
async fn validation_errors_carry_locations() {
    let app = app();
    let query = "query {\n  user(id: 1) {\n    name\n    salary\n  }\n}";
    let response = post(
        &app,
        &json!({"query": query}),
        &accept(GRAPHQL_RESPONSE_JSON),
    )
    .await;
    let body = response.json();
    let errors = body["errors"].as_array().expect("errors");
    let salary = errors
        .iter()
        .find(|e| e["message"].as_str().is_some_and(|m| m.contains("salary")))
        .expect("an error names the unknown field");
    assert_eq!(salary["locations"], json!([{"line": 4, "column": 5}]));
    assert_eq!(salary["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn parse_errors_carry_locations() {
    let app = app();
    let response = post(&app, &json!({"query": "{\n  user(id: ) { name }\n}"}), &[]).await;
    let body = response.json();
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "GRAPHQL_PARSE_FAILED");
    assert_eq!(error["locations"][0]["line"], 2);
}

#[tokio::test]
async fn variable_errors_name_the_variable() {
    let app = app();
    let query =
        "query($filter: SearchFilter) { search(text: \"a\", filter: $filter) { __typename } }";
    let cases = [
        (json!({"filter": {"kinds": ["SPACESHIP"]}}), "SPACESHIP"),
        (json!({"filter": {"kinds": ["USER"], "extra": 1}}), "extra"),
        (
            json!({"filter": {"kinds": ["USER"], "minRating": "five"}}),
            "minRating",
        ),
    ];
    for (variables, needle) in cases {
        let response = post(
            &app,
            &json!({"query": query, "variables": variables}),
            &accept(GRAPHQL_RESPONSE_JSON),
        )
        .await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST);
        let body = response.json();
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        let message = body["errors"][0]["message"].as_str().expect("message");
        assert!(message.contains(needle), "{message}");
    }
    let response = post(
        &app,
        &json!({"query": "query($id: ID!) { user(id: $id) { name } }"}),
        &[],
    )
    .await;
    let body = response.json();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(
        body["errors"][0]["locations"],
        json!([{"line": 1, "column": 7}])
    );
}

#[tokio::test]
async fn documents_are_validated_once_then_cached() {
    let (state, app) = app_with(&GatewayConfig::default());
    for _ in 0..3 {
        post(&app, &json!({"query": "{ __typename }"}), &[]).await;
    }
    let engine = state.engine().expect("loaded");
    assert_eq!(engine.documents().misses(), 1);
    assert_eq!(engine.documents().hits(), 2);
}

// ---------------------------------------------------------------------------------------------
// Introspection

#[tokio::test]
async fn full_introspection_query_round_trips_to_the_api_schema() {
    let app = app();
    let response = post(
        &app,
        &json!({"query": INTROSPECTION_QUERY, "operationName": "IntrospectionQuery"}),
        &accept(GRAPHQL_RESPONSE_JSON),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let body = response.json();
    assert!(body.get("errors").is_none(), "{body}");
    let sdl = introspection_sdl::sdl_from_introspection(&body["data"]["__schema"]);
    let rebuilt = Schema::parse_and_validate(&sdl, "introspected.graphql")
        .unwrap_or_else(|e| panic!("introspected SDL does not validate: {e}\n{sdl}"));
    let supergraph = supergraph();
    pretty_assertions_eq(
        &introspection_sdl::canonical(&rebuilt),
        &introspection_sdl::canonical(supergraph.api_schema()),
    );
}

fn pretty_assertions_eq(actual: &str, expected: &str) {
    if actual != expected {
        let diff: Vec<String> = actual
            .lines()
            .zip(expected.lines())
            .filter(|(a, e)| a != e)
            .take(10)
            .map(|(a, e)| format!("- {e}\n+ {a}"))
            .collect();
        panic!(
            "introspected schema differs from the API schema:\n{}",
            diff.join("\n")
        );
    }
}

#[test]
fn the_canonical_form_sees_what_introspection_shows() {
    // The round trip above can only fail if the canonical form notices differences.
    let canonical = |sdl: &str| {
        introspection_sdl::canonical(&Schema::parse_and_validate(sdl, "s.graphql").expect("valid"))
    };
    let base = canonical(API_SCHEMA);
    for (from, to) in [
        ("\"Price in cents.\"", "\"Price in euros.\""),
        (
            "  email: String @deprecated(reason: \"ask the users subgraph\")\n",
            "",
        ),
        ("  name: String!\n  email", "  email"),
        ("note: String = \"\"", "note: String"),
        ("VINYL @deprecated(reason: \"discontinued\")", "VINYL"),
        (
            "repeatable on FIELD_DEFINITION | OBJECT",
            "on FIELD_DEFINITION | OBJECT",
        ),
        ("type Review implements Node", "type Review"),
    ] {
        assert!(API_SCHEMA.contains(from), "fixture lacks {from}");
        assert_ne!(
            canonical(&API_SCHEMA.replacen(from, to, 1)),
            base,
            "{from} -> {to}"
        );
    }
    // Type order is not significant.
    let moved = API_SCHEMA.replacen("union SearchResult = User | Product\n", "", 1)
        + "\nunion SearchResult = User | Product\n";
    assert_eq!(canonical(&moved), base);
}

#[test]
fn the_api_schema_is_what_clients_should_see() {
    // The hand-written API schema is the supergraph minus join/link machinery and every
    // @inaccessible element; introspection is compared against the derived one above.
    assert_eq!(
        introspection_sdl::canonical(supergraph().api_schema()),
        introspection_sdl::canonical(&expected_api_schema())
    );
}

#[tokio::test]
async fn inaccessible_elements_are_absent_from_introspection() {
    let app = app();
    let response = post(&app, &json!({"query": INTROSPECTION_QUERY}), &[]).await;
    let text = response.text();
    for hidden in [
        "passwordHash",
        "AuditLog",
        "FRAUD_REVIEW",
        "includeDeleted",
        "\"debug\"",
        "\"audit\"",
        "join__",
        "link__",
    ] {
        assert!(!text.contains(hidden), "{hidden} leaked into introspection");
    }
    assert!(
        text.contains("\"SHIPPED\""),
        "sanity: visible elements are there"
    );
    // Nor can they be selected or passed.
    for query in [
        "{ users { passwordHash } }",
        "{ audit { what } }",
        "{ users(includeDeleted: true) { id } }",
        "{ search(text: \"a\", filter: {kinds: [USER], debug: true}) { __typename } }",
        "{ __type(name: \"AuditLog\") { name } }",
    ] {
        let response = post(&app, &json!({"query": query}), &[]).await;
        let body = response.json();
        if query.contains("__type(") {
            assert_eq!(body, json!({"data": {"__type": null}}), "{query}");
        } else {
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
                "{query}"
            );
        }
    }
}

#[tokio::test]
async fn introspection_over_get_works_as_graphiql_sends_it() {
    let app = app();
    let uri = format!("/graphql?query={}", encode(INTROSPECTION_QUERY));
    let response = get(&app, &uri, &accept("application/json, multipart/mixed")).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(
        response.json()["data"]["__schema"]["types"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
    );
}

#[tokio::test]
async fn introspection_depth_is_bounded() {
    let app = app();
    let query =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let response = post(
        &app,
        &json!({"query": query}),
        &accept(GRAPHQL_RESPONSE_JSON),
    )
    .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        response.json()["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
}

// ---------------------------------------------------------------------------------------------
// Execution through in-process subgraphs

const SHOP_QUERY: &str = "{ users(first: 2) { name orders { total product { name } } } }";

#[tokio::test]
async fn queries_run_across_subgraphs() {
    let app = TestApp::shop(&GatewayConfig::default());
    let response = post(
        &app.router,
        &json!({"query": SHOP_QUERY}),
        &accept(GRAPHQL_RESPONSE_JSON),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let orders = json!([
        {"total": 100, "product": {"name": "Dune"}},
        {"total": 200, "product": {"name": "Go"}}
    ]);
    assert_eq!(
        response.json(),
        json!({"data": {"users": [
            {"name": "Ada", "orders": orders},
            {"name": "Grace", "orders": orders}
        ]}})
    );
    // One root fetch, one entity fetch for all users.
    assert_eq!(app.subgraphs.calls("accounts"), 1);
    assert_eq!(app.subgraphs.calls("shop"), 1);
}

#[tokio::test]
async fn invalid_requests_never_reach_a_subgraph() {
    let app = TestApp::shop(&GatewayConfig::default());
    let bad = [
        json!({"query": "{ users { name "}),
        json!({"query": "{\n  users { name salary }\n}"}),
        json!({"query": "{ users(first: \"two\") { name } }"}),
        json!({"query": "query($n: Int!) { users(first: $n) { name } }"}),
        json!({"query": "query($n: Int) { users(first: $n) { name } }", "variables": {"n": "two"}}),
        json!({"query": "query A { users { name } } query B { users { name } }"}),
        json!({"query": "{ users { name } }", "operationName": "Nope"}),
    ];
    for body in &bad {
        for media in ["application/json", GRAPHQL_RESPONSE_JSON] {
            let response = post(&app.router, body, &accept(media)).await;
            let json = response.json();
            assert!(json.get("data").is_none(), "{body}: {json}");
            assert!(
                json["errors"][0]["extensions"]["code"].is_string(),
                "{json}"
            );
        }
    }
    let response = post(&app.router, &bad[1], &[]).await.json();
    assert_eq!(
        response["errors"][0]["locations"],
        json!([{"line": 2, "column": 16}])
    );
    let mutation = "mutation { rename(id: \"u1\", name: \"Z\") { name } }";
    let response = get(
        &app.router,
        &format!("/graphql?query={}", encode(mutation)),
        &[],
    )
    .await;
    assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        app.subgraphs.total(),
        0,
        "a refused request must not call any subgraph"
    );

    // The counter does count: a valid request calls the subgraphs.
    post(&app.router, &json!({"query": SHOP_QUERY}), &[]).await;
    assert_eq!(app.subgraphs.total(), 2);
}

#[tokio::test]
async fn introspection_needs_no_subgraph() {
    let app = TestApp::shop(&GatewayConfig::default());
    let body = post(&app.router, &json!({"query": INTROSPECTION_QUERY}), &[])
        .await
        .json();
    assert!(body["data"]["__schema"]["types"].is_array(), "{body}");
    assert_eq!(app.subgraphs.total(), 0);
}

#[tokio::test]
async fn introspection_and_subgraph_fields_share_a_response() {
    let app = TestApp::shop(&GatewayConfig::default());
    let query = "{ t: __type(name: \"Product\") { name } products(first: 1) { name } __typename }";
    let body = post(&app.router, &json!({"query": query}), &[])
        .await
        .json();
    assert_eq!(
        body,
        json!({"data": {"t": {"name": "Product"}, "products": [{"name": "Dune"}], "__typename": "Query"}})
    );
    assert_eq!(app.subgraphs.total(), 1);
}

#[tokio::test]
async fn variables_are_coerced_and_passed_on() {
    let app = TestApp::shop(&GatewayConfig::default());
    let query = "query($n: Int = 1) { users(first: $n) { name } }";
    let body = post(&app.router, &json!({"query": query}), &[])
        .await
        .json();
    assert_eq!(
        body,
        json!({"data": {"users": [{"name": "Ada"}]}}),
        "the default applies"
    );
    let body = post(
        &app.router,
        &json!({"query": query, "variables": {"n": 3}}),
        &[],
    )
    .await
    .json();
    assert_eq!(body["data"]["users"].as_array().map(Vec::len), Some(3));
    let uri = format!(
        "/graphql?query={}&variables={}",
        encode(query),
        encode(r#"{"n": 2}"#)
    );
    let body = get(&app.router, &uri, &[]).await.json();
    assert_eq!(body["data"]["users"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn mutations_run_over_post() {
    let app = TestApp::shop(&GatewayConfig::default());
    let mutation = "mutation($id: ID!) { rename(id: $id, name: \"Zoe\") { id name } }";
    let body = post(
        &app.router,
        &json!({"query": mutation, "variables": {"id": "u2"}}),
        &[],
    )
    .await
    .json();
    assert_eq!(
        body,
        json!({"data": {"rename": {"id": "u2", "name": "Zoe"}}})
    );
}

#[tokio::test]
async fn only_authorization_is_forwarded_to_subgraphs() {
    let app = TestApp::shop(&GatewayConfig::default());
    let headers = [
        ("authorization", "Bearer t0ken"),
        ("cookie", "session=secret"),
        ("x-custom", "1"),
    ];
    post(
        &app.router,
        &json!({"query": "{ products { name } }"}),
        &headers,
    )
    .await;
    let forwarded = app.subgraphs.last_headers().expect("a subgraph was called");
    assert_eq!(
        forwarded.get("authorization").and_then(|v| v.to_str().ok()),
        Some("Bearer t0ken")
    );
    assert!(forwarded.get("cookie").is_none());
    assert!(forwarded.get("x-custom").is_none());
}

#[tokio::test]
async fn batches_execute_every_item() {
    let app = TestApp::shop(&GatewayConfig::default());
    let body = json!([
        {"query": "{ products(first: 1) { name } }"},
        {"query": "{ users(first: 1) { name } }"},
        {"query": "{ nope }"}
    ]);
    let items = post(&app.router, &body, &[]).await.json();
    assert_eq!(items[0], json!({"data": {"products": [{"name": "Dune"}]}}));
    assert_eq!(items[1], json!({"data": {"users": [{"name": "Ada"}]}}));
    assert_eq!(
        items[2]["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    assert_eq!(app.subgraphs.total(), 2);
}

#[tokio::test]
async fn subgraph_urls_and_timeouts_come_from_config() {
    // The supergraph records unreachable URLs; the config points at live subgraphs, and gives
    // the slow one a timeout shorter than its answer.
    let accounts = subgraphs::serve_http("accounts", Duration::from_millis(600)).await;
    let shop = subgraphs::serve_http("shop", Duration::ZERO).await;
    let file = format!(
        "[subgraphs]\ntimeout = \"10s\"\n\
         [subgraphs.overrides.accounts]\nurl = \"{accounts}\"\ntimeout = \"150ms\"\n\
         [subgraphs.overrides.shop]\nurl = \"{shop}\"\n"
    );
    let config = GatewayConfig::from_sources(Some((&file, std::path::Path::new("t.toml"))), [])
        .expect("config");
    let state = AppState::from_config(&config).expect("state");
    state
        .load_supergraph(subgraphs::supergraph())
        .expect("loads over http");
    let app = gateway::router(state);

    let started = std::time::Instant::now();
    let query = "{ products(first: 1) { name } user(id: \"u1\") { name } }";
    let body = post(&app, &json!({"query": query}), &[]).await.json();
    assert!(
        started.elapsed() < Duration::from_millis(550),
        "the 150ms timeout applied"
    );
    assert_eq!(
        body["data"],
        json!({"products": [{"name": "Dune"}], "user": null}),
        "{body}"
    );
    let error = &body["errors"][0];
    assert_eq!(error["path"], json!(["user"]), "{body}");
    assert_eq!(
        error["extensions"]["code"], "SUBGRAPH_REQUEST_FAILURE",
        "{body}"
    );
    assert!(
        !error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("127.0.0.1"),
        "no url leaks: {body}"
    );
}

#[tokio::test]
async fn overrides_for_unknown_subgraphs_are_refused() {
    let file = "[subgraphs.overrides.acounts]\nurl = \"http://127.0.0.1:1/graphql\"\n";
    let config = GatewayConfig::from_sources(Some((file, std::path::Path::new("t.toml"))), [])
        .expect("config");
    let state = AppState::from_config(&config).expect("state");
    let err = state
        .load_supergraph(subgraphs::supergraph())
        .err()
        .expect("refused");
    let message = err.to_string();
    assert!(
        message.contains("acounts") && message.contains("accounts"),
        "{message}"
    );
    assert!(state.engine().is_none(), "nothing is served");
}

// ---------------------------------------------------------------------------------------------
// Query plans

const PLAN_HEADER: (&str, &str) = ("tessera-include-query-plan", "true");

#[tokio::test]
async fn the_plan_header_puts_the_plan_in_extensions() {
    let app = app();
    let response = post(&app, &json!({"query": "{ __typename }"}), &[PLAN_HEADER]).await;
    let body = response.json();
    assert_eq!(body["data"], json!({"__typename": "Query"}));
    let plan = &body["extensions"]["queryPlan"];
    assert!(
        plan["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("QueryPlan")),
        "{body}"
    );
    assert!(plan["json"].is_object(), "{body}");
    // Without the header, or with another value, no plan.
    for headers in [vec![], vec![("tessera-include-query-plan", "false")]] {
        let body = post(&app, &json!({"query": "{ __typename }"}), &headers)
            .await
            .json();
        assert!(body.get("extensions").is_none(), "{body}");
    }
}

#[tokio::test]
async fn the_plan_of_a_federated_query_is_readable_and_structured() {
    let app = TestApp::shop(&GatewayConfig::default());
    let body = post(&app.router, &json!({"query": SHOP_QUERY}), &[PLAN_HEADER])
        .await
        .json();
    assert!(body["data"]["users"].is_array(), "{body}");
    let plan = &body["extensions"]["queryPlan"];
    let text = plan["text"].as_str().expect("text");
    assert!(text.contains("Fetch(service: \"accounts\""), "{text}");
    assert!(text.contains("Flatten(path: \"users.@\")"), "{text}");
    assert!(text.contains("Fetch(service: \"shop\""), "{text}");
    assert_eq!(plan["json"]["fetchCount"], 2, "{plan}");
    assert_eq!(plan["json"]["node"]["kind"], "Sequence", "{plan}");
    // The same text as `tessera-gateway plan` prints.
    let sdl = app
        .state
        .engine()
        .expect("loaded")
        .supergraph()
        .schema()
        .to_string();
    let printed = gateway::planner::plan_text(&sdl, SHOP_QUERY, None).expect("plans");
    assert_eq!(text, printed);
}

#[tokio::test]
async fn config_can_turn_plan_exposure_off() {
    let mut config = GatewayConfig::default();
    config.query_plan.expose = false;
    let app = TestApp::shop(&config);
    let body = post(&app.router, &json!({"query": SHOP_QUERY}), &[PLAN_HEADER])
        .await
        .json();
    assert!(body["data"]["users"].is_array(), "{body}");
    assert!(body.get("extensions").is_none(), "{body}");
}

#[tokio::test]
async fn plans_are_cached_by_document_and_operation_name() {
    let (state, app) = app_with(&GatewayConfig::default());
    let document = "query A { __typename } query B { t: __typename }";
    for name in ["A", "B", "A", "B", "A"] {
        let body = post(
            &app,
            &json!({"query": document, "operationName": name}),
            &[],
        )
        .await
        .json();
        assert!(body.get("errors").is_none(), "{body}");
    }
    let engine = state.engine().expect("loaded");
    assert_eq!(engine.plans().misses(), 2);
    assert_eq!(engine.plans().hits(), 3);
    assert_eq!(engine.plans().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Health and readiness

#[tokio::test]
async fn ready_only_once_a_schema_is_loaded() {
    let state = gateway::AppState::from_config(&GatewayConfig::default()).expect("state");
    let app = gateway::router(state.clone());
    assert_eq!(get(&app, "/health", &[]).await.status, StatusCode::OK);
    assert_eq!(
        get(&app, "/ready", &[]).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    let response = post(
        &app,
        &json!({"query": "{ __typename }"}),
        &accept(GRAPHQL_RESPONSE_JSON),
    )
    .await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        response.json()["errors"][0]["extensions"]["code"],
        "SERVICE_UNAVAILABLE"
    );

    state.load_supergraph(supergraph()).expect("loads");
    assert_eq!(get(&app, "/ready", &[]).await.status, StatusCode::OK);
    assert_eq!(
        post(&app, &json!({"query": "{ __typename }"}), &[])
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn serves_on_a_real_socket_and_shuts_down() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = gateway::AppState::from_config(&GatewayConfig::default()).expect("state");
    state.load_supergraph(supergraph()).expect("loads");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gateway::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let response = client
        .post(format!("http://{addr}/graphql"))
        .json(&json!({"query": "{ __typename }"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.expect("json"),
        json!({"data": {"__typename": "Query"}})
    );
    stop.send(()).expect("server still running");
    server.await.expect("join").expect("clean shutdown");
}

// ---------------------------------------------------------------------------------------------
// GraphiQL

const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

#[tokio::test]
async fn browsers_get_graphiql_from_the_cdn_by_default() {
    let app = app();
    let response = get(&app, "/graphql", &accept(BROWSER_ACCEPT)).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.content_type(), "text/html; charset=utf-8");
    let page = response.text();
    assert!(page.contains("GraphiQL.createFetcher"));
    assert!(page.contains("https://unpkg.com/graphiql@"));
    // With a query, a browser gets the result, not the IDE.
    let response = get(
        &app,
        "/graphql?query=%7B__typename%7D",
        &accept(BROWSER_ACCEPT),
    )
    .await;
    assert_eq!(response.json(), json!({"data": {"__typename": "Query"}}));
}

#[tokio::test]
async fn graphiql_can_be_disabled() {
    let mut config = GatewayConfig::default();
    config.playground.enabled = false;
    let (_, app) = app_with(&config);
    let response = get(&app, "/graphql", &accept(BROWSER_ACCEPT)).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn local_assets_are_served_under_graphql_assets() {
    let dir = std::env::temp_dir().join(format!("tessera-http-assets-{}", std::process::id()));
    for asset in gateway::http::playground::ASSETS {
        let path = dir
            .join("node_modules")
            .join(asset.package)
            .join(asset.file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, format!("/* {} */", asset.file)).expect("write");
    }
    let mut config = GatewayConfig::default();
    config.playground.assets_dir = Some(dir.clone());
    let (_, app) = app_with(&config);
    let page = get(&app, "/graphql", &accept(BROWSER_ACCEPT)).await.text();
    assert!(page.contains("/graphql/assets/graphiql/graphiql.min.js"));
    assert!(!page.contains("unpkg"));
    let js = get(&app, "/graphql/assets/graphiql/graphiql.min.js", &[]).await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.content_type().starts_with("text/javascript"));
    assert_eq!(js.text(), "/* graphiql.min.js */");
    let css = get(&app, "/graphql/assets/graphiql/graphiql.min.css", &[]).await;
    assert!(css.content_type().starts_with("text/css"));
    assert_eq!(
        get(&app, "/graphql/assets/react/package.json", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/graphql/assets/../../etc/passwd", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[tokio::test]
async fn missing_local_assets_refuse_to_start() {
    let mut config = GatewayConfig::default();
    config.playground.assets_dir = Some(std::env::temp_dir().join("tessera-no-such-assets"));
    let err = gateway::AppState::from_config(&config)
        .err()
        .expect("refused");
    assert!(err.to_string().contains("npm install graphiql@3"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Overhead figures (run with `cargo test --release -p gateway --test http -- --ignored --nocapture`)

#[tokio::test]
#[ignore = "a measurement, not a check: run in release with --ignored --nocapture"]
async fn measure_edge_overhead() {
    let app = TestApp::shop(&GatewayConfig::default());
    let engine = app.state.engine().expect("loaded");
    let schema = engine.api_schema();
    let limits = gateway::pipeline::validate::ParserLimits {
        recursion: 500,
        tokens: 15_000,
    };
    let ops = gateway::pipeline::limits::OperationLimits::default();
    let rounds = 2_000u32;

    // Parse and validate, cold: a fresh cache each time.
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        let cache = gateway::pipeline::validate::DocumentCache::new(1);
        gateway::pipeline::validate::validate(schema, &cache, limits, &ops, SHOP_QUERY)
            .expect("valid");
    }
    let cold = started.elapsed() / rounds;

    // The same document from the cache.
    let cache = gateway::pipeline::validate::DocumentCache::new(16);
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        gateway::pipeline::validate::validate(schema, &cache, limits, &ops, SHOP_QUERY)
            .expect("valid");
    }
    let cached = started.elapsed() / rounds;

    // A whole HTTP request through the router (decode, cached document and plan, execution
    // by the in-process subgraphs, serialisation).
    let body = json!({"query": SHOP_QUERY});
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        post(&app.router, &body, &[]).await;
    }
    let request = started.elapsed() / rounds;

    // A request that never reaches a subgraph: the edge's own cost.
    let body = json!({"query": "{ __typename }"});
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        post(&app.router, &body, &[]).await;
    }
    let edge_only = started.elapsed() / rounds;
    println!(
        "parse+validate cold {cold:?}, cached {cached:?}; request with 2 in-process subgraph \
         calls {request:?}; request without subgraph {edge_only:?}"
    );
}
