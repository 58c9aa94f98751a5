//! The reviews subgraph: users' ratings of and opinions on products.
//!
//! It owns `Review @key(fields: "id")` and extends two entities it only knows by id:
//! `Product` (with `reviews` and `averageRating`) and `User` (with `reviews`). Its database
//! holds only reviews; author and product ids point into the users and products services'
//! databases, so they are not foreign keys.
//!
//! # Layout
//! - [`entity`]: sea-orm models (storage shapes, no GraphQL).
//! - [`service`]: the domain rules and every query: validation, the one-review-per-product
//!   rule, ownership on delete, and the batched reads behind the loaders.
//! - [`schema`]: the GraphQL types, `Query`/`Mutation`, entity resolvers and DataLoaders.
//! - [`seed`](mod@seed): the reviews part of the shared demo data.
//! - this file: the public API the binary, the stack and the cross-service tests use.

pub mod entity;
pub mod schema;
pub mod seed;
pub mod service;

use std::sync::Arc;

use async_graphql::SDLExportOptions;
use reviews_migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DbErr};
use subgraph_kit::auth::JwtVerifier;
use subgraph_kit::config::AuthArgs;

pub use schema::{Mutation, Query, ReviewsSchema};
pub use seed::seed;

/// The port the reviews subgraph listens on by default.
pub const DEFAULT_PORT: u16 = 4004;

/// Settings of the `reviews-subgraph` binary, from flags or environment.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "reviews-subgraph",
    version,
    about = "The Tessera reviews subgraph"
)]
pub struct Config {
    /// Address to serve `/graphql` and `/health` on.
    #[arg(long, env = "LISTEN", default_value = "127.0.0.1:4004")]
    pub listen: String,
    /// `sqlite://…` (the default, a file under `./data`) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value_t = subgraph_kit::db::default_url("reviews"))]
    pub database_url: String,
    /// Where the users service's public keys come from, and what tokens must claim.
    #[command(flatten)]
    pub auth: AuthArgs,
    /// Seed the default demo data on start (only into an empty table).
    #[arg(long)]
    pub seed: bool,
    /// Print the federation SDL and exit, without touching a database.
    #[arg(long)]
    pub print_sdl: bool,
}

/// The federated schema over `db`, with its DataLoaders.
pub fn schema(db: DatabaseConnection) -> ReviewsSchema {
    schema::build(db)
}

/// `/graphql` (identity from the verified bearer token only), `/health` and `/ready`.
///
/// Requests run through [`schema::loader::IdleBatching`], so each one's DataLoader batches
/// start once it has queued every key it can.
pub fn router(
    schema: ReviewsSchema,
    verifier: Arc<JwtVerifier>,
    db: DatabaseConnection,
) -> axum::Router {
    subgraph_kit::http::graphql_router(schema::loader::IdleBatching(schema), verifier, db)
}

/// The federation SDL, as `_service { sdl }` serves it and `schema/reviews.graphql` holds it.
pub fn sdl() -> String {
    schema::builder()
        .finish()
        .sdl_with_options(SDLExportOptions::new().federation().compose_directive())
}

/// Brings the database schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
