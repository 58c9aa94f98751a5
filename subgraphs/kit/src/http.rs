//! Serving a subgraph: the axum router around an async-graphql schema, health endpoints,
//! Prometheus metrics, graceful shutdown.
//!
//! Every route runs behind [`tessera_telemetry::observe`]: the request id (the gateway's
//! `x-request-id`, or a fresh one) is returned and in every log line, and the server span
//! continues the caller's W3C trace, so the sea-orm statement spans of the request land in
//! the gateway's trace.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use async_graphql::{BatchResponse, Executor};
use async_graphql_axum::{GraphQLBatchRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::auth::JwtVerifier;
use crate::metrics::SubgraphMetrics;

/// Shared state of the GraphQL routes.
#[derive(Clone)]
struct GraphqlState<E> {
    executor: E,
    verifier: Arc<JwtVerifier>,
    metrics: Arc<SubgraphMetrics>,
}

/// `POST`/`GET /graphql` for `executor`, `GET /health` (liveness), `GET /ready` (checks `db`)
/// and `GET /metrics` (Prometheus).
///
/// Identity comes only from the verified `Authorization: Bearer` token; the resulting
/// [`crate::auth::AuthContext`] is added to every request of a batch.
pub fn graphql_router<E>(executor: E, verifier: Arc<JwtVerifier>, db: DatabaseConnection) -> Router
where
    E: Executor + Clone,
{
    let metrics = Arc::new(SubgraphMetrics::new(db.clone()));
    let observer = metrics.http.clone();
    let state = GraphqlState {
        executor,
        verifier,
        metrics: metrics.clone(),
    };
    let graphql = Router::new()
        .route(
            "/graphql",
            get(graphql_handler::<E>).post(graphql_handler::<E>),
        )
        .with_state(state);
    let metrics_route = Router::new().route(
        "/metrics",
        get(move || {
            let metrics = metrics.clone();
            async move { metrics.render() }
        }),
    );
    graphql.merge(health_router(db)).merge(metrics_route).layer(
        axum::middleware::from_fn_with_state(observer, tessera_telemetry::observe),
    )
}

async fn graphql_handler<E: Executor>(
    State(state): State<GraphqlState<E>>,
    headers: HeaderMap,
    request: GraphQLBatchRequest,
) -> GraphQLResponse {
    let start = Instant::now();
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let auth = state.verifier.authenticate(authorization).await;
    let request = request.into_inner().data(auth);
    let operations: Vec<String> = match &request {
        async_graphql::BatchRequest::Single(r) => {
            vec![state.metrics.operation_label(r.operation_name.as_deref())]
        }
        async_graphql::BatchRequest::Batch(rs) => rs
            .iter()
            .map(|r| state.metrics.operation_label(r.operation_name.as_deref()))
            .collect(),
    };
    let mut response = state.executor.execute_batch(request).await;
    let elapsed = start.elapsed();
    let observe = |r: &mut async_graphql::Response, operation: &str| {
        add_missing_codes(r);
        state
            .metrics
            .observe_request(operation, outcome(r), elapsed);
    };
    match &mut response {
        BatchResponse::Single(r) => observe(r, &operations[0]),
        BatchResponse::Batch(rs) => rs
            .iter_mut()
            .zip(&operations)
            .for_each(|(r, operation)| observe(r, operation)),
    }
    response.into()
}

/// The `outcome` label of a response.
fn outcome(response: &async_graphql::Response) -> tessera_telemetry::Outcome {
    use tessera_telemetry::Outcome;
    if response.errors.is_empty() {
        Outcome::Success
    } else if matches!(response.data, async_graphql::Value::Null) {
        Outcome::RequestError
    } else {
        Outcome::FieldError
    }
}

/// async-graphql's own errors (parse, validation, input coercion, unknown entity type) carry no
/// `extensions.code`; ours always do. Give the former a code from the same vocabulary, so every
/// error a client sees has one.
fn add_missing_codes(response: &mut async_graphql::Response) {
    let request_error = matches!(response.data, async_graphql::Value::Null);
    for error in &mut response.errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some());
        if has_code {
            continue;
        }
        let code = if !request_error {
            // A field error we did not raise comes from async-graphql checking client input.
            "BAD_USER_INPUT"
        } else if error.message.trim_start().starts_with("-->") {
            "GRAPHQL_PARSE_FAILED"
        } else {
            "GRAPHQL_VALIDATION_FAILED"
        };
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

/// `GET /health`: liveness, 200 while the process serves HTTP (an orchestrator restarts a
/// failing one, and restarting cannot fix an unreachable database). `GET /ready`: 200 only
/// while the database answers, so traffic goes elsewhere meanwhile.
pub fn health_router(db: DatabaseConnection) -> Router {
    Router::new()
        .route(
            "/health",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route("/ready", get(ready))
        .with_state(db)
}

async fn ready(State(db): State<DatabaseConnection>) -> impl IntoResponse {
    match crate::db::ping(&db).await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable", "database": "unreachable"})),
            )
        }
    }
}

