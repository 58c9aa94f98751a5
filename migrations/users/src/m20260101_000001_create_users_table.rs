//! The `users` table: one row per account.
//!
//! `email` is stored trimmed and lowercased by the service, so the plain unique index makes
//! uniqueness case-insensitive on both backends without a functional index. The table is
//! called `users` rather than `user` because `user` is reserved in PostgreSQL.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Longest email the service accepts (RFC 5321 path limit).
const EMAIL_MAX: u32 = 254;
/// Longest display name the service accepts, in characters.
const NAME_MAX: u32 = 100;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Users::Id))
                    .col(string_len(Users::Email, EMAIL_MAX))
                    .col(string_len(Users::Name, NAME_MAX))
                    // An argon2id PHC string; never a plain password.
                    .col(text(Users::PasswordHash))
                    .col(boolean(Users::IsAdmin).default(false))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // Login looks accounts up by email; the unique index serves that lookup and turns a
        // concurrent duplicate registration into a constraint violation instead of two rows.
        manager
            .create_index(
                Index::create()
                    .name(EMAIL_INDEX)
                    .table(Users::Table)
                    .col(Users::Email)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(EMAIL_INDEX)
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}

/// Name of the unique index on `users.email`.
const EMAIL_INDEX: &str = "idx_users_email_unique";

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    IsAdmin,
    CreatedAt,
}
