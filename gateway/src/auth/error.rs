//! Why a token was refused (sent to the client), and why the auth configuration could not be
//! used (at start).

use std::path::PathBuf;

use super::policy::PolicyParseError;

/// Why a request's token was refused. The message goes to the client with
/// `UNAUTHENTICATED`; it names the check that failed, never key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("authentication required: send a token in the `{0}` header")]
    Missing(String),
    #[error("malformed `{0}` header: expected `{1} <token>`")]
    MalformedHeader(String, String),
    #[error("invalid token: not a well-formed JWT")]
    Malformed,
    #[error("invalid token: algorithm `{0}` is not accepted")]
    AlgorithmNotAllowed(String),
    #[error("invalid token: signing key `{0}` is unknown")]
    UnknownKey(String),
    #[error("invalid token: signature does not verify")]
    InvalidSignature,
    #[error("invalid token: expired")]
    Expired,
    #[error("invalid token: not valid yet (nbf)")]
    NotYetValid,
    #[error("invalid token: issuer is not accepted")]
    InvalidIssuer,
    #[error("invalid token: audience is not accepted")]
    InvalidAudience,
    #[error("invalid token: required claim `{0}` is missing")]
    MissingClaim(String),
    #[error("invalid token: claim `{0}` is malformed")]
    InvalidClaim(String),
    #[error("cannot verify the token: signing keys are unavailable")]
    KeysUnavailable,
}

/// Why the `[authentication]`, `[authorization]`, `[headers]` or `[introspection]` settings
/// cannot be used. Reported at start, so a bad key file never surfaces as refused requests.
#[derive(Debug, thiserror::Error)]
pub enum AuthSetupError {
    #[error("[[authentication.jwks]] entry {index}: give exactly one of `url`, `file` or `pem`")]
    KeySource { index: usize },
    #[error("[authentication] require = true needs at least one [[authentication.jwks]] source")]
    RequireWithoutKeys,
    #[error("[[authentication.jwks]] entry {index}: a `pem` key needs `algorithm`")]
    PemAlgorithm { index: usize },
    #[error("unknown JWT algorithm `{0}`")]
    UnknownAlgorithm(String),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid JWKS in {origin}: {message}")]
    InvalidJwks { origin: String, message: String },
    #[error("invalid PEM key in {path}: {message}")]
    InvalidPem { path: PathBuf, message: String },
    #[error("cannot build the JWKS HTTP client: {0}")]
    Client(String),
    #[error("[headers]: `{0}` is not a valid header name")]
    HeaderName(String),
    #[error("[headers]: `{0}` is never forwarded to subgraphs (hop-by-hop or set by the gateway)")]
    ReservedHeader(String),
    #[error("[headers]: invalid value for `{0}`")]
    HeaderValue(String),
    #[error("policy `{name}`: {source}")]
    Policy {
        name: String,
        source: PolicyParseError,
    },
}
