//! Installing the global `tracing` subscriber: a log layer (text or JSON) and, when an OTLP
//! endpoint is configured, an OpenTelemetry layer exporting spans in batches.

use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use tracing::Subscriber;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::otlp;

/// Environment variable selecting the log format (`json` or `text`).
pub const LOG_FORMAT_ENV: &str = "LOG_FORMAT";
/// The standard OpenTelemetry variable naming the collector's OTLP/HTTP base URL.
pub const OTLP_ENDPOINT_ENV: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
/// The standard OpenTelemetry variable overriding the service name.
pub const SERVICE_NAME_ENV: &str = "OTEL_SERVICE_NAME";

/// Why telemetry could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("invalid OTLP endpoint `{endpoint}`: {message}")]
    Endpoint { endpoint: String, message: String },
    #[error("cannot build the OTLP exporter: {0}")]
    Exporter(String),
    #[error("invalid {var}: `{value}` (expected `text` or `json`)")]
    LogFormat { var: &'static str, value: String },
    #[error("invalid log filter `{filter}`: {message}")]
    LogFilter { filter: String, message: String },
    #[error("a global tracing subscriber is already installed")]
    AlreadyInstalled,
}

/// How log lines look.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// For people at a terminal.
    #[default]
    Text,
    /// One JSON object per line, for log stores: the event's fields at the top level, the
    /// spans it happened in (with `request_id`) under `spans`.
    Json,
}

impl LogFormat {
    /// Parses `text` or `json` (any case).
    pub fn parse(value: &str) -> Option<Self> {
        if value.eq_ignore_ascii_case("json") {
            Some(Self::Json)
        } else if value.eq_ignore_ascii_case("text") {
            Some(Self::Text)
        } else {
            None
        }
    }

    /// `LOG_FORMAT` from the environment, if set.
    pub fn from_env() -> Result<Option<Self>, TelemetryError> {
        match std::env::var(LOG_FORMAT_ENV) {
            Ok(value) if value.trim().is_empty() => Ok(None),
            Ok(value) => Self::parse(value.trim())
                .map(Some)
                .ok_or(TelemetryError::LogFormat {
                    var: LOG_FORMAT_ENV,
                    value,
                }),
            Err(_) => Ok(None),
        }
    }
}

/// Where and how spans are exported.
#[derive(Debug, Clone, PartialEq)]
pub struct OtlpConfig {
    /// The collector's OTLP/HTTP base URL (`http://collector:4318`); `/v1/traces` is appended
    /// unless the URL already ends with it, as the OpenTelemetry specification says for
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub endpoint: String,
    /// Share of new traces recorded, 0.0 to 1.0. A trace started upstream (an incoming
    /// `traceparent`) follows the upstream decision, so a trace is never half recorded.
    pub sampling_ratio: f64,
    /// Time allowed for one export request.
    pub timeout: Duration,
}

impl OtlpConfig {
    /// Export to `endpoint`, recording every trace.
    pub fn new(endpoint: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into(),
            sampling_ratio: 1.0,
            timeout: Duration::from_secs(10),
        }
    }

    /// From `OTEL_EXPORTER_OTLP_ENDPOINT`, when it is set and not empty.
    pub fn from_env() -> Option<Self> {
        std::env::var(OTLP_ENDPOINT_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| Self::new(v.trim()))
    }

    /// The URL spans are posted to.
    pub fn traces_url(&self) -> String {
        let base = self.endpoint.trim_end_matches('/');
        if base.ends_with("/v1/traces") {
            base.to_owned()
        } else {
            format!("{base}/v1/traces")
        }
    }
}

/// What to install.
#[derive(Debug, Clone, PartialEq)]
pub struct TelemetryConfig {
    /// `service.name` of the exported spans (`OTEL_SERVICE_NAME` wins when set).
    pub service_name: String,
    /// Log line format.
    pub log_format: LogFormat,
    /// `None`: no span export (the default).
    pub otlp: Option<OtlpConfig>,
    /// Which log lines are written, as an `EnvFilter` directive (`RUST_LOG`, default `info`).
    pub log_filter: String,
}

