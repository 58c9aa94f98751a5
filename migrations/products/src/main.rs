//! The migration CLI of the products database. Run with
//! `DATABASE_URL=sqlite://./data/products.db?mode=rwc cargo run -p products-migration -- up`.

use sea_orm_migration::prelude::*;

#[tokio::main]
async fn main() {
    cli::run_cli(products_migration::Migrator).await;
}
