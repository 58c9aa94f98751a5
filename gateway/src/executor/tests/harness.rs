//! The executor test harness: real async-graphql subgraph schemas executed in process through
//! a [`SubgraphClient`] that logs (and so counts) every request, plus a real HTTP client for
//! subgraphs that are meant to be unreachable.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use apollo_compiler::ExecutableDocument;
use async_trait::async_trait;
use axum::http::HeaderMap;
use futures::future::BoxFuture;
use serde_json::{Map, Value};

use crate::executor::{ExecutionRequest, Response, execute};
use crate::planner::{QueryPlan, plan};
use crate::supergraph::Supergraph;
use crate::transport::{
    HttpClientConfig, HttpSubgraphClient, SubgraphClient, SubgraphRequest, SubgraphResponse,
    TransportError,
};

type Handler = Arc<
    dyn Fn(async_graphql::Request) -> BoxFuture<'static, async_graphql::Response> + Send + Sync,
>;

/// One logged subgraph request.
#[derive(Debug, Clone)]
pub struct Logged {
    pub subgraph: String,
    pub query: String,
    pub variables: Map<String, Value>,
}

/// Subgraphs by name; unknown or `down` ones go through a real HTTP client to a closed port.
#[derive(Clone, Default)]
pub struct InProcess {
    handlers: HashMap<String, Handler>,
    down: Vec<String>,
    log: Arc<Mutex<Vec<Logged>>>,
}

impl InProcess {
    pub fn with<Q, M, S>(mut self, name: &str, schema: async_graphql::Schema<Q, M, S>) -> Self
    where
        Q: async_graphql::ObjectType + 'static,
        M: async_graphql::ObjectType + 'static,
        S: async_graphql::SubscriptionType + 'static,
    {
        let handler: Handler = Arc::new(move |request| {
            let schema = schema.clone();
            Box::pin(async move { schema.execute(request).await })
        });
        self.handlers.insert(name.to_owned(), handler);
        self
    }

    /// Requests to this subgraph go to a closed local port: a real connection failure.
    pub fn down(mut self, name: &str) -> Self {
        self.down.push(name.to_owned());
        self
    }

    pub fn log(&self) -> Vec<Logged> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn count(&self, subgraph: &str) -> usize {
        self.log().iter().filter(|l| l.subgraph == subgraph).count()
    }
}

#[async_trait]
impl SubgraphClient for InProcess {
    async fn execute(
        &self,
        subgraph: &str,
        request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        if let Ok(mut log) = self.log.lock() {
            log.push(Logged {
                subgraph: subgraph.to_owned(),
                query: request.query.to_string(),
                variables: request.variables.clone(),
            });
        }
        let handler = match self.handlers.get(subgraph) {
            Some(handler) if !self.down.iter().any(|d| d == subgraph) => handler.clone(),
            _ => {
                // Port 9 (discard) is closed on these machines: connection refused.
                let http = HttpSubgraphClient::new(
                    [(subgraph.to_owned(), "http://127.0.0.1:9/graphql".to_owned())],
                    &HttpClientConfig::default(),
                )?;
                return http.execute(subgraph, request).await;
            }
        };
        let variables = async_graphql::Variables::from_json(Value::Object(request.variables));
        let response =
            handler(async_graphql::Request::new(request.query.to_string()).variables(variables))
                .await;
        let json =
            serde_json::to_value(&response).map_err(|e| TransportError::InvalidResponse {
                subgraph: subgraph.to_owned(),
                message: e.to_string(),
            })?;
        serde_json::from_value(json).map_err(|e| TransportError::InvalidResponse {
            subgraph: subgraph.to_owned(),
            message: e.to_string(),
        })
    }
}

pub fn supergraph(fixture: &str) -> Supergraph {
    let path = format!("{}/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let sdl = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Supergraph::parse(&sdl).unwrap_or_else(|e| panic!("{fixture}: {e}"))
}

pub fn plan_for(supergraph: &Supergraph, query: &str) -> QueryPlan {
    let document =
        ExecutableDocument::parse_and_validate(supergraph.api_schema(), query, "op.graphql")
            .unwrap_or_else(|e| panic!("invalid test operation: {}", e.errors));
    plan(supergraph, &document, None).unwrap_or_else(|e| panic!("planning failed: {e}"))
}

/// Plans and executes; returns the response as JSON (as a client would read it).
pub async fn run(
    supergraph: &Supergraph,
    client: &InProcess,
    query: &str,
    variables: Value,
) -> Value {
    let plan = plan_for(supergraph, query);
    let variables = match variables {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let headers = HeaderMap::new();
    let response: Response = execute(ExecutionRequest {
        plan: &plan,
        supergraph,
        variables: &variables,
        client,
        introspection: None,
        headers: &headers,
    })
    .await;
    serde_json::to_value(&response).unwrap_or_else(|e| panic!("response does not serialize: {e}"))
}
