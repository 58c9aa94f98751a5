//! Prometheus metrics every service exposes, bounded operation-name labels, and the
//! `/metrics` endpoint.
//!
//! Names follow the Prometheus conventions: a `tessera_<service>_` namespace, base units
//! (`_seconds`), `_total` on counters, and labels whose values come from small fixed sets or
//! from [`OperationLabels`], which admits a bounded number of operation names.
//! Every series is documented in `docs/OBSERVABILITY.md`.

use std::collections::HashSet;
use std::sync::RwLock;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder as _, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

/// Latency buckets, in seconds: 1 ms to 10 s.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// `operation` label of a request without an operation name.
pub const ANONYMOUS: &str = "(anonymous)";
/// `operation` label once the cap on distinct names is reached.
pub const OTHER: &str = "(other)";
/// `operation` label of a name that is not a GraphQL name (so it cannot be one of a valid
/// document's operations).
pub const INVALID: &str = "(invalid)";

/// Longest operation name used as a label.
const MAX_NAME_LEN: usize = 128;

/// Turns client-chosen operation names into label values with a bounded number of distinct
/// values: the first `capacity` distinct names are kept as they are, later ones become
/// [`OTHER`]. The special values are not GraphQL names, so they cannot collide with one.
#[derive(Debug)]
pub struct OperationLabels {
    capacity: usize,
    admitted: RwLock<HashSet<Box<str>>>,
}

impl OperationLabels {
    /// Keeps at most `capacity` distinct names.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            admitted: RwLock::new(HashSet::new()),
        }
    }

    /// The label for `name`. Allocates only the first time a name is admitted.
    pub fn label<'a>(&self, name: Option<&'a str>) -> &'a str {
        let Some(name) = name else {
            return ANONYMOUS;
        };
        if !is_graphql_name(name) {
            return INVALID;
        }
        let admitted = self.admitted.read().unwrap_or_else(|p| p.into_inner());
        if admitted.contains(name) {
            return name;
        }
        if admitted.len() >= self.capacity {
            return OTHER;
        }
        drop(admitted);
        let mut admitted = self.admitted.write().unwrap_or_else(|p| p.into_inner());
        if admitted.len() >= self.capacity && !admitted.contains(name) {
            return OTHER;
        }
        admitted.insert(name.into());
        name
    }
}

fn is_graphql_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    name.len() <= MAX_NAME_LEN
        && bytes
            .next()
            .is_some_and(|b| b == b'_' || b.is_ascii_alphabetic())
        && bytes.all(|b| b == b'_' || b.is_ascii_alphanumeric())
}

/// How a GraphQL request ended, as the `outcome` label says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Executed without errors.
    Success,
    /// Executed, with errors next to (possibly partial) data.
    FieldError,
    /// Refused before execution (parse, validation, variables, planning): no `data`.
    RequestError,
}

impl Outcome {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::FieldError => "field_error",
            Self::RequestError => "request_error",
        }
    }
}

fn registered<C: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    collector: C,
) -> C {
    // Registration fails only on a duplicate name or inconsistent labels, i.e. a programming
    // error that every test would hit; the collector still works unregistered.
    if let Err(err) = registry.register(Box::new(collector.clone())) {
        tracing::error!(error = %err, "cannot register a metric");
    }
    collector
}

/// An `IntGauge` registered in `registry`.
pub fn int_gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    registered(
        registry,
        IntGauge::new(name, help).unwrap_or_else(|_| unreachable_metric()),
    )
}

/// An `IntCounterVec` registered in `registry`.
pub fn int_counter_vec(
    registry: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
) -> IntCounterVec {
    registered(
        registry,
        IntCounterVec::new(Opts::new(name, help), labels).unwrap_or_else(|_| unreachable_metric()),
    )
}

/// A latency `HistogramVec` ([`LATENCY_BUCKETS`]) registered in `registry`.
pub fn latency_histogram(
    registry: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
) -> HistogramVec {
    registered(
        registry,
        HistogramVec::new(
            HistogramOpts::new(name, help).buckets(LATENCY_BUCKETS.to_vec()),
            labels,
        )
        .unwrap_or_else(|_| unreachable_metric()),
    )
}

/// Metric names and label names here are literals checked by the tests; a bad one is a bug.
#[track_caller]
fn unreachable_metric<T>() -> T {
    panic!("invalid metric definition")
}

/// The GraphQL request series of a service: count by operation and outcome, latency by
/// operation.
#[derive(Debug, Clone)]
pub struct GraphqlMetrics {
    requests: IntCounterVec,
    duration: HistogramVec,
}

impl GraphqlMetrics {
    /// Registers `{prefix}_graphql_requests_total{operation,outcome}` and
    /// `{prefix}_graphql_request_duration_seconds{operation}`.
    pub fn register(registry: &Registry, prefix: &str) -> Self {
        Self {
            requests: int_counter_vec(
                registry,
                &format!("{prefix}_graphql_requests_total"),
                "GraphQL requests (one per operation of a batch), by operation name and outcome",
                &["operation", "outcome"],
            ),
            duration: latency_histogram(
                registry,
                &format!("{prefix}_graphql_request_duration_seconds"),
                "Time to answer one GraphQL request, by operation name",
                &["operation"],
            ),
        }
    }

    /// Records one request; `operation` must come from [`OperationLabels::label`].
    pub fn observe(&self, operation: &str, outcome: Outcome, seconds: f64) {
        self.requests
            .with_label_values(&[operation, outcome.as_str()])
            .inc();
        self.duration
            .with_label_values(&[operation])
            .observe(seconds);
    }
}

/// The Prometheus text exposition of `registry`.
pub fn render(registry: &Registry) -> Response {
    let mut body = Vec::with_capacity(16 * 1024);
    match TextEncoder::new().encode(&registry.gather(), &mut body) {
        Ok(()) => {
            let mut response = (StatusCode::OK, body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            response
        }
        Err(err) => {
            tracing::error!(error = %err, "cannot encode metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_labels_are_bounded() {
        let labels = OperationLabels::new(2);
        assert_eq!(labels.label(None), ANONYMOUS);
        assert_eq!(labels.label(Some("A")), "A");
        assert_eq!(labels.label(Some("B")), "B");
        assert_eq!(labels.label(Some("C")), OTHER);
        assert_eq!(labels.label(Some("A")), "A", "admitted names stay");
        assert_eq!(labels.label(Some("no spaces")), INVALID);
        assert_eq!(labels.label(Some("1abc")), INVALID);
        assert_eq!(labels.label(Some(&"a".repeat(200))), INVALID);
    }

    #[test]
    fn graphql_metrics_render_with_their_labels() {
        let registry = Registry::new();
        let metrics = GraphqlMetrics::register(&registry, "test");
        metrics.observe("GetUser", Outcome::FieldError, 0.003);
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&registry.gather(), &mut text)
            .expect("encode");
        let text = String::from_utf8(text).expect("utf8");
        assert!(
            text.contains(
                "test_graphql_requests_total{operation=\"GetUser\",outcome=\"field_error\"} 1"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "test_graphql_request_duration_seconds_bucket{operation=\"GetUser\",le=\"0.005\"} 1"
            ),
            "{text}"
        );
    }
}
