//! Identity: the users service signs Ed25519 (EdDSA) JWTs; every subgraph verifies them itself
//! against the users service's public keys (JWKS URL, JWKS/PEM file, or keys handed in).
//!
//! A subgraph never trusts an identity header a client could set: the only source of identity
//! is a verified `Authorization: Bearer` token. A request without a token, or with a bad one,
//! still runs; the fields that need identity fail with `UNAUTHENTICATED`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm,
    OctetKeyPairParameters, OctetKeyPairType, PublicKeyUse,
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use crate::error::{ApiError, ApiResult};
use crate::ids::UserId;

/// The scope that lets a caller act on everyone's data.
pub const ADMIN_SCOPE: &str = "admin";

/// Issuer and audience every token must carry. Both sides read the same values from config.
#[derive(Debug, Clone)]
pub struct JwtSettings {
    pub issuer: String,
    pub audience: String,
    /// How long a signed token is valid.
    pub ttl: Duration,
    /// Clock skew tolerated on `exp`/`iat`.
    pub leeway: Duration,
}

impl Default for JwtSettings {
    fn default() -> Self {
        Self {
            issuer: "tessera-users".into(),
            audience: "tessera".into(),
            ttl: Duration::from_secs(3600),
            leeway: Duration::from_secs(30),
        }
    }
}

/// The claims in a Tessera token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    /// Space-separated scopes, as in OAuth 2.
    #[serde(default)]
    pub scope: String,
}

/// A verified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user_id: UserId,
    pub scopes: Vec<String>,
}

impl Identity {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    pub fn is_admin(&self) -> bool {
        self.has_scope(ADMIN_SCOPE)
    }
}

/// Why a token was refused. The variant names go to the client; key material never does.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("authentication required")]
    Missing,
    #[error("malformed authorization header")]
    MalformedHeader,
    #[error("invalid token")]
    Malformed,
    #[error("token expired")]
    Expired,
    #[error("token signature is invalid")]
    BadSignature,
    #[error("token audience is not accepted")]
    WrongAudience,
    #[error("token issuer is not accepted")]
    WrongIssuer,
    #[error("token algorithm is not accepted")]
    UnsupportedAlgorithm,
    #[error("token signing key is unknown")]
    UnknownKey,
    #[error("token signing keys are unavailable")]
    KeysUnavailable,
}

impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        ApiError::unauthenticated(err.to_string())
    }
}

/// What the HTTP layer learnt about the caller; put into every request's data.
#[derive(Debug, Clone)]
pub enum AuthContext {
    Anonymous,
    Authenticated(Identity),
    /// A token was sent but refused: fields that need identity report why.
    Invalid(AuthError),
}

impl AuthContext {
    /// The caller's identity, or `UNAUTHENTICATED`.
    pub fn require(&self) -> ApiResult<&Identity> {
        match self {
            AuthContext::Authenticated(id) => Ok(id),
            AuthContext::Anonymous => Err(AuthError::Missing.into()),
            AuthContext::Invalid(err) => Err(err.clone().into()),
        }
    }

    /// The identity if a valid one was presented.
    pub fn identity(&self) -> Option<&Identity> {
        match self {
            AuthContext::Authenticated(id) => Some(id),
            _ => None,
        }
    }
}

/// Reads the caller's identity from a resolver context, or fails with `UNAUTHENTICATED`.
pub fn require_identity<'a>(ctx: &'a async_graphql::Context<'_>) -> ApiResult<&'a Identity> {
    match ctx.data_opt::<AuthContext>() {
        Some(auth) => auth.require(),
        None => Err(AuthError::Missing.into()),
    }
}

/// Signs tokens with an Ed25519 key. Lives in the users service; tests use it to mint tokens.
pub struct JwtSigner {
    key: EncodingKey,
    jwk: Jwk,
    settings: JwtSettings,
    private_pem: String,
}

impl std::fmt::Debug for JwtSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtSigner")
            .field("kid", &self.kid())
            .finish_non_exhaustive()
    }
}

/// Errors loading or creating signing keys.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read key file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid Ed25519 PKCS#8 private key")]
    InvalidPrivateKey,
    #[error("invalid public key material: {0}")]
    InvalidPublicKey(String),
    #[error("cannot sign token: {0}")]
    Sign(String),
}

impl JwtSigner {
    /// A fresh random key.
    pub fn generate(settings: JwtSettings) -> Self {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        Self::from_signing_key(key, settings)
    }

