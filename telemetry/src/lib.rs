//! What the gateway and every subgraph share to be observed, so one request can be followed
//! end to end across processes with standard tools (Jaeger, Tempo, Prometheus, a log store).
//!
//! - Logs: human-readable by default, one JSON object per line with `LOG_FORMAT=json`; the
//!   level comes from `RUST_LOG`.
//! - Traces: `tracing` spans exported as OpenTelemetry spans over OTLP/HTTP (protobuf) when an
//!   endpoint is configured, and not at all otherwise (no OpenTelemetry layer is installed, so
//!   the spans the services make only for tracing are disabled and cost a level check).
//! - Context: the W3C `traceparent`/`tracestate` headers continue a trace across services; an
//!   `x-request-id` (the client's, or a fresh one) is returned, forwarded and in every log line.
//! - Metrics: Prometheus text exposition on `/metrics`, one registry per service.
//!
//! # Layout
//! - [`init`](mod@init): installing the subscriber ([`TelemetryConfig`], [`Telemetry`]).
//! - [`otlp`]: the OTLP/HTTP span exporter, sent with the workspace's reqwest.
//! - [`context`]: request ids, the per-request scope, W3C trace context in and out.
//! - [`layer`]: the axum middleware every service puts in front of its routes.
//! - [`metrics`]: the HTTP series every service exposes, bounded operation labels, `/metrics`.
//! - `testing` (feature `testing`): an in-process OTLP collector for tests.

pub mod context;
pub mod init;
pub mod layer;
pub mod metrics;
pub mod otlp;
#[cfg(feature = "testing")]
pub mod testing;

pub use context::{REQUEST_ID_HEADER, RequestId};
pub use init::{LogFormat, OtlpConfig, Telemetry, TelemetryConfig, TelemetryError, init};
pub use layer::{HttpObserver, observe};
pub use metrics::{GraphqlMetrics, OperationLabels, Outcome};
