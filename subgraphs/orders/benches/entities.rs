//! `_entities` with 1,000 `Order` representations (with their items and totals) as an admin,
//! through the schema (as the HTTP router runs it, via `OrdersExecutor`), on PostgreSQL with the default seed (10,000 orders). Also `User.orders`
//! for 100 users in one `_entities` call. Run with `cargo bench -p orders-subgraph`.
//!
//! Uses `BENCH_POSTGRES_URL`, else `TEST_POSTGRES_URL`; without either it prints why and exits.
//! A fresh database is created for the run and dropped afterwards.

use std::time::{Duration, Instant};

use async_graphql::{Executor, Request, Variables};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use subgraph_kit::auth::{ADMIN_SCOPE, AuthContext, Identity};
use subgraph_kit::ids::UserId;
use subgraph_kit::seed::SeedSize;
use subgraph_kit::testing::TestDb;

const ORDERS: &str = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Order {
    items { quantity unitPrice { amount } product { id } } total { amount } } } }";
const USER_ORDERS: &str = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User {
    orders(first: 5) { id items { quantity unitPrice { amount } } total { amount } } } } }";

/// The allocator the binary runs with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn postgres_url() -> Option<String> {
    ["BENCH_POSTGRES_URL", "TEST_POSTGRES_URL"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()))
}

fn admin() -> AuthContext {
    AuthContext::Authenticated(Identity {
        user_id: UserId(1),
        scopes: vec![ADMIN_SCOPE.to_owned()],
    })
}

fn entities(c: &mut Criterion) {
    let Some(url) = postgres_url() else {
        eprintln!(
            "skipping orders _entities benchmark: set BENCH_POSTGRES_URL or TEST_POSTGRES_URL"
        );
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (db, schema) = rt.block_on(async {
        let db = TestDb::postgres(&url).await;
        orders_subgraph::migrate(&db.db).await.expect("migrate");
        let started = Instant::now();
        let rows = orders_subgraph::seed(&db.db, &SeedSize::default())
            .await
            .expect("seed");
        eprintln!(
            "seeded {rows} rows (10,000 orders with their items) in {:?}",
            started.elapsed()
        );
        let schema = orders_subgraph::OrdersExecutor::new(orders_subgraph::schema(db.db.clone()));
        (db, schema)
    });

    // Every tenth order, so the keys spread over the whole table.
    let order_reps: Vec<_> = (1..=1000)
        .map(|i| json!({"__typename": "Order", "id": (i * 10).to_string()}))
        .collect();
    let orders_vars = Variables::from_json(json!({ "r": order_reps }));
    let user_reps: Vec<_> = (1..=100)
        .map(|i| json!({"__typename": "User", "id": (i * 10).to_string()}))
        .collect();
    let users_vars = Variables::from_json(json!({ "r": user_reps }));

    // Sanity checks outside the timing: everything found, one statement per table.
    rt.block_on(async {
        for (query, vars, what) in [
            (ORDERS, &orders_vars, "1,000 orders"),
            (USER_ORDERS, &users_vars, "100 users"),
        ] {
            db.statements.take();
            let resp = schema
                .execute(Request::new(query).variables(vars.clone()).data(admin()))
                .await;
            assert!(resp.errors.is_empty(), "{what}: {:?}", resp.errors);
            assert_eq!(
                db.statements.take(),
                2,
                "{what}: one statement for orders, one for items"
            );
        }
    });

    let mut group = c.benchmark_group("orders");
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(10));
    for (name, query, vars) in [
        (
            "_entities 1000 Order with items (postgres)",
            ORDERS,
            &orders_vars,
        ),
        (
            "_entities 100 User.orders(first 5) with items (postgres)",
            USER_ORDERS,
            &users_vars,
        ),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&rt).iter(|| {
                let request = Request::new(query).variables(vars.clone()).data(admin());
                let schema = &schema;
                async move {
                    let resp = schema.execute(request).await;
                    assert!(resp.errors.is_empty());
                    resp
                }
            });
        });
    }
    group.finish();
    drop(schema);
    drop(db);
}

criterion_group!(benches, entities);
criterion_main!(benches);