    /// A key from a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pem(pem: &str, settings: JwtSettings) -> Result<Self, KeyError> {
        let key = SigningKey::from_pkcs8_pem(pem).map_err(|_| KeyError::InvalidPrivateKey)?;
        Ok(Self::from_signing_key(key, settings))
    }

    /// Loads the key at `path`, creating it (mode 0600) on first start so the dev stack keeps its
    /// tokens valid across restarts.
    pub fn load_or_create(path: &Path, settings: JwtSettings) -> Result<Self, KeyError> {
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(pem) => Self::from_pem(&pem, settings),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let signer = Self::generate(settings);
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                write_private(path, &signer.private_pem).map_err(io)?;
                Ok(signer)
            }
            Err(e) => Err(io(e)),
        }
    }

    fn from_signing_key(key: SigningKey, settings: JwtSettings) -> Self {
        let private_pem = key
            .to_pkcs8_pem(Default::default())
            .map(|p| p.to_string())
            .unwrap_or_default();
        let der = key
            .to_pkcs8_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default();
        let x = URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes());
        let kid = URL_SAFE_NO_PAD.encode(&key.verifying_key().as_bytes()[..12]);
        let jwk = Jwk {
            common: CommonParameters {
                public_key_use: Some(PublicKeyUse::Signature),
                key_algorithm: Some(KeyAlgorithm::EdDSA),
                key_id: Some(kid),
                ..Default::default()
            },
            algorithm: AlgorithmParameters::OctetKeyPair(OctetKeyPairParameters {
                key_type: OctetKeyPairType::OctetKeyPair,
                curve: EllipticCurve::Ed25519,
                x,
            }),
        };
        Self {
            key: EncodingKey::from_ed_der(&der),
            jwk,
            settings,
            private_pem,
        }
    }

    /// The key id put in every token header and in the JWKS.
    pub fn kid(&self) -> &str {
        self.jwk.common.key_id.as_deref().unwrap_or_default()
    }

    pub fn settings(&self) -> &JwtSettings {
        &self.settings
    }

    /// The public keys, as served at `/.well-known/jwks.json`.
    pub fn jwks(&self) -> JwkSet {
        JwkSet {
            keys: vec![self.jwk.clone()],
        }
    }

    /// Signs a token for `user` with the given scopes.
    pub fn sign(&self, user: UserId, scopes: &[String]) -> Result<String, KeyError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user.to_string(),
            iss: self.settings.issuer.clone(),
            aud: self.settings.audience.clone(),
            iat: now,
            exp: now + self.settings.ttl.as_secs() as i64,
            scope: scopes.join(" "),
        };
        self.sign_claims(&claims)
    }

    /// Signs arbitrary claims; tests use it to build expired or foreign tokens.
    pub fn sign_claims(&self, claims: &Claims) -> Result<String, KeyError> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid().to_owned());
        jsonwebtoken::encode(&header, claims, &self.key).map_err(|e| KeyError::Sign(e.to_string()))
    }
}

#[cfg(unix)]
fn write_private(path: &Path, pem: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(pem.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, pem: &str) -> std::io::Result<()> {
    std::fs::write(path, pem)
}

/// Where a verifier gets the users service's public keys.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// Fetched over HTTP, cached, and refetched when stale or when an unknown `kid` shows up.
    JwksUrl(String),
    /// Keys handed in directly (in-process stack, tests, or a JWKS file read at start).
    Static(JwkSet),
}

impl KeySource {
    /// Reads a JWKS JSON file or an Ed25519 public key PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if text.trim_start().starts_with('{') {
            let set: JwkSet = serde_json::from_str(&text)
                .map_err(|e| KeyError::InvalidPublicKey(e.to_string()))?;
            Ok(Self::Static(set))
        } else {
            Ok(Self::Static(JwkSet {
                keys: vec![ed25519_public_pem_to_jwk(&text)?],
            }))
        }
    }
}

fn ed25519_public_pem_to_jwk(pem: &str) -> Result<Jwk, KeyError> {
    use ed25519_dalek::pkcs8::DecodePublicKey;
    let key = ed25519_dalek::VerifyingKey::from_public_key_pem(pem)
        .map_err(|e| KeyError::InvalidPublicKey(e.to_string()))?;
    Ok(Jwk {
        common: CommonParameters {
            public_key_use: Some(PublicKeyUse::Signature),
            key_algorithm: Some(KeyAlgorithm::EdDSA),
            key_id: None,
            ..Default::default()
        },
        algorithm: AlgorithmParameters::OctetKeyPair(OctetKeyPairParameters {
            key_type: OctetKeyPairType::OctetKeyPair,
            curve: EllipticCurve::Ed25519,
            x: URL_SAFE_NO_PAD.encode(key.as_bytes()),
        }),
    })
}

/// How long fetched keys are trusted before a refetch.
const JWKS_TTL: Duration = Duration::from_secs(300);
/// The least time between two fetches, so a flood of unknown `kid`s cannot hammer the users service.
const JWKS_MIN_REFETCH: Duration = Duration::from_secs(5);

