//! Authentication and authorization at the gateway edge, end to end: real keys (RSA, EC P-256,
//! Ed25519, HMAC), JWKS from a file, a PEM and an in-process HTTP server on port 0, the
//! supergraph's `@authenticated`/`@requiresScopes`/`@policy` in reject and filter mode, header
//! rules and introspection access. Subgraphs are in-process async-graphql schemas behind a
//! client that logs every request (subgraph, query text, headers).

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use async_graphql::{
    EmptyMutation, EmptySubscription, ID, Interface, Object, Schema, SimpleObject, Union, Variables,
};
use async_trait::async_trait;
use axum::Router;
use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use common::{TestResponse, get, post};
use gateway::AppState;
use gateway::config::{GatewayConfig, JwksSourceConfig};
use gateway::supergraph::Supergraph;
use gateway::supergraph::compose::{SubgraphSdl, compose};
use gateway::transport::{SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

// ----- keys and tokens ------------------------------------------------------------------------

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/auth");
const RSA_PRIVATE: &[u8] = include_bytes!("fixtures/auth/rsa_private.pem");
const RSA2_PRIVATE: &[u8] = include_bytes!("fixtures/auth/rsa2_private.pem");
const EC_PRIVATE: &[u8] = include_bytes!("fixtures/auth/ec_private.pem");
const ED_PRIVATE: &[u8] = include_bytes!("fixtures/auth/ed_private.pem");
const ED_PUBLIC: &str = include_str!("fixtures/auth/ed_public.pem");
const RSA_PUBLIC: &[u8] = include_bytes!("fixtures/auth/rsa_public.pem");
const HMAC_SECRET: &[u8] = b"a test secret that is at least 32 bytes long";
const ISSUER: &str = "https://issuer.test";
const AUDIENCE: &str = "tessera";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

fn encoding_key(alg: Algorithm, which: &str) -> EncodingKey {
    match (alg, which) {
        (Algorithm::RS256, "rsa2") => EncodingKey::from_rsa_pem(RSA2_PRIVATE).expect("rsa2"),
        (Algorithm::RS256, _) => EncodingKey::from_rsa_pem(RSA_PRIVATE).expect("rsa"),
        (Algorithm::ES256, _) => EncodingKey::from_ec_pem(EC_PRIVATE).expect("ec"),
        (Algorithm::EdDSA, _) => EncodingKey::from_ed_pem(ED_PRIVATE).expect("ed"),
        (Algorithm::HS256, _) => EncodingKey::from_secret(HMAC_SECRET),
        _ => panic!("no test key for {alg:?}"),
    }
}

/// Claims valid for ten minutes, for the test issuer and audience.
fn claims(extra: Value) -> Value {
    let mut claims = json!({
        "sub": "u1",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now(),
        "exp": now() + 600,
    });
    if let (Some(base), Some(extra)) = (claims.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            if v.is_null() {
                base.remove(k);
            } else {
                base.insert(k.clone(), v.clone());
            }
        }
    }
    claims
}

/// A token signed with the `which` key of `alg`, naming `kid`.
fn token_with(alg: Algorithm, which: &str, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &encoding_key(alg, which)).expect("sign")
}

fn token(alg: Algorithm, extra: Value) -> String {
    token_with(alg, "main", Some(kid_of(alg)), &claims(extra))
}

fn kid_of(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::RS256 => "rsa-1",
        Algorithm::ES256 => "ec-1",
        Algorithm::EdDSA => "ed-1",
        _ => "hmac-1",
    }
}

fn jwk(alg: Algorithm, which: &str, kid: &str) -> Value {
    let mut value = match alg {
        // jsonwebtoken cannot derive an Ed25519 JWK: `x` is the raw key, the last 32 bytes of
        // the SubjectPublicKeyInfo DER.
        Algorithm::EdDSA => {
            let body: String = ED_PUBLIC
                .lines()
                .filter(|l| !l.starts_with("-----"))
                .collect();
            let der = STANDARD.decode(body).expect("pem body");
            json!({"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA",
                   "x": URL_SAFE_NO_PAD.encode(&der[der.len() - 32..])})
        }
        _ => serde_json::to_value(
            Jwk::from_encoding_key(&encoding_key(alg, which), alg).expect("jwk"),
        )
        .expect("json"),
    };
    value["kid"] = json!(kid);
    value
}

/// The JWKS of every test key.
fn full_jwks() -> Value {
    json!({"keys": [
        jwk(Algorithm::RS256, "main", "rsa-1"),
        jwk(Algorithm::ES256, "main", "ec-1"),
        jwk(Algorithm::EdDSA, "main", "ed-1"),
        jwk(Algorithm::HS256, "main", "hmac-1"),
    ]})
}

/// Writes `jwks` to a fresh file.
fn jwks_file(jwks: &Value) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "tessera-auth-{}-{}.json",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&path, jwks.to_string()).expect("write jwks");
    path
}

/// Authentication verifying the test issuer and audience with every key, from a JWKS file.
fn config_with_keys() -> GatewayConfig {
    let mut config = GatewayConfig::default();
    config.authentication.issuers = vec![ISSUER.into()];
    config.authentication.audiences = vec![AUDIENCE.into()];
    config.authentication.jwks = vec![JwksSourceConfig {
        file: Some(jwks_file(&full_jwks())),
        ..JwksSourceConfig::default()
    }];
    config
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

// ----- subgraphs ------------------------------------------------------------------------------

const ACCOUNTS_SDL: &str = r#"
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5",
                    import: ["@key", "@authenticated", "@requiresScopes", "@policy"])

type Query {
  publicInfo: String
  me: User @authenticated
  users: [User!]!
  adminStats: Stats @requiresScopes(scopes: [["admin"]])
  reports: [String!] @policy(policies: [["finance"]])
  accounts: [Account!]!
  search: [SearchResult!]!
}

interface Account { id: ID! balance: Int }

type User implements Account @key(fields: "id") {
  id: ID!
  name: String!
  email: String @authenticated
  ssn: String! @requiresScopes(scopes: [["pii:read"], ["admin"]])
  balance: Int @requiresScopes(scopes: [["finance"]])
}

type Guest implements Account { id: ID! balance: Int }

