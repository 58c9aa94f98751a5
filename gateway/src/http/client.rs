//! The subgraph client a loaded supergraph is served with, built from `[subgraphs]`: the
//! pooled HTTP client with URL overrides, and per-subgraph timeouts on top.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::config::SubgraphsConfig;
use crate::supergraph::Supergraph;
use crate::transport::{
    HttpClientConfig, HttpSubgraphClient, SubgraphClient, SubgraphRequest, SubgraphResponse,
    TransportError,
};

/// The HTTP client for `supergraph`'s subgraphs, with `config`'s URLs and timeouts.
pub fn subgraph_client(
    supergraph: &Supergraph,
    config: &SubgraphsConfig,
) -> Result<Arc<dyn SubgraphClient>, TransportError> {
    let overrides: HashMap<String, String> = config
        .overrides
        .iter()
        .filter_map(|(name, o)| o.url.as_ref().map(|url| (name.clone(), url.to_string())))
        .collect();
    // The shared client gets the longest timeout; shorter per-subgraph ones are enforced
    // around it, so one pool serves every subgraph.
    let longest = config
        .overrides
        .values()
        .filter_map(|o| o.timeout)
        .fold(config.timeout, Duration::max);
    let http_config = HttpClientConfig {
        timeout: longest,
        deduplicate: config.deduplicate,
        ..HttpClientConfig::default()
    };
    let http = HttpSubgraphClient::from_supergraph(supergraph, &overrides, &http_config)?;
    let shorter: HashMap<String, (Duration, String)> = supergraph
        .subgraphs()
        .iter()
        .filter_map(|g| {
            let timeout = config.timeout_for(&g.name);
            let url = overrides
                .get(&g.name)
                .cloned()
                .unwrap_or_else(|| g.url.clone());
            (timeout < longest).then(|| (g.name.clone(), (timeout, url)))
        })
        .collect();
    if shorter.is_empty() {
        Ok(Arc::new(http))
    } else {
        Ok(Arc::new(PerSubgraphTimeouts {
            inner: http,
            timeouts: shorter,
        }))
    }
}

/// Enforces a subgraph's own timeout when it is shorter than the shared client's.
struct PerSubgraphTimeouts {
    inner: HttpSubgraphClient,
    /// Subgraph name → (timeout, url for the error).
    timeouts: HashMap<String, (Duration, String)>,
}

#[async_trait]
impl SubgraphClient for PerSubgraphTimeouts {
    async fn execute(
        &self,
        subgraph: &str,
        request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        match self.timeouts.get(subgraph) {
            Some((timeout, url)) => {
                tokio::time::timeout(*timeout, self.inner.execute(subgraph, request))
                    .await
                    .unwrap_or_else(|_| {
                        Err(TransportError::Timeout {
                            subgraph: subgraph.to_owned(),
                            url: url.clone(),
                        })
                    })
            }
            None => self.inner.execute(subgraph, request).await,
        }
    }
}
