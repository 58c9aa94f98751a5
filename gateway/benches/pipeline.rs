//! The gateway's own cost per stage, on the standard federation benchmark query
//! (`fixtures/bench_query.graphql` over `fixtures/requires_provides.graphql`) and on a large
//! response. Run with
//! `cargo bench -p gateway --features test-support --bench pipeline`.
//!
//! Subgraph answers are recorded once from the real in-process async-graphql subgraphs of
//! `gateway::test_support` and replayed from memory, so no subgraph work is timed. The replay
//! still serializes every subgraph request and parses every response body, as the HTTP
//! transport does: that is gateway work.
//!
//! - `bench query/parse+validate`: apollo-compiler against the API schema.
//! - `bench query/plan cold`: `planner::plan` on the validated document, no cache.
//! - `bench query/plan cached`: the pipeline's plan stage answering from its plan cache.
//! - `bench query/execute+project`: running the plan over the replay and projecting the
//!   client's response.
//! - `bench query/request, warm caches`: one whole request through `pipeline::execute`
//!   (document cache hit, variables, plan cache hit, execution).
//! - `bench/ supergraph/plan cold`: the cold plan of `bench/query.graphql` over the
//!   supergraph `tessera-gateway compose` made of the `bench/` subgraphs, the one the load
//!   benchmark serves (target: under 1 ms).
//! - `large response/…`: execute+project of 10,000 entities merged from one entity fetch,
//!   every 100th broken so its non-null `name` is null and the item is nulled with an error at
//!   its client path; `missing` when `details` has no such entity, `failing field` when
//!   `details` reports a field error on `name`.

use std::sync::Arc;
use std::time::Duration;

use apollo_compiler::ExecutableDocument;
use axum::http::HeaderMap;
use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use gateway::auth::{AuthSettings, Caller};
use gateway::config::{GatewayConfig, LimitsConfig};
use gateway::executor::{ExecutionRequest, Response, execute};
use gateway::pipeline::plan::PlanCache;
use gateway::pipeline::validate::DocumentHash;
use gateway::pipeline::{
    self, Engine, EngineSettings, GraphqlRequest, HttpMethod, Outcome, RequestOptions,
};
use gateway::planner::{PlanOptions, QueryPlan, plan};
use gateway::supergraph::Supergraph;
use gateway::test_support::bench::{self, BENCH_QUERY};
use gateway::test_support::large::{self, Breakage, LARGE_QUERY, is_broken};
use gateway::test_support::{Replay, plan_for, record};
use serde_json::{Map, Value, json};
use tokio::runtime::Runtime;

/// Entities in the large response.
const LARGE_COUNT: u32 = 10_000;

/// A single-threaded runtime: the executor never spawns, and one thread keeps the figures
/// free of scheduler noise.
fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn run<'a>(
    supergraph: &'a Supergraph,
    plan: &'a QueryPlan,
    variables: &'a Map<String, Value>,
    replay: &'a Replay,
    headers: &'a HeaderMap,
) -> impl Future<Output = Response> + 'a {
    execute(ExecutionRequest {
        plan,
        supergraph,
        variables,
        client: replay,
        introspection: None,
        headers,
    })
}

/// Engine settings as the default `[limits]` configure them.
fn engine_settings() -> EngineSettings {
    EngineSettings::from_limits(&LimitsConfig::default())
}