/// Serves `router` on an already-bound listener until `shutdown` resolves, then drains
/// in-flight requests. Tests bind `127.0.0.1:0` and pass the listener in.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Resolves on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received");
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    struct Query;

    #[Object]
    impl Query {
        async fn double(&self, n: i32) -> i32 {
            n * 2
        }
    }

    async fn run(query: &str) -> async_graphql::Response {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let mut r = schema.execute(query).await;
        add_missing_codes(&mut r);
        r
    }

    fn code(r: &async_graphql::Response) -> String {
        let json = serde_json::to_value(&r.errors[0]).expect("json");
        json["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    #[tokio::test]
    async fn async_graphql_errors_get_a_code() {
        assert_eq!(code(&run("{ double(n: 1").await), "GRAPHQL_PARSE_FAILED");
        assert_eq!(code(&run("{ nope }").await), "GRAPHQL_VALIDATION_FAILED");
        assert_eq!(
            code(&run("{ double(n: \"x\") }").await),
            "GRAPHQL_VALIDATION_FAILED"
        );
        assert!(run("{ double(n: 2) }").await.errors.is_empty());
    }

    async fn call(
        router: &Router,
        request: axum::http::Request<axum::body::Body>,
    ) -> (StatusCode, HeaderMap, String) {
        use tower::ServiceExt as _;
        let response = router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn metrics_health_readiness_and_request_ids() {
        use axum::body::Body;
        use axum::http::Request;

        let db = crate::db::connect("sqlite::memory:").await.expect("db");
        let signer = crate::auth::JwtSigner::generate(crate::auth::JwtSettings::default());
        let verifier = Arc::new(JwtVerifier::for_signer(&signer));
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let router = graphql_router(schema, verifier, db.clone());

        let graphql = |body: &str| {
            Request::post("/graphql")
                .header("content-type", "application/json")
                .header("x-request-id", "from-gateway")
                .body(Body::from(body.to_owned()))
                .expect("request")
        };
        let (status, headers, _) = call(
            &router,
            graphql(r#"{"query":"query Twice { double(n: 2) }","operationName":"Twice"}"#),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["x-request-id"], "from-gateway");
        call(&router, graphql(r#"{"query":"{ nope }"}"#)).await;

        let (status, _, text) = call(
            &router,
            Request::get("/metrics")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        for expected in [
            "# TYPE tessera_subgraph_graphql_requests_total counter",
            "tessera_subgraph_graphql_requests_total{operation=\"Twice\",outcome=\"success\"} 1",
            "tessera_subgraph_graphql_requests_total{operation=\"(anonymous)\",outcome=\"request_error\"} 1",
            "# TYPE tessera_subgraph_graphql_request_duration_seconds histogram",
            "tessera_subgraph_http_request_duration_seconds_count{method=\"POST\",status=\"200\"} 2",
            "tessera_subgraph_http_requests_in_flight 0",
            // The in-memory SQLite pool holds exactly one connection.
            "tessera_subgraph_db_pool_max_connections 1",
        ] {
            assert!(text.contains(expected), "missing `{expected}` in\n{text}");
        }
        let gauge = |state: &str| -> i64 {
            let prefix = format!("tessera_subgraph_db_pool_connections{{state=\"{state}\"}} ");
            text.lines()
                .find_map(|l| l.strip_prefix(&prefix)?.parse().ok())
                .unwrap_or_else(|| panic!("no {state} gauge in\n{text}"))
        };
        assert_eq!(gauge("idle") + gauge("in_use"), 1, "{text}");

        let get = |path: &str| Request::get(path).body(Body::empty()).expect("request");
        assert_eq!(call(&router, get("/health")).await.0, StatusCode::OK);
        assert_eq!(call(&router, get("/ready")).await.0, StatusCode::OK);
        // Database gone: not ready, but alive (restarting would not bring the database back).
        db.close_by_ref().await.expect("close");
        assert_eq!(
            call(&router, get("/ready")).await.0,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(call(&router, get("/health")).await.0, StatusCode::OK);
    }
}
