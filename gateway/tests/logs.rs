//! Logs: with `LOG_FORMAT=json` every line is one JSON object, the lines of a request carry
//! its request id, and no token ever appears, even at `trace` level.
//!
//! A binary of its own: the test installs a subscriber for its thread, and tracing's callsite
//! interest cache is shared by every thread of the process, so tests running beside it
//! without a subscriber could switch its callsites off.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::{TestApp, post};
use gateway::config::GatewayConfig;
use serde_json::{Value, json};

const SHOP_QUERY: &str =
    "query Shop { users(first: 2) { name orders { total product { name } } } }";

/// A log sink for one test.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn json_logs_carry_the_request_id_and_no_token() {
    let buffer = Buffer::default();
    let sink = buffer.clone();
    let (subscriber, _telemetry) = tessera_telemetry::init::build(
        &tessera_telemetry::TelemetryConfig {
            service_name: "test".into(),
            log_format: tessera_telemetry::LogFormat::Json,
            otlp: None,
            log_filter: "trace".into(),
        },
        move || sink.clone(),
    )
    .expect("subscriber");
    // Current-thread test runtime: everything below runs on this thread, under this subscriber.
    let _guard = tracing::subscriber::set_default(subscriber);

    let token = "eyJhbGciOiJFZERTQSJ9.secret-payload.secret-signature";
    let app = TestApp::shop(&GatewayConfig::default());
    let response = post(
        &app.router,
        &json!({"query": SHOP_QUERY}),
        &[
            ("x-request-id", "log-test-1"),
            ("authorization", &format!("Bearer {token}")),
        ],
    )
    .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        app.subgraphs.last_headers().expect("called")["authorization"],
        format!("Bearer {token}").as_str(),
        "the token reaches the subgraph"
    );
    drop(_guard);

    let text = String::from_utf8(buffer.0.lock().expect("lock").clone()).expect("utf8");
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(
        !lines.is_empty(),
        "the request logged something at trace level"
    );
    let served: Vec<&Value> = lines
        .iter()
        .filter(|l| l["message"] == "request served")
        .collect();
    assert_eq!(served.len(), 1, "{text}");
    for line in &lines {
        assert!(line.is_object());
        let spans = line["spans"]
            .as_array()
            .expect("the spans of a request line");
        assert!(
            spans.iter().any(|s| s["request_id"] == "log-test-1"),
            "no request id: {line}"
        );
    }
    assert!(
        !text.contains("secret-payload"),
        "a token was logged: {text}"
    );
    assert!(
        !text.contains("secret-signature"),
        "a token was logged: {text}"
    );
}
