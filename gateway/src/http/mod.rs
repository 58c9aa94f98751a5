//! The HTTP surface: GraphQL over HTTP on `/graphql`, GraphiQL for browsers, health probes.
//!
//! # Layout
//! - [`graphql`]: `POST`/`GET /graphql` handlers (decode, run the pipeline, pick the status).
//! - [`negotiate`]: `Accept` → response media type.
//! - [`playground`]: the GraphiQL page and its local assets.
//! - [`health`]: `/health` and `/ready`.
//! - [`state`]: [`AppState`], shared by every handler.
//! - [`client`]: the subgraph client built from `[subgraphs]`.
//! - [`csrf`]: refusal of requests a browser could send cross-site without a preflight.
//! - [`error`]: [`HttpError`], refusals before the pipeline.
//! - [`shutdown`]: Ctrl-C / SIGTERM.

pub mod client;
pub mod csrf;
pub mod error;
pub mod graphql;
pub mod health;
pub mod negotiate;
pub mod playground;
pub mod shutdown;
pub mod state;

use std::future::Future;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;

pub use error::HttpError;
pub use state::{AppState, HttpSettings, LoadError, StateError};

/// The gateway's routes. Tests call it with `oneshot`, or serve it on `127.0.0.1:0`.
pub fn router(state: AppState) -> Router {
    let body_limit = state.settings().body_limit;
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route(
            &format!("{}/{{*path}}", playground::ASSETS_ROUTE),
            get(asset),
        )
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// Serves the gateway on an already-bound `listener` until `shutdown` resolves, then drains
/// in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn asset(State(state): State<AppState>, Path(path): Path<String>) -> Response {
    match state.playground() {
        Some(playground) => playground.asset(&path),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}
