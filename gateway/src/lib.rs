//! Tessera, a Federation v2 gateway: composes subgraphs into one schema, plans each operation
//! once and executes it with batched entity fetches.
//!
//! # Layout
//! See `docs/ARCHITECTURE.md` for one request traced end to end.
//! - [`error`]: the client error vocabulary shared by every module.
//! - [`boot`]: the first supergraph, from a file or composed from live subgraphs.
//! - [`config`]: `gateway.toml` plus the `TESSERA_…` environment overlay.
//! - [`http`]: the axum router (GraphQL over HTTP, GraphiQL, health) and `serve`.
//! - [`pipeline`]: decode → validate → authorize → variables → plan → execute.
//! - [`auth`]: JWT verification, `@authenticated`/`@requiresScopes`/`@policy`, header rules.
//! - [`introspection`]: `__schema`/`__type` answered from the API schema.
//! - [`executor`]: runs a plan over a [`transport::SubgraphClient`] and projects the response.
//! - [`planner`]: pure query planning, from a validated operation to a [`planner::QueryPlan`].
//! - [`supergraph`]: the supergraph model (graphs, keys, field ownership) and the API schema.
//! - [`supergraph::compose`]: Federation v2 composition of subgraph SDLs.
//! - [`transport`]: subgraph requests (the trait, and the pooled HTTP client).
//! - [`telemetry`]: log and span export settings, and the gateway's Prometheus series.

pub mod auth;
pub mod boot;
pub mod config;
pub mod error;
pub mod executor;
pub mod http;
pub mod introspection;
pub mod pipeline;
pub mod planner;
pub mod supergraph;
pub mod telemetry;
#[cfg(any(test, feature = "test-support"))]
pub mod test_support;
pub mod transport;

pub use http::{AppState, router, serve};
