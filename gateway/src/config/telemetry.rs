//! `[telemetry]`: log format and span export.

use std::time::Duration;

use serde::{Deserialize, Deserializer, de};

use super::primitives;

/// Logs and traces. Span export is off unless an OTLP endpoint is given here,
/// in `TESSERA_TELEMETRY__OTLP_ENDPOINT` or in the standard `OTEL_EXPORTER_OTLP_ENDPOINT`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetryConfig {
    /// `text` for people, `json` (one object per line) for log stores. `LOG_FORMAT` wins, so
    /// one variable switches every Tessera service.
    pub log_format: LogFormatName,
    /// OTLP/HTTP base URL of a collector (`http://otel-collector:4318`); spans go to
    /// `/v1/traces` under it. Unset: spans are not exported, and the spans that exist only
    /// for tracing are never created.
    #[serde(deserialize_with = "primitives::optional_http_url")]
    pub otlp_endpoint: Option<reqwest::Url>,
    /// `service.name` of the exported spans (`OTEL_SERVICE_NAME` wins).
    pub service_name: String,
    /// Share of traces started at the gateway that are recorded, 0.0 to 1.0. A request that
    /// arrives with a `traceparent` follows the caller's sampling decision instead.
    #[serde(deserialize_with = "ratio")]
    pub sampling_ratio: f64,
    /// Time allowed for one export request to the collector.
    #[serde(deserialize_with = "primitives::duration")]
    pub export_timeout: Duration,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            log_format: LogFormatName::Text,
            otlp_endpoint: None,
            service_name: "tessera-gateway".into(),
            sampling_ratio: 1.0,
            export_timeout: Duration::from_secs(10),
        }
    }
}

/// The log formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormatName {
    #[default]
    Text,
    Json,
}

fn ratio<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let value = f64::deserialize(deserializer)?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(de::Error::custom(format!(
            "sampling_ratio must be between 0.0 and 1.0, not {value}"
        )))
    }
}
