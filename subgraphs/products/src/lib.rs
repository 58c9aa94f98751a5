//! The products subgraph of Tessera: the catalogue (products with prices and stock) and its
//! category tree, as a Federation v2 subgraph over its own database.
//!
//! `Product` is an entity with two keys, `id` and `sku`; both resolve through `_entities` in
//! one statement per batch. Reads are public; `createProduct` and `adjustStock` need a token
//! with the `admin` scope.
//!
//! # Layout
//! - [`entity`]: sea-orm models of `categories` and `products` (storage only).
//! - [`service`]: every query and every input rule; returns [`subgraph_kit::ApiResult`].
//! - [`schema`]: the GraphQL API types, roots, entity resolvers and DataLoaders.
//! - [`seed`]: the products part of the deterministic cross-service demo data.
//! - this file: the public surface the binary, the stack and the cross-service tests use.

pub mod entity;
pub mod schema;
pub mod seed;
pub mod service;

use std::sync::Arc;

use async_graphql::SDLExportOptions;
use async_graphql::dataloader::DataLoader;
use products_migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DbErr};
use subgraph_kit::auth::JwtVerifier;
use subgraph_kit::config::AuthArgs;
use subgraph_kit::seed::SeedSize;

pub use schema::{Mutation, ProductsSchema, Query};

/// The executable schema: federation on, the database and the batch loaders in its data.
pub fn schema(db: DatabaseConnection) -> ProductsSchema {
    let loaders = DataLoader::new(
        schema::loader::Loaders::new(db.clone()),
        subgraph_kit::telemetry::spawn_in_current_span,
    )
    .max_batch_size(subgraph_kit::LOADER_MAX_BATCH);
    schema::builder().data(db).data(loaders).finish()
}

/// `POST`/`GET /graphql`, `/health` and `/ready`, with identity from verified bearer tokens.
pub fn router(
    schema: ProductsSchema,
    verifier: Arc<JwtVerifier>,
    db: DatabaseConnection,
) -> axum::Router {
    subgraph_kit::http::graphql_router(schema, verifier, db)
}

/// The federation SDL, exactly as `_service { sdl }` returns it. Needs no database.
pub fn sdl() -> String {
    schema::builder()
        .finish()
        .sdl_with_options(SDLExportOptions::new().federation().compose_directive())
}

/// Brings the database schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Seeds empty tables with the demo categories and products; returns the rows inserted (0 when
/// already seeded).
pub async fn seed(db: &DatabaseConnection, size: &SeedSize) -> Result<u64, DbErr> {
    seed::seed(db, size).await
}

/// Settings of the `products-subgraph` binary, from flags or the environment.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "products-subgraph", about = "The Tessera products subgraph")]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "LISTEN", default_value = "127.0.0.1:4002")]
    pub listen: String,
    /// Database URL: a SQLite file by default, `postgres://…` for PostgreSQL.
    #[arg(long, env = "DATABASE_URL", default_value_t = subgraph_kit::db::default_url("products"))]
    pub database_url: String,
    /// Where the users service's public keys come from, and what tokens must claim.
    #[command(flatten)]
    pub auth: AuthArgs,
    /// Seed the default demo data on start (does nothing when the tables hold data).
    #[arg(long)]
    pub seed: bool,
    /// Print the federation SDL and exit (regenerates `schema/products.graphql`).
    #[arg(long)]
    pub print_sdl: bool,
}
