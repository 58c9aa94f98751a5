//! users subgraph
