//! `[supergraph]`: which supergraph to serve.

use std::path::PathBuf;

use serde::Deserialize;

/// Where the supergraph comes from when the command line does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SupergraphConfig {
    /// Path of a supergraph SDL file. `--supergraph` wins over it; with neither (and no
    /// `--subgraph`), the gateway refuses to start rather than serve an empty schema.
    pub path: Option<PathBuf>,
}
