//! Seeding the demo accounts of [`subgraph_kit::seed`].
//!
//! Argon2 is deliberately slow (tens of milliseconds per hash), so hashing 1,000 passwords
//! would make `--seed` take most of a minute. Every non-admin demo user has the same password
//! ([`DEMO_PASSWORD`]), so it is hashed **once** and that PHC string is stored for all of them;
//! the administrator (user 1) gets its own hash of [`ADMIN_PASSWORD`]. Sharing one salt between
//! demo accounts would be wrong for real accounts, and is harmless for public demo data whose
//! password is printed by the stack anyway.

use sea_orm::{
    ActiveValue::NotSet, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, Set,
    TransactionTrait,
};
use subgraph_kit::seed::{ADMIN_PASSWORD, DEMO_PASSWORD, SeedSize};

use crate::credentials::{self, Password};
use crate::entity::user;

/// Rows per `INSERT`: 5 bind parameters each, well inside SQLite's and PostgreSQL's limits.
const ROWS_PER_INSERT: usize = 2_000;

/// Inserts users `1..=size.users` of the seed plan in index order, in multi-row inserts inside
/// one transaction, when the table is empty; returns the rows inserted (0 when already seeded).
///
/// Inserting into an empty table in index order gives row `i` the id `i` on both backends,
/// which is what the other services' seeds rely on (an order's user id is a real user).
pub async fn seed(db: &DatabaseConnection, size: &SeedSize) -> Result<u64, DbErr> {
    if user::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let admin_hash = hash(ADMIN_PASSWORD).await?;
    let demo_hash = hash(DEMO_PASSWORD).await?;
    let rows: Vec<user::ActiveModel> = (1..=size.users)
        .map(|i| {
            let u = subgraph_kit::seed::user(i);
            let password_hash = if u.is_admin {
                admin_hash.clone()
            } else {
                demo_hash.clone()
            };
            user::ActiveModel {
                id: NotSet,
                email: Set(u.email),
                name: Set(u.name),
                password_hash: Set(password_hash),
                is_admin: Set(u.is_admin),
                created_at: Set(u.created_at),
            }
        })
        .collect();

    let txn = db.begin().await?;
    // Re-check inside the transaction, so two instances starting together do not both seed
    // (on PostgreSQL the second then fails on the unique email index and rolls back).
    if user::Entity::find().count(&txn).await? > 0 {
        txn.rollback().await?;
        return Ok(0);
    }
    let mut inserted = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        inserted += user::Entity::insert_many(chunk)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(inserted)
}

async fn hash(password: &str) -> Result<String, DbErr> {
    credentials::hash(Password::new(password.to_owned()))
        .await
        .map_err(|e| DbErr::Custom(e.to_string()))
}