type Secret @authenticated { id: ID! code: String }

type Post { id: ID! title: String }

union SearchResult = User | Secret | Post

type Stats { count: Int }
"#;

const BILLING_SDL: &str = r#"
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

type Query { invoices: [String!]! }
"#;

#[derive(SimpleObject, Clone)]
struct User {
    id: ID,
    name: String,
    email: Option<String>,
    ssn: String,
    balance: Option<i32>,
}

#[derive(SimpleObject, Clone)]
struct Guest {
    id: ID,
    balance: Option<i32>,
}

#[derive(SimpleObject, Clone)]
struct Secret {
    id: ID,
    code: Option<String>,
}

#[derive(SimpleObject, Clone)]
struct Post {
    id: ID,
    title: Option<String>,
}

#[derive(SimpleObject)]
struct Stats {
    count: Option<i32>,
}

#[derive(Interface, Clone)]
#[graphql(
    field(name = "id", ty = "&ID"),
    field(name = "balance", ty = "&Option<i32>")
)]
enum Account {
    User(User),
    Guest(Guest),
}

#[derive(Union, Clone)]
enum SearchResult {
    User(User),
    Secret(Secret),
    Post(Post),
}

fn ada() -> User {
    User {
        id: ID("u1".into()),
        name: "Ada".into(),
        email: Some("ada@example.com".into()),
        ssn: "123-45".into(),
        balance: Some(100),
    }
}

struct AccountsQuery;

#[Object(name = "Query")]
impl AccountsQuery {
    async fn public_info(&self) -> Option<String> {
        Some("hello".into())
    }
    async fn me(&self) -> Option<User> {
        Some(ada())
    }
    async fn users(&self) -> Vec<User> {
        vec![ada()]
    }
    async fn admin_stats(&self) -> Option<Stats> {
        Some(Stats { count: Some(7) })
    }
    async fn reports(&self) -> Option<Vec<String>> {
        Some(vec!["q3".into()])
    }
    async fn accounts(&self) -> Vec<Account> {
        vec![
            Account::Guest(Guest {
                id: ID("g1".into()),
                balance: Some(5),
            }),
            Account::User(ada()),
        ]
    }
    async fn search(&self) -> Vec<SearchResult> {
        vec![
            SearchResult::Post(Post {
                id: ID("p1".into()),
                title: Some("Hi".into()),
            }),
            SearchResult::Secret(Secret {
                id: ID("s1".into()),
                code: Some("42".into()),
            }),
            SearchResult::User(ada()),
        ]
    }
}

struct BillingQuery;

#[Object(name = "Query")]
impl BillingQuery {
    async fn invoices(&self) -> Vec<String> {
        vec!["inv-1".into()]
    }
}

/// One logged subgraph request.
#[derive(Debug, Clone)]
struct Logged {
    subgraph: String,
    query: String,
    headers: HeaderMap,
}

/// Runs `accounts` and `billing` in process and logs every request.
#[derive(Default)]
struct Subgraphs {
    log: Mutex<Vec<Logged>>,
}

impl Subgraphs {
    fn log(&self) -> Vec<Logged> {
        self.log.lock().expect("lock").clone()
    }

    fn calls(&self) -> usize {
        self.log().len()
    }

    fn queries(&self) -> String {
        self.log()
            .iter()
            .map(|l| l.query.clone())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn headers_of(&self, subgraph: &str) -> HeaderMap {
        self.log()
            .into_iter()
            .rev()
            .find(|l| l.subgraph == subgraph)
            .map(|l| l.headers)
            .unwrap_or_else(|| panic!("{subgraph} was not called"))
    }
}

#[async_trait]
impl SubgraphClient for Subgraphs {
    async fn execute(
        &self,
        subgraph: &str,
        request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        self.log.lock().expect("lock").push(Logged {
            subgraph: subgraph.to_owned(),
            query: request.query.to_string(),
            headers: request.headers.clone(),
        });
        let graphql = async_graphql::Request::new(request.query.to_string())
            .variables(Variables::from_json(Value::Object(request.variables)));
        let response = match subgraph {
            "accounts" => {
                Schema::build(AccountsQuery, EmptyMutation, EmptySubscription)
                    .enable_federation()
                    .finish()
                    .execute(graphql)
                    .await
            }
            "billing" => {
                Schema::new(BillingQuery, EmptyMutation, EmptySubscription)
                    .execute(graphql)
                    .await
            }
            other => return Err(TransportError::UnknownSubgraph(other.to_owned())),
        };
        let json = serde_json::to_value(&response).expect("response serializes");
        Ok(serde_json::from_value(json).expect("a graphql response"))
    }
}

fn supergraph_sdl(accounts_sdl: &str) -> String {
    compose(&[
        SubgraphSdl {
            name: "accounts".into(),
            url: "http://accounts.invalid/graphql".into(),
            sdl: accounts_sdl.to_owned(),
        },
        SubgraphSdl {
            name: "billing".into(),
            url: "http://billing.invalid/graphql".into(),
            sdl: BILLING_SDL.to_owned(),
        },
    ])
    .expect("the auth test subgraphs compose")
}

/// A gateway over the auth test subgraphs.
struct App {
    router: Router,
    subgraphs: Arc<Subgraphs>,
}

impl App {
    fn new(config: &GatewayConfig) -> Self {
        Self::serving(config, &supergraph_sdl(ACCOUNTS_SDL))
    }

    fn serving(config: &GatewayConfig, supergraph_sdl: &str) -> Self {
        let state = AppState::from_config(config).expect("state");
        let subgraphs = Arc::new(Subgraphs::default());
        let supergraph = Supergraph::parse(supergraph_sdl).expect("supergraph loads");
        state.load_supergraph_with_client(Arc::new(supergraph), subgraphs.clone());
        Self {
            router: gateway::router(state),
            subgraphs,
        }
    }

    /// POSTs `query` with `Accept: application/graphql-response+json` and `extra` headers.
    async fn query(&self, query: &str, extra: &[(&str, &str)]) -> TestResponse {
        let mut headers = vec![("accept", "application/graphql-response+json")];
        headers.extend_from_slice(extra);
        post(&self.router, &json!({ "query": query }), &headers).await
    }

