//! A subgraph's Prometheus series, served on `GET /metrics`.
//!
//! - `tessera_subgraph_http_requests_in_flight`, `tessera_subgraph_http_request_duration_seconds`:
//!   the GraphQL endpoint, from [`tessera_telemetry::HttpObserver`].
//! - `tessera_subgraph_graphql_requests_total{operation,outcome}`,
//!   `tessera_subgraph_graphql_request_duration_seconds{operation}`: each request of a batch.
//! - `tessera_subgraph_db_pool_connections{state}` (`idle`, `in_use`) and
//!   `tessera_subgraph_db_pool_max_connections`: the sea-orm (sqlx) pool, read at scrape time.

use std::time::Duration;

use axum::response::Response;
use prometheus::{IntGauge, IntGaugeVec, Opts, Registry};
use sea_orm::DatabaseConnection;
use tessera_telemetry::HttpObserver;
use tessera_telemetry::metrics::{self as shared, GraphqlMetrics, OperationLabels, Outcome};

/// Namespace of every subgraph series.
pub const PREFIX: &str = "tessera_subgraph";

/// Distinct operation names kept as the `operation` label (later ones count as `(other)`).
pub const MAX_OPERATION_NAMES: usize = 100;

/// The series of one subgraph, in its own registry.
#[derive(Debug)]
pub struct SubgraphMetrics {
    registry: Registry,
    /// In-flight and latency of HTTP requests to `/graphql`.
    pub http: HttpObserver,
    graphql: GraphqlMetrics,
    operations: OperationLabels,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
    db: DatabaseConnection,
}

impl SubgraphMetrics {
    /// Registers every series; the pool ones read `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        let registry = Registry::new();
        let pool_connections = IntGaugeVec::new(
            Opts::new(
                format!("{PREFIX}_db_pool_connections"),
                "Database connections open in the pool, by state (idle, in_use)",
            ),
            &["state"],
        )
        .unwrap_or_else(|e| panic!("invalid metric: {e}"));
        let pool_max = IntGauge::new(
            format!("{PREFIX}_db_pool_max_connections"),
            "Most connections the database pool may open",
        )
        .unwrap_or_else(|e| panic!("invalid metric: {e}"));
        for collector in [
            Box::new(pool_connections.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(pool_max.clone()),
        ] {
            if let Err(err) = registry.register(collector) {
                tracing::error!(error = %err, "cannot register a metric");
            }
        }
        Self {
            http: HttpObserver::register(&registry, PREFIX, "/graphql"),
            graphql: GraphqlMetrics::register(&registry, PREFIX),
            operations: OperationLabels::new(MAX_OPERATION_NAMES),
            pool_connections,
            pool_max,
            registry,
            db,
        }
    }

    /// The label for a request's operation name.
    pub fn operation_label(&self, name: Option<&str>) -> String {
        self.operations.label(name).to_owned()
    }

    /// Records one GraphQL request.
    pub fn observe_request(&self, operation: &str, outcome: Outcome, elapsed: Duration) {
        self.graphql
            .observe(operation, outcome, elapsed.as_secs_f64());
    }

    /// The text exposition, with the pool gauges read now.
    pub fn render(&self) -> Response {
        if let Some((size, idle, max)) = pool_usage(&self.db) {
            self.pool_connections.with_label_values(&["idle"]).set(idle);
            self.pool_connections
                .with_label_values(&["in_use"])
                .set(size.saturating_sub(idle));
            self.pool_max.set(max);
        }
        shared::render(&self.registry)
    }
}

/// (open, idle, max) connections of the pool behind `db`.
fn pool_usage(db: &DatabaseConnection) -> Option<(i64, i64, i64)> {
    let backend = db.get_database_backend();
    let (size, idle, max) = match backend {
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        sea_orm::DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => return None,
    };
    Some((
        i64::from(size),
        i64::try_from(idle).unwrap_or(i64::MAX),
        i64::from(max),
    ))
}