fn bench_query(c: &mut Criterion) {
    let rt = runtime();
    let supergraph = bench::supergraph().expect("benchmark supergraph");
    let schema = supergraph.api_schema();
    let document = ExecutableDocument::parse_and_validate(schema, BENCH_QUERY, "query.graphql")
        .expect("the benchmark query validates");
    let query_plan = plan(&supergraph, &document, None).expect("the benchmark query plans");

    // Record once; every timed execution must reproduce the live answer.
    let variables = Map::new();
    let headers = HeaderMap::new();
    let (live, replay) = rt.block_on(record(
        &supergraph,
        &query_plan,
        &variables,
        bench::client(),
    ));
    assert!(live.errors.is_empty(), "{:?}", live.errors);
    let replayed = rt.block_on(run(&supergraph, &query_plan, &variables, &replay, &headers));
    assert_eq!(replayed, live, "the replay answers like the live subgraphs");

    let mut group = c.benchmark_group("bench query");
    group.bench_function("parse+validate", |b| {
        b.iter(|| {
            ExecutableDocument::parse_and_validate(schema, black_box(BENCH_QUERY), "query.graphql")
                .is_ok()
        })
    });
    group.bench_function("plan cold", |b| {
        b.iter(|| plan(&supergraph, black_box(&document), None).is_ok())
    });

    let cache = PlanCache::new(16);
    let options = PlanOptions::default();
    let hash = DocumentHash::of(BENCH_QUERY);
    let cached = || pipeline::plan::plan(&supergraph, &cache, &options, hash, &document, None);
    let first = cached().expect("plans");
    assert!(
        Arc::ptr_eq(&first, &cached().expect("plans")),
        "a cache hit"
    );
    group.bench_function("plan cached", |b| b.iter(|| cached().is_ok()));
    assert_eq!(cache.misses(), 1, "every timed lookup hit the cache");

    group.bench_function("execute+project", |b| {
        b.to_async(&rt)
            .iter(|| run(&supergraph, &query_plan, &variables, &replay, &headers))
    });

    let engine = Engine::new(
        Arc::new(bench::supergraph().expect("benchmark supergraph")),
        Arc::new(replay.clone()),
        engine_settings(),
    );
    let request = GraphqlRequest {
        query: BENCH_QUERY.to_owned(),
        ..GraphqlRequest::default()
    };
    let auth = AuthSettings::from_config(&GatewayConfig::default()).expect("default auth");
    let caller = Caller::anonymous();
    let options = RequestOptions {
        method: HttpMethod::Post,
        include_query_plan: false,
        client_headers: &headers,
        auth: &auth,
        caller: &caller,
    };
    let warm = rt.block_on(pipeline::execute(&engine, request.clone(), options));
    assert_eq!(
        warm,
        Outcome::Response(live),
        "the pipeline answers like the executor"
    );
    group.bench_function("request, warm caches", |b| {
        // The clone of the request (one short string) stands for its decoding.
        b.to_async(&rt)
            .iter(|| pipeline::execute(&engine, request.clone(), options))
    });
    assert_eq!(
        engine.plans().misses(),
        1,
        "every timed request hit the plan cache"
    );
    assert_eq!(engine.documents().misses(), 1, "and the document cache");
    group.finish();
}

/// The load benchmark's own supergraph and query (`bench/`), planned cold.
fn bench_supergraph(c: &mut Criterion) {
    let supergraph = Supergraph::parse(include_str!("../../bench/supergraph.graphql"))
        .expect("bench/supergraph.graphql loads");
    let query = include_str!("../../bench/query.graphql");
    let document =
        ExecutableDocument::parse_and_validate(supergraph.api_schema(), query, "query.graphql")
            .expect("bench/query.graphql validates");
    let mut group = c.benchmark_group("bench/ supergraph");
    group.bench_function("plan cold", |b| {
        b.iter(|| plan(&supergraph, black_box(&document), None).is_ok())
    });
    group.finish();
}

fn large_response(c: &mut Criterion) {
    let rt = runtime();
    let supergraph = large::supergraph().expect("large supergraph");
    let query_plan = plan_for(&supergraph, LARGE_QUERY).expect("the large query plans");
    let variables = json!({ "first": LARGE_COUNT })
        .as_object()
        .cloned()
        .unwrap_or_default();
    let headers = HeaderMap::new();
    let broken = (1..=LARGE_COUNT).filter(|id| is_broken(*id)).count();

    let mut group = c.benchmark_group("large response");
    group
        .throughput(Throughput::Elements(u64::from(LARGE_COUNT)))
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    for (breakage, name) in [
        (Breakage::MissingEntity, "10000 entities, 1% missing"),
        (Breakage::FailingField, "10000 entities, 1% failing field"),
    ] {
        let (live, replay) = rt.block_on(record(
            &supergraph,
            &query_plan,
            &variables,
            large::client(breakage),
        ));
        let products = live
            .data
            .as_ref()
            .and_then(|d| d["products"].as_array())
            .expect("products");
        assert_eq!(products.len(), LARGE_COUNT as usize);
        assert_eq!(products.iter().filter(|p| p.is_null()).count(), broken);
        // One client error per broken entity, whether the subgraph indexed its errors or not.
        assert_eq!(
            live.errors.len(),
            broken,
            "{name}: one error per broken entity"
        );
        let replayed = rt.block_on(run(&supergraph, &query_plan, &variables, &replay, &headers));
        assert_eq!(replayed, live, "the replay answers like the live subgraphs");
        group.bench_function(name, |b| {
            b.to_async(&rt)
                .iter(|| run(&supergraph, &query_plan, &variables, &replay, &headers))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_query, bench_supergraph, large_response);
criterion_main!(benches);
