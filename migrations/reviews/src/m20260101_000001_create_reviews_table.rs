//! The `reviews` table.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Unique `(author_id, product_id)`: one review per user per product. The service maps its
/// violation to `CONFLICT`, so the rule holds even for two concurrent `addReview` calls.
const AUTHOR_PRODUCT_UNIQUE: &str = "ux_reviews_author_id_product_id";
/// `(product_id, id)`: `Product.reviews` and `Product.averageRating` filter by product, and
/// the keyset pages walk ids in order within one product.
const PRODUCT_ID_INDEX: &str = "ix_reviews_product_id_id";
/// `(author_id, id)`: the same for `User.reviews`.
const AUTHOR_ID_INDEX: &str = "ix_reviews_author_id_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Reviews::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Reviews::Id))
                    .col(big_integer(Reviews::AuthorId))
                    .col(big_integer(Reviews::ProductId))
                    // The service validates the range first and says why; the check keeps
                    // the table honest against any other writer.
                    .col(integer(Reviews::Rating).check(Expr::col(Reviews::Rating).between(1, 5)))
                    .col(text(Reviews::Body))
                    .col(timestamp_with_time_zone(Reviews::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(AUTHOR_PRODUCT_UNIQUE)
                    .table(Reviews::Table)
                    .col(Reviews::AuthorId)
                    .col(Reviews::ProductId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(PRODUCT_ID_INDEX)
                    .table(Reviews::Table)
                    .col(Reviews::ProductId)
                    .col(Reviews::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(AUTHOR_ID_INDEX)
                    .table(Reviews::Table)
                    .col(Reviews::AuthorId)
                    .col(Reviews::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Dropping the table drops its indexes on both backends.
        manager
            .drop_table(Table::drop().table(Reviews::Table).if_exists().to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Reviews {
    Table,
    Id,
    AuthorId,
    ProductId,
    Rating,
    Body,
    CreatedAt,
}
