//! reviews subgraph
