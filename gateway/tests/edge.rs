//! The production edge over HTTP: operation limits (each configurable, each with its own code
//! and a 400, a refused operation never reaching a subgraph) and CSRF prevention, with the
//! regression cases of the known gateway advisory classes they defend against (fragment bombs,
//! alias batching, GET-based CSRF).

mod common;

use axum::http::StatusCode;
use common::*;
use gateway::config::GatewayConfig;
use serde_json::{Value, json};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

fn config(toml: &str) -> GatewayConfig {
    GatewayConfig::from_sources(Some((toml, std::path::Path::new("t.toml"))), [])
        .expect("config parses")
}

/// Posts `query` to a shop gateway configured by `limits_toml`; returns the response and how
/// many subgraph calls it caused.
async fn run(limits_toml: &str, query: &str) -> (TestResponse, usize) {
    let app = TestApp::shop(&config(&format!("[limits]\n{limits_toml}")));
    let response = post(
        &app.router,
        &json!({ "query": query }),
        &[("accept", GRAPHQL_RESPONSE_JSON)],
    )
    .await;
    let calls = app.subgraphs.total();
    (response, calls)
}

fn codes(response: &TestResponse) -> Vec<String> {
    response.json()["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn assert_refused(limits_toml: &str, query: &str, code: &str) -> Value {
    let (response, calls) = run(limits_toml, query).await;
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "{}",
        response.text()
    );
    assert_eq!(codes(&response), [code], "{}", response.text());
    assert_eq!(calls, 0, "a refused operation must not reach a subgraph");
    let body = response.json();
    assert!(body.get("data").is_none(), "request errors carry no data");
    body
}

async fn assert_runs(limits_toml: &str, query: &str) {
    let (response, calls) = run(limits_toml, query).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert!(
        response.json().get("errors").is_none(),
        "{}",
        response.text()
    );
    assert!(calls > 0);
}

#[tokio::test]
async fn depth_is_measured_through_fragments() {
    let limits = "max_depth = 2";
    assert_runs(limits, "{ users { name } }").await;
    let body = assert_refused(
        limits,
        "{ users { ...O } } fragment O on User { orders { total } }",
        "MAX_DEPTH_LIMIT",
    )
    .await;
    let message = body["errors"][0]["message"].as_str().expect("message");
    assert!(message.contains('3') && message.contains('2'), "{message}");
    assert!(body["errors"][0]["locations"].is_array());
}

#[tokio::test]
async fn aliases_are_bounded() {
    assert_runs("max_aliases = 2", "{ a: users { n: name } }").await;
    assert_refused(
        "max_aliases = 2",
        "{ a: users { n: name } b: users { name } }",
        "MAX_ALIASES_LIMIT",
    )
    .await;
}

#[tokio::test]
async fn root_fields_are_bounded() {
    assert_runs(
        "max_root_fields = 2",
        "{ users { name } products { name } }",
    )
    .await;
    assert_refused(
        "max_root_fields = 2",
        "{ users { name } ...R } fragment R on Query { a: users { id } products { name } }",
        "MAX_ROOT_FIELDS_LIMIT",
    )
    .await;
}

#[tokio::test]
async fn directives_are_bounded() {
    let query = "query($s: Boolean = false) { users { name @skip(if: $s) id @include(if: true) } }";
    assert_runs("max_directives = 2", query).await;
    assert_refused("max_directives = 1", query, "MAX_DIRECTIVES_LIMIT").await;
}

#[tokio::test]
async fn fragment_expansion_is_bounded() {
    assert_runs("max_fragment_expansion = 3", "{ users { name id } }").await;
    assert_refused(
        "max_fragment_expansion = 3",
        "{ users { ...U } } fragment U on User { name id email }",
        "MAX_FRAGMENT_EXPANSION_LIMIT",
    )
    .await;
}

#[tokio::test]
async fn parser_limits_have_their_own_codes() {
    let deep = format!("{}{}", "{ users ".repeat(30), "}".repeat(30));
    assert_refused(
        "parser_recursion_limit = 20",
        &deep,
        "MAX_PARSER_RECURSION_LIMIT",
    )
    .await;
    let long = format!("{{ {} }}", "users { id } ".repeat(50));
    assert_refused("parser_token_limit = 100", &long, "MAX_TOKENS_LIMIT").await;
}

/// Advisory class: nested, reused fragments that expand exponentially (a few hundred bytes that
/// select 2^30 fields) must be refused quickly, before validation walks them.
#[tokio::test]
async fn nested_reused_fragment_bombs_are_refused_with_defaults() {
    let mut query = String::from("{ users { ...F0 } }\n");
    for i in 0..30 {
        query.push_str(&format!(
            "fragment F{i} on User {{ orders {{ product {{ name }} }} ...F{n} ...F{n} }}\n",
            n = i + 1
        ));
    }
    query.push_str("fragment F30 on User { name }\n");
    let (response, calls) =
        tokio::time::timeout(std::time::Duration::from_secs(10), run("", &query))
            .await
            .expect("refused promptly, not after expanding the fragments");
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "{}",
        response.text()
    );
    assert_eq!(codes(&response), ["MAX_FRAGMENT_EXPANSION_LIMIT"]);
    assert_eq!(calls, 0);
}

