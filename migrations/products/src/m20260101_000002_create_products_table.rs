//! `products`: the catalogue. Prices are integer cents plus an ISO 4217 currency, never floats.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20260101_000001_create_categories_table::Categories;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Products::Id))
                    .col(string_len(Products::Sku, 64))
                    .col(string_len(Products::Name, 200))
                    // The name lowercased by the service (Unicode-aware), so a case-insensitive
                    // search means the same on SQLite, whose LOWER() only knows ASCII, and on
                    // PostgreSQL.
                    .col(text(Products::NameFolded))
                    .col(text(Products::Description))
                    .col(
                        big_integer(Products::PriceCents)
                            .check(Expr::col(Products::PriceCents).gte(0)),
                    )
                    .col(string_len(Products::Currency, 3))
                    .col(big_integer(Products::CategoryId))
                    // The last line of defence behind the guarded `UPDATE` of `adjustStock`.
                    .col(integer(Products::Stock).check(Expr::col(Products::Stock).gte(0)))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_products_category_id")
                            .from(Products::Table, Products::CategoryId)
                            .to(Categories::Table, Categories::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // `productBySku` and the `sku` entity key; also what makes a duplicate SKU a CONFLICT.
        manager
            .create_index(
                Index::create()
                    .name("uq_products_sku")
                    .table(Products::Table)
                    .col(Products::Sku)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // `Category.products` (per-category pages ordered by id) and the `categoryId` filter.
        manager
            .create_index(
                Index::create()
                    .name("idx_products_category_id_id")
                    .table(Products::Table)
                    .col(Products::CategoryId)
                    .col(Products::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in ["idx_products_category_id_id", "uq_products_sku"] {
            manager
                .drop_index(Index::drop().name(index).table(Products::Table).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Products::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    Sku,
    Name,
    NameFolded,
    Description,
    PriceCents,
    Currency,
    CategoryId,
    Stock,
}
