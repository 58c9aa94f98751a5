//! `[headers]`: which headers subgraph requests carry.
//!
//! Nothing a client sends reaches a subgraph unless a rule lets it. Hop-by-hop headers
//! (`connection`, `keep-alive`, `te`, `trailer`, `transfer-encoding`, `upgrade`,
//! `proxy-authorization`, `proxy-authenticate`), `host`, `content-length`, `content-type` and
//! `accept` are never forwarded or set by rules: the gateway's own connection decides them.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Header rules for every subgraph, and per subgraph.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HeadersConfig {
    /// Rules applied to every subgraph request. The default propagates `authorization`, so
    /// subgraphs can verify the caller themselves; writing `[headers.all]` replaces it.
    pub all: HeaderRulesConfig,
    /// Rules added for one subgraph, keyed by its name in the supergraph; applied after `all`
    /// (so a subgraph's `remove` can drop what `all` propagated).
    pub subgraphs: BTreeMap<String, HeaderRulesConfig>,
}

impl Default for HeadersConfig {
    fn default() -> Self {
        Self {
            all: HeaderRulesConfig {
                propagate: vec!["authorization".into()],
                ..HeaderRulesConfig::default()
            },
            subgraphs: BTreeMap::new(),
        }
    }
}

/// One set of rules, applied in this order: propagate, rename, claims, insert, remove.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HeaderRulesConfig {
    /// Client headers copied as they are (case-insensitive names).
    pub propagate: Vec<String>,
    /// Client headers copied under another name: `{ "x-client-id" = "x-caller" }`.
    pub rename: BTreeMap<String, String>,
    /// Headers set from the verified token's claims: `{ "x-user-id" = "sub" }`. A string claim
    /// is sent as is, any other JSON value as its JSON text; absent claims set nothing.
    pub claims: BTreeMap<String, String>,
    /// Headers set to fixed values: `{ "x-gateway" = "tessera" }`.
    pub insert: BTreeMap<String, String>,
    /// Headers removed after the rules above (of this set and of `all`).
    pub remove: Vec<String>,
}
