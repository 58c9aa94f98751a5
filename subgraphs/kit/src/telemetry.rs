//! Logs and traces of a subgraph, from the standard environment: `LOG_FORMAT=json` for one
//! JSON object per line, `RUST_LOG` for the level (default `info`),
//! `OTEL_EXPORTER_OTLP_ENDPOINT` to export spans over OTLP/HTTP (off when unset) and
//! `OTEL_SERVICE_NAME` to rename the service. The subscriber itself is the one the gateway
//! uses ([`tessera_telemetry`]).

use std::future::Future;

use tessera_telemetry::{Telemetry, TelemetryConfig, TelemetryError};
use tokio::task::JoinHandle;
use tracing::Instrument as _;

/// Installs the global subscriber for `service` (e.g. `users-subgraph`). Keep the returned
/// guard until exit: dropping it flushes the spans still buffered.
pub fn init(service: &str) -> Result<Telemetry, TelemetryError> {
    tessera_telemetry::init(&TelemetryConfig::from_env(service)?)
}

/// `tokio::spawn`, with the task inside the span current at the call. DataLoaders run their
/// batches in spawned tasks; spawned this way, a batch's SQL spans stay in the trace of the
/// request that opened it instead of starting traces of their own.
pub fn spawn_in_current_span<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(future.in_current_span())
}
