//! The per-request context that crosses service boundaries: the request id and the W3C trace
//! context.
//!
//! The HTTP [`layer`](crate::layer) opens a [`RequestScope`] for each request (a tokio
//! task-local, so it follows the request's future without being passed around) and a server
//! span whose parent is the incoming `traceparent`. Code calling another service calls
//! [`inject`], which writes `x-request-id` and the current span's `traceparent` into the
//! outgoing headers.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::TraceContextExt as _;
use opentelemetry_http::{HeaderExtractor, HeaderInjector};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

/// The request id header, in and out.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");
const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
const TRACESTATE: HeaderName = HeaderName::from_static("tracestate");

/// Longest request id accepted from a client; longer ones are replaced by a fresh id.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// A request's correlation id: the client's `x-request-id` when it is a sane one, else a fresh
/// UUID. Sane means 1 to 128 visible ASCII characters: whatever a client sends ends up in log
/// lines, so control characters, spaces and quotes (log injection) are not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(HeaderValue);

impl RequestId {
    /// The id of a request with these headers.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        headers
            .get(REQUEST_ID_HEADER)
            .filter(|v| Self::acceptable(v.as_bytes()))
            .map_or_else(Self::fresh, |v| Self(v.clone()))
    }

    /// A new random id.
    pub fn fresh() -> Self {
        let id = uuid::Uuid::new_v4();
        let mut buf = uuid::Uuid::encode_buffer();
        let text = id.hyphenated().encode_lower(&mut buf);
        // A hyphenated UUID is always a valid header value.
        Self(HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("invalid")))
    }

    fn acceptable(bytes: &[u8]) -> bool {
        (1..=MAX_REQUEST_ID_LEN).contains(&bytes.len())
            && bytes
                .iter()
                .all(|b| b.is_ascii_graphic() && *b != b'"' && *b != b'\\')
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Only visible ASCII gets in, so this never fails.
        self.0.to_str().unwrap_or_default()
    }

    /// The id as a header value.
    pub fn header_value(&self) -> &HeaderValue {
        &self.0
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one request carries to the services it calls.
#[derive(Debug, Clone)]
pub struct RequestScope {
    /// The request's id.
    pub id: RequestId,
    /// The incoming `traceparent`/`tracestate`, passed on unchanged when this process does not
    /// export spans (no OpenTelemetry span of its own to put in their place), so a trace
    /// started upstream still continues downstream.
    incoming_trace: Option<(HeaderValue, Option<HeaderValue>)>,
}

impl RequestScope {
    /// The scope of a request with these headers.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Self {
            id: RequestId::from_headers(headers),
            incoming_trace: headers
                .get(TRACEPARENT)
                .map(|tp| (tp.clone(), headers.get(TRACESTATE).cloned())),
        }
    }
}

tokio::task_local! {
    static SCOPE: RequestScope;
}

/// Runs `future` with `scope` as the current request scope.
pub async fn scoped<F: Future>(scope: RequestScope, future: F) -> F::Output {
    SCOPE.scope(scope, future).await
}

/// The current request's id, inside a request.
pub fn current_request_id() -> Option<RequestId> {
    SCOPE.try_with(|s| s.id.clone()).ok()
}

/// Writes the request context into the headers of a call to another service:
/// `x-request-id`, and `traceparent` (plus `tracestate`) naming the current span as the parent.
pub fn inject(headers: &mut HeaderMap) {
    let incoming = SCOPE
        .try_with(|scope| {
            headers.insert(REQUEST_ID_HEADER, scope.id.0.clone());
            scope.incoming_trace.clone()
        })
        .ok()
        .flatten();
    let cx = tracing::Span::current().context();
    if cx.span().span_context().is_valid() {
        TraceContextPropagator::new().inject_context(&cx, &mut HeaderInjector(headers));
    } else if let Some((traceparent, tracestate)) = incoming {
        headers.insert(TRACEPARENT, traceparent);
        if let Some(tracestate) = tracestate {
            headers.insert(TRACESTATE, tracestate);
        }
    }
}

/// Makes `span` a child of the trace context in `headers`, if they carry one.
pub fn set_parent_from(span: &tracing::Span, headers: &HeaderMap) {
    if !headers.contains_key(TRACEPARENT) {
        return;
    }
    let cx = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
    if cx.span().span_context().is_valid() {
        // Fails only when no OpenTelemetry layer records the span: nothing to parent then.
        let _ = span.set_parent(cx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(
                HeaderName::from_bytes(k.as_bytes()).expect("name"),
                HeaderValue::from_str(v).expect("value"),
            );
        }
        map
    }

    #[test]
    fn a_sane_client_id_is_kept() {
        let id = RequestId::from_headers(&headers(&[("x-request-id", "abc-123_XYZ")]));
        assert_eq!(id.as_str(), "abc-123_XYZ");
    }

    #[test]
    fn insane_ids_are_replaced() {
        let long = "a".repeat(MAX_REQUEST_ID_LEN + 1);
        for bad in ["", "has space", "quote\"d", long.as_str()] {
            let id = RequestId::from_headers(&headers(&[("x-request-id", bad)]));
            assert_ne!(id.as_str(), bad);
            assert_eq!(id.as_str().len(), 36, "a fresh UUID: {id}");
        }
        let a = RequestId::from_headers(&HeaderMap::new());
        let b = RequestId::from_headers(&HeaderMap::new());
        assert_ne!(a, b, "fresh ids differ");
    }

    #[tokio::test]
    async fn inject_forwards_the_id_and_passes_the_incoming_trace_through() {
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let incoming = headers(&[
            ("x-request-id", "req-1"),
            ("traceparent", traceparent),
            ("tracestate", "vendor=1"),
        ]);
        let mut outgoing = HeaderMap::new();
        scoped(RequestScope::from_headers(&incoming), async {
            inject(&mut outgoing);
        })
        .await;
        assert_eq!(outgoing["x-request-id"], "req-1");
        // No OpenTelemetry layer here: the upstream context goes on unchanged.
        assert_eq!(outgoing["traceparent"], traceparent);
        assert_eq!(outgoing["tracestate"], "vendor=1");

        let mut outside = HeaderMap::new();
        inject(&mut outside);
        assert!(outside.is_empty(), "outside a request nothing is added");
    }
}
