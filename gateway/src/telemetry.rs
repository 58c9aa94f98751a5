//! The gateway's telemetry: turning `[telemetry]` into the shared subscriber settings, and the
//! gateway's Prometheus series.
//!
//! Every series is listed with its type, labels and meaning in `docs/OBSERVABILITY.md`. The
//! hot path only touches atomics: label lookups of already-seen label values, counter
//! increments and histogram observations; operation names are admitted to the `operation`
//! label at most `[metrics] max_operation_names` times.

use std::sync::Arc;
use std::time::Duration;

use prometheus::core::{Collector, Desc, Describer as _};
use prometheus::proto::MetricFamily;
use prometheus::{HistogramVec, IntCounter, IntGaugeVec, Opts, Registry};
use tessera_telemetry::metrics::{self as shared, GraphqlMetrics, OperationLabels, Outcome};
use tessera_telemetry::{HttpObserver, LogFormat, OtlpConfig, TelemetryError};

use crate::config::telemetry::LogFormatName;
use crate::config::{MetricsConfig, TelemetryConfig};
use crate::pipeline::cache::CacheStats;

/// Namespace of every gateway series.
pub const PREFIX: &str = "tessera_gateway";

/// The subscriber settings for `config`, with the standard environment variables applied:
/// `LOG_FORMAT` over `log_format`, `OTEL_SERVICE_NAME` over `service_name`, and
/// `OTEL_EXPORTER_OTLP_ENDPOINT` when `otlp_endpoint` is unset.
pub fn settings(
    config: &TelemetryConfig,
) -> Result<tessera_telemetry::TelemetryConfig, TelemetryError> {
    let log_format = match LogFormat::from_env()? {
        Some(format) => format,
        None => match config.log_format {
            LogFormatName::Text => LogFormat::Text,
            LogFormatName::Json => LogFormat::Json,
        },
    };
    let otlp = match &config.otlp_endpoint {
        Some(url) => Some(OtlpConfig::new(url.as_str())),
        None => OtlpConfig::from_env(),
    }
    .map(|otlp| OtlpConfig {
        sampling_ratio: config.sampling_ratio,
        timeout: config.export_timeout,
        ..otlp
    });
    Ok(tessera_telemetry::TelemetryConfig {
        service_name: tessera_telemetry::init::service_name_from_env(&config.service_name),
        log_format,
        otlp,
        log_filter: tessera_telemetry::init::log_filter_from_env(),
    })
}

/// State of a subgraph's circuit breaker, as `tessera_gateway_subgraph_circuit_breaker_state`
/// reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    /// Requests flow (also the state of every subgraph while no breaker is configured).
    Closed = 0,
    /// A trial request is let through after the breaker opened.
    HalfOpen = 1,
    /// Requests fail fast without reaching the subgraph.
    Open = 2,
}

/// The gateway's series, in its own registry (so several gateways in one test process do not
/// mix their numbers).
#[derive(Debug)]
pub struct GatewayMetrics {
    registry: Registry,
    /// In-flight and latency of HTTP requests to `/graphql`.
    pub http: HttpObserver,
    graphql: GraphqlMetrics,
    operations: OperationLabels,
    subgraph_duration: HistogramVec,
    circuit_state: IntGaugeVec,
    rate_limited: IntCounter,
    /// Shared by the plan caches of every engine this gateway builds.
    pub plan_cache: Arc<CacheStats>,
    /// Shared by the document caches of every engine this gateway builds.
    pub document_cache: Arc<CacheStats>,
}

impl GatewayMetrics {
    /// Registers every gateway series.
    pub fn new(config: &MetricsConfig) -> Self {
        let registry = Registry::new();
        let plan_cache = Arc::new(CacheStats::default());
        let document_cache = Arc::new(CacheStats::default());
        let caches = CacheCollector::new(&plan_cache, &document_cache);
        if let Err(err) = registry.register(Box::new(caches)) {
            tracing::error!(error = %err, "cannot register the cache metrics");
        }
        Self {
            http: HttpObserver::register(&registry, PREFIX, "/graphql"),
            graphql: GraphqlMetrics::register(&registry, PREFIX),
            operations: OperationLabels::new(config.max_operation_names),
            subgraph_duration: shared::latency_histogram(
                &registry,
                &format!("{PREFIX}_subgraph_request_duration_seconds"),
                "Time of one request to a subgraph, by subgraph and outcome (success, graphql_error, timeout, transport_error)",
                &["subgraph", "outcome"],
            ),
            circuit_state: int_gauge_vec(
                &registry,
                &format!("{PREFIX}_subgraph_circuit_breaker_state"),
                "Circuit breaker state per subgraph: 0 closed (requests flow), 1 half-open, 2 open (failing fast)",
                &["subgraph"],
            ),
            rate_limited: int_counter(
                &registry,
                &format!("{PREFIX}_rate_limited_requests_total"),
                "Requests refused by the rate limiter",
            ),
            registry,
            plan_cache,
            document_cache,
        }
    }

