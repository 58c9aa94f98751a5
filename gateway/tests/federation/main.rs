//! Every Federation v2 construct, end to end: purpose-built async-graphql subgraphs in process,
//! the supergraph composed from their SDLs, the gateway's HTTP router in front. Each test
//! asserts the client's exact response and the requests each subgraph got.
//!
//! One module per construct group of issue #4; `docs/FEDERATION_SUPPORT.md` maps each
//! construct to its tests.

mod abstract_types;
mod budget;
mod execution;
mod keys;
mod other_inputs;
mod overrides;
mod ownership;
mod support;
mod types;
