//! Schema migrations of the reviews database.
//!
//! The reviews service owns one table, `reviews`. It stores only the ids of the users and
//! products it refers to: those live in other services' databases, so there are no foreign keys
//! across services, and the reviews service never checks that they exist.
//!
//! # Layout
//! - [`Migrator`]: the ordered list of migrations, run at service start and in every test.
//! - `m20260101_000001_create_reviews_table`: the `reviews` table, the one-review-per-user-and-
//!   product unique index, and the indexes the batched per-parent lists scan.
//! - `src/main.rs`: the sea-orm-migration CLI (`up`, `down`, `status`, `fresh`...).

pub use sea_orm_migration::prelude::*;

mod m20260101_000001_create_reviews_table;

/// The migrations of the reviews database, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20260101_000001_create_reviews_table::Migration)]
    }
}
