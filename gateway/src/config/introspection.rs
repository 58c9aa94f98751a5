//! `[introspection]`: who may run `__schema` and `__type`.

use serde::Deserialize;

/// Introspection access.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IntrospectionConfig {
    /// Answer `__schema`/`__type` at all. Off: such operations fail validation
    /// (`GRAPHQL_VALIDATION_FAILED`); `__typename` always works.
    pub enabled: bool,
    /// A rule over the caller's claims, in the policy language of `[authorization.policies]`
    /// (`scope:introspection || claim:role == "developer"`). Set: only callers it holds for may
    /// introspect, others get 403 `FORBIDDEN`. Empty: everyone may.
    pub allow: String,
}

impl Default for IntrospectionConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            allow: String::new(),
        }
    }
}