struct CachedKeys {
    fetched_at: Instant,
    keys: JwkSet,
}

/// Verifies tokens: signature, `exp`, `iss`, `aud`; only asymmetric algorithms are accepted, so a
/// public key can never be used as an HMAC secret.
pub struct JwtVerifier {
    source: KeySource,
    settings: JwtSettings,
    http: reqwest::Client,
    cache: RwLock<Option<CachedKeys>>,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

const ACCEPTED_ALGORITHMS: [Algorithm; 4] = [
    Algorithm::EdDSA,
    Algorithm::RS256,
    Algorithm::ES256,
    Algorithm::PS256,
];

impl JwtVerifier {
    pub fn new(source: KeySource, settings: JwtSettings) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Self {
            source,
            settings,
            http,
            cache: RwLock::new(None),
        }
    }

    /// A verifier for the keys of an in-process signer.
    pub fn for_signer(signer: &JwtSigner) -> Self {
        Self::new(KeySource::Static(signer.jwks()), signer.settings().clone())
    }

    /// Builds the per-request context from an `Authorization` header value.
    pub async fn authenticate(&self, authorization: Option<&str>) -> AuthContext {
        let Some(value) = authorization else {
            return AuthContext::Anonymous;
        };
        let Some(token) = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
        else {
            return AuthContext::Invalid(AuthError::MalformedHeader);
        };
        match self.verify(token.trim()).await {
            Ok(id) => AuthContext::Authenticated(id),
            Err(err) => {
                tracing::debug!(reason = %err, "token refused");
                AuthContext::Invalid(err)
            }
        }
    }

    /// Verifies a token and returns the caller.
    pub async fn verify(&self, token: &str) -> Result<Identity, AuthError> {
        // `decode_header` fails on `alg: none`: jsonwebtoken has no such algorithm.
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::Malformed)?;
        if !ACCEPTED_ALGORITHMS.contains(&header.alg) {
            return Err(AuthError::UnsupportedAlgorithm);
        }
        let jwk = self.find_key(header.kid.as_deref()).await?;
        if let Some(key_alg) = jwk.common.key_algorithm
            && format!("{key_alg:?}") != format!("{:?}", header.alg)
        {
            return Err(AuthError::UnsupportedAlgorithm);
        }
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| AuthError::UnknownKey)?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = self.settings.leeway.as_secs();
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            match e.kind() {
                ErrorKind::ExpiredSignature => AuthError::Expired,
                ErrorKind::InvalidAudience => AuthError::WrongAudience,
                ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
                ErrorKind::InvalidSignature => AuthError::BadSignature,
                ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                    AuthError::UnsupportedAlgorithm
                }
                _ => AuthError::Malformed,
            }
        })?;
        let user_id = data
            .claims
            .sub
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(UserId)
            .ok_or(AuthError::Malformed)?;
        let scopes = data
            .claims
            .scope
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        Ok(Identity { user_id, scopes })
    }

    async fn find_key(&self, kid: Option<&str>) -> Result<Jwk, AuthError> {
        let url = match &self.source {
            KeySource::Static(set) => return pick(set, kid).ok_or(AuthError::UnknownKey),
            KeySource::JwksUrl(url) => url,
        };
        {
            let cache = self.cache.read().await;
            if let Some(c) = cache.as_ref() {
                let fresh = c.fetched_at.elapsed() < JWKS_TTL;
                match pick(&c.keys, kid) {
                    Some(k) if fresh => return Ok(k),
                    None if c.fetched_at.elapsed() < JWKS_MIN_REFETCH => {
                        return Err(AuthError::UnknownKey);
                    }
                    _ => {}
                }
            }
        }
        let mut cache = self.cache.write().await;
        // Another request may have refreshed while we waited for the lock.
        if let Some(c) = cache.as_ref()
            && c.fetched_at.elapsed() < JWKS_MIN_REFETCH
        {
            return pick(&c.keys, kid).ok_or(AuthError::UnknownKey);
        }
        match self.fetch(url).await {
            Ok(keys) => {
                let found = pick(&keys, kid);
                *cache = Some(CachedKeys {
                    fetched_at: Instant::now(),
                    keys,
                });
                found.ok_or(AuthError::UnknownKey)
            }
            Err(err) => {
                tracing::warn!(%url, error = %err, "cannot fetch JWKS");
                // Keep serving with the keys we had, if any.
                cache
                    .as_ref()
                    .and_then(|c| pick(&c.keys, kid))
                    .ok_or(AuthError::KeysUnavailable)
            }
        }
    }

    async fn fetch(&self, url: &str) -> Result<JwkSet, reqwest::Error> {
        self.http
            .get(url)
            .send()
            .await?
            .error_for_status()?
            .json::<JwkSet>()
            .await
    }
}

