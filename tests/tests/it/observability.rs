//! One request followed end to end: the gateway and the four real subgraphs export their spans
//! over OTLP/HTTP to an in-process collector, and the trace must come out as one tree: the
//! client's span → gateway server span → `graphql.request` → stages → `subgraph.fetch` →
//! each subgraph's server span (continued from the injected `traceparent`) → its sea-orm
//! statement spans. The request id must be returned and reach every subgraph.

use std::collections::HashMap;
use std::time::Duration;

use integration_tests::{SUBGRAPHS, TestGateway, TestStack, backends};
use serde_json::json;
use subgraph_kit::seed::SeedSize;
use tessera_telemetry::testing::{self, CollectedSpan};

const QUERY: &str = "query Standard($first: Int) { users(first: $first) { name orders { total { amount } items { quantity product { name reviews { rating author { name } } } } } } }";

const SERVER: i32 = 2;
const CLIENT: i32 = 3;

fn parent_of<'a>(spans: &'a [CollectedSpan], span: &CollectedSpan) -> Option<&'a CollectedSpan> {
    let parent = span.parent_span_id.as_ref()?;
    spans.iter().find(|s| &s.span_id == parent)
}

fn ancestors<'a>(spans: &'a [CollectedSpan], span: &'a CollectedSpan) -> Vec<&'a CollectedSpan> {
    let mut chain = Vec::new();
    let mut current = span;
    while let Some(parent) = parent_of(spans, current) {
        chain.push(parent);
        current = parent;
    }
    chain
}

fn named<'a>(spans: &'a [CollectedSpan], name: &str) -> Vec<&'a CollectedSpan> {
    spans.iter().filter(|s| s.name == name).collect()
}

/// Server spans are named `{method} {route}` (OpenTelemetry's HTTP convention).
fn servers(spans: &[CollectedSpan]) -> Vec<&CollectedSpan> {
    spans
        .iter()
        .filter(|s| s.kind == SERVER && s.name == "POST /graphql")
        .collect()
}

/// Fetch spans are named `subgraph {name}` and carry `subgraph.name`.
fn fetches(spans: &[CollectedSpan]) -> Vec<&CollectedSpan> {
    spans
        .iter()
        .filter(|s| s.kind == CLIENT && s.attributes.contains_key("subgraph.name"))
        .collect()
}

fn one<'a>(spans: &'a [CollectedSpan], name: &str) -> &'a CollectedSpan {
    let found = named(spans, name);
    assert_eq!(found.len(), 1, "exactly one {name}: {spans:#?}");
    found[0]
}

