//! `fetch_sdl` against real HTTP servers on the loopback interface.

use axum::Json;
use axum::http::StatusCode;
use axum::routing::post;
use gateway::supergraph::compose::{ComposeError, SubgraphSdl, compose, fetch_sdl};
use serde_json::{Value, json};

/// Serves `handler` on 127.0.0.1 at a free port; returns the GraphQL URL.
async fn serve(answer: fn(Value) -> (StatusCode, String)) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let app = axum::Router::new().route(
        "/graphql",
        post(move |Json(body): Json<Value>| async move { answer(body) }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{address}/graphql")
}

fn service_answer(body: Value) -> (StatusCode, String) {
    if body["query"]
        .as_str()
        .is_some_and(|q| q.contains("_service") && q.contains("sdl"))
    {
        let sdl = "extend schema @link(url: \"https://specs.apollo.dev/federation/v2.5\", import: [\"@key\"])\ntype Query { hello: String }";
        (
            StatusCode::OK,
            json!({"data": {"_service": {"sdl": sdl}}}).to_string(),
        )
    } else {
        (
            StatusCode::OK,
            json!({"errors": [{"message": "unexpected query"}]}).to_string(),
        )
    }
}

#[tokio::test]
async fn fetches_the_sdl_and_composes_it() {
    let url = serve(service_answer).await;
    let client = reqwest::Client::new();
    let sdl = fetch_sdl(&client, &url).await.expect("fetches");
    assert!(sdl.contains("hello: String"), "{sdl}");
    let supergraph = compose(&[SubgraphSdl {
        name: "hello".into(),
        url: url.clone(),
        sdl,
    }])
    .expect("composes");
    assert!(supergraph.contains(&format!(
        "HELLO @join__graph(name: \"hello\", url: \"{url}\")"
    )));
}

#[tokio::test]
async fn http_errors_are_reported_with_the_url() {
    let url = serve(|_| (StatusCode::INTERNAL_SERVER_ERROR, "boom".to_owned())).await;
    let error = fetch_sdl(&reqwest::Client::new(), &url)
        .await
        .expect_err("must fail");
    let ComposeError::Fetch {
        url: failed,
        reason,
    } = &error
    else {
        panic!("{error}")
    };
    assert_eq!(failed, &url);
    assert!(reason.contains("500"), "{reason}");
}

#[tokio::test]
async fn graphql_errors_are_reported() {
    let url = serve(|_| {
        (
            StatusCode::OK,
            json!({"errors": [{"message": "unknown field _service"}]}).to_string(),
        )
    })
    .await;
    let error = fetch_sdl(&reqwest::Client::new(), &url)
        .await
        .expect_err("must fail");
    assert!(
        error.to_string().contains("unknown field _service"),
        "{error}"
    );
}

#[tokio::test]
async fn responses_without_an_sdl_are_refused() {
    let url = serve(|_| {
        (
            StatusCode::OK,
            json!({"data": {"_service": null}}).to_string(),
        )
    })
    .await;
    let error = fetch_sdl(&reqwest::Client::new(), &url)
        .await
        .expect_err("must fail");
    assert!(error.to_string().contains("no _service.sdl"), "{error}");

    let url = serve(|_| (StatusCode::OK, "not json".to_owned())).await;
    let error = fetch_sdl(&reqwest::Client::new(), &url)
        .await
        .expect_err("must fail");
    assert!(
        error.to_string().contains("invalid graphql response"),
        "{error}"
    );
}

#[tokio::test]
async fn unreachable_subgraphs_fail_fast() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let url = format!("http://{address}/graphql");
    let error = fetch_sdl(&reqwest::Client::new(), &url)
        .await
        .expect_err("must fail");
    assert!(error.to_string().contains("request failed"), "{error}");
}
