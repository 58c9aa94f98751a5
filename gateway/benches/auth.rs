//! The cost of the edge checks per request. Run with `cargo bench -p gateway --bench auth`.
//!
//! - `verify/<alg>`: `AuthSettings::authenticate` of a bearer token, keys from a JWKS file
//!   (the test keys of `tests/fixtures/auth`): header and `alg` check, key choice, signature,
//!   `exp`/`nbf`/`iss`/`aud`.
//! - `authorize/clean`: `authorize::authorize` of an operation the caller may see whole.
//! - `authorize/filter`: the same operation for an anonymous caller in filter mode: the
//!   filtered and projection documents are built (planning them is the plan cache's job).

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use apollo_compiler::ExecutableDocument;
use axum::http::{HeaderMap, HeaderValue};
use criterion::{Criterion, black_box, criterion_group, criterion_main};
use gateway::auth::authorize::{self, Authorized};
use gateway::auth::{AuthSettings, Caller};
use gateway::config::{GatewayConfig, JwksSourceConfig};
use gateway::supergraph::Supergraph;
use gateway::supergraph::compose::{SubgraphSdl, compose};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

const RSA: &[u8] = include_bytes!("../tests/fixtures/auth/rsa_private.pem");
const EC: &[u8] = include_bytes!("../tests/fixtures/auth/ec_private.pem");
const SECRET: &[u8] = b"a benchmark secret that is at least 32 bytes";

const SDL: &str = r#"
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5",
                    import: ["@key", "@authenticated", "@requiresScopes"])
type Query { users: [User!]! accounts: [Account!]! }
interface Account { id: ID! balance: Int }
type User implements Account @key(fields: "id") {
  id: ID! name: String email: String @authenticated
  balance: Int @requiresScopes(scopes: [["finance"]])
  friends: [User!]!
}
type Guest implements Account { id: ID! balance: Int }
"#;

const QUERY: &str = "query Q { users { id name email friends { ...F } } accounts { id balance } } \
                     fragment F on User { id name email balance }";

fn settings() -> AuthSettings {
    let key = |alg, encoding: &EncodingKey, kid: &str| {
        let mut jwk = serde_json::to_value(Jwk::from_encoding_key(encoding, alg).expect("jwk"))
            .expect("json");
        jwk["kid"] = json!(kid);
        jwk
    };
    let jwks = json!({"keys": [
        key(Algorithm::RS256, &EncodingKey::from_rsa_pem(RSA).expect("rsa"), "rsa"),
        key(Algorithm::ES256, &EncodingKey::from_ec_pem(EC).expect("ec"), "ec"),
        key(Algorithm::HS256, &EncodingKey::from_secret(SECRET), "hmac"),
    ]});
    let path = std::env::temp_dir().join(format!("tessera-bench-jwks-{}.json", std::process::id()));
    std::fs::write(&path, jwks.to_string()).expect("write");
    let mut config = GatewayConfig::default();
    config.authentication.issuers = vec!["bench".into()];
    config.authentication.audiences = vec!["tessera".into()];
    config.authentication.jwks = vec![JwksSourceConfig {
        file: Some(PathBuf::from(&path)),
        ..JwksSourceConfig::default()
    }];
    let settings = AuthSettings::from_config(&config).expect("settings");
    let _ = std::fs::remove_file(path);
    settings
}

fn headers(alg: Algorithm, key: &EncodingKey, kid: &str) -> HeaderMap {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let claims = json!({"sub": "u1", "iss": "bench", "aud": "tessera", "exp": now + 3600,
                        "scope": "finance"});
    let mut header = Header::new(alg);
    header.kid = Some(kid.into());
    let token = jsonwebtoken::encode(&header, &claims, key).expect("sign");
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
    );
    headers
}

fn verify(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let settings = settings();
    let mut group = c.benchmark_group("verify");
    for (name, alg, key, kid) in [
        (
            "RS256",
            Algorithm::RS256,
            EncodingKey::from_rsa_pem(RSA).expect("rsa"),
            "rsa",
        ),
        (
            "ES256",
            Algorithm::ES256,
            EncodingKey::from_ec_pem(EC).expect("ec"),
            "ec",
        ),
        (
            "HS256",
            Algorithm::HS256,
            EncodingKey::from_secret(SECRET),
            "hmac",
        ),
    ] {
        let headers = headers(alg, &key, kid);
        assert!(
            rt.block_on(settings.authenticate(&headers)).is_ok(),
            "{name}"
        );
        group.bench_function(name, |b| {
            b.iter(|| rt.block_on(settings.authenticate(black_box(&headers))))
        });
    }
    group.finish();
}

fn authorize(c: &mut Criterion) {
    let sdl = compose(&[SubgraphSdl {
        name: "a".into(),
        url: "http://a.invalid/graphql".into(),
        sdl: SDL.into(),
    }])
    .expect("composes");
    let supergraph = Supergraph::parse(&sdl).expect("supergraph");
    let document =
        ExecutableDocument::parse_and_validate(supergraph.api_schema(), QUERY, "q.graphql")
            .expect("valid");
    let operation = document.operations.get(Some("Q")).expect("operation");
    let settings = settings();
    let mut claims = serde_json::Map::new();
    claims.insert("sub".into(), json!("u1"));
    claims.insert("scope".into(), json!("finance"));
    let member = Caller::verified(claims, "scope");
    let anonymous = Caller::anonymous();
    assert!(matches!(
        authorize::authorize(&supergraph, &document, operation, &settings, &member),
        Ok(Authorized::Unchanged)
    ));
    assert!(matches!(
        authorize::authorize(&supergraph, &document, operation, &settings, &anonymous),
        Ok(Authorized::Filtered(_))
    ));
    let mut group = c.benchmark_group("authorize");
    group.bench_function("clean", |b| {
        b.iter(|| {
            authorize::authorize(
                &supergraph,
                &document,
                operation,
                &settings,
                black_box(&member),
            )
        })
    });
    group.bench_function("filter", |b| {
        b.iter(|| {
            authorize::authorize(
                &supergraph,
                &document,
                operation,
                &settings,
                black_box(&anonymous),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, verify, authorize);
criterion_main!(benches);
