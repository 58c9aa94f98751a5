//! Verification keys: parsed from JWKS documents and PEM files, and fetched from JWKS URLs
//! with a cache that is refreshed on a timer and, rate-limited, when a token names an unknown
//! `kid` (key rotation at the issuer).

use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

use super::error::AuthSetupError;

/// A key that verifies one algorithm family (never another: that is algorithm confusion).
#[derive(Clone)]
pub struct VerifyingKey {
    /// `kid` tokens name to pick this key.
    pub kid: Option<String>,
    /// The algorithm the key is restricted to, when its JWK (or the config) says so.
    pub algorithm: Option<Algorithm>,
    /// The algorithms the key can verify at all.
    pub family: jsonwebtoken::AlgorithmFamily,
    pub key: DecodingKey,
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .field("family", &self.family)
            .finish_non_exhaustive()
    }
}

impl VerifyingKey {
    /// Whether this key may verify a token signed with `alg`.
    pub fn accepts(&self, alg: Algorithm) -> bool {
        alg.family() == self.family && self.algorithm.is_none_or(|a| a == alg)
    }
}

/// Parses a JWKS document. Keys that cannot verify signatures (`use: enc`, unknown `kty`,
/// encryption algorithms) are skipped with a log line, as issuers publish those too.
pub fn parse_jwks(text: &str, origin: &str) -> Result<Vec<VerifyingKey>, AuthSetupError> {
    let invalid = |message: String| AuthSetupError::InvalidJwks {
        origin: origin.to_owned(),
        message,
    };
    let document: Value = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let Some(keys) = document.get("keys").and_then(Value::as_array) else {
        return Err(invalid("expected an object with a `keys` array".into()));
    };
    let mut out = Vec::with_capacity(keys.len());
    for (i, raw) in keys.iter().enumerate() {
        match key_from_jwk(raw) {
            Ok(Some(key)) => out.push(key),
            Ok(None) => tracing::debug!(origin, index = i, "JWKS key skipped: not for signatures"),
            Err(message) => tracing::warn!(origin, index = i, %message, "JWKS key skipped"),
        }
    }
    Ok(out)
}

fn key_from_jwk(raw: &Value) -> Result<Option<VerifyingKey>, String> {
    let jwk: Jwk = serde_json::from_value(raw.clone()).map_err(|e| e.to_string())?;
    if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
        return Ok(None);
    }
    let algorithm = match jwk.common.key_algorithm {
        None => None,
        Some(ka) => match ka.to_string().parse::<Algorithm>() {
            Ok(alg) => Some(alg),
            // RSA-OAEP and friends: encryption keys.
            Err(_) => return Ok(None),
        },
    };
    let family = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => jsonwebtoken::AlgorithmFamily::Rsa,
        AlgorithmParameters::EllipticCurve(p) => {
            if !matches!(p.curve, EllipticCurve::P256 | EllipticCurve::P384) {
                return Err(format!("unsupported curve {:?}", p.curve));
            }
            jsonwebtoken::AlgorithmFamily::Ec
        }
        AlgorithmParameters::OctetKeyPair(_) => jsonwebtoken::AlgorithmFamily::Ed,
        AlgorithmParameters::OctetKey(_) => jsonwebtoken::AlgorithmFamily::Hmac,
    };
    if let Some(alg) = algorithm
        && alg.family() != family
    {
        return Err(format!("`alg` {alg:?} does not match the key type"));
    }
    let key = DecodingKey::from_jwk(&jwk).map_err(|e| e.to_string())?;
    Ok(Some(VerifyingKey {
        kid: jwk.common.key_id.clone(),
        algorithm,
        family,
        key,
    }))
}

