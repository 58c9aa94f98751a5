//! An in-process OTLP/HTTP collector for tests (feature `testing`): it accepts
//! `POST /v1/traces` with protobuf bodies, as a real collector does, and keeps the spans.
//!
//! It runs on a thread and runtime of its own, so it outlives the test that started it: the
//! global subscriber it feeds is shared by every test of the binary.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use prost::Message as _;

use crate::init::{LogFormat, OtlpConfig, TelemetryConfig};

/// One span as the collector received it.
#[derive(Debug, Clone)]
pub struct CollectedSpan {
    /// `service.name` of the resource that sent it.
    pub service: String,
    /// Hex trace id.
    pub trace_id: String,
    /// Hex span id.
    pub span_id: String,
    /// Hex parent span id; `None` for a root span.
    pub parent_span_id: Option<String>,
    pub name: String,
    /// OTLP `SpanKind` (1 internal, 2 server, 3 client).
    pub kind: i32,
    /// Attributes, rendered as text.
    pub attributes: HashMap<String, String>,
}

/// The collector: where it listens and what it received.
#[derive(Debug, Clone)]
pub struct Collector {
    /// Base URL to give as the OTLP endpoint.
    pub endpoint: String,
    spans: Arc<Mutex<Vec<CollectedSpan>>>,
}

impl Collector {
    /// Starts a collector on `127.0.0.1:0`.
    pub fn start() -> Self {
        let spans = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let state = spans.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("collector runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("collector bind");
                let addr = listener.local_addr().expect("collector addr");
                tx.send(addr).expect("collector start");
                let app = Router::new()
                    .route("/v1/traces", post(receive))
                    .with_state(state);
                let _ = axum::serve(listener, app).await;
            });
        });
        let addr = rx.recv().expect("collector address");
        Self {
            endpoint: format!("http://{addr}"),
            spans,
        }
    }

    /// Every span received so far.
    pub fn spans(&self) -> Vec<CollectedSpan> {
        self.spans.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The spans of `trace_id` once `done` holds for them, or whatever arrived by `timeout`.
    pub async fn wait_for_trace(
        &self,
        trace_id: &str,
        timeout: Duration,
        done: impl Fn(&[CollectedSpan]) -> bool,
    ) -> Vec<CollectedSpan> {
        let deadline = Instant::now() + timeout;
        loop {
            let trace: Vec<CollectedSpan> = self
                .spans()
                .into_iter()
                .filter(|s| s.trace_id == trace_id)
                .collect();
            if done(&trace) || Instant::now() >= deadline {
                return trace;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn receive(
    State(spans): State<Arc<Mutex<Vec<CollectedSpan>>>>,
    body: Bytes,
) -> impl IntoResponse {
    let Ok(request) = ExportTraceServiceRequest::decode(body) else {
        return (StatusCode::BAD_REQUEST, Vec::new()).into_response();
    };
    let mut received = Vec::new();
    for resource_spans in request.resource_spans {
        let service = resource_spans
            .resource
            .iter()
            .flat_map(|r| &r.attributes)
            .find(|kv| kv.key == "service.name")
            .and_then(|kv| kv.value.as_ref())
            .and_then(|v| v.value.as_ref())
            .map(render)
            .unwrap_or_default();
        for scope in resource_spans.scope_spans {
            for span in scope.spans {
                received.push(CollectedSpan {
                    service: service.clone(),
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_span_id: (!span.parent_span_id.is_empty())
                        .then(|| hex(&span.parent_span_id)),
                    name: span.name,
                    kind: span.kind,
                    attributes: span
                        .attributes
                        .into_iter()
                        .filter_map(|kv| {
                            let value = kv.value?.value?;
                            Some((kv.key, render(&value)))
                        })
                        .collect(),
                });
            }
        }
    }
    if let Ok(mut all) = spans.lock() {
        all.extend(received);
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/x-protobuf")],
        ExportTraceServiceResponse::default().encode_to_vec(),
    )
        .into_response()
}

fn render(value: &Value) -> String {
    match value {
        Value::StringValue(s) => s.clone(),
        Value::BoolValue(b) => b.to_string(),
        Value::IntValue(i) => i.to_string(),
        Value::DoubleValue(d) => d.to_string(),
        other => format!("{other:?}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The process-wide collector and the global subscriber exporting to it, installed on first
/// use. Every span of the test binary goes there; tests pick theirs by trace id.
pub fn global(service_name: &str) -> &'static (Collector, crate::Telemetry) {
    static GLOBAL: OnceLock<(Collector, crate::Telemetry)> = OnceLock::new();
    GLOBAL.get_or_init(|| {
        let collector = Collector::start();
        let mut otlp = OtlpConfig::new(collector.endpoint.clone());
        otlp.timeout = Duration::from_secs(5);
        let telemetry = crate::init(&TelemetryConfig {
            service_name: service_name.to_owned(),
            log_format: LogFormat::Text,
            otlp: Some(otlp),
            log_filter: "warn".into(),
        })
        .expect("install the test subscriber");
        (collector, telemetry)
    })
}

/// A `traceparent` for a fresh sampled trace, as a client would send it, with its trace id.
pub fn client_traceparent() -> (String, String) {
    let trace_id = uuid::Uuid::new_v4().simple().to_string();
    let parent = &uuid::Uuid::new_v4().simple().to_string()[..16];
    (format!("00-{trace_id}-{parent}-01"), trace_id)
}
