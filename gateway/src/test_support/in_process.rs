//! [`InProcess`]: real async-graphql subgraph schemas executed in process through a
//! [`SubgraphClient`] that logs (and so counts) every request. Subgraphs that are unknown or
//! marked down go through a real HTTP client to a closed port, so their failures are real
//! connection failures, not simulated ones.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures::future::BoxFuture;
use serde_json::{Map, Value};

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
    /// Serves `schema` as subgraph `name`.
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

    /// Every request received so far, in order.
    pub fn log(&self) -> Vec<Logged> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Requests received so far by `subgraph`.
    pub fn count(&self, subgraph: &str) -> usize {
        self.log().iter().filter(|l| l.subgraph == subgraph).count()
    }

    /// The response body `subgraph` answers `request` with, serialized as it would travel over
    /// HTTP; `None` when the subgraph is unknown or down. Logged like every request.
    pub async fn response_body(
        &self,
        subgraph: &str,
        request: &SubgraphRequest,
    ) -> Option<Result<Vec<u8>, TransportError>> {
        self.push_log(subgraph, request);
        self.answer(subgraph, request).await
    }

    fn push_log(&self, subgraph: &str, request: &SubgraphRequest) {
        if let Ok(mut log) = self.log.lock() {
            log.push(Logged {
                subgraph: subgraph.to_owned(),
                query: request.query.to_string(),
                variables: request.variables.clone(),
            });
        }
    }

    async fn answer(
        &self,
        subgraph: &str,
        request: &SubgraphRequest,
    ) -> Option<Result<Vec<u8>, TransportError>> {
        if self.down.iter().any(|d| d == subgraph) {
            return None;
        }
        let handler = self.handlers.get(subgraph)?.clone();
        let variables =
            async_graphql::Variables::from_json(Value::Object(request.variables.clone()));
        let mut graphql =
            async_graphql::Request::new(request.query.to_string()).variables(variables);
        if let Some(name) = &request.operation_name {
            graphql = graphql.operation_name(name.clone());
        }
        let response = handler(graphql).await;
        Some(
            serde_json::to_vec(&response).map_err(|e| TransportError::InvalidResponse {
                subgraph: subgraph.to_owned(),
                message: e.to_string(),
            }),
        )
    }
}

/// Reads a response body the way the HTTP client does.
pub(super) fn decode(subgraph: &str, body: &[u8]) -> Result<SubgraphResponse, TransportError> {
    serde_json::from_slice(body).map_err(|e| TransportError::InvalidResponse {
        subgraph: subgraph.to_owned(),
        message: e.to_string(),
    })
}

#[async_trait]
impl SubgraphClient for InProcess {
    async fn execute(
        &self,
        subgraph: &str,
        request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        match self.response_body(subgraph, &request).await {
            Some(body) => decode(subgraph, &body?),
            None => {
                // Port 9 (discard) is closed on these machines: connection refused.
                let http = HttpSubgraphClient::new(
                    [(subgraph.to_owned(), "http://127.0.0.1:9/graphql".to_owned())],
                    &HttpClientConfig::default(),
                )?;
                http.execute(subgraph, request).await
            }
        }
    }
}