#[tokio::test]
async fn one_trace_spans_the_gateway_the_subgraphs_and_their_sql() {
    let (collector, telemetry) = testing::global("tessera-it");
    for backend in backends() {
        let stack = TestStack::start(backend, SeedSize::small()).await;
        let gateway = TestGateway::composed(&stack).await;
        let admin = stack.keys.admin_token(1);
        let (traceparent, trace_id) = testing::client_traceparent();
        let client_span = traceparent.split('-').nth(2).expect("parent id").to_owned();
        let request_id = format!("it-trace-{backend:?}");

        let response = reqwest::Client::new()
            .post(&gateway.url)
            .header("traceparent", &traceparent)
            .header("x-request-id", &request_id)
            .bearer_auth(&admin)
            .json(&json!({"query": QUERY, "variables": {"first": 2}}))
            .send()
            .await
            .expect("gateway answers");
        assert_eq!(response.headers()["x-request-id"], request_id.as_str());
        let body: serde_json::Value = response.json().await.expect("json");
        assert!(body["errors"].is_null(), "{body}");

        tokio::task::spawn_blocking(|| telemetry.flush())
            .await
            .expect("flush");
        let spans = collector
            .wait_for_trace(&trace_id, Duration::from_secs(10), |spans| {
                servers(spans).len() >= 6 && spans.iter().any(|s| s.name.starts_with("sea_orm."))
            })
            .await;

        // The gateway continues the client's trace.
        let servers = servers(&spans);
        let gateway_server = servers
            .iter()
            .find(|s| s.parent_span_id.as_deref() == Some(client_span.as_str()))
            .unwrap_or_else(|| panic!("{backend:?}: gateway span under the client's: {spans:#?}"));
        assert_eq!(gateway_server.kind, SERVER);
        assert_eq!(gateway_server.attributes["request_id"], request_id);
        assert_eq!(
            gateway_server.attributes["http.response.status_code"],
            "200"
        );

        // One GraphQL request, its stages beneath it.
        let request = one(&spans, "graphql.request");
        assert_eq!(
            request.parent_span_id.as_ref(),
            Some(&gateway_server.span_id)
        );
        assert_eq!(request.attributes["graphql.operation.name"], "Standard");
        assert_eq!(request.attributes["graphql.operation.type"], "query");
        assert_eq!(request.attributes["outcome"], "success");
        for stage in ["graphql.validate", "graphql.plan", "graphql.execute"] {
            let span = one(&spans, stage);
            assert_eq!(
                span.parent_span_id.as_ref(),
                Some(&request.span_id),
                "{stage}"
            );
        }
        let parse = one(&spans, "graphql.parse");
        assert_eq!(
            parse.parent_span_id.as_ref(),
            Some(&one(&spans, "graphql.validate").span_id)
        );
        let execute = one(&spans, "graphql.execute");

        // users → orders → products → reviews → users: five fetches under the execution stage,
        // and each subgraph's server span is the child of exactly one of them.
        let fetches = fetches(&spans);
        assert_eq!(fetches.len(), 5, "{backend:?}: {fetches:#?}");
        let mut fetched: HashMap<&str, usize> = HashMap::new();
        for fetch in &fetches {
            assert_eq!(fetch.kind, CLIENT);
            assert_eq!(fetch.parent_span_id.as_ref(), Some(&execute.span_id));
            assert_eq!(fetch.attributes["outcome"], "success");
            let subgraph = fetch.attributes["subgraph.name"].as_str();
            assert_eq!(fetch.name, format!("subgraph {subgraph}"));
            *fetched.entry(subgraph).or_default() += 1;
        }
        for name in SUBGRAPHS {
            assert!(
                fetched.contains_key(name),
                "{backend:?}: no fetch to {name}"
            );
        }
        let subgraph_servers: Vec<&&CollectedSpan> = servers
            .iter()
            .filter(|s| s.span_id != gateway_server.span_id)
            .collect();
        assert_eq!(subgraph_servers.len(), 5, "{backend:?}: {spans:#?}");
        for server in &subgraph_servers {
            let parent = parent_of(&spans, server).expect("subgraph span has a parent");
            assert!(
                parent.name.starts_with("subgraph "),
                "{backend:?}: {parent:#?}"
            );
            assert_eq!(server.attributes["request_id"], request_id, "forwarded id");
        }

        // Every subgraph request ran SQL, and every statement span sits under a subgraph's
        // server span of this trace.
        let statements: Vec<&CollectedSpan> = spans
            .iter()
            .filter(|s| s.name.starts_with("sea_orm."))
            .collect();
        assert!(!statements.is_empty());
        let system = match backend {
            subgraph_kit::testing::Backend::Sqlite => "sqlite",
            subgraph_kit::testing::Backend::Postgres => "postgresql",
        };
        for statement in &statements {
            assert_eq!(statement.kind, CLIENT);
            assert_eq!(statement.attributes["db.system"], system);
            assert!(
                ancestors(&spans, statement)
                    .iter()
                    .any(|a| subgraph_servers.iter().any(|s| s.span_id == a.span_id)),
                "{backend:?}: {} is not under a subgraph request",
                statement.name
            );
        }
        for server in &subgraph_servers {
            assert!(
                statements.iter().any(|st| ancestors(&spans, st)
                    .iter()
                    .any(|a| a.span_id == server.span_id)),
                "{backend:?}: no SQL under subgraph request {server:#?}"
            );
        }
    }
}
