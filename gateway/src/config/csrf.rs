//! `[csrf]`: cross-site request forgery prevention.

use serde::Deserialize;

/// A browser sends some requests cross-site without asking the server first (CORS "simple"
/// requests: `GET`, or `POST` with a form or `text/plain` body, and no custom header). Such a
/// request could make a logged-in user's browser run an operation with their cookies. The
/// gateway refuses them unless they carry a header no browser adds without a CORS preflight,
/// which the server then gets to refuse.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CsrfConfig {
    /// Refuse simple requests without one of `required_headers` (`CSRF_PREVENTED`, 400).
    pub enabled: bool,
    /// Any one of these headers, with any value, makes a request safe: only a preflighted
    /// (CORS-approved) cross-site request can carry it.
    pub required_headers: Vec<String>,
    /// Also refuse a `GET` without any `Content-Type` and without a required header. Off by
    /// default: GraphQL over HTTP clients send plain `GET`s, and a `GET` can only run queries.
    /// Turn it on when queries must not be triggerable from another site at all.
    pub strict_get: bool,
}

impl Default for CsrfConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            required_headers: vec![
                "graphql-preflight".to_owned(),
                "apollo-require-preflight".to_owned(),
                "x-apollo-operation-name".to_owned(),
            ],
            strict_get: false,
        }
    }
}
