//! The standard federation benchmark (issue 5): the workload the public gateway benchmarks
//! share, built with our own code, and the tools to measure any gateway on it.
//!
//! Run with `cargo run --release -p bench -- --help`; `bench/compare.sh` runs Tessera and
//! Hive Router side by side. `docs/BENCHMARKS.md` has the figures and the exact commands.
//!
//! # Layout
//! - [`data`]: the deterministic in-memory data every server answers from.
//! - [`subgraphs`]: accounts, products, inventory, reviews (async-graphql, Federation v2).
//! - [`monolith`]: the same API in one async-graphql server, no gateway: the physical limit.
//! - [`serve`]: `POST /graphql` for a schema.
//! - [`driver`]: the load driver (fixed connections, warm-up, checked answers, `/proc` CPU
//!   and RSS of the measured process).
//! - [`report`]: results as JSON lines, and the comparison table with ratios.
//! - [`procfs`]: `/proc` readings and `taskset` pinning.

pub mod data;
pub mod driver;
pub mod error;
pub mod monolith;
pub mod procfs;
pub mod report;
pub mod serve;
pub mod subgraphs;

pub use error::BenchError;

/// The benchmark query: fragments, `@requires`, `@provides`, five levels of entity jumps.
pub const QUERY: &str = include_str!("../query.graphql");

/// The supergraph of the four subgraphs, composed by `tessera-gateway compose` (see
/// `bench/compose.sh`).
pub const SUPERGRAPH: &str = include_str!("../supergraph.graphql");

/// The request body the driver sends for `query`.
pub fn request_body(query: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "query": query })).unwrap_or_default()
}

/// The correct answer to `query`: the monolith's, computed in process. It has no errors, or
/// the benchmark would be measuring error handling.
pub async fn expected_response(query: &str) -> Result<Vec<u8>, BenchError> {
    let response = monolith::schema().execute(query).await;
    if !response.errors.is_empty() {
        return Err(BenchError::Expected(format!("{:?}", response.errors)));
    }
    serde_json::to_vec(&response).map_err(|e| BenchError::Expected(e.to_string()))
}