    async fn query_as(&self, query: &str, token: &str) -> TestResponse {
        let auth = bearer(token);
        self.query(query, &[("authorization", auth.as_str())]).await
    }
}

/// Asserts a 401 `UNAUTHENTICATED` whose message contains `needle`, and that no subgraph was
/// called.
fn assert_unauthenticated(app: &App, response: &TestResponse, needle: &str) {
    assert_eq!(response.status, 401, "{}", response.text());
    // The negotiated GraphQL media type (`application/graphql-response+json` unless the
    // client asked for `application/json`).
    assert!(
        response
            .content_type()
            .starts_with("application/graphql-response+json")
            || response.content_type().starts_with("application/json"),
        "{}",
        response.content_type()
    );
    let body = response.json();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{body}"
    );
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
    assert!(body.get("data").is_none(), "{body}");
    assert!(response.header("www-authenticate").is_some());
    assert_eq!(app.subgraphs.calls(), 0, "no subgraph may be called");
}

const ME: &str = "{ me { name } }";

// ----- authentication -------------------------------------------------------------------------

#[tokio::test]
async fn every_algorithm_verifies_from_a_jwks_file() {
    let app = App::new(&config_with_keys());
    for alg in [
        Algorithm::RS256,
        Algorithm::ES256,
        Algorithm::EdDSA,
        Algorithm::HS256,
    ] {
        let response = app.query_as(ME, &token(alg, json!({}))).await;
        assert_eq!(response.status, 200, "{alg:?}: {}", response.text());
        assert_eq!(
            response.json(),
            json!({"data": {"me": {"name": "Ada"}}}),
            "{alg:?}"
        );
    }
    assert_eq!(app.subgraphs.calls(), 4);
}

#[tokio::test]
async fn a_token_without_kid_is_tried_against_every_key_of_its_family() {
    let app = App::new(&config_with_keys());
    let token = token_with(Algorithm::ES256, "main", None, &claims(json!({})));
    let response = app.query_as(ME, &token).await;
    assert_eq!(response.json(), json!({"data": {"me": {"name": "Ada"}}}));
}

#[tokio::test]
async fn pem_keys_verify_their_own_algorithm() {
    let mut config = config_with_keys();
    config.authentication.jwks = vec![
        JwksSourceConfig {
            pem: Some(PathBuf::from(FIXTURES).join("rsa_public.pem")),
            algorithm: Some("RS256".into()),
            ..JwksSourceConfig::default()
        },
        JwksSourceConfig {
            pem: Some(PathBuf::from(FIXTURES).join("ec_public.pem")),
            algorithm: Some("ES256".into()),
            kid: Some("ec-1".into()),
            ..JwksSourceConfig::default()
        },
        JwksSourceConfig {
            pem: Some(PathBuf::from(FIXTURES).join("ed_public.pem")),
            algorithm: Some("EdDSA".into()),
            ..JwksSourceConfig::default()
        },
    ];
    let app = App::new(&config);
    for alg in [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA] {
        let response = app.query_as(ME, &token(alg, json!({}))).await;
        assert_eq!(response.status, 200, "{alg:?}: {}", response.text());
    }
    // The RSA PEM has no kid, so it serves tokens naming any; the EC one is `ec-1` only.
    let response = app
        .query_as(
            ME,
            &token_with(Algorithm::RS256, "main", Some("any"), &claims(json!({}))),
        )
        .await;
    assert_eq!(response.status, 200);
    let app = App::new(&config);
    let response = app
        .query_as(
            ME,
            &token_with(Algorithm::ES256, "main", Some("other"), &claims(json!({}))),
        )
        .await;
    assert_unauthenticated(&app, &response, "`other` is unknown");
}

#[tokio::test]
async fn each_failing_claim_check_is_refused_with_its_reason() {
    let app = App::new(&config_with_keys());
    let cases: &[(Value, &str)] = &[
        (json!({"exp": now() - 3600}), "expired"),
        (json!({"nbf": now() + 3600}), "not valid yet"),
        (json!({"iss": "https://evil.test"}), "issuer"),
        (json!({"aud": "someone-else"}), "audience"),
        (json!({"exp": null}), "`exp` is missing"),
        (json!({"iss": null}), "`iss` is missing"),
        (json!({"exp": "tomorrow"}), "`exp`"),
    ];
    for (extra, needle) in cases {
        let response = app
            .query_as(ME, &token(Algorithm::RS256, extra.clone()))
            .await;
        assert_unauthenticated(&app, &response, needle);
    }
}

#[tokio::test]
async fn the_leeway_tolerates_clock_skew_and_no_more() {
    let mut config = config_with_keys();
    config.authentication.leeway = std::time::Duration::from_secs(120);
    let app = App::new(&config);
    let slightly_expired = token(Algorithm::RS256, json!({"exp": now() - 60}));
    assert_eq!(app.query_as(ME, &slightly_expired).await.status, 200);
    let slightly_early = token(Algorithm::RS256, json!({"nbf": now() + 60}));
    assert_eq!(app.query_as(ME, &slightly_early).await.status, 200);
    let expired = token(Algorithm::RS256, json!({"exp": now() - 600}));
    let response = app.query_as(ME, &expired).await;
    assert_eq!(response.status, 401);
}

