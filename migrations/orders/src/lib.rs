//! Schema migrations of the orders database: orders and their items.
//!
//! Run at every start of the orders subgraph and in every test; the CLI (`cargo run -p
//! orders-migration -- --help`) applies or rolls them back by hand. Only backend-agnostic
//! `sea_orm_migration::schema` helpers are used, so the same files build the SQLite and the
//! PostgreSQL schema. Entities are never imported: a migration describes the schema as it was
//! when written, not as the code looks today.
//!
//! Orders reference users and products by id only: those rows live in other services'
//! databases, so there is no foreign key to them, only indexes for the lookups.
//!
//! # Layout
//! - [`m20260101_000001_create_orders_table`]: `orders`, indexed by `(user_id, id)`.
//! - [`m20260101_000002_create_order_items_table`]: `order_items`, foreign key to `orders`,
//!   indexed by `(order_id, id)`.

pub use sea_orm_migration::prelude::*;

pub mod m20260101_000001_create_orders_table;
pub mod m20260101_000002_create_order_items_table;

/// Every migration of the orders database, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20260101_000001_create_orders_table::Migration),
            Box::new(m20260101_000002_create_order_items_table::Migration),
        ]
    }
}
