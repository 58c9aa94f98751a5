//! Test support (feature `testing`): a fresh database per test on every backend, tokens for
//! every failure mode, and an HTTP client that drives a router without a socket.
//!
//! Every subgraph suite runs on in-memory SQLite, and again on PostgreSQL when
//! `TEST_POSTGRES_URL` is set (e.g. `postgres://postgres@127.0.0.1:5432/postgres`): each
//! [`TestDb`] there is a brand-new database, dropped when the test ends.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::auth::{Claims, JwtSettings, JwtSigner, JwtVerifier};
use crate::db::StatementCounter;
use crate::ids::UserId;

/// Which database a [`TestDb`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database for one test, with a statement counter installed.
pub struct TestDb {
    pub db: DatabaseConnection,
    pub backend: Backend,
    pub statements: StatementCounter,
    /// For PostgreSQL: the admin URL and the name of the database to drop at the end.
    pg: Option<(String, String)>,
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// The PostgreSQL admin URL from `TEST_POSTGRES_URL`, if set.
pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// One fresh database per backend under test: SQLite always, PostgreSQL when configured.
pub async fn databases() -> Vec<TestDb> {
    let mut dbs = vec![TestDb::sqlite().await];
    if let Some(url) = postgres_url() {
        dbs.push(TestDb::postgres(&url).await);
    }
    dbs
}

impl TestDb {
    /// An in-memory SQLite database.
    pub async fn sqlite() -> Self {
        let mut db = crate::db::connect("sqlite::memory:")
            .await
            .expect("in-memory sqlite");
        let statements = StatementCounter::install(&mut db);
        Self {
            db,
            backend: Backend::Sqlite,
            statements,
            pg: None,
        }
    }

    /// A new database on the PostgreSQL server at `admin_url`.
    pub async fn postgres(admin_url: &str) -> Self {
        let name = format!("tessera_test_{}", uuid::Uuid::new_v4().simple());
        let admin = crate::db::connect(admin_url).await.unwrap_or_else(|e| {
            panic!("TEST_POSTGRES_URL is set but PostgreSQL is unreachable: {e}")
        });
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await.ok();
        let url = replace_database(admin_url, &name);
        let mut db = crate::db::connect(&url)
            .await
            .expect("connect test database");
        let statements = StatementCounter::install(&mut db);
        Self {
            db,
            backend: Backend::Postgres,
            statements,
            pg: Some((admin_url.to_owned(), name)),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.pg.take() else {
            return;
        };
        // The test's runtime may be blocked on this very drop, and the pool's connections live
        // on it: leave them alone and let `WITH (FORCE)` end them from a fresh runtime.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(admin) = crate::db::connect(&admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    admin.close().await.ok();
                }
            });
        })
        .join();
    }
}

/// Swaps the database name in a PostgreSQL URL.
pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A signing key plus a verifier trusting it, and tokens for every refusal case.
pub struct TestKeys {
    pub signer: JwtSigner,
    /// A second key, trusted by nobody.
    pub stranger: JwtSigner,
}

impl Default for TestKeys {
    fn default() -> Self {
        Self::new()
    }
}

impl TestKeys {
    pub fn new() -> Self {
        Self {
            signer: JwtSigner::generate(JwtSettings::default()),
            stranger: JwtSigner::generate(JwtSettings::default()),
        }
    }

    pub fn verifier(&self) -> Arc<JwtVerifier> {
        Arc::new(JwtVerifier::for_signer(&self.signer))
    }

    fn claims(&self, user: i64, scope: &str, exp_offset: i64) -> Claims {
        let now = chrono::Utc::now().timestamp();
        let s = self.signer.settings();
        Claims {
            sub: user.to_string(),
            iss: s.issuer.clone(),
            aud: s.audience.clone(),
            exp: now + exp_offset,
            iat: now,
            scope: scope.into(),
        }
    }

    /// A valid token for `user`.
    pub fn token(&self, user: i64) -> String {
        self.signer.sign(UserId(user), &[]).expect("sign")
    }

