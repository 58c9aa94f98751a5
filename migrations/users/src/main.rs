//! The migration CLI: `cargo run -p users-migration -- up` (reads `DATABASE_URL`).

use sea_orm_migration::prelude::*;

#[tokio::main]
async fn main() {
    cli::run_cli(users_migration::Migrator).await;
}
