//! One account.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Trimmed and lowercased, so the unique index makes uniqueness case-insensitive.
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    /// An argon2id PHC string (`$argon2id$v=19$...`), never the password itself.
    pub password_hash: String,
    /// Grants the `admin` scope in the tokens this account gets at login.
    pub is_admin: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
