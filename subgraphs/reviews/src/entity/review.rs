//! A row of `reviews`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The user who wrote it; users live in the users service, so this is not a foreign key.
    pub author_id: i64,
    /// The product it is about; owned by the products service, also not a foreign key.
    pub product_id: i64,
    /// 1 to 5, enforced by the service and by a check constraint.
    pub rating: i32,
    /// Trimmed, 1 to 5,000 characters.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
