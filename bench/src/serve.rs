//! Serving a schema over HTTP: `POST /graphql` with a JSON body, the leanest path through
//! async-graphql (no batch or GET handling), so the subgraphs cost the gateway's neighbours on
//! the shared core as little as possible.

use std::future::Future;

use async_graphql::{Executor, Request};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::net::TcpListener;

/// `POST /graphql` for `schema`.
pub fn router<E: Executor + Clone>(schema: E) -> Router {
    Router::new()
        .route("/graphql", post(graphql::<E>))
        .with_state(schema)
}

async fn graphql<E: Executor>(State(schema): State<E>, body: Bytes) -> Response {
    let request: Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("invalid request body: {e}"),
            )
                .into_response();
        }
    };
    let response = schema.execute(request).await;
    match serde_json::to_vec(&response) {
        Ok(bytes) => {
            let mut response = (StatusCode::OK, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
