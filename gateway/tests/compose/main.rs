//! Composition tests: Tessera's supergraph against Apollo's reference composer (the oracle),
//! a snapshot of the Tessera fixture, and one test per conflict class.
//!
//! Fixtures live in `gateway/fixtures/compose/<set>/` (`subgraphs.txt` lists `name url`, the
//! SDL of each subgraph is `<name>.graphql`).

mod errors;
mod fetch;
mod oracle;
mod plans;
mod robustness;
mod support;
