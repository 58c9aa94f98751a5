//! The orders migration CLI: `cargo run -p orders-migration -- up` (or `down`, `status`,
//! `fresh`...). The database comes from `DATABASE_URL` or `-u`.

#[tokio::main]
async fn main() {
    sea_orm_migration::cli::run_cli(orders_migration::Migrator).await;
}
