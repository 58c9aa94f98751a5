//! The products part of the deterministic demo data: categories and products `1..=N` of
//! [`subgraph_kit::seed`], inserted in index order so that row `i` gets id `i` on both backends
//! and the orders and reviews services, seeded from the same plan, point at real products.

use sea_orm::ActiveValue::Set;
use sea_orm::{DatabaseConnection, DbErr};
use subgraph_kit::seed::{self as plan, SeedSize};

use crate::entity::{category, product};
use crate::service;

/// Seeds empty tables with `size.categories` categories and `size.products` products; returns
/// the number of rows inserted (0 when the tables already hold data).
pub async fn seed(db: &DatabaseConnection, size: &SeedSize) -> Result<u64, DbErr> {
    size.validate().map_err(DbErr::Custom)?;
    let categories = (1..=size.categories)
        .map(|i| {
            let c = plan::category(i, size);
            category::ActiveModel {
                name: Set(c.name),
                parent_id: Set(c.parent.map(i64::from)),
                ..Default::default()
            }
        })
        .collect();
    let products = (1..=size.products)
        .map(|i| {
            let p = plan::product(i, size);
            product::ActiveModel {
                sku: Set(p.sku),
                name_folded: Set(p.name.to_lowercase()),
                name: Set(p.name),
                description: Set(p.description),
                price_cents: Set(p.price_cents),
                currency: Set(p.currency.to_owned()),
                category_id: Set(i64::from(p.category)),
                stock: Set(p.stock),
                ..Default::default()
            }
        })
        .collect();
    service::seed_if_empty(db, categories, products).await
}