    /// A valid token with the `admin` scope.
    pub fn admin_token(&self, user: i64) -> String {
        self.signer
            .sign(UserId(user), &["admin".into()])
            .expect("sign")
    }

    pub fn expired_token(&self, user: i64) -> String {
        self.signer
            .sign_claims(&self.claims(user, "", -3600))
            .expect("sign")
    }

    pub fn wrong_audience_token(&self, user: i64) -> String {
        let mut c = self.claims(user, "", 3600);
        c.aud = "not-tessera".into();
        self.signer.sign_claims(&c).expect("sign")
    }

    /// Signed by a key nobody trusts, with the trusted key's `kid`.
    pub fn foreign_token(&self, user: i64) -> String {
        let forged = self
            .stranger
            .sign_claims(&self.claims(user, "admin", 3600))
            .expect("sign");
        let own = self
            .signer
            .sign_claims(&self.claims(user, "admin", 3600))
            .expect("sign");
        let own_header = own.split('.').next().unwrap_or_default();
        let rest: Vec<&str> = forged.split('.').skip(1).collect();
        format!("{own_header}.{}", rest.join("."))
    }

    /// `alg: none`, unsigned, claiming admin.
    pub fn none_alg_token(&self, user: i64) -> String {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = b64.encode(serde_json::to_vec(&self.claims(user, "admin", 3600)).expect("json"));
        format!("{header}.{body}.")
    }
}

/// Drives a router in-process, as an HTTP client would.
#[derive(Clone)]
pub struct TestClient {
    router: Router,
}

impl TestClient {
    pub fn new(router: Router) -> Self {
        Self { router }
    }

    /// POSTs a GraphQL request; returns the HTTP status and the JSON body.
    pub async fn post(&self, body: Value, token: Option<&str>) -> (u16, Value) {
        let mut req = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = req.body(Body::from(body.to_string())).expect("request");
        self.send(req).await
    }

    /// A query with variables, optionally as a caller.
    pub async fn query(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        self.post(json!({"query": query, "variables": variables}), token)
            .await
            .1
    }

    /// `GET path`; returns status and body (JSON if it parses, else a string).
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let req = Request::get(path).body(Body::empty()).expect("request");
        self.send(req).await
    }

    pub async fn send(&self, req: Request<Body>) -> (u16, Value) {
        let resp = self.router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status().as_u16();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .expect("body");
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, body)
    }
}

/// The `extensions.code` of every error in a response, in order.
pub fn error_codes(resp: &Value) -> Vec<String> {
    resp["errors"]
        .as_array()
        .map(|errs| {
            errs.iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .unwrap_or("<none>")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_database_name() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database("postgres://h:1/db?sslmode=disable", "x"),
            "postgres://h:1/x?sslmode=disable"
        );
        assert_eq!(replace_database("postgres://h:1", "x"), "postgres://h:1/x");
    }

    #[tokio::test]
    async fn tokens_fail_as_named() {
        use crate::auth::AuthError;
        let keys = TestKeys::new();
        let v = keys.verifier();
        assert!(v.verify(&keys.token(1)).await.is_ok());
        assert_eq!(
            v.verify(&keys.expired_token(1)).await,
            Err(AuthError::Expired)
        );
        assert_eq!(
            v.verify(&keys.wrong_audience_token(1)).await,
            Err(AuthError::WrongAudience)
        );
        assert_eq!(
            v.verify(&keys.foreign_token(1)).await,
            Err(AuthError::BadSignature)
        );
        assert!(v.verify(&keys.none_alg_token(1)).await.is_err());
    }

    #[tokio::test]
    async fn postgres_databases_are_fresh() {
        let Some(url) = postgres_url() else { return };
        let a = TestDb::postgres(&url).await;
        a.db.execute_unprepared("CREATE TABLE t (id int)")
            .await
            .expect("create");
        let b = TestDb::postgres(&url).await;
        b.db.execute_unprepared("CREATE TABLE t (id int)")
            .await
            .expect("fresh database has no table t");
    }
}
