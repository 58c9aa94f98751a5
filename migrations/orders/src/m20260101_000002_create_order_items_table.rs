//! `order_items`: the lines of an order. The product is an id of the products service (no
//! foreign key across databases); the unit price is frozen in integer cents at order time, so
//! a later price change does not rewrite history. Items die with their order.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20260101_000001_create_orders_table::Orders;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `Order.items` is loaded for a whole batch of orders at once (`WHERE order_id IN (...)`,
/// ordered by id); `(order_id, id)` answers it from the index.
const IDX_ORDER_ID_ID: &str = "idx_order_items_order_id_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrderItems::Table)
                    .if_not_exists()
                    .col(big_pk_auto(OrderItems::Id))
                    .col(big_integer(OrderItems::OrderId))
                    .col(
                        big_integer(OrderItems::ProductId)
                            .check(Expr::col(OrderItems::ProductId).gt(0)),
                    )
                    .col(integer(OrderItems::Quantity).check(Expr::col(OrderItems::Quantity).gt(0)))
                    .col(
                        big_integer(OrderItems::UnitPriceCents)
                            .check(Expr::col(OrderItems::UnitPriceCents).gte(0)),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_order_items_order_id")
                            .from(OrderItems::Table, OrderItems::OrderId)
                            .to(Orders::Table, Orders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(IDX_ORDER_ID_ID)
                    .table(OrderItems::Table)
                    .col(OrderItems::OrderId)
                    .col(OrderItems::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(IDX_ORDER_ID_ID)
                    .table(OrderItems::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(OrderItems::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OrderItems {
    Table,
    Id,
    OrderId,
    ProductId,
    Quantity,
    UnitPriceCents,
}