#[tokio::test]
async fn alg_none_and_algorithm_confusion_are_refused() {
    let mut config = config_with_keys();
    // The RSA public key alone, as a PEM: the confusion attack signs HS256 with its bytes.
    config.authentication.jwks = vec![JwksSourceConfig {
        pem: Some(PathBuf::from(FIXTURES).join("rsa_public.pem")),
        algorithm: Some("RS256".into()),
        ..JwksSourceConfig::default()
    }];
    let app = App::new(&config);

    let payload = URL_SAFE_NO_PAD.encode(claims(json!({})).to_string());
    for header in [
        json!({"alg": "none", "typ": "JWT"}),
        json!({"alg": "None", "typ": "JWT"}),
    ] {
        let header = URL_SAFE_NO_PAD.encode(header.to_string());
        let unsigned = format!("{header}.{payload}.");
        let response = app.query_as(ME, &unsigned).await;
        assert_unauthenticated(&app, &response, "is not accepted");
    }

    // HS256 with the RSA public key's PEM bytes as the secret.
    let forged = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(json!({})),
        &EncodingKey::from_secret(RSA_PUBLIC),
    )
    .expect("sign");
    let response = app.query_as(ME, &forged).await;
    assert_unauthenticated(&app, &response, "signature");

    // The same through a JWKS whose RSA key has no `alg`.
    let mut rsa = jwk(Algorithm::RS256, "main", "rsa-1");
    rsa.as_object_mut().expect("jwk").remove("alg");
    let mut config = config_with_keys();
    config.authentication.jwks = vec![JwksSourceConfig {
        file: Some(jwks_file(&json!({"keys": [rsa]}))),
        ..JwksSourceConfig::default()
    }];
    let app = App::new(&config);
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("rsa-1".into());
    let forged = jsonwebtoken::encode(
        &header,
        &claims(json!({})),
        &EncodingKey::from_secret(RSA_PUBLIC),
    )
    .expect("sign");
    let response = app.query_as(ME, &forged).await;
    assert_unauthenticated(&app, &response, "`rsa-1` is unknown");
    // The legitimate RS256 token still passes.
    assert_eq!(
        app.query_as(ME, &token(Algorithm::RS256, json!({})))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn tampered_and_malformed_tokens_are_refused() {
    let app = App::new(&config_with_keys());
    let good = token(Algorithm::EdDSA, json!({}));
    let (head, signature) = good.rsplit_once('.').expect("three parts");
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).expect("b64");
    bytes[0] ^= 1;
    let tampered = format!("{head}.{}", URL_SAFE_NO_PAD.encode(bytes));
    assert_unauthenticated(&app, &app.query_as(ME, &tampered).await, "signature");
    // A payload swapped under a valid signature.
    let (header, rest) = good.split_once('.').expect("parts");
    let (_, signature) = rest.split_once('.').expect("parts");
    let admin = URL_SAFE_NO_PAD.encode(claims(json!({"scope": "admin"})).to_string());
    let swapped = format!("{header}.{admin}.{signature}");
    assert_unauthenticated(&app, &app.query_as(ME, &swapped).await, "signature");
    assert_unauthenticated(&app, &app.query_as(ME, "not-a-jwt").await, "well-formed");
    let response = app
        .query(ME, &[("authorization", "Basic dXNlcjpwYXNz")])
        .await;
    assert_unauthenticated(&app, &response, "malformed `authorization` header");
}

#[tokio::test]
async fn tokens_are_optional_unless_required() {
    let app = App::new(&config_with_keys());
    let response = app.query("{ publicInfo }", &[]).await;
    assert_eq!(response.json(), json!({"data": {"publicInfo": "hello"}}));

    let mut config = config_with_keys();
    config.authentication.require = true;
    let app = App::new(&config);
    let response = app.query("{ publicInfo }", &[]).await;
    assert_unauthenticated(&app, &response, "authentication required");
    // GET and `application/json` are refused alike.
    let response = get(
        &app.router,
        "/graphql?query=%7BpublicInfo%7D",
        &[("accept", "application/json")],
    )
    .await;
    assert_unauthenticated(&app, &response, "authentication required");
    let response = app
        .query_as("{ publicInfo }", &token(Algorithm::RS256, json!({})))
        .await;
    assert_eq!(response.json(), json!({"data": {"publicInfo": "hello"}}));
}

#[tokio::test]
async fn require_without_keys_is_refused_at_start() {
    let mut config = GatewayConfig::default();
    config.authentication.require = true;
    let err = AppState::from_config(&config).err().expect("refused");
    assert!(err.to_string().contains("require"), "{err}");
}

/// A JWKS server on `127.0.0.1:0` whose document can be swapped; counts fetches.
struct JwksServer {
    url: String,
    document: Arc<Mutex<Value>>,
    fetches: Arc<AtomicUsize>,
}

