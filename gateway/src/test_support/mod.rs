//! Test support shared by the crate's own tests and its benchmarks: real async-graphql
//! subgraphs run in process, a client that calls them without sockets and logs every request,
//! and a client that replays responses recorded once, so a benchmark times gateway work only.
//!
//! Compiled for `cargo test` and, through the `test-support` feature, for the benches
//! (`cargo bench -p gateway --features test-support`); not in normal builds of the gateway.
//!
//! # Layout
//! - [`in_process`]: [`InProcess`], subgraph schemas by name, called in process, requests logged.
//! - [`replay`]: [`Recorder`] records the response bodies of a live client, [`Replay`] answers
//!   from them.
//! - [`bench`](mod@bench): the standard federation benchmark subgraphs, supergraph and query.
//! - [`large`]: two subgraphs answering thousands of entities, some of them broken, for
//!   null propagation and projection at scale.

pub mod bench;
pub mod in_process;
pub mod large;
pub mod replay;

use apollo_compiler::ExecutableDocument;

pub use in_process::{InProcess, Logged};
pub use replay::{Recorder, Replay, record};

use crate::planner::{PlanError, QueryPlan, plan};
use crate::supergraph::compose::ComposeError;
use crate::supergraph::{Supergraph, SupergraphError};

/// Why a test fixture could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TestSupportError {
    #[error("the test subgraphs do not compose: {0}")]
    Compose(#[from] ComposeError),
    #[error("the test supergraph does not load: {0}")]
    Supergraph(#[from] SupergraphError),
    #[error("invalid test operation: {0}")]
    InvalidOperation(String),
    #[error("planning the test operation failed: {0}")]
    Plan(#[from] PlanError),
}

/// Validates `query` against the API schema of `supergraph` and plans it, uncached.
pub fn plan_for(supergraph: &Supergraph, query: &str) -> Result<QueryPlan, TestSupportError> {
    let document =
        ExecutableDocument::parse_and_validate(supergraph.api_schema(), query, "op.graphql")
            .map_err(|e| TestSupportError::InvalidOperation(e.errors.to_string()))?;
    Ok(plan(supergraph, &document, None)?)
}
