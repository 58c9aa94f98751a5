//! The HTTP client against real local HTTP servers (axum on 127.0.0.1:0).

use std::collections::HashMap;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use serde_json::{Value, json};

use super::{
    HttpClientConfig, HttpSubgraphClient, SubgraphClient, SubgraphRequest, TransportError,
};

/// A GraphQL-ish endpoint: answers `{"data": {"echo": ...}}` with the query, variables and
/// the forwarded `authorization` header, so the test sees exactly what was sent.
async fn echo(headers: HeaderMap, body: axum::body::Bytes) -> impl IntoResponse {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    axum::Json(json!({"data": {"echo": {
        "query": request["query"],
        "variables": request.get("variables").cloned().unwrap_or(Value::Null),
        "authorization": auth,
        "contentType": content_type,
    }}}))
}

async fn start() -> String {
    let app = Router::new()
        .route("/graphql", post(echo))
        .route(
            "/big",
            post(|| async { axum::Json(json!({"data": {"blob": "x".repeat(200_000)}})) }),
        )
        .route(
            "/down",
            post(|| async {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "upstream connect error to 10.0.0.7",
                )
            }),
        )
        .route("/garbage", post(|| async { "this is not json" }))
        .route(
            "/slow",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                axum::Json(json!({"data": {}}))
            }),
        )
        .route(
            "/graphql-response",
            post(|| async {
                let mut response = (
                    StatusCode::BAD_REQUEST,
                    r#"{"errors":[{"message":"unknown field"}]}"#,
                )
                    .into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/graphql-response+json; charset=utf-8"),
                );
                response
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

fn client(base: &str, config: &HttpClientConfig) -> HttpSubgraphClient {
    let urls = [
        "graphql",
        "big",
        "down",
        "garbage",
        "slow",
        "graphql-response",
    ]
    .into_iter()
    .map(|path| (path.to_owned(), format!("{base}/{path}")));
    HttpSubgraphClient::new(urls, config).expect("client")
}

fn request(query: &str) -> SubgraphRequest {
    SubgraphRequest {
        query: query.into(),
        operation_name: None,
        variables: json!({"id": "1"}).as_object().cloned().unwrap_or_default(),
        headers: HeaderMap::new(),
        read_only: true,
    }
}

#[tokio::test]
async fn sends_json_with_forwarded_headers_and_parses_the_response() {
    let base = start().await;
    let client = client(&base, &HttpClientConfig::default());
    let mut request = request("query($id:ID!){user(id:$id){name}}");
    request.headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_static("Bearer t0k3n"),
    );
    let response = client.execute("graphql", request).await.expect("ok");
    assert_eq!(
        response.data,
        Some(json!({"echo": {
            "query": "query($id:ID!){user(id:$id){name}}",
            "variables": {"id": "1"},
            "authorization": "Bearer t0k3n",
            "contentType": "application/json"
        }}))
    );
    // The pool keeps the connection: many sequential requests succeed on one client.
    for _ in 0..20 {
        assert!(
            client
                .execute("graphql", self::request("{a}"))
                .await
                .is_ok()
        );
    }
}

#[tokio::test]
async fn failures_are_classified_and_client_messages_hide_details() {
    let base = start().await;
    let config = HttpClientConfig {
        max_response_bytes: 100_000,
        timeout: Duration::from_millis(500),
        ..Default::default()
    };
    let client = client(&base, &config);

    let too_large = client
        .execute("big", request("{blob}"))
        .await
        .expect_err("too large");
    assert!(
        matches!(too_large, TransportError::TooLarge { limit: 100_000, .. }),
        "{too_large}"
    );

    let down = client
        .execute("down", request("{a}"))
        .await
        .expect_err("503");
    assert!(
        matches!(down, TransportError::Status { status: 503, .. }),
        "{down}"
    );
    assert!(
        down.to_string().contains(&base),
        "logs carry the url: {down}"
    );
    assert_eq!(down.client_message(), "request to subgraph `down` failed");

    let garbage = client
        .execute("garbage", request("{a}"))
        .await
        .expect_err("not json");
    assert!(
        matches!(garbage, TransportError::InvalidResponse { .. }),
        "{garbage}"
    );

    let slow = client
        .execute("slow", request("{a}"))
        .await
        .expect_err("timeout");
    assert!(matches!(slow, TransportError::Timeout { .. }), "{slow}");
    assert_eq!(
        slow.client_message(),
        "request to subgraph `slow` timed out"
    );

    let unknown = client
        .execute("nope", request("{a}"))
        .await
        .expect_err("unknown");
    assert!(matches!(unknown, TransportError::UnknownSubgraph(_)));

    for error in [&too_large, &down, &garbage, &slow] {
        assert!(
            !error.client_message().contains("127.0.0.1"),
            "{}",
            error.client_message()
        );
    }
}

/// GraphQL over HTTP: a 4xx with `application/graphql-response+json` is still a GraphQL
/// response whose errors the executor reports.
#[tokio::test]
async fn graphql_response_with_a_client_error_status_is_a_response() {
    let base = start().await;
    let client = client(&base, &HttpClientConfig::default());
    let response = client
        .execute("graphql-response", request("{a}"))
        .await
        .expect("a graphql response");
    assert!(response.data.is_none());
    assert_eq!(response.errors[0].message, "unknown field");
}

#[tokio::test]
async fn urls_come_from_the_supergraph_unless_overridden() {
    let base = start().await;
    let sdl = std::fs::read_to_string(format!(
        "{}/fixtures/nullkey.graphql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    // `b`'s URL gets a port nothing listens on: one just bound and released (the fixture's own
    // port may be taken by anything else running on the machine).
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let sdl = sdl.replace("127.0.0.1:4202", &format!("127.0.0.1:{closed}"));
    let supergraph = crate::supergraph::Supergraph::parse(&sdl).expect("supergraph");
    let overrides = HashMap::from([("a".to_owned(), format!("{base}/graphql"))]);
    let client =
        HttpSubgraphClient::from_supergraph(&supergraph, &overrides, &HttpClientConfig::default())
            .expect("client");
    assert!(client.execute("a", request("{a}")).await.is_ok());
    // `b` keeps its supergraph URL (nothing listens there).
    let error = client
        .execute("b", request("{a}"))
        .await
        .expect_err("nothing listens");
    assert!(
        error.to_string().contains(&format!("127.0.0.1:{closed}")),
        "{error}"
    );
}

/// A subgraph that counts its calls and answers slowly, so concurrent requests overlap.
async fn start_counted() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let app = Router::new().route(
        "/graphql",
        post(move |body: axum::body::Bytes| {
            let counter = counter.clone();
            async move {
                let call = counter.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(Duration::from_millis(300)).await;
                let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                axum::Json(json!({"data": {"call": call, "variables": request["variables"]}}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}/graphql"), calls)
}

async fn concurrently(
    client: &HttpSubgraphClient,
    requests: Vec<SubgraphRequest>,
) -> Vec<Option<Value>> {
    futures::future::join_all(requests.into_iter().map(|r| client.execute("counted", r)))
        .await
        .into_iter()
        .map(|r| r.expect("answered").data)
        .collect()
}

#[tokio::test]
async fn identical_concurrent_queries_share_one_subgraph_call_when_deduplicating() {
    use std::sync::atomic::Ordering;
    let (url, calls) = start_counted().await;
    let dedup = HttpSubgraphClient::new(
        [("counted".to_owned(), url.clone())],
        &HttpClientConfig::default(),
    )
    .expect("client");

    // Ten identical queries at once: one call, ten identical answers.
    let answers = concurrently(&dedup, (0..10).map(|_| request("{a}")).collect()).await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    assert_eq!(answers[0].as_ref().expect("data")["call"], 1);

    // Once answered, the entry is gone: the next identical query calls again.
    concurrently(&dedup, vec![request("{a}")]).await;
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // Different variables, different forwarded headers, or a mutation: never shared.
    calls.store(0, Ordering::SeqCst);
    let mut other_variables = request("{a}");
    other_variables.variables.insert("id".into(), json!("2"));
    let mut other_headers = request("{a}");
    other_headers.headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_static("Bearer someone-else"),
    );
    let mut mutations: Vec<SubgraphRequest> = (0..3).map(|_| request("mutation{m}")).collect();
    for m in &mut mutations {
        m.read_only = false;
    }
    let mut batch = vec![request("{a}"), other_variables, other_headers];
    batch.extend(mutations);
    let answers = concurrently(&dedup, batch).await;
    assert_eq!(calls.load(Ordering::SeqCst), 6, "{answers:?}");
    assert_eq!(answers[1].as_ref().expect("data")["variables"]["id"], "2");

    // Off: every query is its own call.
    calls.store(0, Ordering::SeqCst);
    let plain = HttpSubgraphClient::new(
        [("counted".to_owned(), url)],
        &HttpClientConfig {
            deduplicate: false,
            ..HttpClientConfig::default()
        },
    )
    .expect("client");
    concurrently(&plain, (0..10).map(|_| request("{a}")).collect()).await;
    assert_eq!(calls.load(Ordering::SeqCst), 10);
}

#[tokio::test]
async fn a_shared_failure_reaches_every_waiter_with_the_same_client_message() {
    let base = start().await;
    let client = HttpSubgraphClient::new(
        [("down".to_owned(), format!("{base}/down"))],
        &HttpClientConfig::default(),
    )
    .expect("client");
    let results =
        futures::future::join_all((0..5).map(|_| client.execute("down", request("{a}")))).await;
    for result in results {
        let error = result.expect_err("503 for everyone");
        assert_eq!(error.client_message(), "request to subgraph `down` failed");
    }
}