async fn jwks_server(document: Value) -> JwksServer {
    let document = Arc::new(Mutex::new(document));
    let fetches = Arc::new(AtomicUsize::new(0));
    let (doc, count) = (document.clone(), fetches.clone());
    let app = Router::new().route(
        "/jwks.json",
        axum::routing::get(move || {
            let (doc, count) = (doc.clone(), count.clone());
            async move {
                count.fetch_add(1, Ordering::SeqCst);
                axum::Json(doc.lock().expect("lock").clone())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    JwksServer {
        url: format!("http://{addr}/jwks.json"),
        document,
        fetches,
    }
}

fn url_config(server: &JwksServer, min_refresh: &str) -> GatewayConfig {
    let mut config = config_with_keys();
    let toml = format!(
        "[[authentication.jwks]]\nurl = \"{}\"\nmin_refresh_interval = \"{min_refresh}\"\n",
        server.url
    );
    let parsed = GatewayConfig::from_sources(Some((&toml, std::path::Path::new("t.toml"))), [])
        .expect("config");
    config.authentication.jwks = parsed.authentication.jwks;
    config
}

#[tokio::test]
async fn jwks_url_is_cached_and_refreshed_on_an_unknown_kid() {
    let server = jwks_server(json!({"keys": [jwk(Algorithm::RS256, "main", "rsa-1")]})).await;
    let app = App::new(&url_config(&server, "0ms"));
    for _ in 0..3 {
        let response = app.query_as(ME, &token(Algorithm::RS256, json!({}))).await;
        assert_eq!(response.status, 200, "{}", response.text());
    }
    assert_eq!(server.fetches.load(Ordering::SeqCst), 1, "keys are cached");

    // The issuer rotates in a second key: the first token naming it triggers one fetch.
    *server.document.lock().expect("lock") = json!({"keys": [
        jwk(Algorithm::RS256, "main", "rsa-1"),
        jwk(Algorithm::RS256, "rsa2", "rsa-2"),
    ]});
    let rotated = token_with(Algorithm::RS256, "rsa2", Some("rsa-2"), &claims(json!({})));
    let response = app.query_as(ME, &rotated).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(server.fetches.load(Ordering::SeqCst), 2);
    let response = app.query_as(ME, &rotated).await;
    assert_eq!(response.status, 200);
    assert_eq!(server.fetches.load(Ordering::SeqCst), 2, "cached again");
}

#[tokio::test]
async fn unknown_kid_refreshes_are_rate_limited() {
    let server = jwks_server(json!({"keys": [jwk(Algorithm::RS256, "main", "rsa-1")]})).await;
    let app = App::new(&url_config(&server, "1h"));
    assert_eq!(
        app.query_as(ME, &token(Algorithm::RS256, json!({})))
            .await
            .status,
        200
    );
    for i in 0..5 {
        let forged = token_with(
            Algorithm::RS256,
            "rsa2",
            Some(&format!("forged-{i}")),
            &claims(json!({})),
        );
        let response = app.query_as(ME, &forged).await;
        assert_eq!(response.status, 401);
    }
    assert_eq!(
        server.fetches.load(Ordering::SeqCst),
        1,
        "unknown kids within the minimum interval fetch nothing"
    );
}

#[tokio::test]
async fn an_unreachable_jwks_url_refuses_tokens_without_hanging() {
    // A port that was bound then closed: connection refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let server = JwksServer {
        url: format!("http://{addr}/jwks.json"),
        document: Arc::new(Mutex::new(json!({}))),
        fetches: Arc::new(AtomicUsize::new(0)),
    };
    let app = App::new(&url_config(&server, "0ms"));
    let response = app.query_as(ME, &token(Algorithm::RS256, json!({}))).await;
    assert_unauthenticated(&app, &response, "`rsa-1` is unknown");
    // Anonymous requests still run.
    let response = app.query("{ publicInfo }", &[]).await;
    assert_eq!(response.status, 200);
}

// ----- authorization --------------------------------------------------------------------------

fn filter_config() -> GatewayConfig {
    let mut config = config_with_keys();
    config
        .authorization
        .policies
        .insert("finance".into(), r#"claim:dept == "finance""#.into());
    config
}

fn reject_config() -> GatewayConfig {
    let mut config = filter_config();
    config.authorization.mode = gateway::config::AuthorizationMode::Reject;
    config
}

/// The `FORBIDDEN` error paths of a response, in order.
fn forbidden_paths(body: &Value) -> Vec<Value> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter(|e| e["extensions"]["code"] == "FORBIDDEN")
                .map(|e| e["path"].clone())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn filter_mode_nulls_unauthorized_fields_and_runs_the_rest() {
    let app = App::new(&filter_config());
    let response = app.query("{ publicInfo me { name } }", &[]).await;
    assert_eq!(response.status, 200);
    let body = response.json();
    assert_eq!(body["data"], json!({"publicInfo": "hello", "me": null}));
    assert_eq!(forbidden_paths(&body), vec![json!(["me"])]);
    assert_eq!(app.subgraphs.calls(), 1);
    assert!(
        !app.subgraphs.queries().contains("me"),
        "{}",
        app.subgraphs.queries()
    );

    // With a token, the same operation sees everything.
    let response = app
        .query_as(
            "{ publicInfo me { name } }",
            &token(Algorithm::RS256, json!({})),
        )
        .await;
    assert_eq!(
        response.json(),
        json!({"data": {"publicInfo": "hello", "me": {"name": "Ada"}}})
    );
}

#[tokio::test]
async fn reject_mode_fails_the_operation_before_any_subgraph() {
    let app = App::new(&reject_config());
    let response = app.query("{ publicInfo me { name } }", &[]).await;
    assert_eq!(response.status, 403, "{}", response.text());
    let body = response.json();
    assert!(body.get("data").is_none(), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert_eq!(
        body["errors"][0]["locations"],
        json!([{"line": 1, "column": 14}])
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Query.me")
    );
    assert_eq!(app.subgraphs.calls(), 0);

    // `application/json` keeps 200 for request errors, as for validation errors.
    let response = post(
        &app.router,
        &json!({"query": "{ me { name } }"}),
        &[("accept", "application/json")],
    )
    .await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.json()["errors"][0]["extensions"]["code"],
        "FORBIDDEN"
    );

    // Types (in a union) and scopes are refused the same way, one error per field.
    let response = app
        .query(
            "{ search { ... on Secret { id code } ... on Post { title } } adminStats { count } }",
            &[],
        )
        .await;
    assert_eq!(response.status, 403, "{}", response.text());
    let messages: Vec<String> = response.json()["errors"]
        .as_array()
        .map(|e| e.iter().map(|e| e["message"].to_string()).collect())
        .unwrap_or_default();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].contains("Secret.id") && messages[1].contains("Secret.code"));
    assert!(messages[2].contains("Query.adminStats"));
    assert_eq!(app.subgraphs.calls(), 0);

    let response = app
        .query_as("{ me { name } }", &token(Algorithm::RS256, json!({})))
        .await;
    assert_eq!(response.json(), json!({"data": {"me": {"name": "Ada"}}}));
}

#[tokio::test]
async fn a_removed_non_null_field_propagates_null_with_one_forbidden_error() {
    let app = App::new(&filter_config());
    let response = app.query("{ publicInfo users { name ssn } }", &[]).await;
    let body = response.json();
    // users: [User!]! → the null reaches the root.
    assert_eq!(body["data"], Value::Null, "{body}");
    assert_eq!(forbidden_paths(&body), vec![json!(["users", 0, "ssn"])]);
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{body}");
    assert!(!app.subgraphs.queries().contains("ssn"));
}

#[tokio::test]
async fn scopes_are_an_or_of_ands() {
    let app = App::new(&filter_config());
    let query = "{ users { ssn } adminStats { count } }";
    for (scope, ssn, stats) in [
        ("pii:read", true, false),
        ("admin", true, true),
        ("pii:write other", false, false),
    ] {
        let token = token(Algorithm::ES256, json!({"scope": scope}));
        let body = app.query_as(query, &token).await.json();
        if ssn && stats {
            assert_eq!(
                body,
                json!({"data": {"users": [{"ssn": "123-45"}], "adminStats": {"count": 7}}})
            );
        } else if ssn {
            assert_eq!(
                body["data"],
                json!({"users": [{"ssn": "123-45"}], "adminStats": null})
            );
            assert_eq!(forbidden_paths(&body), vec![json!(["adminStats"])]);
        } else {
            assert_eq!(body["data"], Value::Null, "{scope}: {body}");
        }
    }
    // Scopes given as an array claim count too.
    let token = token(Algorithm::ES256, json!({"scope": ["admin"]}));
    let body = app
        .query_as("{ adminStats { count } }", &token)
        .await
        .json();
    assert_eq!(body, json!({"data": {"adminStats": {"count": 7}}}));
}

#[tokio::test]
async fn policies_are_rules_over_claims() {
    let app = App::new(&filter_config());
    let finance = token(Algorithm::HS256, json!({"dept": "finance"}));
    let body = app.query_as("{ reports }", &finance).await.json();
    assert_eq!(body, json!({"data": {"reports": ["q3"]}}));
    let sales = token(Algorithm::HS256, json!({"dept": "sales"}));
    let body = app.query_as("{ reports }", &sales).await.json();
    assert_eq!(body["data"], json!({"reports": null}));
    assert_eq!(forbidden_paths(&body), vec![json!(["reports"])]);

    // A policy the config does not define is never satisfied.
    let app = App::new(&config_with_keys());
    let body = app.query_as("{ reports }", &finance).await.json();
    assert_eq!(body["data"], json!({"reports": null}));
}

#[tokio::test]
async fn protected_types_are_filtered_in_unions() {
    let app = App::new(&filter_config());
    let query = "{ search { __typename ... on Post { title } ... on Secret { code } \
                 ... on User { name email } } }";
    let body = app.query(query, &[]).await.json();
    assert_eq!(
        body["data"],
        json!({"search": [
            {"__typename": "Post", "title": "Hi"},
            {"__typename": "Secret", "code": null},
            {"__typename": "User", "name": "Ada", "email": null},
        ]}),
        "{body}"
    );
    assert_eq!(
        forbidden_paths(&body),
        vec![json!(["search", 1, "code"]), json!(["search", 2, "email"])]
    );
    let queries = app.subgraphs.queries();
    assert!(
        !queries.contains("code") && !queries.contains("email"),
        "{queries}"
    );

    // Without `__typename` in the client's selection the paths are the same, and the
    // runtime-type probe the gateway adds never shows.
    let body = app
        .query(
            "{ search { ... on Secret { code } ... on Post { title } } }",
            &[],
        )
        .await
        .json();
    assert_eq!(
        body["data"],
        json!({"search": [{"title": "Hi"}, {"code": null}, {}]}),
        "{body}"
    );
    assert_eq!(forbidden_paths(&body), vec![json!(["search", 1, "code"])]);

    let token = token(Algorithm::RS256, json!({}));
    let body = app.query_as(query, &token).await.json();
    assert_eq!(
        body["data"]["search"][1],
        json!({"__typename": "Secret", "code": "42"})
    );
    assert!(body.get("errors").is_none(), "{body}");
}

/// Advisory class "authorization bypass through interfaces": `User.balance` needs the
/// `finance` scope. Selecting it through the interface, a fragment on the interface, or a
/// named fragment must not leak it; only `Guest.balance` (public) may be read directly.
#[tokio::test]
async fn regression_no_authorization_bypass_through_interfaces() {
    let bypasses = [
        "{ accounts { id balance } }",
        "{ accounts { ... on Account { balance } } }",
        "{ accounts { ...B } } fragment B on Account { balance }",
        "{ accounts { ... on User { balance } } }",
        "{ search { ... on User { ...U } } } fragment U on Account { balance }",
    ];
    let app = App::new(&filter_config());
    let no_scope = token(Algorithm::RS256, json!({"scope": "other"}));
    for query in bypasses {
        for token in [None, Some(no_scope.as_str())] {
            let response = match token {
                Some(t) => app.query_as(query, t).await,
                None => app.query(query, &[]).await,
            };
            let body = response.json();
            let text = body.to_string();
            assert!(!text.contains("100"), "{query} leaked: {text}");
            assert!(!forbidden_paths(&body).is_empty(), "{query}: {text}");
        }
    }
    assert!(
        !app.subgraphs.queries().contains("balance"),
        "a subgraph was asked for balance: {}",
        app.subgraphs.queries()
    );

    // Reject mode refuses each of them outright.
    let app = App::new(&reject_config());
    for query in bypasses {
        let response = app.query(query, &[]).await;
        assert_eq!(response.status, 403, "{query}: {}", response.text());
    }
    assert_eq!(app.subgraphs.calls(), 0);

    // The public implementation's field stays readable, and the scope opens the rest.
    let app = App::new(&filter_config());
    let body = app
        .query("{ accounts { id ... on Guest { balance } } }", &[])
        .await
        .json();
    assert_eq!(
        body,
        json!({"data": {"accounts": [{"id": "g1", "balance": 5}, {"id": "u1"}]}})
    );
    let finance = token(Algorithm::RS256, json!({"scope": "finance"}));
    let body = app
        .query_as("{ accounts { id balance } }", &finance)
        .await
        .json();
    assert_eq!(
        body,
        json!({"data": {"accounts": [{"id": "g1", "balance": 5}, {"id": "u1", "balance": 100}]}})
    );
}

#[tokio::test]
async fn filtered_fragments_report_every_path() {
    let app = App::new(&filter_config());
    let query = "query Q { me { ...N } users { ...N } } fragment N on User { name email }";
    let token = token(Algorithm::RS256, json!({}));
    // Authenticated: email is readable, nothing is filtered.
    let body = app.query_as(query, &token).await.json();
    assert!(body.get("errors").is_none(), "{body}");
    // Anonymous: `me` is removed whole, `email` inside the fragment everywhere else.
    let body = app.query(query, &[]).await.json();
    assert_eq!(
        body["data"],
        json!({"me": null, "users": [{"name": "Ada", "email": null}]})
    );
    assert_eq!(
        forbidden_paths(&body),
        vec![json!(["me"]), json!(["users", 0, "email"])]
    );
}

#[tokio::test]
async fn renamed_directives_are_honoured() {
    // Subgraph-side renames through `@link(import:)`.
    let renamed_sdl = ACCOUNTS_SDL
        .replace("@authenticated", "@mustLogIn")
        .replace("@requiresScopes", "@scoped")
        .replace(
            r#""@mustLogIn""#,
            r#"{name: "@authenticated", as: "@mustLogIn"}"#,
        )
        .replace(
            r#""@scoped""#,
            r#"{name: "@requiresScopes", as: "@scoped"}"#,
        );
    let composed = supergraph_sdl(&renamed_sdl);
    // Supergraph-side renames: the spec linked `as:` another name.
    let supergraph_renamed = composed
        .replace(
            r#"url: "https://specs.apollo.dev/authenticated/v0.1""#,
            r#"url: "https://specs.apollo.dev/authenticated/v0.1", as: "auth""#,
        )
        .replace("@authenticated", "@auth");
    assert!(
        supergraph_renamed.contains("@auth "),
        "{supergraph_renamed}"
    );
    // Supergraph-side import renames: `import: [{name: "@requiresScopes", as: "@scopes"}]`.
    let supergraph_imported = composed
        .replace(
            r#"url: "https://specs.apollo.dev/requiresScopes/v0.1""#,
            r#"url: "https://specs.apollo.dev/requiresScopes/v0.1", import: [{name: "@requiresScopes", as: "@scopes"}]"#,
        )
        .replace("@requiresScopes(", "@scopes(")
        .replace("directive @requiresScopes", "directive @scopes");
    assert!(
        supergraph_imported.contains("@scopes("),
        "{supergraph_imported}"
    );
    for sdl in [composed, supergraph_renamed, supergraph_imported] {
        let app = App::serving(&filter_config(), &sdl);
        let body = app
            .query("{ me { name } users { name } }", &[])
            .await
            .json();
        assert_eq!(
            body["data"],
            json!({"me": null, "users": [{"name": "Ada"}]})
        );
        assert_eq!(forbidden_paths(&body), vec![json!(["me"])]);
        let body = app.query("{ users { ssn } }", &[]).await.json();
        assert_eq!(body["data"], Value::Null, "{body}");
        assert_eq!(forbidden_paths(&body), vec![json!(["users", 0, "ssn"])]);
        let token = token(Algorithm::RS256, json!({"scope": "admin"}));
        let body = app
            .query_as("{ me { name } users { ssn } }", &token)
            .await
            .json();
        assert!(body.get("errors").is_none(), "{body}");
    }
}

// ----- introspection --------------------------------------------------------------------------

const SCHEMA_QUERY: &str = "{ __schema { queryType { name } } }";
const TYPE_VIA_FRAGMENT: &str = "{ ...F } fragment F on Query { __type(name: \"User\") { name } }";

#[tokio::test]
async fn introspection_can_be_disabled() {
    let mut config = config_with_keys();
    config.introspection.enabled = false;
    let app = App::new(&config);
    for query in [SCHEMA_QUERY, TYPE_VIA_FRAGMENT] {
        let response = app.query(query, &[]).await;
        assert_eq!(response.status, 400, "{query}");
        assert_eq!(
            response.json()["errors"][0]["extensions"]["code"],
            "GRAPHQL_VALIDATION_FAILED"
        );
    }
    let response = app.query("{ __typename publicInfo }", &[]).await;
    assert_eq!(
        response.json(),
        json!({"data": {"__typename": "Query", "publicInfo": "hello"}})
    );
}

#[tokio::test]
async fn introspection_can_be_limited_to_given_claims() {
    let mut config = config_with_keys();
    config.introspection.allow = r#"scope:introspect || claim:role == "developer""#.into();
    let app = App::new(&config);
    for query in [SCHEMA_QUERY, TYPE_VIA_FRAGMENT] {
        let response = app.query(query, &[]).await;
        assert_eq!(response.status, 403, "{query}");
        assert_eq!(
            response.json()["errors"][0]["extensions"]["code"],
            "FORBIDDEN"
        );
        let other = token(Algorithm::RS256, json!({"role": "tester"}));
        assert_eq!(app.query_as(query, &other).await.status, 403);
    }
    let developer = token(Algorithm::RS256, json!({"role": "developer"}));
    let response = app.query_as(SCHEMA_QUERY, &developer).await;
    assert_eq!(
        response.json(),
        json!({"data": {"__schema": {"queryType": {"name": "Query"}}}})
    );
    let scoped = token(Algorithm::EdDSA, json!({"scope": "introspect"}));
    let response = app.query_as(TYPE_VIA_FRAGMENT, &scoped).await;
    assert_eq!(
        response.json(),
        json!({"data": {"__type": {"name": "User"}}})
    );
}

#[test]
fn an_invalid_introspection_rule_or_policy_is_refused_at_start() {
    let mut config = GatewayConfig::default();
    config.introspection.allow = "scope:".into();
    let err = AppState::from_config(&config).err().expect("refused");
    assert!(err.to_string().contains("introspection"), "{err}");
    let mut config = GatewayConfig::default();
    config
        .authorization
        .policies
        .insert("admin".into(), "claim:role = \"admin\"".into());
    let err = AppState::from_config(&config).err().expect("refused");
    assert!(err.to_string().contains("policy `admin`"), "{err}");
}

// ----- header rules ---------------------------------------------------------------------------

#[tokio::test]
async fn header_rules_propagate_rename_insert_and_remove_per_subgraph() {
    let mut config = config_with_keys();
    let toml = r#"
        [headers.all]
        propagate = ["authorization", "x-request-id"]
        rename = { "x-client" = "x-caller" }
        claims = { "x-user-id" = "sub", "x-tier" = "tier" }
        insert = { "x-gateway" = "tessera" }
        [headers.subgraphs.billing]
        remove = ["authorization", "x-user-id"]
        insert = { "x-billing" = "1" }
    "#;
    config.headers = GatewayConfig::from_sources(Some((toml, std::path::Path::new("t.toml"))), [])
        .expect("config")
        .headers;
    let app = App::new(&config);
    let token = token(Algorithm::RS256, json!({"tier": 3}));
    let auth = bearer(&token);
    let response = app
        .query(
            "{ publicInfo invoices }",
            &[
                ("authorization", auth.as_str()),
                ("x-request-id", "r-1"),
                ("x-client", "ios"),
                ("x-other", "no"),
                ("cookie", "session=1"),
                ("connection", "keep-alive, x-request-id"),
                ("keep-alive", "timeout=5"),
                ("te", "trailers"),
                ("upgrade", "h2c"),
                ("proxy-authorization", "Basic x"),
                ("host", "gateway.example"),
            ],
        )
        .await;
    assert_eq!(
        response.json(),
        json!({"data": {"publicInfo": "hello", "invoices": ["inv-1"]}})
    );
    // `x-request-id` and `traceparent` are the observability layer's own: every subgraph
    // request carries them whatever the rules say (docs/OBSERVABILITY.md).
    let names = |headers: &HeaderMap| {
        let mut names: Vec<String> = headers
            .keys()
            .map(|k| k.to_string())
            .filter(|k| k != "x-request-id" && k != "traceparent")
            .collect();
        names.sort();
        names
    };
    let accounts = app.subgraphs.headers_of("accounts");
    assert_eq!(
        names(&accounts),
        [
            "authorization",
            "x-caller",
            "x-gateway",
            "x-tier",
            "x-user-id"
        ]
    );
    assert_eq!(accounts["authorization"], auth.as_str());
    assert_eq!(accounts["x-caller"], "ios");
    assert_eq!(accounts["x-user-id"], "u1");
    assert_eq!(accounts["x-tier"], "3");
    let billing = app.subgraphs.headers_of("billing");
    assert_eq!(
        names(&billing),
        ["x-billing", "x-caller", "x-gateway", "x-tier"]
    );

    // Anonymous: no claim headers.
    app.query("{ publicInfo }", &[("x-client", "web")]).await;
    let accounts = app.subgraphs.headers_of("accounts");
    assert_eq!(names(&accounts), ["x-caller", "x-gateway"]);
}

#[test]
fn rules_naming_hop_by_hop_or_gateway_headers_are_refused_at_start() {
    for (rule, name) in [
        ("propagate = [\"connection\"]", "connection"),
        ("propagate = [\"Host\"]", "Host"),
        (
            "rename = { \"x-a\" = \"content-length\" }",
            "content-length",
        ),
        (
            "insert = { \"transfer-encoding\" = \"chunked\" }",
            "transfer-encoding",
        ),
        ("claims = { \"te\" = \"sub\" }", "te"),
        ("propagate = [\"bad header\"]", "bad header"),
    ] {
        let toml = format!("[headers.all]\n{rule}\n");
        let config = GatewayConfig::from_sources(Some((&toml, std::path::Path::new("t.toml"))), [])
            .expect("parses");
        let err = AppState::from_config(&config).err().expect("refused");
        assert!(err.to_string().contains(name), "{rule}: {err}");
    }
}

#[tokio::test]
async fn by_default_only_authorization_reaches_subgraphs() {
    let app = App::new(&config_with_keys());
    let token = token(Algorithm::RS256, json!({}));
    let auth = bearer(&token);
    app.query(
        "{ publicInfo }",
        &[
            ("authorization", auth.as_str()),
            ("x-custom", "1"),
            ("cookie", "a=b"),
        ],
    )
    .await;
    let headers = app.subgraphs.headers_of("accounts");
    // Besides the observability layer's own `x-request-id` and `traceparent`.
    let names: Vec<&str> = headers
        .keys()
        .map(|k| k.as_str())
        .filter(|k| *k != "x-request-id" && *k != "traceparent")
        .collect();
    assert_eq!(names, ["authorization"]);
}

/// Over real HTTP: the subgraph sees the gateway's own `host`, `content-type` and
/// `content-length`, never the client's hop-by-hop headers.
#[tokio::test]
async fn hop_by_hop_headers_never_reach_a_subgraph_over_http() {
    let seen: Arc<Mutex<Option<HeaderMap>>> = Arc::default();
    let record = seen.clone();
    let handler = move |headers: HeaderMap, axum::Json(body): axum::Json<Value>| {
        let record = record.clone();
        async move {
            *record.lock().expect("lock") = Some(headers);
            let request: async_graphql::Request =
                serde_json::from_value(body).expect("a graphql request");
            let response = Schema::new(AccountsQuery, EmptyMutation, EmptySubscription)
                .execute(request)
                .await;
            axum::Json(serde_json::to_value(&response).expect("json"))
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = Router::new().route("/graphql", axum::routing::post(handler));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let toml = format!(
        "[subgraphs.overrides.accounts]\nurl = \"http://{addr}/graphql\"\n\
         [headers.all]\npropagate = [\"authorization\", \"x-request-id\"]\n"
    );
    let config = GatewayConfig::from_sources(Some((&toml, std::path::Path::new("t.toml"))), [])
        .expect("config");
    let state = AppState::from_config(&config).expect("state");
    state
        .load_supergraph_sdl(&supergraph_sdl(ACCOUNTS_SDL))
        .expect("loads");
    let router = gateway::router(state);
    let response = post(
        &router,
        &json!({"query": "{ publicInfo }"}),
        &[
            ("authorization", "Bearer opaque"),
            ("x-request-id", "r-9"),
            ("connection", "x-request-id"),
            ("keep-alive", "timeout=1"),
            ("te", "trailers"),
            ("upgrade", "websocket"),
            ("proxy-authorization", "Basic eA=="),
            ("host", "client.example"),
            ("cookie", "a=b"),
        ],
    )
    .await;
    assert_eq!(response.json(), json!({"data": {"publicInfo": "hello"}}));
    let headers = seen.lock().expect("lock").clone().expect("subgraph called");
    assert_eq!(headers["host"], addr.to_string().as_str());
    assert_eq!(headers["authorization"], "Bearer opaque");
    assert_eq!(headers["x-request-id"], "r-9");
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap_or_default()
            .contains("json")
    );
    for name in [
        "keep-alive",
        "te",
        "upgrade",
        "proxy-authorization",
        "cookie",
    ] {
        assert!(headers.get(name).is_none(), "{name} reached the subgraph");
    }
    assert_ne!(
        headers.get("connection").map(|v| v.as_bytes()),
        Some(&b"x-request-id"[..])
    );
}
