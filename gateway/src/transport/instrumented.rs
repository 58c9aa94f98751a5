//! The [`SubgraphClient`] decorator that makes every subgraph request observable: a
//! `subgraph.fetch` client span (child of the execution stage, parent of the subgraph's own
//! server span through the `traceparent` it injects), the request id header, and the latency
//! histogram per subgraph and outcome. Wrapping the trait, not the HTTP client, covers every
//! transport the executor may be given.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use tracing::Instrument as _;
use tracing::field::Empty;

use super::{SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError};
use crate::telemetry::GatewayMetrics;

/// Wraps a client with spans, context propagation and metrics.
pub struct InstrumentedClient {
    inner: Arc<dyn SubgraphClient>,
    metrics: Arc<GatewayMetrics>,
}

impl InstrumentedClient {
    /// Observes every request `inner` sends.
    pub fn new(inner: Arc<dyn SubgraphClient>, metrics: Arc<GatewayMetrics>) -> Self {
        Self { inner, metrics }
    }
}

#[async_trait]
impl SubgraphClient for InstrumentedClient {
    async fn execute(
        &self,
        subgraph: &str,
        mut request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        let span = tracing::debug_span!(
            "subgraph.fetch",
            otel.name = %format_args!("subgraph {subgraph}"),
            otel.kind = "client",
            otel.status_code = Empty,
            subgraph.name = subgraph,
            graphql.operation.name = request.operation_name.as_deref(),
            outcome = Empty,
        );
        // Inside the span, so `traceparent` names this span as the subgraph's parent.
        span.in_scope(|| tessera_telemetry::context::inject(&mut request.headers));
        let start = Instant::now();
        let result = self
            .inner
            .execute(subgraph, request)
            .instrument(span.clone())
            .await;
        let outcome = match &result {
            Ok(response) if response.errors.is_empty() => "success",
            Ok(_) => "graphql_error",
            Err(TransportError::Timeout { .. }) => "timeout",
            Err(_) => "transport_error",
        };
        span.record("outcome", outcome);
        if outcome != "success" {
            span.record("otel.status_code", "ERROR");
        }
        self.metrics
            .observe_subgraph(subgraph, outcome, start.elapsed());
        result
    }
}
