//! `_entities` with 1,000 `User` representations through the schema, on PostgreSQL with the
//! default seed (1,000 users). Run with `cargo bench -p users-subgraph`.
//!
//! Uses `BENCH_POSTGRES_URL`, else `TEST_POSTGRES_URL`; without either it prints why and exits.
//! A fresh database is created for the run and dropped afterwards.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Request, Variables};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use subgraph_kit::auth::{JwtSettings, JwtSigner};
use subgraph_kit::seed::SeedSize;
use subgraph_kit::testing::TestDb;

const QUERY: &str = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email name createdAt } } }";

fn postgres_url() -> Option<String> {
    ["BENCH_POSTGRES_URL", "TEST_POSTGRES_URL"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()))
}

fn entities(c: &mut Criterion) {
    let Some(url) = postgres_url() else {
        eprintln!(
            "skipping users _entities benchmark: set BENCH_POSTGRES_URL or TEST_POSTGRES_URL"
        );
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (db, schema) = rt.block_on(async {
        let db = TestDb::postgres(&url).await;
        users_subgraph::migrate(&db.db).await.expect("migrate");
        let rows = users_subgraph::seed(&db.db, &SeedSize::default())
            .await
            .expect("seed");
        assert_eq!(rows, 1000);
        let schema = users_subgraph::schema(
            db.db.clone(),
            Arc::new(JwtSigner::generate(JwtSettings::default())),
        );
        (db, schema)
    });
    let reps: Vec<_> = (1..=1000)
        .map(|i| json!({"__typename": "User", "id": i.to_string()}))
        .collect();
    let variables = Variables::from_json(json!({ "r": reps }));

    // Sanity check outside the timing: all 1,000 found, in one statement.
    rt.block_on(async {
        db.statements.take();
        let resp = schema
            .execute(Request::new(QUERY).variables(variables.clone()))
            .await;
        assert!(resp.errors.is_empty(), "{:?}", resp.errors);
        assert_eq!(db.statements.take(), 1, "one statement per _entities call");
    });

    let mut group = c.benchmark_group("users");
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(15));
    group.bench_function("_entities 1000 User (postgres)", |b| {
        b.to_async(&rt).iter(|| {
            let request = Request::new(QUERY).variables(variables.clone());
            let schema = &schema;
            async move {
                let resp = schema.execute(request).await;
                assert!(resp.errors.is_empty());
                resp
            }
        });
    });
    group.finish();
    drop(schema);
    drop(db);
}

criterion_group!(benches, entities);
criterion_main!(benches);
