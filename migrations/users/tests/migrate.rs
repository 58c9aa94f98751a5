//! Runs the users migrations up, down and up again on every backend under test.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::Statement;
use subgraph_kit::testing::databases;
use users_migration::Migrator;

#[tokio::test]
async fn up_down_up_on_every_backend() {
    for t in databases().await {
        let b = t.backend;
        let manager = SchemaManager::new(&t.db);

        Migrator::up(&t.db, None)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: first up: {e}"));
        assert!(
            manager.has_table("users").await.expect("inspect"),
            "{b:?}: users table after up"
        );
        assert!(
            manager
                .has_index("users", "idx_users_email_unique")
                .await
                .expect("inspect"),
            "{b:?}: email index after up"
        );

        // The unique index is what makes a duplicate registration a CONFLICT even under races.
        let insert = |email: &str| {
            Statement::from_string(
                t.db.get_database_backend(),
                format!(
                    "INSERT INTO users (email, name, password_hash, is_admin, created_at) \
                     VALUES ('{email}', 'n', 'h', false, CURRENT_TIMESTAMP)"
                ),
            )
        };
        t.db.execute_raw(insert("a@example.com"))
            .await
            .unwrap_or_else(|e| panic!("{b:?}: insert: {e}"));
        let dup = t.db.execute_raw(insert("a@example.com")).await;
        assert!(
            dup.is_err(),
            "{b:?}: duplicate email must be rejected by the index"
        );

        Migrator::down(&t.db, None)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: down: {e}"));
        assert!(
            !manager.has_table("users").await.expect("inspect"),
            "{b:?}: users table after down"
        );

        Migrator::up(&t.db, None)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: second up: {e}"));
        assert!(
            manager.has_table("users").await.expect("inspect"),
            "{b:?}: users table after second up"
        );
        let status = Migrator::get_pending_migrations(&t.db)
            .await
            .expect("status");
        assert!(status.is_empty(), "{b:?}: nothing pending after up");
    }
}
