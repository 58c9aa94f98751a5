//! Command-line and environment settings every subgraph binary shares.

use std::path::PathBuf;
use std::time::Duration;

use crate::auth::{JwtSettings, JwtVerifier, KeyError, KeySource};

/// Where the service finds the users service's public keys, and what tokens must claim.
#[derive(Debug, Clone, clap::Args)]
pub struct AuthArgs {
    /// JWKS URL of the users service (fetched lazily, cached, refreshed on unknown `kid`).
    #[arg(
        long,
        env = "JWKS_URL",
        default_value = "http://127.0.0.1:4001/.well-known/jwks.json"
    )]
    pub jwks_url: String,
    /// A JWKS JSON file or an Ed25519 public key PEM; takes precedence over `--jwks-url`.
    #[arg(long, env = "JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<PathBuf>,
    /// The `iss` every token must carry.
    #[arg(long, env = "JWT_ISSUER", default_value = "tessera-users")]
    pub jwt_issuer: String,
    /// The `aud` every token must carry.
    #[arg(long, env = "JWT_AUDIENCE", default_value = "tessera")]
    pub jwt_audience: String,
}

impl AuthArgs {
    pub fn settings(&self) -> JwtSettings {
        JwtSettings {
            issuer: self.jwt_issuer.clone(),
            audience: self.jwt_audience.clone(),
            ..JwtSettings::default()
        }
    }

    /// Builds the verifier these settings describe.
    pub fn verifier(&self) -> Result<JwtVerifier, KeyError> {
        let source = match &self.jwt_public_key_file {
            Some(path) => KeySource::from_file(path)?,
            None => KeySource::JwksUrl(self.jwks_url.clone()),
        };
        Ok(JwtVerifier::new(source, self.settings()))
    }
}

/// Settings of the token lifetime, for the users service.
pub fn token_ttl_from_secs(secs: u64) -> Duration {
    Duration::from_secs(secs)
}