/// Advisory class: alias batching, e.g. a thousand `rename` (or `login`) attempts in one
/// request, is refused by the default alias limit before any subgraph sees one.
#[tokio::test]
async fn alias_batched_mutations_are_refused_with_defaults() {
    let attempts: String = (0..1000)
        .map(|i| format!("a{i}: rename(id: \"u1\", name: \"n{i}\") {{ id }} "))
        .collect();
    let query = format!("mutation {{ {attempts} }}");
    let (response, calls) = run("parser_token_limit = 100000", &query).await;
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "{}",
        response.text()
    );
    let codes = codes(&response);
    assert!(codes.contains(&"MAX_ALIASES_LIMIT".to_owned()), "{codes:?}");
    assert!(
        codes.contains(&"MAX_ROOT_FIELDS_LIMIT".to_owned()),
        "{codes:?}"
    );
    assert_eq!(calls, 0);
}

#[test]
fn limits_come_from_the_environment_too() {
    let config = GatewayConfig::from_sources(
        None,
        [("TESSERA_LIMITS__MAX_DEPTH".to_owned(), "7".to_owned())],
    )
    .expect("parses");
    assert_eq!(config.limits.max_depth, 7);
}

// ---------------------------------------------------------------------------------------------
// CSRF prevention

/// Advisory class: GET-based CSRF. A cross-site `<form method=get enctype=text/plain>` or a
/// no-preflight `fetch` reaches `GET /graphql` with a simple content type; it must not run.
#[tokio::test]
async fn get_based_csrf_is_refused() {
    let app = TestApp::shop(&GatewayConfig::default());
    let uri = format!("/graphql?query={}", encode("{ users { name } }"));
    let forged = get(
        &app.router,
        &uri,
        &[
            ("accept", GRAPHQL_RESPONSE_JSON),
            ("content-type", "text/plain"),
        ],
    )
    .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{}", forged.text());
    assert_eq!(codes(&forged), ["CSRF_PREVENTED"]);
    assert_eq!(app.subgraphs.total(), 0);

    // The same request with a preflight-forcing header runs.
    let preflighted = get(
        &app.router,
        &uri,
        &[
            ("accept", GRAPHQL_RESPONSE_JSON),
            ("content-type", "text/plain"),
            ("graphql-preflight", "1"),
        ],
    )
    .await;
    assert_eq!(preflighted.status, StatusCode::OK, "{}", preflighted.text());
    // As does a plain GET, as GraphQL over HTTP clients send it.
    let plain = get(&app.router, &uri, &[("accept", GRAPHQL_RESPONSE_JSON)]).await;
    assert_eq!(plain.status, StatusCode::OK, "{}", plain.text());
}

#[tokio::test]
async fn strict_get_refuses_plain_gets_and_csrf_can_be_turned_off() {
    let uri = format!("/graphql?query={}", encode("{ users { name } }"));
    let strict = TestApp::shop(&config("[csrf]\nstrict_get = true\n"));
    let refused = get(&strict.router, &uri, &[("accept", GRAPHQL_RESPONSE_JSON)]).await;
    assert_eq!(codes(&refused), ["CSRF_PREVENTED"]);
    let allowed = get(
        &strict.router,
        &uri,
        &[("accept", GRAPHQL_RESPONSE_JSON), ("x-my-preflight", "1")],
    )
    .await;
    assert_eq!(
        codes(&allowed),
        ["CSRF_PREVENTED"],
        "not a configured header"
    );

    let custom = TestApp::shop(&config(
        "[csrf]\nstrict_get = true\nrequired_headers = [\"x-my-preflight\"]\n",
    ));
    let allowed = get(
        &custom.router,
        &uri,
        &[("accept", GRAPHQL_RESPONSE_JSON), ("x-my-preflight", "1")],
    )
    .await;
    assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.text());

    let off = TestApp::shop(&config("[csrf]\nenabled = false\n"));
    let forged = get(
        &off.router,
        &uri,
        &[
            ("accept", GRAPHQL_RESPONSE_JSON),
            ("content-type", "text/plain"),
        ],
    )
    .await;
    assert_eq!(forged.status, StatusCode::OK, "{}", forged.text());
}

#[tokio::test]
async fn simple_posts_never_run() {
    let app = TestApp::shop(&GatewayConfig::default());
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let response = post_raw(
            &app.router,
            r#"{"query":"{ users { name } }"}"#.to_owned(),
            content_type,
            &[("accept", GRAPHQL_RESPONSE_JSON)],
        )
        .await;
        assert!(
            response.status.is_client_error(),
            "{content_type}: {}",
            response.status
        );
    }
    assert_eq!(app.subgraphs.total(), 0);
}
