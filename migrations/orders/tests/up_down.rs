//! The migrations apply, roll back and apply again on every backend under test, and the
//! constraints the orders service relies on are really there.

use orders_migration::Migrator;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, SqlErr, Statement};
use subgraph_kit::testing::databases;

async fn tables(manager: &SchemaManager<'_>) -> (bool, bool) {
    (
        manager.has_table("orders").await.expect("has_table"),
        manager.has_table("order_items").await.expect("has_table"),
    )
}

async fn indexes(manager: &SchemaManager<'_>) -> (bool, bool) {
    (
        manager
            .has_index("orders", "idx_orders_user_id_id")
            .await
            .expect("has_index"),
        manager
            .has_index("order_items", "idx_order_items_order_id_id")
            .await
            .expect("has_index"),
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
        assert_eq!(
            indexes(&manager).await,
            (true, true),
            "{b:?}: indexes after up"
        );

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
        assert_eq!(
            indexes(&manager).await,
            (true, true),
            "{b:?}: indexes after second up"
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
        let run = |sql: String| t.db.execute_raw(Statement::from_string(backend, sql));
        let order = |user: i64| {
            format!(
                "INSERT INTO orders (user_id, status, currency, created_at) \
                 VALUES ({user}, 'PAID', 'USD', '2026-01-01 00:00:00+00:00')"
            )
        };
        let item = |order: i64, quantity: i64| {
            format!(
                "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) \
                 VALUES ({order}, 3, {quantity}, 1999)"
            )
        };

        run(order(7))
            .await
            .unwrap_or_else(|e| panic!("{b:?}: valid order: {e}"));
        run(item(1, 2))
            .await
            .unwrap_or_else(|e| panic!("{b:?}: valid item: {e}"));

        let orphan = run(item(99, 1))
            .await
            .expect_err("item of an unknown order");
        assert!(
            matches!(
                orphan.sql_err(),
                Some(SqlErr::ForeignKeyConstraintViolation(_))
            ),
            "{b:?}: item of an unknown order is a foreign key violation: {orphan}"
        );
        run(item(1, 0)).await.expect_err("zero quantity is refused");
        run(order(0)).await.expect_err("user id 0 is refused");

        // Items go with their order.
        run("DELETE FROM orders WHERE id = 1".into())
            .await
            .unwrap_or_else(|e| panic!("{b:?}: delete: {e}"));
        let left =
            t.db.query_one_raw(Statement::from_string(
                backend,
                "SELECT COUNT(*) AS n FROM order_items",
            ))
            .await
            .unwrap_or_else(|e| panic!("{b:?}: count: {e}"))
            .and_then(|row| row.try_get::<i64>("", "n").ok());
        assert_eq!(left, Some(0), "{b:?}: items are deleted with their order");
    }
}
