//! Schema history of the users subgraph's database.
//!
//! Migrations are frozen history: they use only the backend-agnostic
//! `sea_orm_migration::schema` helpers and never import the service's entities, so a later
//! change to an entity cannot silently rewrite what an old migration did.
//!
//! # Layout
//! - [`Migrator`]: the ordered list of migrations, run at service start and in every test.
//! - `m20260101_000001_create_users_table`: the `users` table and its unique email index.
//! - `main.rs`: the sea-orm-migration CLI (`cargo run -p users-migration -- up`).

pub use sea_orm_migration::prelude::*;

mod m20260101_000001_create_users_table;

/// The users database's migrations, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20260101_000001_create_users_table::Migration)]
    }
}
