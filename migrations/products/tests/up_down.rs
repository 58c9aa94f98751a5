//! The migrations apply, roll back and apply again on every backend under test, and the
//! constraints the products service relies on are really there.

use products_migration::Migrator;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use subgraph_kit::testing::databases;

async fn tables(manager: &SchemaManager<'_>) -> (bool, bool) {
    (
        manager.has_table("categories").await.expect("has_table"),
        manager.has_table("products").await.expect("has_table"),
    )
}

#[tokio::test]
async fn up_down_up_on_every_backend() {
    for t in databases().await {
        let b = t.backend;
        let manager = SchemaManager::new(&t.db);
        assert_eq!(
            tables(&manager).await,
            (false, false),
            "{b:?}: fresh database"
        );

        Migrator::up(&t.db, None)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: up: {e}"));
        assert_eq!(tables(&manager).await, (true, true), "{b:?}: after up");

        Migrator::down(&t.db, None)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: down: {e}"));
        assert_eq!(tables(&manager).await, (false, false), "{b:?}: after down");

        Migrator::up(&t.db, None)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: second up: {e}"));
        assert_eq!(
            tables(&manager).await,
            (true, true),
            "{b:?}: after second up"
        );
        // Running up again is a no-op, as it is at every service start.
        Migrator::up(&t.db, None)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: idempotent up: {e}"));
    }
}

#[tokio::test]
async fn constraints_hold_on_every_backend() {
    for t in databases().await {
        let b = t.backend;
        Migrator::up(&t.db, None)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: up: {e}"));
        let backend = t.db.get_database_backend();
        let run = |sql: &str| {
            t.db.execute_raw(Statement::from_string(backend, sql.to_owned()))
        };

        run("INSERT INTO categories (name) VALUES ('Books')")
            .await
            .expect("category");
        let product = |sku: &str, category: i64, stock: i64, price: i64| {
            format!(
                "INSERT INTO products (sku, name, name_folded, description, price_cents, currency, \
                 category_id, stock) VALUES ('{sku}', 'N', 'n', 'D', {price}, 'USD', {category}, {stock})"
            )
        };
        run(&product("A-1", 1, 5, 100))
            .await
            .unwrap_or_else(|e| panic!("{b:?}: valid product: {e}"));

        let dup = run(&product("A-1", 1, 5, 100))
            .await
            .expect_err("duplicate sku");
        assert!(
            matches!(
                dup.sql_err(),
                Some(sea_orm_migration::sea_orm::SqlErr::UniqueConstraintViolation(_))
            ),
            "{b:?}: duplicate sku is a unique violation: {dup}"
        );
        let orphan = run(&product("A-2", 99, 5, 100))
            .await
            .expect_err("unknown category");
        assert!(
            matches!(
                orphan.sql_err(),
                Some(sea_orm_migration::sea_orm::SqlErr::ForeignKeyConstraintViolation(_))
            ),
            "{b:?}: unknown category is a foreign-key violation: {orphan}"
        );
        run(&product("A-3", 1, -1, 100))
            .await
            .expect_err("negative stock refused");
        run(&product("A-4", 1, 1, -1))
            .await
            .expect_err("negative price refused");
        run("INSERT INTO categories (name, parent_id) VALUES ('Orphan', 42)")
            .await
            .expect_err("unknown parent refused");
    }
}
