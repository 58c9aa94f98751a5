//! Schema migrations of the products database: product categories (a tree) and products.
//!
//! Run at every start of the products subgraph and in every test; the CLI (`cargo run -p
//! products-migration -- --help`) applies or rolls them back by hand. Only backend-agnostic
//! `sea_orm_migration::schema` helpers are used, so the same files build the SQLite and the
//! PostgreSQL schema. Entities are never imported: a migration describes the schema as it was
//! when written, not as the code looks today.
//!
//! # Layout
//! - [`m20260101_000001_create_categories_table`]: `categories` with its self-reference.
//! - [`m20260101_000002_create_products_table`]: `products`, unique `sku`, per-category index.

pub use sea_orm_migration::prelude::*;

pub mod m20260101_000001_create_categories_table;
pub mod m20260101_000002_create_products_table;

/// Every migration of the products database, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20260101_000001_create_categories_table::Migration),
            Box::new(m20260101_000002_create_products_table::Migration),
        ]
    }
}
