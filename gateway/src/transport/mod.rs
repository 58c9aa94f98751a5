//! Talking to subgraphs. The executor depends on the [`SubgraphClient`] trait only, so tests
//! run real in-process subgraphs without sockets and production uses [`HttpSubgraphClient`].
//!
//! # Layout
//! - [`http`]: the pooled keep-alive HTTP client.
//! - [`error`]: the error type, [`TransportError`].
//! - [`instrumented`]: the decorator adding spans, trace context and metrics to any client.

pub mod error;
pub mod http;
pub mod instrumented;

use std::sync::Arc;

use async_trait::async_trait;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use error::TransportError;
pub use http::{HttpClientConfig, HttpSubgraphClient};
pub use instrumented::InstrumentedClient;

/// A GraphQL request to a subgraph.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubgraphRequest {
    /// The operation text from the plan (shared, not copied per request).
    #[serde(serialize_with = "serialize_str")]
    pub query: Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_name: Option<String>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub variables: Map<String, Value>,
    /// Headers forwarded from the client request (e.g. `authorization`); not in the body.
    #[serde(skip)]
    pub headers: HeaderMap,
    /// A query: identical copies in flight at once may share one answer. Never set for a
    /// mutation, whose side effects each client asked for.
    #[serde(skip)]
    pub read_only: bool,
}

fn serialize_str<S: serde::Serializer>(text: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(text)
}

/// A subgraph's GraphQL response.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SubgraphResponse {
    #[serde(default)]
    pub data: Option<Value>,
    #[serde(default)]
    pub errors: Vec<SubgraphError>,
}

/// An error in a subgraph response, as the subgraph sent it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SubgraphError {
    #[serde(default)]
    pub message: String,
    /// Path in the subgraph's response (`["_entities", 3, "reviews"]`).
    #[serde(default)]
    pub path: Option<Vec<Value>>,
    #[serde(default)]
    pub extensions: Map<String, Value>,
}

/// Sends GraphQL requests to subgraphs by name.
#[async_trait]
pub trait SubgraphClient: Send + Sync {
    async fn execute(
        &self,
        subgraph: &str,
        request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError>;
}

#[cfg(test)]
mod tests;
