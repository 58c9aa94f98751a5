//! The production [`SubgraphClient`]: one pooled keep-alive `reqwest` client shared by every
//! subgraph, JSON bodies, a per-request timeout and a response size limit.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use axum::http::{HeaderValue, header};

use super::{SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError};
use crate::supergraph::Supergraph;

/// Tuning of the subgraph HTTP client.
#[derive(Debug, Clone)]
pub struct HttpClientConfig {
    /// Whole-request timeout (connect, send, receive).
    pub timeout: Duration,
    /// Connection establishment timeout.
    pub connect_timeout: Duration,
    /// How long an idle pooled connection is kept.
    pub pool_idle_timeout: Duration,
    /// Idle connections kept per subgraph host.
    pub pool_max_idle_per_host: usize,
    /// Largest response body accepted; a subgraph cannot make the gateway buffer more.
    pub max_response_bytes: usize,
}

impl Default for HttpClientConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 256,
            max_response_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Sends subgraph requests over HTTP/1.1 keep-alive connections from one shared pool.
#[derive(Debug, Clone)]
pub struct HttpSubgraphClient {
    client: reqwest::Client,
    urls: HashMap<String, String>,
    max_response_bytes: usize,
}

const ACCEPT: &str = "application/graphql-response+json, application/json";

impl HttpSubgraphClient {
    /// A client for these `(subgraph name, url)` pairs.
    pub fn new(
        urls: impl IntoIterator<Item = (String, String)>,
        config: &HttpClientConfig,
    ) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(config.pool_idle_timeout)
            .pool_max_idle_per_host(config.pool_max_idle_per_host)
            .tcp_nodelay(true)
            .http1_only()
            .build()
            .map_err(TransportError::Client)?;
        Ok(Self {
            client,
            urls: urls.into_iter().collect(),
            max_response_bytes: config.max_response_bytes,
        })
    }

    /// A client for the URLs recorded in the supergraph; `overrides` (subgraph name → url)
    /// take precedence.
    pub fn from_supergraph(
        supergraph: &Supergraph,
        overrides: &HashMap<String, String>,
        config: &HttpClientConfig,
    ) -> Result<Self, TransportError> {
        let urls = supergraph.subgraphs().iter().map(|g| {
            let url = overrides
                .get(&g.name)
                .cloned()
                .unwrap_or_else(|| g.url.clone());
            (g.name.clone(), url)
        });
        Self::new(urls, config)
    }
}

#[async_trait]
impl SubgraphClient for HttpSubgraphClient {
    async fn execute(
        &self,
        subgraph: &str,
        request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        let url = self
            .urls
            .get(subgraph)
            .ok_or_else(|| TransportError::UnknownSubgraph(subgraph.to_owned()))?;
        let body = serde_json::to_vec(&request).map_err(|e| TransportError::InvalidResponse {
            subgraph: subgraph.to_owned(),
            message: format!("cannot encode the request: {e}"),
        })?;
        let request_error = |source: reqwest::Error| {
            if source.is_timeout() {
                TransportError::Timeout {
                    subgraph: subgraph.to_owned(),
                    url: url.clone(),
                }
            } else {
                TransportError::Request {
                    subgraph: subgraph.to_owned(),
                    url: url.clone(),
                    source,
                }
            }
        };
        let mut response = self
            .client
            .post(url)
            .headers(request.headers)
            .header(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )
            .header(header::ACCEPT, HeaderValue::from_static(ACCEPT))
            .body(body)
            .send()
            .await
            .map_err(request_error)?;
        let status = response.status();
        let graphql_body = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/graphql-response+json"));
        // A GraphQL-over-HTTP server may send a GraphQL response with a 4xx status.
        let accepted = status.is_success() || (graphql_body && status.is_client_error());
        if !accepted {
            return Err(TransportError::Status {
                subgraph: subgraph.to_owned(),
                url: url.clone(),
                status: status.as_u16(),
            });
        }
        let limit = self.max_response_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(TransportError::TooLarge {
                subgraph: subgraph.to_owned(),
                limit,
            });
        }
        let mut bytes =
            Vec::with_capacity(response.content_length().map_or(8 * 1024, |l| l as usize));
        while let Some(chunk) = response.chunk().await.map_err(request_error)? {
            if bytes.len() + chunk.len() > limit {
                return Err(TransportError::TooLarge {
                    subgraph: subgraph.to_owned(),
                    limit,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&bytes).map_err(|e| TransportError::InvalidResponse {
            subgraph: subgraph.to_owned(),
            message: e.to_string(),
        })
    }
}
