//! Observability of the gateway: request ids in and out, the Prometheus endpoint and its
//! series, bounded operation labels, readiness. (JSON logs: `tests/logs.rs`.)

mod common;

use axum::http::StatusCode;
use common::{TestApp, get, post};
use gateway::config::GatewayConfig;
use serde_json::json;

const SHOP_QUERY: &str =
    "query Shop { users(first: 2) { name orders { total product { name } } } }";

/// The value of the series `name{labels}` (labels in the exposition's alphabetical order), if
/// present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn metric_type(text: &str, name: &str) -> Option<String> {
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("# TYPE {name} ")))
        .map(str::to_owned)
}

#[tokio::test]
async fn request_ids_are_kept_or_made_returned_and_forwarded() {
    let app = TestApp::shop(&GatewayConfig::default());
    let body = json!({"query": SHOP_QUERY});

    let response = post(&app.router, &body, &[("x-request-id", "client-42")]).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.header("x-request-id"), Some("client-42"));
    let forwarded = app.subgraphs.last_headers().expect("a subgraph was called");
    assert_eq!(forwarded["x-request-id"], "client-42");

    let response = post(&app.router, &body, &[]).await;
    let fresh = response.header("x-request-id").expect("an id").to_owned();
    assert_eq!(fresh.len(), 36, "a UUID: {fresh}");
    let forwarded = app.subgraphs.last_headers().expect("a subgraph was called");
    assert_eq!(forwarded["x-request-id"], fresh.as_str());

    // An id that could forge log lines is replaced, not echoed.
    let response = post(&app.router, &body, &[("x-request-id", "a b\"c")]).await;
    assert_ne!(response.header("x-request-id"), Some("a b\"c"));

    // Refusals and probes carry one too.
    let refused = post(
        &app.router,
        &json!({"nope": 1}),
        &[("x-request-id", "bad-1")],
    )
    .await;
    assert_eq!(refused.header("x-request-id"), Some("bad-1"));
    let probe = get(&app.router, "/health", &[("x-request-id", "probe-1")]).await;
    assert_eq!(probe.header("x-request-id"), Some("probe-1"));
}

