//! The OTLP/HTTP span exporter (protobuf bodies, `POST {endpoint}/v1/traces`).
//!
//! The spans are sent with the workspace's reqwest (rustls, so an `https://` collector works)
//! through its blocking client: the SDK's batch processor runs on a thread of its own and
//! drives the export future there without a tokio runtime, which is what a blocking client is
//! for. Using the exporter's bundled client instead would add a second reqwest major version
//! to every binary.

use async_trait::async_trait;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{Protocol, SpanExporter, WithExportConfig as _, WithHttpConfig as _};

use crate::init::{OtlpConfig, TelemetryError};

/// Sends the exporter's requests with a blocking reqwest client.
#[derive(Debug)]
struct BlockingReqwest(reqwest::blocking::Client);

#[async_trait]
impl HttpClient for BlockingReqwest {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let (parts, body) = request.into_parts();
        let response = self
            .0
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers)
            .body(body.to_vec())
            .send()?
            .error_for_status()?;
        let status = response.status();
        let headers = response.headers().clone();
        let mut out = Response::builder().status(status).body(response.bytes()?)?;
        *out.headers_mut() = headers;
        Ok(out)
    }
}

/// The exporter for `config`.
pub fn span_exporter(config: &OtlpConfig) -> Result<SpanExporter, TelemetryError> {
    let url = config.traces_url();
    let parsed = reqwest::Url::parse(&url).map_err(|e| TelemetryError::Endpoint {
        endpoint: config.endpoint.clone(),
        message: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(TelemetryError::Endpoint {
            endpoint: config.endpoint.clone(),
            message: "the scheme must be http or https".into(),
        });
    }
    let timeout = config.timeout;
    // reqwest's blocking client owns a runtime; building it on a plain thread keeps that
    // runtime out of the caller's (a tokio runtime may not create or drop another in place).
    let client = std::thread::spawn(move || {
        reqwest::blocking::Client::builder()
            .timeout(timeout)
            .build()
    })
    .join()
    .map_err(|_| TelemetryError::Exporter("the client builder panicked".into()))?
    .map_err(|e| TelemetryError::Exporter(e.to_string()))?;
    SpanExporter::builder()
        .with_http()
        .with_http_client(BlockingReqwest(client))
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(url)
        .with_timeout(config.timeout)
        .build()
        .map_err(|e| TelemetryError::Exporter(e.to_string()))
}
