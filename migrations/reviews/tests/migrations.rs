//! The reviews migrations run up, down and up again on every backend, and the schema they
//! leave behind enforces what the service relies on.

use reviews_migration::{Migrator, MigratorTrait, SchemaManager};
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, SqlErr};
use subgraph_kit::testing::databases;

const INDEXES: [&str; 3] = [
    "ux_reviews_author_id_product_id",
    "ix_reviews_product_id_id",
    "ix_reviews_author_id_id",
];

async fn insert(
    db: &DatabaseConnection,
    author: i64,
    product: i64,
    rating: i32,
) -> Result<(), DbErr> {
    let sql = format!(
        "INSERT INTO reviews (author_id, product_id, rating, body, created_at) \
         VALUES ({author}, {product}, {rating}, 'fine', '2026-01-01 00:00:00+00:00')"
    );
    db.execute_unprepared(&sql).await.map(|_| ())
}

#[tokio::test]
async fn up_down_up() {
    for t in databases().await {
        let backend = t.backend;
        let db = &t.db;
        let manager = SchemaManager::new(db);

        Migrator::up(db, None).await.expect("first up");
        assert!(
            manager.has_table("reviews").await.expect("has_table"),
            "{backend:?}: table after up"
        );
        for index in INDEXES {
            assert!(
                manager
                    .has_index("reviews", index)
                    .await
                    .expect("has_index"),
                "{backend:?}: {index} after up"
            );
        }
        assert_eq!(
            Migrator::get_pending_migrations(db)
                .await
                .expect("pending")
                .len(),
            0,
            "{backend:?}"
        );

        // What the service relies on: one review per (author, product), ratings 1..=5.
        insert(db, 1, 1, 5).await.expect("first review");
        insert(db, 1, 2, 1)
            .await
            .expect("same author, other product");
        insert(db, 2, 1, 3)
            .await
            .expect("other author, same product");
        let dup = insert(db, 1, 1, 4)
            .await
            .expect_err("duplicate pair must fail");
        assert!(
            matches!(dup.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))),
            "{backend:?}: duplicate is a unique violation: {dup:?}"
        );
        for bad in [0, 6] {
            insert(db, 3, 3, bad)
                .await
                .expect_err("rating outside 1..=5 must fail");
        }

        Migrator::down(db, None).await.expect("down");
        assert!(
            !manager.has_table("reviews").await.expect("has_table"),
            "{backend:?}: no table after down"
        );
        assert_eq!(
            Migrator::get_pending_migrations(db)
                .await
                .expect("pending")
                .len(),
            1,
            "{backend:?}"
        );

        Migrator::up(db, None).await.expect("second up");
        assert!(
            manager.has_table("reviews").await.expect("has_table"),
            "{backend:?}: table after second up"
        );
        for index in INDEXES {
            assert!(
                manager
                    .has_index("reviews", index)
                    .await
                    .expect("has_index"),
                "{backend:?}: {index} again"
            );
        }
        // The table is new: the pair that existed before `down` can be written again.
        insert(db, 1, 1, 5)
            .await
            .expect("fresh table after second up");
    }
}
