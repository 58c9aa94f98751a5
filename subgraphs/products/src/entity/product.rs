//! A row of `products`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique; the second entity key.
    pub sku: String,
    pub name: String,
    /// `name` lowercased in Rust, so a case-insensitive search behaves the same on both backends.
    pub name_folded: String,
    pub description: String,
    /// Integer minor units: money is never a float.
    pub price_cents: i64,
    /// ISO 4217 code, three uppercase letters.
    pub currency: String,
    pub category_id: i64,
    /// Never negative (checked by the guarded update and by a CHECK constraint).
    pub stock: i32,
}

/// Relations are not declared: every read goes through a batched query in the service.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
