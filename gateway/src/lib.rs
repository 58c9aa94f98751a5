//! Tessera, a Federation v2 gateway: composes subgraphs into one schema, plans each operation
//! once and executes it with batched entity fetches.
//!
//! # Layout
//! See `docs/ARCHITECTURE.md` for one request traced end to end.
//! - [`error`]: the client error vocabulary shared by every module.
//! - [`supergraph::compose`]: Federation v2 composition of subgraph SDLs.

pub mod error;

pub mod supergraph {
    pub mod compose;
}
