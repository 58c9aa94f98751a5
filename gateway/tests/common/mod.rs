//! Shared helpers of the gateway's HTTP tests.

#![allow(dead_code)]

pub mod introspection_sdl;
pub mod subgraphs;

use std::sync::Arc;

use apollo_compiler::Schema;
use apollo_compiler::validation::Valid;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gateway::AppState;
use gateway::config::GatewayConfig;
use gateway::supergraph::Supergraph;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The supergraph the HTTP tests run against.
pub const SUPERGRAPH: &str = include_str!("../fixtures/edge_supergraph.graphql");

/// The API schema clients should see for [`SUPERGRAPH`], written by hand.
pub const API_SCHEMA: &str = include_str!("../fixtures/edge_api_schema.graphql");

/// The introspection query GraphiQL (graphql-js `getIntrospectionQuery` with every option) sends.
pub const INTROSPECTION_QUERY: &str = include_str!("../fixtures/introspection_query.graphql");

pub fn supergraph() -> Arc<Supergraph> {
    Arc::new(Supergraph::parse(SUPERGRAPH).expect("fixture supergraph is valid"))
}

/// [`API_SCHEMA`], parsed.
pub fn expected_api_schema() -> Valid<Schema> {
    Schema::parse_and_validate(API_SCHEMA, "edge_api_schema.graphql")
        .expect("fixture schema is valid")
}

/// A gateway under test, with the in-process subgraphs it calls.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub subgraphs: Arc<subgraphs::InProcessSubgraphs>,
}

impl TestApp {
    /// The edge fixture supergraph; its subgraphs do not exist, so any call is counted and
    /// fails.
    pub fn edge(config: &GatewayConfig) -> Self {
        Self::serving(config, supergraph())
    }

    /// The supergraph of the in-process `accounts` and `shop` subgraphs.
    pub fn shop(config: &GatewayConfig) -> Self {
        Self::serving(config, subgraphs::supergraph())
    }

    fn serving(config: &GatewayConfig, supergraph: Arc<Supergraph>) -> Self {
        let state = AppState::from_config(config).expect("state");
        let subgraphs = Arc::new(subgraphs::InProcessSubgraphs::default());
        state.load_supergraph_with_client(supergraph, subgraphs.clone());
        Self {
            router: gateway::router(state.clone()),
            state,
            subgraphs,
        }
    }
}

/// A router over the fixture schema with `config`.
pub fn app_with(config: &GatewayConfig) -> (AppState, Router) {
    let app = TestApp::edge(config);
    (app.state, app.router)
}

/// A router over the fixture schema with the default config.
pub fn app() -> Router {
    app_with(&GatewayConfig::default()).1
}

/// A response, read whole.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn send(router: &Router, request: Request<Body>) -> TestResponse {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    TestResponse {
        status,
        headers,
        body,
    }
}

/// `POST /graphql` with a JSON body and the given extra headers.
pub async fn post(router: &Router, body: &Value, headers: &[(&str, &str)]) -> TestResponse {
    post_raw(router, body.to_string(), "application/json", headers).await
}

pub async fn post_raw(
    router: &Router,
    body: String,
    content_type: &str,
    headers: &[(&str, &str)],
) -> TestResponse {
    let mut request = Request::post("/graphql");
    if !content_type.is_empty() {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(router, request.body(Body::from(body)).expect("request")).await
}

/// `GET` on `uri` with the given headers.
pub async fn get(router: &Router, uri: &str, headers: &[(&str, &str)]) -> TestResponse {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(router, request.body(Body::empty()).expect("request")).await
}

/// Percent-encodes a query string parameter.
pub fn encode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)]).expect("encode")[2..].to_owned()
}
