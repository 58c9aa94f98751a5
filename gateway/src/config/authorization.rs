//! `[authorization]`: enforcing `@authenticated`, `@requiresScopes` and `@policy` of the
//! supergraph before planning. See `docs/AUTH.md` for the modes and the policy language.

use std::collections::BTreeMap;

use serde::Deserialize;

/// What to do with an operation that selects something the caller may not see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorizationMode {
    /// Remove the unauthorized selections before planning, answer them with `null` and a
    /// `FORBIDDEN` error at each path, and run the rest.
    #[default]
    Filter,
    /// Refuse the whole operation (403 `FORBIDDEN`, no subgraph called).
    Reject,
}

/// Authorization directives.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthorizationConfig {
    /// `filter` or `reject`.
    pub mode: AuthorizationMode,
    /// Claim holding the caller's scopes for `@requiresScopes`: a space-separated string
    /// (OAuth 2 `scope`) or an array of strings.
    pub scopes_claim: String,
    /// The policies `@policy(policies:)` names, each a rule over the caller's claims
    /// (`claim:role == "admin" || scope:orders:read`). A policy the supergraph names but this
    /// table does not define is never satisfied.
    pub policies: BTreeMap<String, String>,
}

impl Default for AuthorizationConfig {
    fn default() -> Self {
        Self {
            mode: AuthorizationMode::Filter,
            scopes_claim: "scope".into(),
            policies: BTreeMap::new(),
        }
    }
}
