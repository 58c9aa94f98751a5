//! Tessera, a Federation v2 gateway: composes subgraphs into one schema, plans each operation
//! once and executes it with batched entity fetches.
//!
//! # Layout
//! See `docs/ARCHITECTURE.md` for one request traced end to end.
//! - [`error`]: the client error vocabulary shared by every module.
//! - [`executor`]: runs a plan over a [`transport::SubgraphClient`] and projects the response.
//! - [`planner`]: pure query planning, from a validated operation to a [`planner::QueryPlan`].
//! - [`supergraph`]: the supergraph model (graphs, keys, field ownership) and the API schema.
//! - [`supergraph::compose`]: Federation v2 composition of subgraph SDLs.
//! - [`transport`]: subgraph requests (the trait, and the pooled HTTP client).

pub mod error;
pub mod executor;
pub mod planner;
pub mod supergraph;
pub mod transport;
