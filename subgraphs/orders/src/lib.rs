//! orders subgraph
