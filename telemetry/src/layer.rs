//! The axum middleware every service puts in front of its routes.
//!
//! For every request it settles the request id (the client's `x-request-id` or a fresh one),
//! returns it in the response and makes it available to outgoing calls
//! ([`context::inject`]). For the GraphQL route it also opens the server span (child of the
//! incoming `traceparent`, carrying `request_id`, so every log line of the request has it),
//! counts the request in flight and observes its latency. Probes (`/health`, `/ready`,
//! `/metrics`) get an id but no span and no latency sample, so they neither flood the trace
//! store nor skew the latency series.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{HistogramVec, IntGauge, Registry};
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::context::{self, REQUEST_ID_HEADER, RequestScope};
use crate::metrics;

/// The HTTP series of one service and the route they cover.
#[derive(Debug, Clone)]
pub struct HttpObserver(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    /// Path of the GraphQL route, the only one measured.
    path: &'static str,
    in_flight: IntGauge,
    duration: HistogramVec,
}

impl HttpObserver {
    /// Registers `{prefix}_http_requests_in_flight` and
    /// `{prefix}_http_request_duration_seconds{method,status}` for requests to `path`.
    pub fn register(registry: &Registry, prefix: &str, path: &'static str) -> Self {
        Self(Arc::new(Inner {
            path,
            in_flight: metrics::int_gauge(
                registry,
                &format!("{prefix}_http_requests_in_flight"),
                "HTTP requests to the GraphQL endpoint being served right now",
            ),
            duration: metrics::latency_histogram(
                registry,
                &format!("{prefix}_http_request_duration_seconds"),
                "Time to answer an HTTP request to the GraphQL endpoint (refusals included), by method and status",
                &["method", "status"],
            ),
        }))
    }
}

/// Decrements the in-flight gauge however the request ends (a client hanging up drops the
/// future mid-way).
struct InFlight<'a>(&'a IntGauge);

impl<'a> InFlight<'a> {
    fn enter(gauge: &'a IntGauge) -> Self {
        gauge.inc();
        Self(gauge)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// The `method` label: the methods a GraphQL endpoint sees, anything else folded into one
/// value, so a client cannot mint label values.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::OPTIONS => "OPTIONS",
        Method::HEAD => "HEAD",
        _ => "other",
    }
}

/// The middleware: `axum::middleware::from_fn_with_state(observer, observe)`.
pub async fn observe(
    State(observer): State<HttpObserver>,
    request: Request,
    next: Next,
) -> Response {
    let scope = RequestScope::from_headers(request.headers());
    let id = scope.id.clone();
    let mut response = if request.uri().path() == observer.0.path {
        let method = request.method().clone();
        let span = tracing::info_span!(
            "http.request",
            otel.name = %format_args!("{} {}", method_label(&method), observer.0.path),
            otel.kind = "server",
            otel.status_code = Empty,
            http.request.method = method_label(&method),
            url.path = observer.0.path,
            http.response.status_code = Empty,
            request_id = %id,
        );
        context::set_parent_from(&span, request.headers());
        let _in_flight = InFlight::enter(&observer.0.in_flight);
        let start = Instant::now();
        let response = context::scoped(scope, next.run(request))
            .instrument(span.clone())
            .await;
        let status = response.status();
        let elapsed = start.elapsed();
        span.record("http.response.status_code", status.as_u16());
        if status.is_server_error() {
            span.record("otel.status_code", "ERROR");
        }
        observer
            .0
            .duration
            .with_label_values(&[method_label(&method), status.as_str()])
            .observe(elapsed.as_secs_f64());
        span.in_scope(|| {
            tracing::debug!(
                status = status.as_u16(),
                duration_ms = elapsed.as_secs_f64() * 1000.0,
                "request served"
            );
        });
        response
    } else {
        context::scoped(scope, next.run(request)).await
    };
    response
        .headers_mut()
        .insert(REQUEST_ID_HEADER, id.header_value().clone());
    response
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt as _;

    use super::*;

    fn app(registry: &Registry) -> Router {
        let observer = HttpObserver::register(registry, "t", "/graphql");
        Router::new()
            .route(
                "/graphql",
                get(|| async {
                    // The handler sees the request's id and forwards it.
                    let mut headers = HeaderMap::new();
                    context::inject(&mut headers);
                    headers
                        .get(REQUEST_ID_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("none")
                        .to_owned()
                }),
            )
            .route("/health", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(observer, observe))
    }

    async fn call(app: &Router, path: &str, id: Option<&str>) -> (StatusCode, String, String) {
        let mut request = Request::get(path);
        if let Some(id) = id {
            request = request.header("x-request-id", id);
        }
        let response = app
            .clone()
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("response");
        let status = response.status();
        let returned = response.headers()[REQUEST_ID_HEADER]
            .to_str()
            .expect("ascii")
            .to_owned();
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .expect("body")
            .to_bytes();
        (
            status,
            returned,
            String::from_utf8_lossy(&body).into_owned(),
        )
    }

    #[tokio::test]
    async fn ids_are_kept_or_made_returned_and_visible_inside() {
        let registry = Registry::new();
        let app = app(&registry);
        let (status, returned, seen) = call(&app, "/graphql", Some("client-7")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(returned, "client-7");
        assert_eq!(seen, "client-7");

        let (_, returned, seen) = call(&app, "/graphql", None).await;
        assert_eq!(returned.len(), 36);
        assert_eq!(seen, returned);

        let (_, returned, _) = call(&app, "/health", Some("probe-1")).await;
        assert_eq!(returned, "probe-1");
    }

    #[tokio::test]
    async fn only_the_graphql_route_is_measured() {
        let registry = Registry::new();
        let app = app(&registry);
        call(&app, "/graphql", None).await;
        call(&app, "/graphql", None).await;
        call(&app, "/health", None).await;
        let families = registry.gather();
        let duration = families
            .iter()
            .find(|f| f.name() == "t_http_request_duration_seconds")
            .expect("histogram");
        let metric = &duration.get_metric()[0];
        assert_eq!(metric.get_histogram().get_sample_count(), 2);
        let in_flight = families
            .iter()
            .find(|f| f.name() == "t_http_requests_in_flight")
            .expect("gauge");
        assert_eq!(in_flight.get_metric()[0].get_gauge().get_value(), 0.0);
    }
}
