//! products subgraph