impl TelemetryConfig {
    /// The defaults for `service_name`, with `LOG_FORMAT`, `OTEL_SERVICE_NAME` and
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` from the environment applied.
    pub fn from_env(service_name: &str) -> Result<Self, TelemetryError> {
        Ok(Self {
            service_name: service_name_from_env(service_name),
            log_format: LogFormat::from_env()?.unwrap_or_default(),
            otlp: OtlpConfig::from_env(),
            log_filter: log_filter_from_env(),
        })
    }
}

/// `RUST_LOG` when set, else `info`.
pub fn log_filter_from_env() -> String {
    std::env::var(EnvFilter::DEFAULT_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "info".to_owned())
}

/// `OTEL_SERVICE_NAME` when set, else `default`.
pub fn service_name_from_env(default: &str) -> String {
    std::env::var(SERVICE_NAME_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// Spans the OpenTelemetry layer records: `info` everywhere (sea-orm's statement spans are
/// `info`), and `debug` in Tessera's own crates, where the per-stage and per-fetch spans are.
/// Those are `debug` so that, without an exporter, no layer wants them and they cost nothing.
fn trace_targets() -> Targets {
    Targets::new()
        .with_default(LevelFilter::INFO)
        .with_target("gateway", LevelFilter::DEBUG)
        .with_target("subgraph_kit", LevelFilter::DEBUG)
        .with_target("tessera_telemetry", LevelFilter::DEBUG)
}

/// The installed telemetry. Keep it until the process ends: dropping it flushes the spans
/// still buffered and stops the exporter.
#[must_use = "dropping it stops span export"]
#[derive(Debug)]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Whether spans are exported.
    pub fn exporting(&self) -> bool {
        self.provider.is_some()
    }

    /// Exports every finished span now. Blocks until the collector answered or timed out.
    pub fn flush(&self) {
        if let Some(provider) = &self.provider
            && let Err(err) = provider.force_flush()
        {
            eprintln!("tessera-telemetry: cannot flush spans: {err}");
        }
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(err) = provider.shutdown()
        {
            // The subscriber may already be gone: stderr is all that is left.
            eprintln!("tessera-telemetry: cannot flush spans at shutdown: {err}");
        }
    }
}

/// Builds the subscriber for `config`, writing log lines to `writer`, without installing it.
/// Tests install it for one scope; [`init`] installs it for the process.
pub fn build<W>(
    config: &TelemetryConfig,
    writer: W,
) -> Result<
    (
        impl Subscriber + Send + Sync + for<'a> LookupSpan<'a>,
        Telemetry,
    ),
    TelemetryError,
>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(&config.log_filter).map_err(|e| TelemetryError::LogFilter {
        filter: config.log_filter.clone(),
        message: e.to_string(),
    })?;
    let fmt = tracing_subscriber::fmt::layer().with_writer(writer);
    let fmt: Box<dyn Layer<Registry> + Send + Sync> = match config.log_format {
        LogFormat::Text => fmt.with_filter(filter).boxed(),
        LogFormat::Json => fmt
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(true)
            .with_filter(filter)
            .boxed(),
    };
    let mut layers = vec![fmt];
    let mut provider = None;
    if let Some(otlp) = &config.otlp {
        let exporter = otlp::span_exporter(otlp)?;
        let ratio = otlp.sampling_ratio.clamp(0.0, 1.0);
        let built = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
                ratio,
            ))))
            .with_resource(
                Resource::builder()
                    .with_service_name(config.service_name.clone())
                    .build(),
            )
            .build();
        let tracer = built.tracer(config.service_name.clone());
        layers.push(
            tracing_opentelemetry::layer()
                .with_tracer(tracer)
                .with_filter(trace_targets())
                .boxed(),
        );
        provider = Some(built);
    }
    Ok((
        tracing_subscriber::registry().with(layers),
        Telemetry { provider },
    ))
}

/// Installs the subscriber for `config` for the whole process, logging to stderr (stdout stays
/// free for commands that print results, such as `tessera-gateway compose`).
pub fn init(config: &TelemetryConfig) -> Result<Telemetry, TelemetryError> {
    let (subscriber, telemetry) = build(config, std::io::stderr)?;
    subscriber
        .try_init()
        .map_err(|_| TelemetryError::AlreadyInstalled)?;
    Ok(telemetry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traces_url_follows_the_specification() {
        assert_eq!(
            OtlpConfig::new("http://c:4318").traces_url(),
            "http://c:4318/v1/traces"
        );
        assert_eq!(
            OtlpConfig::new("http://c:4318/").traces_url(),
            "http://c:4318/v1/traces"
        );
        assert_eq!(
            OtlpConfig::new("http://c:4318/v1/traces").traces_url(),
            "http://c:4318/v1/traces"
        );
    }

    #[test]
    fn log_format_parses_both_spellings_only() {
        assert_eq!(LogFormat::parse("JSON"), Some(LogFormat::Json));
        assert_eq!(LogFormat::parse("text"), Some(LogFormat::Text));
        assert_eq!(LogFormat::parse("yaml"), None);
    }
}
