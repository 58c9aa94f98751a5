//! The users subgraph through its real router (HTTP + token verification), on in-memory SQLite
//! and, when `TEST_POSTGRES_URL` is set, on a fresh PostgreSQL database per test.

use std::sync::Arc;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Value, json};
use subgraph_kit::auth::{JwtSettings, JwtSigner, JwtVerifier};
use subgraph_kit::seed::{ADMIN_EMAIL, ADMIN_PASSWORD, DEMO_PASSWORD, SeedSize};
use subgraph_kit::testing::{Backend, TestClient, TestDb, TestKeys, databases, error_codes};
use users_subgraph::entity::user;

/// One test's world: a migrated database, the router over it, and keys whose signer is the
/// very key the service signs with (so expired/wrong-audience tokens fail for that reason and
/// not for an unknown key).
struct Harness {
    t: TestDb,
    client: TestClient,
    keys: TestKeys,
}

impl Harness {
    async fn new(t: TestDb) -> Self {
        Self::with_ttl(t, JwtSettings::default().ttl).await
    }

    async fn with_ttl(t: TestDb, ttl: std::time::Duration) -> Self {
        users_subgraph::migrate(&t.db)
            .await
            .unwrap_or_else(|e| panic!("{:?}: migrate: {e}", t.backend));
        let settings = JwtSettings {
            ttl,
            ..JwtSettings::default()
        };
        // The service loads its key from a PEM file, as the binary does; the test keeps a second
        // signer over the same key to mint tokens for the refusal cases.
        let dir = std::env::temp_dir().join(format!("tessera-users-test-{}", uuid::Uuid::new_v4()));
        let path = dir.join("jwt-ed25519.pem");
        let signer = JwtSigner::load_or_create(&path, settings.clone()).expect("create key");
        let pem = std::fs::read_to_string(&path).expect("read key");
        let _ = std::fs::remove_dir_all(&dir);
        let keys = TestKeys {
            signer: JwtSigner::from_pem(&pem, settings.clone()).expect("same key"),
            stranger: JwtSigner::generate(settings),
        };
        assert_eq!(keys.signer.kid(), signer.kid());
        let signer = Arc::new(signer);
        let verifier = Arc::new(JwtVerifier::for_signer(&signer));
        let schema = users_subgraph::schema(t.db.clone(), signer);
        let client = TestClient::new(users_subgraph::router(schema, verifier, t.db.clone()));
        Self { t, client, keys }
    }

    async fn seeded(t: TestDb, size: SeedSize) -> Self {
        let h = Self::new(t).await;
        let rows = users_subgraph::seed(&h.t.db, &size)
            .await
            .unwrap_or_else(|e| panic!("{:?}: seed: {e}", h.t.backend));
        assert_eq!(
            rows,
            u64::from(size.users),
            "{:?}: seeded rows",
            h.t.backend
        );
        h.t.statements.take();
        h
    }

    fn b(&self) -> Backend {
        self.t.backend
    }

    /// Runs a GraphQL request; any HTTP status but 200 fails the test (no 500s, ever).
    async fn gql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let (status, body) = self
            .client
            .post(json!({"query": query, "variables": variables}), token)
            .await;
        assert_eq!(
            status,
            200,
            "{:?}: HTTP status for {query}: {body}",
            self.b()
        );
        body
    }

    async fn register(&self, email: &str, name: &str, password: &str) -> Value {
        self.gql(
            "mutation($i: RegisterInput!) { register(input: $i) { token user { id email name createdAt } } }",
            json!({"i": {"email": email, "name": name, "password": password}}),
            None,
        )
        .await
    }

    async fn login(&self, email: &str, password: &str) -> Value {
        self.gql(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id email name } } }",
            json!({"e": email, "p": password}),
            None,
        )
        .await
    }

    async fn me(&self, token: Option<&str>) -> Value {
        self.gql("{ me { id email name } }", json!({}), token).await
    }
}

/// The single error code of a response, with the backend in the failure message.
fn only_code(b: Backend, resp: &Value) -> String {
    let codes = error_codes(resp);
    assert_eq!(codes.len(), 1, "{b:?}: expected exactly one error: {resp}");
    codes[0].clone()
}

