//! The orders subgraph: orders and their items, the `User.orders` list, and the access rule
//! that a caller sees only their own orders unless they hold the `admin` scope.
//!
//! Orders reference users and products by id only; those live in other services' databases.
//! `User` is an entity here (resolved without a query), `Product` only a reference
//! (`resolvable: false`).
//!
//! # Layout
//! - [`entity`]: sea-orm models of `orders` and `order_items` (no GraphQL derives).
//! - [`service`]: the only code that runs queries; one statement per batch.
//! - [`schema`]: the GraphQL API types, `Query`, entity resolvers, DataLoaders, and
//!   [`OrdersExecutor`], which gives every request the scope its `_entities` call shares.
//! - [`seed`]: the orders share of the deterministic demo data.
//! - [`config`]: command line and environment of the binary.

pub mod config;
pub mod entity;
pub mod schema;
pub mod seed;
pub mod service;

use std::sync::Arc;

use sea_orm::{DatabaseConnection, DbErr};
use subgraph_kit::auth::JwtVerifier;
use subgraph_kit::seed::SeedSize;

pub use config::Config;
pub use schema::{OrdersExecutor, OrdersSchema, Query};

use orders_migration::{Migrator, MigratorTrait};
use service::OrderService;

/// The schema over `db`, federation enabled, DataLoaders in its data. Run requests through
/// [`OrdersExecutor`] (as [`router`] does), so `_entities` batches by representation list.
pub fn schema(db: DatabaseConnection) -> OrdersSchema {
    schema::build(OrderService::new(db))
}

/// `POST`/`GET /graphql`, `/health` and `/ready`; identity only from a verified bearer token.
pub fn router(
    schema: OrdersSchema,
    verifier: Arc<JwtVerifier>,
    db: DatabaseConnection,
) -> axum::Router {
    subgraph_kit::http::graphql_router(OrdersExecutor::new(schema), verifier, db)
}

/// The federation SDL, as in `schema/orders.graphql`. Needs no database.
pub fn sdl() -> String {
    schema::sdl()
}

/// Brings the database schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Seeds the demo orders into an empty database; see [`seed::seed`].
pub async fn seed(db: &DatabaseConnection, size: &SeedSize) -> Result<u64, DbErr> {
    seed::seed(db, size).await
}