    /// The registry `/metrics` renders.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Records one GraphQL request (one operation of a batch).
    pub fn observe_request(&self, operation: Option<&str>, outcome: Outcome, elapsed: Duration) {
        let operation = self.operations.label(operation);
        self.graphql
            .observe(operation, outcome, elapsed.as_secs_f64());
    }

    /// Records one subgraph request.
    pub fn observe_subgraph(&self, subgraph: &str, outcome: &str, elapsed: Duration) {
        self.subgraph_duration
            .with_label_values(&[subgraph, outcome])
            .observe(elapsed.as_secs_f64());
    }

    /// Sets the breaker state reported for `subgraph`.
    pub fn set_circuit_state(&self, subgraph: &str, state: CircuitState) {
        self.circuit_state
            .with_label_values(&[subgraph])
            .set(state as i64);
    }

    /// Counts a request refused by the rate limiter.
    pub fn count_rate_limited(&self) {
        self.rate_limited.inc();
    }
}

fn int_gauge_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    let gauge = IntGaugeVec::new(Opts::new(name, help), labels)
        .unwrap_or_else(|e| panic!("invalid metric {name}: {e}"));
    if let Err(err) = registry.register(Box::new(gauge.clone())) {
        tracing::error!(error = %err, "cannot register a metric");
    }
    gauge
}

fn int_counter(registry: &Registry, name: &str, help: &str) -> IntCounter {
    let counter =
        IntCounter::new(name, help).unwrap_or_else(|e| panic!("invalid metric {name}: {e}"));
    if let Err(err) = registry.register(Box::new(counter.clone())) {
        tracing::error!(error = %err, "cannot register a metric");
    }
    counter
}

/// Reports the shared cache counters at scrape time, so the caches themselves stay free of
/// Prometheus types.
struct CacheCollector {
    descs: Vec<Desc>,
    series: Vec<CacheSeries>,
}

/// One cache counter: its name and help, the stats it reads and which count.
type CacheSeries = (Opts, Arc<CacheStats>, fn(&CacheStats) -> u64);

impl CacheCollector {
    fn new(plans: &Arc<CacheStats>, documents: &Arc<CacheStats>) -> Self {
        let series: Vec<CacheSeries> = vec![
            (
                Opts::new(
                    format!("{PREFIX}_plan_cache_hits_total"),
                    "Query plans served from the plan cache",
                ),
                plans.clone(),
                CacheStats::hits,
            ),
            (
                Opts::new(
                    format!("{PREFIX}_plan_cache_misses_total"),
                    "Query plans that had to be computed",
                ),
                plans.clone(),
                CacheStats::misses,
            ),
            (
                Opts::new(
                    format!("{PREFIX}_document_cache_hits_total"),
                    "Validated documents served from the document cache",
                ),
                documents.clone(),
                CacheStats::hits,
            ),
            (
                Opts::new(
                    format!("{PREFIX}_document_cache_misses_total"),
                    "Documents that had to be parsed and validated",
                ),
                documents.clone(),
                CacheStats::misses,
            ),
        ];
        let descs = series
            .iter()
            .filter_map(|(opts, _, _)| opts.describe().ok())
            .collect();
        Self { descs, series }
    }
}

impl Collector for CacheCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.descs.iter().collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        self.series
            .iter()
            .filter_map(|(opts, stats, read)| {
                let counter = IntCounter::with_opts(opts.clone()).ok()?;
                counter.inc_by(read(stats));
                counter.collect().into_iter().next()
            })
            .collect()
    }
}