fn token_of(resp: &Value, field: &str) -> String {
    resp["data"][field]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {resp}"))
        .to_owned()
}

const SCHEMA_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema/users.graphql");
const REGENERATE: &str = "cargo run -q -p users-subgraph -- --print-sdl > schema/users.graphql";

#[test]
fn sdl_matches_schema_file() {
    let file = std::fs::read_to_string(SCHEMA_FILE).unwrap_or_default();
    assert!(
        users_subgraph::sdl() == file,
        "schema/users.graphql is out of date with the code; regenerate it with:\n    {REGENERATE}"
    );
}

#[tokio::test]
async fn service_sdl_is_the_schema_file_and_user_is_an_entity() {
    let file = std::fs::read_to_string(SCHEMA_FILE).expect("schema/users.graphql");
    assert!(file.contains(r#"type User @key(fields: "id")"#));
    for t in databases().await {
        let h = Harness::new(t).await;
        let resp = h.gql("{ _service { sdl } }", json!({}), None).await;
        assert!(resp["errors"].is_null(), "{:?}: {resp}", h.b());
        assert_eq!(
            resp["data"]["_service"]["sdl"].as_str(),
            Some(file.as_str()),
            "{:?}: _service sdl; regenerate with {REGENERATE}",
            h.b()
        );
    }
}

#[tokio::test]
async fn register_login_me_round_trip() {
    for t in databases().await {
        let h = Harness::new(t).await;
        let b = h.b();
        let reg = h
            .register(
                "  Ada.Lovelace@Example.COM ",
                "  Ada Lovelace ",
                "analytical-engine",
            )
            .await;
        assert!(reg["errors"].is_null(), "{b:?}: {reg}");
        let user = &reg["data"]["register"]["user"];
        assert_eq!(
            user["email"], "ada.lovelace@example.com",
            "{b:?}: email trimmed and lowercased"
        );
        assert_eq!(user["name"], "Ada Lovelace", "{b:?}: name trimmed");
        let id = user["id"].as_str().expect("id").to_owned();
        assert!(id.parse::<i64>().is_ok_and(|n| n > 0), "{b:?}: id {id}");
        let created: chrono::DateTime<chrono::Utc> = user["createdAt"]
            .as_str()
            .expect("createdAt")
            .parse()
            .expect("RFC 3339");
        assert!(
            (chrono::Utc::now() - created).num_seconds().abs() < 60,
            "{b:?}: createdAt {created}"
        );

        // The registration token already works.
        let me = h.me(Some(&token_of(&reg, "register"))).await;
        assert_eq!(
            me["data"]["me"]["id"],
            id.as_str(),
            "{b:?}: me after register: {me}"
        );

        // Login with any letter case and surrounding spaces finds the account.
        let login = h
            .login(" ADA.LOVELACE@example.com", "analytical-engine")
            .await;
        assert!(login["errors"].is_null(), "{b:?}: {login}");
        assert_eq!(login["data"]["login"]["user"]["id"], id.as_str(), "{b:?}");
        let me = h.me(Some(&token_of(&login, "login"))).await;
        assert_eq!(
            me["data"]["me"],
            json!({"id": id, "email": "ada.lovelace@example.com", "name": "Ada Lovelace"}),
            "{b:?}: me after login: {me}"
        );

        // `user(id)` sees the same account.
        let one = h
            .gql(
                "query($id: ID!) { user(id: $id) { id email } }",
                json!({"id": id}),
                None,
            )
            .await;
        assert_eq!(
            one["data"]["user"]["email"], "ada.lovelace@example.com",
            "{b:?}: {one}"
        );
    }
}

#[tokio::test]
async fn token_claims_verify_against_served_jwks() {
    for t in databases().await {
        let ttl = std::time::Duration::from_secs(900);
        let h = Harness::with_ttl(t, ttl).await;
        let b = h.b();
        let (status, jwks) = h.client.get("/.well-known/jwks.json").await;
        assert_eq!(status, 200, "{b:?}: jwks status");
        let jwks: JwkSet = serde_json::from_value(jwks).expect("a JWK set");
        assert_eq!(jwks.keys.len(), 1, "{b:?}");
        assert!(
            jwks.keys
                .iter()
                .all(|k| serde_json::to_string(k).is_ok_and(|s| !s.contains("\"d\""))),
            "{b:?}: no private part"
        );

        let reg = h
            .register("claims@example.com", "Claims", "password-123")
            .await;
        let token = token_of(&reg, "register");
        let user_id = reg["data"]["register"]["user"]["id"]
            .as_str()
            .expect("id")
            .to_owned();

        let header = jsonwebtoken::decode_header(&token).expect("header");
        assert_eq!(header.alg, Algorithm::EdDSA, "{b:?}");
        let kid = header.kid.expect("kid");
        let jwk = jwks
            .find(&kid)
            .unwrap_or_else(|| panic!("{b:?}: kid {kid} not in served JWKS"));
        let key = DecodingKey::from_jwk(jwk).expect("decoding key");
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&["tessera-users"]);
        validation.set_audience(&["tessera"]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        let claims = jsonwebtoken::decode::<Value>(&token, &key, &validation)
            .expect("valid against served JWKS")
            .claims;
        assert_eq!(claims["sub"], user_id.as_str(), "{b:?}");
        assert_eq!(claims["iss"], "tessera-users", "{b:?}");
        assert_eq!(claims["aud"], "tessera", "{b:?}");
        assert_eq!(claims["scope"], "", "{b:?}: a registered user has no scope");
        let iat = claims["iat"].as_i64().expect("iat");
        let exp = claims["exp"].as_i64().expect("exp");
        assert!(
            (chrono::Utc::now().timestamp() - iat).abs() < 60,
            "{b:?}: iat is now"
        );
        assert_eq!(exp - iat, 900, "{b:?}: exp = iat + ttl");

        // A token signed by another key does not verify against the served JWKS.
        let forged = h.keys.foreign_token(1);
        assert!(
            jsonwebtoken::decode::<Value>(&forged, &key, &validation).is_err(),
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn admin_login_carries_admin_scope() {
    for t in databases().await {
        let h = Harness::seeded(t, SeedSize::small()).await;
        let b = h.b();
        let admin = h.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert!(admin["errors"].is_null(), "{b:?}: {admin}");
        assert_eq!(
            admin["data"]["login"]["user"]["id"], "1",
            "{b:?}: the admin is seed user 1"
        );
        let token = token_of(&admin, "login");
        let identity = h.keys.verifier().verify(&token).await.expect("valid token");
        assert!(
            identity.is_admin(),
            "{b:?}: admin scope: {:?}",
            identity.scopes
        );

        let demo_email = subgraph_kit::seed::user(2).email;
        let demo = h.login(&demo_email, DEMO_PASSWORD).await;
        assert!(demo["errors"].is_null(), "{b:?}: {demo}");
        let identity = h
            .keys
            .verifier()
            .verify(&token_of(&demo, "login"))
            .await
            .expect("valid token");
        assert!(
            identity.scopes.is_empty(),
            "{b:?}: demo user has no scope: {:?}",
            identity.scopes
        );

        // The admin's password is not the demo password and vice versa.
        assert_eq!(
            only_code(b, &h.login(ADMIN_EMAIL, DEMO_PASSWORD).await),
            "UNAUTHENTICATED"
        );
        assert_eq!(
            only_code(b, &h.login(&demo_email, ADMIN_PASSWORD).await),
            "UNAUTHENTICATED"
        );
    }
}

#[tokio::test]
async fn duplicate_email_is_conflict_in_any_case() {
    for t in databases().await {
        let h = Harness::new(t).await;
        let b = h.b();
        let first = h.register("grace@example.com", "Grace", "cobol-1959").await;
        assert!(first["errors"].is_null(), "{b:?}: {first}");
        for dup in [
            "grace@example.com",
            "Grace@Example.com",
            "  GRACE@EXAMPLE.COM  ",
        ] {
            let resp = h.register(dup, "Another Grace", "different-password").await;
            assert_eq!(only_code(b, &resp), "CONFLICT", "{b:?}: {dup}: {resp}");
            assert!(resp["data"].is_null(), "{b:?}: {resp}");
            let msg = resp["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase();
            for leak in [
                "unique",
                "constraint",
                "duplicate key",
                "sqlite",
                "idx_",
                "violates",
            ] {
                assert!(
                    !msg.contains(leak),
                    "{b:?}: database text {leak:?} in {msg:?}"
                );
            }
        }
        let rows = user::Entity::find().all(&h.t.db).await.expect("rows");
        assert_eq!(rows.len(), 1, "{b:?}: still one account");
        // The original password still works: the duplicate did not overwrite anything.
        assert!(
            h.login("grace@example.com", "cobol-1959").await["errors"].is_null(),
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn bad_register_input_is_bad_user_input() {
    let long_email = format!("{}@{}.com", "a".repeat(60), "b".repeat(190));
    assert!(long_email.len() > 254);
    let cases: Vec<(&str, String, String, String)> = vec![
        (
            "empty email",
            String::new(),
            "Name".into(),
            "password-1".into(),
        ),
        (
            "email without @",
            "plain.example.com".into(),
            "Name".into(),
            "password-1".into(),
        ),
        (
            "email without domain dot",
            "a@localhost".into(),
            "Name".into(),
            "password-1".into(),
        ),
        (
            "email with space",
            "a b@example.com".into(),
            "Name".into(),
            "password-1".into(),
        ),
        (
            "email with two @",
            "a@b@example.com".into(),
            "Name".into(),
            "password-1".into(),
        ),
        (
            "email over 254",
            long_email,
            "Name".into(),
            "password-1".into(),
        ),
        (
            "empty name",
            "n1@example.com".into(),
            String::new(),
            "password-1".into(),
        ),
        (
            "blank name",
            "n2@example.com".into(),
            "   ".into(),
            "password-1".into(),
        ),
        (
            "name over 100",
            "n3@example.com".into(),
            "x".repeat(101),
            "password-1".into(),
        ),
        (
            "password under 8",
            "p1@example.com".into(),
            "Name".into(),
            "1234567".into(),
        ),
        (
            "empty password",
            "p2@example.com".into(),
            "Name".into(),
            String::new(),
        ),
        (
            "password over 128",
            "p3@example.com".into(),
            "Name".into(),
            "x".repeat(129),
        ),
    ];
    for t in databases().await {
        let h = Harness::new(t).await;
        let b = h.b();
        for (label, email, name, password) in &cases {
            let resp = h.register(email, name, password).await;
            assert_eq!(
                only_code(b, &resp),
                "BAD_USER_INPUT",
                "{b:?}: {label}: {resp}"
            );
            if password.len() >= 4 {
                assert!(
                    !resp.to_string().contains(password.as_str()),
                    "{b:?}: {label}: password echoed"
                );
            }
        }
        // Wrong types never reach the resolver, and still carry no 500.
        let resp = h
            .gql(
                "mutation { register(input: {email: 1, name: \"n\", password: \"p\"}) { token } }",
                json!({}),
                None,
            )
            .await;
        assert!(
            !error_codes(&resp).is_empty() && resp["data"].is_null(),
            "{b:?}: {resp}"
        );
        assert_eq!(
            user::Entity::find().all(&h.t.db).await.expect("rows").len(),
            0,
            "{b:?}: nothing stored"
        );

        // The boundaries themselves are accepted.
        let ok = h
            .register("edge@example.com", &"n".repeat(100), &"p".repeat(128))
            .await;
        assert!(
            ok["errors"].is_null(),
            "{b:?}: 100-char name and 128-char password: {ok}"
        );
        let ok = h.register("edge8@example.com", "N", "12345678").await;
        assert!(
            ok["errors"].is_null(),
            "{b:?}: 1-char name and 8-char password: {ok}"
        );
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_email_are_indistinguishable() {
    for t in databases().await {
        let h = Harness::new(t).await;
        let b = h.b();
        assert!(
            h.register("alan@example.com", "Alan", "enigma-machine")
                .await["errors"]
                .is_null()
        );
        let wrong_password = h.login("alan@example.com", "bombe-machine").await;
        let unknown_email = h.login("nobody@example.com", "enigma-machine").await;
        let malformed_email = h.login("not an email", "enigma-machine").await;
        let short_password = h.login("alan@example.com", "x").await;
        for resp in [
            &wrong_password,
            &unknown_email,
            &malformed_email,
            &short_password,
        ] {
            assert_eq!(only_code(b, resp), "UNAUTHENTICATED", "{b:?}: {resp}");
            assert!(resp["data"].is_null(), "{b:?}: {resp}");
        }
        let message = |r: &Value| r["errors"][0]["message"].clone();
        assert_eq!(
            message(&wrong_password),
            message(&unknown_email),
            "{b:?}: same message"
        );
        assert_eq!(
            message(&wrong_password),
            message(&malformed_email),
            "{b:?}: same message"
        );
        assert_eq!(
            message(&wrong_password),
            "invalid email or password",
            "{b:?}"
        );

        // Absurdly long input is refused before any lookup or hashing.
        let resp = h.login("alan@example.com", &"x".repeat(10_000)).await;
        assert_eq!(only_code(b, &resp), "BAD_USER_INPUT", "{b:?}: {resp}");
        let resp = h
            .login(
                &format!("{}@example.com", "a".repeat(300)),
                "enigma-machine",
            )
            .await;
        assert_eq!(only_code(b, &resp), "BAD_USER_INPUT", "{b:?}: {resp}");
    }
}

#[tokio::test]
async fn me_refuses_every_bad_token() {
    for t in databases().await {
        let h = Harness::seeded(t, SeedSize::small()).await;
        let b = h.b();
        let ok = h.me(Some(&h.keys.token(3))).await;
        assert_eq!(
            ok["data"]["me"]["id"], "3",
            "{b:?}: a valid token works: {ok}"
        );

        let bad: Vec<(&str, Option<String>)> = vec![
            ("missing", None),
            ("expired", Some(h.keys.expired_token(3))),
            ("wrong audience", Some(h.keys.wrong_audience_token(3))),
            ("foreign key", Some(h.keys.foreign_token(3))),
            ("alg none", Some(h.keys.none_alg_token(3))),
            ("garbage", Some("not-a-jwt".into())),
        ];
        for (label, token) in bad {
            let resp = h.me(token.as_deref()).await;
            assert_eq!(
                only_code(b, &resp),
                "UNAUTHENTICATED",
                "{b:?}: {label}: {resp}"
            );
            assert!(resp["data"]["me"].is_null(), "{b:?}: {label}: {resp}");
        }

        // A valid token for an account that does not exist: no one to return.
        let ghost = h.me(Some(&h.keys.token(999_999))).await;
        assert!(
            ghost["errors"].is_null() && ghost["data"]["me"].is_null(),
            "{b:?}: {ghost}"
        );

        // Public fields do not need a token, and a bad token does not break them.
        let resp = h
            .gql(
                "{ user(id: \"2\") { id } }",
                json!({}),
                Some(&h.keys.expired_token(2)),
            )
            .await;
        assert_eq!(resp["data"]["user"]["id"], "2", "{b:?}: {resp}");
    }
}

#[tokio::test]
async fn users_are_paginated_by_id_cursor() {
    let ids = |resp: &Value| -> Vec<i64> {
        resp["data"]["users"]
            .as_array()
            .unwrap_or_else(|| panic!("no users in {resp}"))
            .iter()
            .map(|u| {
                u["id"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .expect("numeric id")
            })
            .collect()
    };
    let page =
        "query($first: Int, $after: ID) { users(first: $first, after: $after) { id email } }";
    for t in databases().await {
        let h = Harness::seeded(t, SeedSize::small()).await;
        let b = h.b();
        let all = h.gql(page, json!({}), None).await;
        assert_eq!(
            ids(&all),
            (1..=12).collect::<Vec<_>>(),
            "{b:?}: default page holds all 12"
        );
        assert_eq!(
            all["data"]["users"][1]["email"],
            subgraph_kit::seed::user(2).email,
            "{b:?}"
        );

        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let resp = h.gql(page, json!({"first": 5, "after": after}), None).await;
            let got = ids(&resp);
            assert!(got.len() <= 5, "{b:?}: page bound");
            if got.is_empty() {
                break;
            }
            after = got.last().map(|id| id.to_string());
            seen.extend(got);
        }
        assert_eq!(
            seen,
            (1..=12).collect::<Vec<_>>(),
            "{b:?}: walking pages of 5 visits every user once, in order"
        );

        assert_eq!(
            ids(&h.gql(page, json!({"first": 3, "after": "10"}), None).await),
            vec![11, 12],
            "{b:?}"
        );
        assert_eq!(
            ids(&h.gql(page, json!({"first": 0}), None).await),
            Vec::<i64>::new(),
            "{b:?}"
        );
        assert_eq!(
            ids(&h.gql(page, json!({"after": "999"}), None).await),
            Vec::<i64>::new(),
            "{b:?}"
        );
        assert_eq!(
            ids(&h.gql(page, json!({"first": 100}), None).await).len(),
            12,
            "{b:?}: 100 is allowed"
        );

        for (label, vars) in [
            ("first 101", json!({"first": 101})),
            ("first -1", json!({"first": -1})),
            ("after garbage", json!({"after": "abc"})),
            ("after zero", json!({"after": "0"})),
        ] {
            let resp = h.gql(page, vars, None).await;
            assert_eq!(
                only_code(b, &resp),
                "BAD_USER_INPUT",
                "{b:?}: {label}: {resp}"
            );
        }

        // One page is one statement.
        h.t.statements.take();
        h.gql(page, json!({"first": 100}), None).await;
        assert_eq!(
            h.t.statements.take(),
            1,
            "{b:?}: users(first: 100) statements"
        );
    }
}

#[tokio::test]
async fn user_by_id_is_null_when_unknown_and_refuses_bad_ids() {
    for t in databases().await {
        let h = Harness::seeded(t, SeedSize::small()).await;
        let b = h.b();
        let q = "query($id: ID!) { user(id: $id) { id email name createdAt } }";
        let resp = h.gql(q, json!({"id": "4"}), None).await;
        let expected = subgraph_kit::seed::user(4);
        assert_eq!(
            resp["data"]["user"]["email"], expected.email,
            "{b:?}: {resp}"
        );
        assert_eq!(resp["data"]["user"]["name"], expected.name, "{b:?}");
        let created: chrono::DateTime<chrono::Utc> = resp["data"]["user"]["createdAt"]
            .as_str()
            .expect("createdAt")
            .parse()
            .expect("RFC 3339");
        assert_eq!(created, expected.created_at, "{b:?}: createdAt round-trips");

        let unknown = h.gql(q, json!({"id": "12345"}), None).await;
        assert!(
            unknown["errors"].is_null() && unknown["data"]["user"].is_null(),
            "{b:?}: {unknown}"
        );

        for bad in ["abc", "0", "-3", "1.5", "", "99999999999999999999999"] {
            let resp = h.gql(q, json!({"id": bad}), None).await;
            assert_eq!(
                only_code(b, &resp),
                "BAD_USER_INPUT",
                "{b:?}: id {bad:?}: {resp}"
            );
        }

        // Several lookups in one request share one batch.
        h.t.statements.take();
        let resp = h.gql("{ a: user(id: \"1\") { id } b: user(id: \"2\") { id } c: user(id: \"99\") { id } }", json!({}), None).await;
        assert_eq!(
            resp["data"],
            json!({"a": {"id": "1"}, "b": {"id": "2"}, "c": null}),
            "{b:?}"
        );
        assert_eq!(
            h.t.statements.take(),
            1,
            "{b:?}: three user(id) lookups, one statement"
        );
    }
}

const ENTITIES: &str =
    "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email } } }";

fn reps(ids: impl IntoIterator<Item = String>) -> Value {
    Value::Array(
        ids.into_iter()
            .map(|id| json!({"__typename": "User", "id": id}))
            .collect(),
    )
}

#[tokio::test]
async fn entities_keep_order_and_length_with_null_for_unknown() {
    for t in databases().await {
        let h = Harness::seeded(t, SeedSize::small()).await;
        let b = h.b();
        let resp = h
            .gql(
                ENTITIES,
                json!({"r": reps(["3", "999", "1", "3"].map(String::from))}),
                None,
            )
            .await;
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        assert_eq!(
            resp["data"]["_entities"],
            json!([
                {"id": "3", "email": subgraph_kit::seed::user(3).email},
                null,
                {"id": "1", "email": ADMIN_EMAIL},
                {"id": "3", "email": subgraph_kit::seed::user(3).email},
            ]),
            "{b:?}"
        );

        let empty = h.gql(ENTITIES, json!({"r": []}), None).await;
        assert_eq!(empty["data"]["_entities"], json!([]), "{b:?}: {empty}");

        let bad = h
            .gql(
                ENTITIES,
                json!({"r": reps(["2", "not-a-number"].map(String::from))}),
                None,
            )
            .await;
        assert_eq!(only_code(b, &bad), "BAD_USER_INPUT", "{b:?}: {bad}");
    }
}

#[tokio::test]
async fn thousand_entities_cost_one_statement() {
    for t in databases().await {
        let h = Harness::seeded(t, SeedSize::default()).await;
        let b = h.b();
        let ids: Vec<String> = (1..=1000).rev().map(|i: i64| i.to_string()).collect();
        h.t.statements.take();
        let resp = h.gql(ENTITIES, json!({"r": reps(ids.clone())}), None).await;
        assert_eq!(
            h.t.statements.take(),
            1,
            "{b:?}: _entities with 1,000 User representations"
        );
        assert!(resp["errors"].is_null(), "{b:?}: {resp}");
        let got: Vec<&str> = resp["data"]["_entities"]
            .as_array()
            .expect("list")
            .iter()
            .map(|u| u["id"].as_str().expect("every seeded user is found"))
            .collect();
        assert_eq!(
            got,
            ids.iter().map(String::as_str).collect::<Vec<_>>(),
            "{b:?}: order and length kept"
        );
        assert_eq!(
            resp["data"]["_entities"][999]["email"], ADMIN_EMAIL,
            "{b:?}: last is user 1"
        );
    }
}

#[tokio::test]
async fn password_is_never_stored_or_echoed() {
    const SECRET: &str = "Zebra-Quokka-Walrus-42";
    for t in databases().await {
        let h = Harness::new(t).await;
        let b = h.b();
        let mut bodies = vec![
            h.register("secret@example.com", "Secret", SECRET).await,
            h.register("SECRET@example.com", "Dup", SECRET).await,
            h.register("not-an-email", "Bad", SECRET).await,
            h.login("secret@example.com", SECRET).await,
            h.login("secret@example.com", &format!("{SECRET}!")).await,
            h.login("nobody@example.com", SECRET).await,
        ];
        let token = token_of(&bodies[0], "register");
        bodies.push(h.me(Some(&token)).await);
        for body in &bodies {
            assert!(
                !body.to_string().contains(SECRET),
                "{b:?}: password in response {body}"
            );
        }

        // Every column of every row, as the database returns it.
        let backend = h.t.db.get_database_backend();
        let rows =
            h.t.db
                .query_all_raw(sea_orm::Statement::from_string(
                    backend,
                    "SELECT id, email, name, password_hash, is_admin, created_at FROM users",
                ))
                .await
                .expect("select");
        assert_eq!(rows.len(), 1, "{b:?}");
        let models = user::Entity::find().all(&h.t.db).await.expect("rows");
        let stored = &models[0];
        assert!(
            stored.password_hash.starts_with("$argon2id$v=19$"),
            "{b:?}: PHC argon2id: {}",
            stored.password_hash
        );
        assert!(
            !format!("{stored:?}").contains(SECRET),
            "{b:?}: password in the row"
        );
        assert!(
            !format!("{:?}", rows[0]).contains(SECRET),
            "{b:?}: password in the raw row"
        );
    }
}

#[tokio::test]
async fn seed_is_deterministic_and_runs_once() {
    for t in databases().await {
        let h = Harness::new(t).await;
        let b = h.b();
        let size = SeedSize::small();
        assert_eq!(
            users_subgraph::seed(&h.t.db, &size).await.expect("seed"),
            12,
            "{b:?}"
        );
        assert_eq!(
            users_subgraph::seed(&h.t.db, &size).await.expect("seed"),
            0,
            "{b:?}: second run is a no-op"
        );
        let rows = user::Entity::find().all(&h.t.db).await.expect("rows");
        assert_eq!(rows.len(), 12, "{b:?}");
        for row in &rows {
            let plan = subgraph_kit::seed::user(u32::try_from(row.id).expect("small id"));
            assert_eq!(
                (&row.email, &row.name, row.is_admin),
                (&plan.email, &plan.name, plan.is_admin),
                "{b:?}: row {}",
                row.id
            );
            assert_eq!(row.created_at, plan.created_at, "{b:?}: row {}", row.id);
        }
        assert!(
            rows[0].is_admin && rows.iter().skip(1).all(|r| !r.is_admin),
            "{b:?}: only user 1 is admin"
        );
        // Demo users share one hash (hashed once); the admin has its own.
        assert!(
            rows.iter()
                .skip(2)
                .all(|r| r.password_hash == rows[1].password_hash),
            "{b:?}"
        );
        assert_ne!(rows[0].password_hash, rows[1].password_hash, "{b:?}");
        // A registration after seeding continues the id sequence.
        let reg = h.register("new@example.com", "New", "password-123").await;
        assert_eq!(reg["data"]["register"]["user"]["id"], "13", "{b:?}: {reg}");
    }
}

#[tokio::test]
async fn database_failures_are_internal_errors_without_database_text() {
    for t in databases().await {
        let h = Harness::seeded(t, SeedSize::small()).await;
        let b = h.b();
        h.t.db
            .execute_unprepared("DROP TABLE users")
            .await
            .expect("drop");
        let responses = [
            h.gql("{ users { id } }", json!({}), None).await,
            h.gql("{ user(id: \"1\") { id } }", json!({}), None).await,
            h.gql(ENTITIES, json!({"r": reps(["1".to_owned()])}), None)
                .await,
            h.login(ADMIN_EMAIL, ADMIN_PASSWORD).await,
            h.register("late@example.com", "Late", "password-123").await,
        ];
        for resp in &responses {
            assert_eq!(only_code(b, resp), "INTERNAL_SERVER_ERROR", "{b:?}: {resp}");
            // Message and extensions; the `path` legitimately names the `users` field.
            let e = &resp["errors"][0];
            assert_eq!(e["message"], "internal error", "{b:?}: {resp}");
            let text = format!("{} {}", e["message"], e["extensions"]).to_lowercase();
            for leak in [
                "users",
                "no such table",
                "relation",
                "sqlx",
                "select",
                "insert",
                "error returned from database",
            ] {
                assert!(
                    !text.contains(leak),
                    "{b:?}: database text {leak:?} in {text}"
                );
            }
        }
        let (status, _) = h.client.get("/ready").await;
        assert_eq!(status, 200, "{b:?}: the database itself still answers");
    }
}

#[tokio::test]
async fn health_and_jwks_endpoints() {
    for t in databases().await {
        let h = Harness::new(t).await;
        let b = h.b();
        let (status, body) = h.client.get("/health").await;
        assert_eq!(
            (status, body["status"].as_str()),
            (200, Some("ok")),
            "{b:?}"
        );
        let (status, body) = h.client.get("/.well-known/jwks.json").await;
        assert_eq!(status, 200, "{b:?}");
        assert_eq!(body["keys"][0]["kty"], "OKP", "{b:?}: {body}");
        assert_eq!(body["keys"][0]["crv"], "Ed25519", "{b:?}");
        assert_eq!(body["keys"][0]["kid"], h.keys.signer.kid(), "{b:?}");
    }
}