/// Reads a JWKS file.
pub fn read_jwks_file(path: &Path) -> Result<Vec<VerifyingKey>, AuthSetupError> {
    let text = std::fs::read_to_string(path).map_err(|source| AuthSetupError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_jwks(&text, &path.display().to_string())
}

/// Reads a PEM public key for `algorithm`.
pub fn read_pem_file(
    path: &Path,
    algorithm: Algorithm,
    kid: Option<String>,
) -> Result<VerifyingKey, AuthSetupError> {
    let bytes = std::fs::read(path).map_err(|source| AuthSetupError::Read {
        path: path.to_owned(),
        source,
    })?;
    let family = algorithm.family();
    let key = match family {
        jsonwebtoken::AlgorithmFamily::Rsa => DecodingKey::from_rsa_pem(&bytes),
        jsonwebtoken::AlgorithmFamily::Ec => DecodingKey::from_ec_pem(&bytes),
        jsonwebtoken::AlgorithmFamily::Ed => DecodingKey::from_ed_pem(&bytes),
        jsonwebtoken::AlgorithmFamily::Hmac => {
            return Err(AuthSetupError::InvalidPem {
                path: path.to_owned(),
                message: "HMAC secrets are not PEM keys: put them in a JWKS file as `oct` keys"
                    .into(),
            });
        }
    }
    .map_err(|e| AuthSetupError::InvalidPem {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    Ok(VerifyingKey {
        kid,
        algorithm: Some(algorithm),
        family,
        key,
    })
}

/// Keys fetched from a JWKS URL.
pub struct RemoteJwks {
    url: reqwest::Url,
    client: reqwest::Client,
    refresh_interval: Duration,
    min_refresh_interval: Duration,
    cache: RwLock<Cached>,
    /// One fetch at a time: concurrent requests wait for it instead of fetching too.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Cached {
    keys: Arc<Vec<VerifyingKey>>,
    /// When the keys were last fetched successfully.
    fetched_at: Option<Instant>,
    /// When a fetch was last attempted, successful or not (the rate limit counts both).
    attempted_at: Option<Instant>,
}

impl RemoteJwks {
    pub fn new(
        url: reqwest::Url,
        timeout: Duration,
        refresh_interval: Duration,
        min_refresh_interval: Duration,
    ) -> Result<Self, AuthSetupError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| AuthSetupError::Client(e.to_string()))?;
        Ok(Self {
            url,
            client,
            refresh_interval,
            min_refresh_interval,
            cache: RwLock::new(Cached::default()),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    fn snapshot(&self) -> (Arc<Vec<VerifyingKey>>, Option<Instant>, Option<Instant>) {
        let cache = self.cache.read().unwrap_or_else(|p| p.into_inner());
        (cache.keys.clone(), cache.fetched_at, cache.attempted_at)
    }

    /// The current keys, fetched first if there are none yet or they are older than the
    /// refresh interval. Stale keys keep serving while the key server is unreachable.
    pub async fn keys(&self) -> Arc<Vec<VerifyingKey>> {
        let (keys, fetched_at, _) = self.snapshot();
        if fetched_at.is_some_and(|t| t.elapsed() < self.refresh_interval) {
            return keys;
        }
        self.refresh(false).await
    }

    /// Fetches again because a token named a `kid` the keys lack, unless a fetch happened
    /// within the minimum refresh interval.
    pub async fn refresh_for_unknown_kid(&self) -> Arc<Vec<VerifyingKey>> {
        self.refresh(true).await
    }

    async fn refresh(&self, forced: bool) -> Arc<Vec<VerifyingKey>> {
        let _guard = self.fetching.lock().await;
        // Someone else may have fetched while this request waited.
        let (keys, fetched_at, attempted_at) = self.snapshot();
        if !forced && fetched_at.is_some_and(|t| t.elapsed() < self.refresh_interval) {
            return keys;
        }
        if attempted_at.is_some_and(|t| t.elapsed() < self.min_refresh_interval) {
            return keys;
        }
        let result = self.fetch().await;
        let mut cache = self.cache.write().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        cache.attempted_at = Some(now);
        match result {
            Ok(fresh) => {
                tracing::debug!(url = %self.url, keys = fresh.len(), "JWKS fetched");
                cache.keys = Arc::new(fresh);
                cache.fetched_at = Some(now);
            }
            Err(message) => {
                tracing::warn!(url = %self.url, %message, "cannot fetch JWKS; keeping the keys we have");
            }
        }
        cache.keys.clone()
    }

    async fn fetch(&self) -> Result<Vec<VerifyingKey>, String> {
        let response = self
            .client
            .get(self.url.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let text = response.text().await.map_err(|e| e.to_string())?;
        parse_jwks(&text, self.url.as_str()).map_err(|e| e.to_string())
    }
}
