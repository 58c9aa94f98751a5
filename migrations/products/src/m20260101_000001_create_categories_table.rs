//! `categories`: a tree of product categories, each optionally below a parent.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Categories::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Categories::Id))
                    .col(string_len(Categories::Name, 100))
                    .col(big_integer_null(Categories::ParentId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_categories_parent_id")
                            .from(Categories::Table, Categories::ParentId)
                            .to(Categories::Table, Categories::Id)
                            // A category with children cannot vanish and orphan them.
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // `Category.children` loads the children of many parents at once, ordered by id.
        manager
            .create_index(
                Index::create()
                    .name("idx_categories_parent_id_id")
                    .table(Categories::Table)
                    .col(Categories::ParentId)
                    .col(Categories::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_categories_parent_id_id")
                    .table(Categories::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Categories::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Categories {
    Table,
    Id,
    Name,
    ParentId,
}
