//! The users subgraph: accounts, password login, and the Ed25519-signed tokens every other
//! subgraph verifies.
//!
//! It owns `User @key(fields: "id")`, serves `me`/`user`/`users`, `register`/`login`, and
//! publishes its public signing key at `GET /.well-known/jwks.json`.
//!
//! # Layout
//! - [`entity`]: the sea-orm model of the `users` table (no GraphQL here).
//! - [`credentials`]: email/name validation, the redacted [`credentials::Password`], argon2id
//!   hashing on the blocking pool.
//! - [`service`]: [`service::UserService`], the only code that runs queries.
//! - [`schema`]: GraphQL types, `Query`/`Mutation`, the `User` entity resolver and its
//!   DataLoader.
//! - [`seed`](mod@seed): the deterministic demo accounts.
//! - [`config`]: the binary's flags.
//! - `main.rs`: parse config, connect, migrate, seed, serve.

pub mod config;
pub mod credentials;
pub mod entity;
pub mod schema;
pub mod seed;
pub mod service;

use std::sync::Arc;

use async_graphql::SDLExportOptions;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use sea_orm::{DatabaseConnection, DbErr};
use subgraph_kit::auth::{JwtSigner, JwtVerifier};
use users_migration::MigratorTrait as _;

pub use config::Config;
pub use schema::{Mutation, Query, UsersSchema};
pub use seed::seed;
pub use subgraph_kit::seed::SeedSize;

use service::UserService;

/// The federated schema over `db`, signing tokens with `signer`.
pub fn schema(db: DatabaseConnection, signer: Arc<JwtSigner>) -> UsersSchema {
    schema::build(UserService::new(db), signer)
}

/// `/graphql`, `/health`, `/ready` and `GET /.well-known/jwks.json` (the public key of the
/// schema's signer, which every other subgraph fetches to verify tokens).
pub fn router(schema: UsersSchema, verifier: Arc<JwtVerifier>, db: DatabaseConnection) -> Router {
    let jwks = schema
        .data::<Arc<JwtSigner>>()
        .and_then(|s| serde_json::to_string(&s.jwks()).ok());
    let jwks_route = get(move || {
        let jwks = jwks.clone();
        async move {
            match jwks {
                // Verifiers cache the keys for five minutes anyway; let HTTP caches do the same.
                Some(body) => (
                    StatusCode::OK,
                    [
                        (header::CONTENT_TYPE, "application/json"),
                        (header::CACHE_CONTROL, "public, max-age=300"),
                    ],
                    body,
                )
                    .into_response(),
                None => {
                    tracing::error!("schema has no token signer: no JWKS to serve");
                    StatusCode::SERVICE_UNAVAILABLE.into_response()
                }
            }
        }
    });
    subgraph_kit::http::graphql_router(schema, verifier, db)
        .route("/.well-known/jwks.json", jwks_route)
}

/// The federation SDL, as `_service { sdl }` returns it; needs no database.
pub fn sdl() -> String {
    schema::builder()
        .finish()
        .sdl_with_options(SDLExportOptions::new().federation().compose_directive())
}

/// Brings the database schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    users_migration::Migrator::up(db, None).await
}
