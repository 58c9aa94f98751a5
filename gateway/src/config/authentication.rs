//! `[authentication]`: verifying the caller's JWT at the edge.
//!
//! The keys come from one or more `[[authentication.jwks]]` sources. A token is accepted when
//! its `alg` is allowed, a key of the same algorithm family (and `kid`, when the token names
//! one) verifies its signature, and `exp`, `nbf`, `iss` and `aud` pass.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use super::primitives;

/// JWT verification.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthenticationConfig {
    /// Refuse requests that carry no token (401 `UNAUTHENTICATED`). Off by default: anonymous
    /// requests run, and only fields that need an identity are refused.
    pub require: bool,
    /// Request header the token is read from.
    pub header_name: String,
    /// Scheme expected before the token in that header (`Bearer`, compared case-insensitively).
    /// Empty: the whole header value is the token.
    pub header_prefix: String,
    /// Accepted `iss` values. Empty: the issuer is not checked.
    pub issuers: Vec<String>,
    /// Accepted `aud` values. Empty: the audience is not checked.
    pub audiences: Vec<String>,
    /// Clock skew tolerated on `exp` and `nbf`, since the issuer's clock is not ours.
    #[serde(deserialize_with = "primitives::duration")]
    pub leeway: Duration,
    /// Signature algorithms accepted (`RS256`, `ES256`, `EdDSA`, `HS256`, ...). A token with
    /// another `alg` (`none` included) is refused before any key is tried.
    pub algorithms: Vec<String>,
    /// Where the verification keys come from. No source: the gateway verifies no token (every
    /// caller is anonymous to `@authenticated` and friends) and `[headers]` rules still pass the
    /// token on to subgraphs, which may verify it themselves.
    pub jwks: Vec<JwksSourceConfig>,
}

impl Default for AuthenticationConfig {
    fn default() -> Self {
        Self {
            require: false,
            header_name: "authorization".into(),
            header_prefix: "Bearer".into(),
            issuers: Vec::new(),
            audiences: Vec::new(),
            leeway: Duration::from_secs(60),
            algorithms: ["RS256", "ES256", "EdDSA", "HS256"]
                .map(str::to_owned)
                .to_vec(),
            jwks: Vec::new(),
        }
    }
}

/// One source of verification keys: exactly one of `url`, `file` or `pem`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JwksSourceConfig {
    /// A JWKS served over HTTP(S): fetched at the first token, kept for `refresh_interval`, and
    /// fetched again early when a token names a `kid` it does not have (key rotation).
    #[serde(deserialize_with = "primitives::optional_http_url")]
    pub url: Option<reqwest::Url>,
    /// A JWKS file, read at start. HS256 secrets go here as `kty: "oct"` keys, so no secret
    /// sits in the config file.
    pub file: Option<PathBuf>,
    /// A PEM public key file (RSA, EC P-256 or Ed25519), read at start.
    pub pem: Option<PathBuf>,
    /// For `pem`: the algorithm the key verifies. Required, so an RSA key can never be used
    /// for another algorithm than the one it was issued for.
    pub algorithm: Option<String>,
    /// For `pem`: the key id tokens name in `kid` (optional: a token without `kid` is tried
    /// against every key of its algorithm).
    pub kid: Option<String>,
    /// For `url`: how long fetched keys are used before they are fetched again.
    #[serde(deserialize_with = "primitives::duration")]
    pub refresh_interval: Duration,
    /// For `url`: least time between two fetches caused by tokens with an unknown `kid`, so a
    /// stream of forged `kid`s cannot make the gateway hammer the key server.
    #[serde(deserialize_with = "primitives::duration")]
    pub min_refresh_interval: Duration,
    /// For `url`: time allowed for one fetch.
    #[serde(deserialize_with = "primitives::duration")]
    pub timeout: Duration,
}

impl Default for JwksSourceConfig {
    fn default() -> Self {
        Self {
            url: None,
            file: None,
            pem: None,
            algorithm: None,
            kid: None,
            refresh_interval: Duration::from_secs(300),
            min_refresh_interval: Duration::from_secs(10),
            timeout: Duration::from_secs(5),
        }
    }
}
