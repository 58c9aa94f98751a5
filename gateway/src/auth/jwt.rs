//! JWT verification: which algorithms, which keys, which claims.
//!
//! A token is verified in this order, and refused at the first failure:
//! 1. its header's `alg` is one of the configured algorithms (`none` never is);
//! 2. a key of that algorithm's family (and the token's `kid`, when both name one) exists,
//!    fetching the JWKS again, rate-limited, when the `kid` is unknown;
//! 3. the signature verifies with one of those keys: a key is only ever used with its own
//!    family, so an HS256 token "signed" with an RSA public key's bytes fails here;
//! 4. `exp` (required), `nbf`, `iss` and `aud` hold, within the leeway.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Map, Value};

use super::error::{AuthError, AuthSetupError};
use super::jwks::{self, RemoteJwks, VerifyingKey};
use crate::config::AuthenticationConfig;

/// The verified claims of a token.
pub type Claims = Map<String, Value>;

/// Verifies tokens against the configured keys.
pub struct JwtVerifier {
    algorithms: Vec<Algorithm>,
    /// Keys from files, read at start.
    local: Vec<VerifyingKey>,
    /// JWKS URLs.
    remote: Vec<RemoteJwks>,
    validation: Validation,
    /// Whether any key source is configured at all.
    configured: bool,
}

impl JwtVerifier {
    /// Whether any key source is configured. Without one the gateway does not verify tokens
    /// (subgraphs may still, through the forwarded header).
    pub fn is_configured(&self) -> bool {
        self.configured
    }

    /// Reads the key files and prepares the JWKS URLs of `config` (fetched at the first token).
    pub fn from_config(config: &AuthenticationConfig) -> Result<Self, AuthSetupError> {
        let algorithms = config
            .algorithms
            .iter()
            .map(|a| parse_algorithm(a))
            .collect::<Result<Vec<_>, _>>()?;
        let mut local = Vec::new();
        let mut remote = Vec::new();
        for (index, source) in config.jwks.iter().enumerate() {
            match (&source.url, &source.file, &source.pem) {
                (Some(url), None, None) => remote.push(RemoteJwks::new(
                    url.clone(),
                    source.timeout,
                    source.refresh_interval,
                    source.min_refresh_interval,
                )?),
                (None, Some(file), None) => local.extend(jwks::read_jwks_file(file)?),
                (None, None, Some(pem)) => {
                    let algorithm = source
                        .algorithm
                        .as_deref()
                        .ok_or(AuthSetupError::PemAlgorithm { index })
                        .and_then(parse_algorithm)?;
                    local.push(jwks::read_pem_file(pem, algorithm, source.kid.clone())?);
                }
                _ => return Err(AuthSetupError::KeySource { index }),
            }
        }
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = config.leeway.as_secs();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.required_spec_claims = ["exp".to_owned()].into_iter().collect();
        if !config.issuers.is_empty() {
            validation.set_issuer(&config.issuers);
            validation.required_spec_claims.insert("iss".into());
        }
        if config.audiences.is_empty() {
            validation.validate_aud = false;
        } else {
            validation.set_audience(&config.audiences);
            validation.required_spec_claims.insert("aud".into());
        }
        Ok(Self {
            algorithms,
            local,
            remote,
            validation,
            configured: !config.jwks.is_empty(),
        })
    }

    /// Verifies `token` and returns its claims.
    pub async fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        let alg = self.check_algorithm(token)?;
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::Malformed)?;
        let kid = header.kid.as_deref();
        let mut candidates = self.candidates(alg, kid).await;
        if candidates.is_empty() && kid.is_some() {
            for remote in &self.remote {
                remote.refresh_for_unknown_kid().await;
            }
            candidates = self.candidates(alg, kid).await;
        }
        if candidates.is_empty() {
            return Err(match kid {
                Some(kid) => AuthError::UnknownKey(kid.to_owned()),
                None if self.local.is_empty() && !self.remote.is_empty() => {
                    AuthError::KeysUnavailable
                }
                None => AuthError::InvalidSignature,
            });
        }
        let mut validation = self.validation.clone();
        validation.algorithms = vec![alg];
        let mut last = AuthError::InvalidSignature;
        for key in candidates {
            match jsonwebtoken::decode::<Claims>(token, &key.key, &validation) {
                Ok(data) => return Ok(data.claims),
                Err(e) => match e.kind() {
                    // Another key of the set may be the one (no `kid`, or a reused `kid`).
                    ErrorKind::InvalidSignature
                    | ErrorKind::InvalidEcdsaKey
                    | ErrorKind::InvalidRsaKey(_)
                    | ErrorKind::InvalidEddsaKey
                    | ErrorKind::InvalidKeyFormat => last = AuthError::InvalidSignature,
                    _ => return Err(claim_error(e.kind())),
                },
            }
        }
        Err(last)
    }

    /// Reads `alg` from the raw header, so `none` (which jsonwebtoken cannot even represent)
    /// and every algorithm not configured get the same clear refusal.
    fn check_algorithm(&self, token: &str) -> Result<Algorithm, AuthError> {
        let mut parts = token.split('.');
        let (Some(header), Some(_), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(AuthError::Malformed);
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(header.trim_end_matches('='))
            .map_err(|_| AuthError::Malformed)?;
        let header: Value = serde_json::from_slice(&bytes).map_err(|_| AuthError::Malformed)?;
        let name = header
            .get("alg")
            .and_then(Value::as_str)
            .ok_or(AuthError::Malformed)?;
        match name.parse::<Algorithm>() {
            Ok(alg) if self.algorithms.contains(&alg) => Ok(alg),
            _ => Err(AuthError::AlgorithmNotAllowed(truncate(name))),
        }
    }

    async fn candidates(&self, alg: Algorithm, kid: Option<&str>) -> Vec<VerifyingKey> {
        // A key without a `kid` (a PEM, say) is a candidate for every token of its family.
        let matches = |key: &&VerifyingKey| {
            key.accepts(alg)
                && match (kid, key.kid.as_deref()) {
                    (Some(wanted), Some(have)) => wanted == have,
                    _ => true,
                }
        };
        let mut out: Vec<VerifyingKey> = self.local.iter().filter(matches).cloned().collect();
        for remote in &self.remote {
            let keys: Arc<Vec<VerifyingKey>> = remote.keys().await;
            out.extend(keys.iter().filter(matches).cloned());
        }
        out
    }
}

fn parse_algorithm(name: &str) -> Result<Algorithm, AuthSetupError> {
    name.parse()
        .map_err(|_| AuthSetupError::UnknownAlgorithm(name.to_owned()))
}

/// A client-chosen string echoed in an error: bounded.
fn truncate(text: &str) -> String {
    text.chars().take(32).collect()
}

fn claim_error(kind: &ErrorKind) -> AuthError {
    match kind {
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::ImmatureSignature => AuthError::NotYetValid,
        ErrorKind::InvalidIssuer => AuthError::InvalidIssuer,
        ErrorKind::InvalidAudience => AuthError::InvalidAudience,
        ErrorKind::MissingRequiredClaim(c) => AuthError::MissingClaim(c.clone()),
        ErrorKind::InvalidClaimFormat(c) => AuthError::InvalidClaim(c.clone()),
        ErrorKind::InvalidAlgorithm => AuthError::InvalidSignature,
        _ => AuthError::Malformed,
    }
}
