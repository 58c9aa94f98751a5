//! The benchmark itself is checked: the checked-in supergraph is the composition of the four
//! subgraphs, the gateway over them answers exactly what the monolith answers, and the load
//! driver measures a real run with no errors.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{EmptyMutation, EmptySubscription, ObjectType, Schema};
use bench::driver::{self, LoadConfig, Target};
use bench::subgraphs::{accounts, inventory, products, reviews};
use gateway::AppState;
use gateway::config::GatewayConfig;
use gateway::supergraph::Supergraph;
use gateway::supergraph::compose::{SubgraphSdl, compose};
use gateway::transport::{HttpClientConfig, HttpSubgraphClient};
use tokio::net::TcpListener;

const NAMES: [&str; 4] = ["accounts", "products", "inventory", "reviews"];

async fn sdl<Q: ObjectType + 'static>(
    schema: Schema<Q, EmptyMutation, EmptySubscription>,
) -> String {
    let response = schema.execute("{ _service { sdl } }").await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().expect("json");
    data["_service"]["sdl"].as_str().expect("sdl").to_owned()
}

#[tokio::test]
async fn the_checked_in_supergraph_is_the_composition_of_the_four_subgraphs() {
    let sdls = [
        sdl(accounts::schema()).await,
        sdl(products::schema()).await,
        sdl(inventory::schema()).await,
        sdl(reviews::schema()).await,
    ];
    let subgraphs: Vec<SubgraphSdl> = NAMES
        .iter()
        .zip(sdls)
        .zip(4811..)
        .map(|((name, sdl), port)| SubgraphSdl {
            name: (*name).to_owned(),
            url: format!("http://127.0.0.1:{port}/graphql"),
            sdl,
        })
        .collect();
    let composed = compose(&subgraphs).expect("the subgraphs compose");
    assert_eq!(
        composed,
        bench::SUPERGRAPH,
        "bench/supergraph.graphql is stale: recompose it with `tessera-gateway compose` (docs/BENCHMARKS.md)"
    );
}

async fn serve(router: axum::Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(bench::serve::serve(
        listener,
        router,
        std::future::pending(),
    ));
    format!("http://{address}/graphql")
}

#[tokio::test]
async fn the_gateway_answers_the_query_like_the_monolith_under_the_driver() {
    let urls = [
        serve(bench::serve::router(accounts::schema())).await,
        serve(bench::serve::router(products::schema())).await,
        serve(bench::serve::router(inventory::schema())).await,
        serve(bench::serve::router(reviews::schema())).await,
    ];
    for deduplicate in [true, false] {
        let client = HttpSubgraphClient::new(
            NAMES.iter().map(|n| (*n).to_owned()).zip(urls.clone()),
            &HttpClientConfig {
                deduplicate,
                ..HttpClientConfig::default()
            },
        )
        .expect("client");
        let state = AppState::from_config(&GatewayConfig::default()).expect("state");
        let supergraph = Supergraph::parse(bench::SUPERGRAPH).expect("supergraph");
        state.load_supergraph_with_client(Arc::new(supergraph), Arc::new(client));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(gateway::serve(listener, state, std::future::pending()));

        let expected = bench::expected_response(bench::QUERY)
            .await
            .expect("the monolith answers");
        let report = driver::run(LoadConfig {
            target: Target::parse(&format!("http://{address}/graphql")).expect("url"),
            connections: 4,
            warmup: Duration::from_millis(200),
            duration: Duration::from_secs(1),
            body: bench::request_body(bench::QUERY).into(),
            expected: expected.into(),
            // This test process hosts the gateway: its CPU and memory are what gets read.
            pid: Some(std::process::id()),
        })
        .await
        .expect("the run completes");
        assert_eq!(report.errors, 0, "deduplicate = {deduplicate}: {report:?}");
        assert!(report.requests > 0, "{report:?}");
        assert!(
            report.p50_ms > 0.0 && report.p99_ms >= report.p50_ms,
            "{report:?}"
        );
        assert!(
            report.cpu_seconds_per_1000.is_some_and(|c| c > 0.0),
            "{report:?}"
        );
        assert!(report.peak_rss_mib.is_some_and(|m| m > 0.0), "{report:?}");
    }
}

#[tokio::test]
async fn wrong_answers_are_counted_as_errors() {
    let url = serve(bench::serve::router(bench::monolith::schema())).await;
    let report = driver::run(LoadConfig {
        target: Target::parse(&url).expect("url"),
        connections: 2,
        warmup: Duration::ZERO,
        duration: Duration::from_millis(500),
        body: bench::request_body("{ users { id } }").into(),
        expected: bench::expected_response(bench::QUERY)
            .await
            .expect("expected")
            .into(),
        pid: None,
    })
    .await
    .expect("the run completes");
    assert_eq!(report.requests, 0, "{report:?}");
    assert!(
        report.mismatches > 0 && report.errors >= report.mismatches,
        "{report:?}"
    );
}
