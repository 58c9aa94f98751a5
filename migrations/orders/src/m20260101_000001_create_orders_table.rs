//! `orders`: one row per order. The owner is a user id of the users service (no foreign key:
//! that table lives in another database); the status is its wire name (`PENDING`, `PAID`,
//! `SHIPPED`, `CANCELLED`), the currency an ISO 4217 code shared by all of the order's items.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `User.orders` pages are "this user's orders past the cursor, by id": `(user_id, id)` serves
/// them as an index range scan, and the batched window query partitions on the same columns.
const IDX_USER_ID_ID: &str = "idx_orders_user_id_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Orders::Id))
                    .col(big_integer(Orders::UserId).check(Expr::col(Orders::UserId).gt(0)))
                    .col(string_len(Orders::Status, 16))
                    .col(string_len(Orders::Currency, 3))
                    .col(timestamp_with_time_zone(Orders::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(IDX_USER_ID_ID)
                    .table(Orders::Table)
                    .col(Orders::UserId)
                    .col(Orders::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(IDX_USER_ID_ID)
                    .table(Orders::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Orders::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Orders {
    Table,
    Id,
    UserId,
    Status,
    Currency,
    CreatedAt,
}