fn pick(set: &JwkSet, kid: Option<&str>) -> Option<Jwk> {
    match kid {
        Some(kid) => set.find(kid).cloned(),
        // Without a kid, only an unambiguous single key can be used.
        None if set.keys.len() == 1 => set.keys.first().cloned(),
        None => None,
    }
}

/// A shared verifier, as stored in router state.
pub type SharedVerifier = Arc<JwtVerifier>;

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(signer: &JwtSigner, exp_offset: i64) -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims {
            sub: "7".into(),
            iss: signer.settings().issuer.clone(),
            aud: signer.settings().audience.clone(),
            exp: now + exp_offset,
            iat: now,
            scope: "admin reviews".into(),
        }
    }

    #[tokio::test]
    async fn accepts_own_tokens() {
        let signer = JwtSigner::generate(JwtSettings::default());
        let verifier = JwtVerifier::for_signer(&signer);
        let token = signer.sign(UserId(7), &["admin".into()]).expect("sign");
        let id = verifier.verify(&token).await.expect("valid");
        assert_eq!(id.user_id, UserId(7));
        assert!(id.is_admin());
    }

    #[tokio::test]
    async fn refuses_bad_tokens() {
        let signer = JwtSigner::generate(JwtSettings::default());
        let verifier = JwtVerifier::for_signer(&signer);

        let expired = signer.sign_claims(&claims(&signer, -3600)).expect("sign");
        assert_eq!(verifier.verify(&expired).await, Err(AuthError::Expired));

        let mut c = claims(&signer, 3600);
        c.aud = "someone-else".into();
        let wrong_aud = signer.sign_claims(&c).expect("sign");
        assert_eq!(
            verifier.verify(&wrong_aud).await,
            Err(AuthError::WrongAudience)
        );

        let mut c = claims(&signer, 3600);
        c.iss = "mallory".into();
        let wrong_iss = signer.sign_claims(&c).expect("sign");
        assert_eq!(
            verifier.verify(&wrong_iss).await,
            Err(AuthError::WrongIssuer)
        );

        // Same kid, other key: signature check must fail.
        let other = JwtSigner::generate(JwtSettings::default());
        let forged = other.sign_claims(&claims(&signer, 3600)).expect("sign");
        let forged = {
            let mut parts: Vec<&str> = forged.split('.').collect();
            let own = signer.sign_claims(&claims(&signer, 3600)).expect("sign");
            let own_header = own.split('.').next().unwrap_or_default().to_owned();
            parts[0] = &own_header;
            parts.join(".")
        };
        assert_eq!(verifier.verify(&forged).await, Err(AuthError::BadSignature));

        // alg: none
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(&signer, 3600)).expect("json"));
        let none = format!("{header}.{body}.");
        assert!(verifier.verify(&none).await.is_err());

        // HS256 with the public key as secret (algorithm confusion).
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some(signer.kid().to_owned());
        let x = match &signer.jwks().keys[0].algorithm {
            AlgorithmParameters::OctetKeyPair(p) => p.x.clone(),
            _ => String::new(),
        };
        let confused = jsonwebtoken::encode(
            &h,
            &claims(&signer, 3600),
            &EncodingKey::from_secret(x.as_bytes()),
        )
        .expect("sign");
        assert_eq!(
            verifier.verify(&confused).await,
            Err(AuthError::UnsupportedAlgorithm)
        );

        assert_eq!(verifier.verify("garbage").await, Err(AuthError::Malformed));
    }

    #[tokio::test]
    async fn header_parsing() {
        let signer = JwtSigner::generate(JwtSettings::default());
        let verifier = JwtVerifier::for_signer(&signer);
        assert!(matches!(
            verifier.authenticate(None).await,
            AuthContext::Anonymous
        ));
        assert!(matches!(
            verifier.authenticate(Some("Basic abc")).await,
            AuthContext::Invalid(AuthError::MalformedHeader)
        ));
        let token = signer.sign(UserId(3), &[]).expect("sign");
        let ctx = verifier
            .authenticate(Some(&format!("Bearer {token}")))
            .await;
        assert_eq!(ctx.identity().map(|i| i.user_id), Some(UserId(3)));
    }

    #[test]
    fn pem_round_trip() {
        let dir = std::env::temp_dir().join(format!("tessera-key-{}", uuid::Uuid::new_v4()));
        let path = dir.join("key.pem");
        let a = JwtSigner::load_or_create(&path, JwtSettings::default()).expect("create");
        let b = JwtSigner::load_or_create(&path, JwtSettings::default()).expect("load");
        assert_eq!(a.kid(), b.kid());
        let _ = std::fs::remove_dir_all(dir);
    }
}
