//! A row of `orders`. `user_id` is a user of the users service: another database, so a plain
//! column without a foreign key.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub status: Status,
    /// ISO 4217 code shared by every item of the order.
    pub currency: String,
    pub created_at: DateTimeUtc,
}

/// The lifecycle of an order, stored as its wire name so the column reads the same as the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "PAID")]
    Paid,
    #[sea_orm(string_value = "SHIPPED")]
    Shipped,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

impl Status {
    /// Reads a wire name (the seed plan speaks in wire names).
    pub fn from_wire(name: &str) -> Option<Self> {
        match name {
            "PENDING" => Some(Self::Pending),
            "PAID" => Some(Self::Paid),
            "SHIPPED" => Some(Self::Shipped),
            "CANCELLED" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::order_item::Entity")]
    Items,
}

impl Related<super::order_item::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Items.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
