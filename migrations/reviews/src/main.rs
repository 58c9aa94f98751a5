//! The migration CLI of the reviews database: `reviews-migration up|down|status|fresh`, with
//! the database from `DATABASE_URL` or `-u`.

use sea_orm_migration::prelude::*;

#[tokio::main]
async fn main() {
    cli::run_cli(reviews_migration::Migrator).await;
}
