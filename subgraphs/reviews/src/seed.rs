//! The reviews part of the deterministic demo data: review `i` of
//! [`subgraph_kit::seed::review`] becomes row `i`, so its author and product are real rows of
//! the users and products services seeded with the same [`SeedSize`].

use sea_orm::{DatabaseConnection, DbErr};
use subgraph_kit::seed::{self as plan, SeedSize};

use crate::service::{self, SeedRow};

/// Seeds reviews `1..=size.reviews` into an empty table; returns the rows inserted (0 when
/// the table already holds reviews).
pub async fn seed(db: &DatabaseConnection, size: &SeedSize) -> Result<u64, DbErr> {
    size.validate().map_err(DbErr::Custom)?;
    let rows = (1..=size.reviews)
        .map(|i| {
            let r = plan::review(i, size);
            SeedRow {
                id: i64::from(i),
                author: i64::from(r.author),
                product: i64::from(r.product),
                rating: r.rating,
                body: r.body,
                created_at: r.created_at,
            }
        })
        .collect();
    service::insert_seed(db, rows).await
}
