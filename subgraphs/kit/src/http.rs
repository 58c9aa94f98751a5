//! Serving a subgraph: the axum router around an async-graphql schema, health endpoints,
//! graceful shutdown.

use std::future::Future;
use std::sync::Arc;

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

/// Shared state of the GraphQL routes.
#[derive(Clone)]
struct GraphqlState<E> {
    executor: E,
    verifier: Arc<JwtVerifier>,
}

/// `POST`/`GET /graphql` for `executor`, plus `GET /health` and `GET /ready` checking `db`.
///
/// Identity comes only from the verified `Authorization: Bearer` token; the resulting
/// [`crate::auth::AuthContext`] is added to every request of a batch.
pub fn graphql_router<E>(executor: E, verifier: Arc<JwtVerifier>, db: DatabaseConnection) -> Router
where
    E: Executor + Clone,
{
    let state = GraphqlState { executor, verifier };
    let graphql = Router::new()
        .route(
            "/graphql",
            get(graphql_handler::<E>).post(graphql_handler::<E>),
        )
        .with_state(state);
    graphql.merge(health_router(db))
}

async fn graphql_handler<E: Executor>(
    State(state): State<GraphqlState<E>>,
    headers: HeaderMap,
    request: GraphQLBatchRequest,
) -> GraphQLResponse {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let auth = state.verifier.authenticate(authorization).await;
    let request = request.into_inner().data(auth);
    let mut response = state.executor.execute_batch(request).await;
    match &mut response {
        BatchResponse::Single(r) => add_missing_codes(r),
        BatchResponse::Batch(rs) => rs.iter_mut().for_each(add_missing_codes),
    }
    response.into()
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

/// `GET /health` and `GET /ready`: both answer 200 only while the database answers.
pub fn health_router(db: DatabaseConnection) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(health))
        .with_state(db)
}

async fn health(State(db): State<DatabaseConnection>) -> impl IntoResponse {
    match crate::db::ping(&db).await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))),
        Err(err) => {
            tracing::warn!(error = %err, "health check failed");
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
}