#[tokio::test]
async fn metrics_endpoint_exposes_the_documented_series() {
    let app = TestApp::shop(&GatewayConfig::default());
    let shop = json!({"query": SHOP_QUERY});
    assert_eq!(post(&app.router, &shop, &[]).await.status, StatusCode::OK);
    assert_eq!(post(&app.router, &shop, &[]).await.status, StatusCode::OK);
    post(&app.router, &json!({"query": "{ users { name "}), &[]).await;
    post(
        &app.router,
        &json!({"query": "{ users(first: 1) { name } }"}),
        &[],
    )
    .await;

    let scrape = get(&app.router, "/metrics", &[]).await;
    assert_eq!(scrape.status, StatusCode::OK);
    assert!(
        scrape
            .content_type()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = scrape.text();

    let p = "tessera_gateway";
    for (name, kind) in [
        ("graphql_requests_total", "counter"),
        ("graphql_request_duration_seconds", "histogram"),
        ("http_requests_in_flight", "gauge"),
        ("http_request_duration_seconds", "histogram"),
        ("subgraph_request_duration_seconds", "histogram"),
        ("plan_cache_hits_total", "counter"),
        ("plan_cache_misses_total", "counter"),
        ("document_cache_hits_total", "counter"),
        ("document_cache_misses_total", "counter"),
        ("subgraph_circuit_breaker_state", "gauge"),
        ("rate_limited_requests_total", "counter"),
    ] {
        assert_eq!(
            metric_type(&text, &format!("{p}_{name}")).as_deref(),
            Some(kind),
            "{name}\n{text}"
        );
    }
    let value = |series: &str| sample(&text, &format!("{p}_{series}"));
    assert_eq!(
        value(r#"graphql_requests_total{operation="Shop",outcome="success"}"#),
        Some(2.0)
    );
    assert_eq!(
        value(r#"graphql_requests_total{operation="(anonymous)",outcome="request_error"}"#),
        Some(1.0)
    );
    assert_eq!(
        value(r#"graphql_requests_total{operation="(anonymous)",outcome="success"}"#),
        Some(1.0)
    );
    assert_eq!(
        value(r#"graphql_request_duration_seconds_count{operation="Shop"}"#),
        Some(2.0)
    );
    assert_eq!(
        value(r#"http_request_duration_seconds_count{method="POST",status="200"}"#),
        Some(4.0)
    );
    assert_eq!(
        value(r#"http_request_duration_seconds_count{method="POST",status="400"}"#),
        None,
        "application/json answers request errors with 200"
    );
    assert_eq!(value("http_requests_in_flight"), Some(0.0));
    // Shop: accounts then shop, twice; the anonymous query: accounts once.
    assert_eq!(
        value(r#"subgraph_request_duration_seconds_count{outcome="success",subgraph="accounts"}"#),
        Some(3.0)
    );
    assert_eq!(
        value(r#"subgraph_request_duration_seconds_count{outcome="success",subgraph="shop"}"#),
        Some(2.0)
    );
    // Plans: Shop missed then hit; the anonymous query missed. The broken document never
    // reached planning.
    assert_eq!(value("plan_cache_misses_total"), Some(2.0));
    assert_eq!(value("plan_cache_hits_total"), Some(1.0));
    assert_eq!(value("document_cache_hits_total"), Some(1.0));
    assert_eq!(value("document_cache_misses_total"), Some(3.0));
    assert_eq!(
        value(r#"subgraph_circuit_breaker_state{subgraph="accounts"}"#),
        Some(0.0)
    );
    assert_eq!(
        value(r#"subgraph_circuit_breaker_state{subgraph="shop"}"#),
        Some(0.0)
    );
    assert_eq!(value("rate_limited_requests_total"), Some(0.0));
}

#[tokio::test]
async fn operation_labels_are_capped_and_metrics_can_be_turned_off() {
    let mut config = GatewayConfig::default();
    config.metrics.max_operation_names = 2;
    let app = TestApp::shop(&config);
    for name in ["A", "B", "C", "D", "A"] {
        let query = format!("query {name} {{ users(first: 1) {{ name }} }}");
        post(&app.router, &json!({"query": query}), &[]).await;
    }
    let text = get(&app.router, "/metrics", &[]).await.text();
    let count = |op: &str| {
        sample(
            &text,
            &format!(
                r#"tessera_gateway_graphql_requests_total{{operation="{op}",outcome="success"}}"#
            ),
        )
    };
    assert_eq!(count("A"), Some(2.0));
    assert_eq!(count("B"), Some(1.0));
    assert_eq!(count("(other)"), Some(2.0));
    assert_eq!(count("C"), None);

    config.metrics.enabled = false;
    let app = TestApp::shop(&config);
    assert_eq!(
        get(&app.router, "/metrics", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn readiness_can_require_every_subgraph() {
    let mut config = GatewayConfig::default();
    // Without the option: a loaded supergraph is enough, even if subgraphs are down.
    let edge = TestApp::edge(&config);
    assert_eq!(
        get(&edge.router, "/ready", &[]).await.status,
        StatusCode::OK
    );

    config.readiness.check_subgraphs = true;
    let shop = TestApp::shop(&config);
    let ready = get(&shop.router, "/ready", &[]).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.text());
    assert_eq!(
        ready.json()["subgraphs"],
        json!({"accounts": "ok", "shop": "ok"})
    );
    // Probes are not subgraph traffic in the metrics.
    let text = get(&shop.router, "/metrics", &[]).await.text();
    assert!(!text.contains("tessera_gateway_subgraph_request_duration_seconds_count"));

    // The edge fixture's `users` subgraph is unknown to the in-process client (its `shop`
    // happens to answer): not ready, and the body says which one is missing.
    let edge = TestApp::edge(&config);
    let ready = get(&edge.router, "/ready", &[]).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    let body = ready.json();
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["subgraphs"]["shop"], "ok", "{body}");
    let users = body["subgraphs"]["users"].as_str().expect("users reported");
    assert!(users.starts_with("unreachable"), "{body}");
}
