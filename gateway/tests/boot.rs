//! Getting a supergraph at start: composing from live subgraphs, with retries while they come
//! up, and refusing what cannot be served; and the `tessera-gateway` binary itself.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::routing::post;
use gateway::boot::{self, Backoff, BootError, SubgraphSource};
use serde_json::{Value, json};

const SUBGRAPHS: [&str; 4] = ["users", "products", "orders", "reviews"];

fn sdl_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("fixtures/compose/tessera/{name}.graphql"))
}

/// A stand-in subgraph answering `{ _service { sdl } }` with a fixture SDL, counting requests.
async fn serve_sdl(listener: tokio::net::TcpListener, sdl: String, hits: Arc<AtomicUsize>) {
    let app = axum::Router::new().route(
        "/graphql",
        post(move |Json(body): Json<Value>| {
            let sdl = sdl.clone();
            let hits = hits.clone();
            async move {
                hits.fetch_add(1, Ordering::SeqCst);
                assert!(
                    body["query"]
                        .as_str()
                        .is_some_and(|q| q.contains("_service"))
                );
                Json(json!({"data": {"_service": {"sdl": sdl}}}))
            }
        }),
    );
    axum::serve(listener, app).await.expect("stand-in subgraph");
}

/// A port nothing listens on (yet).
async fn free_port() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    listener.local_addr().expect("addr")
}

#[tokio::test]
async fn composes_from_live_subgraphs_once_they_answer() {
    let mut sources = Vec::new();
    let mut addrs = Vec::new();
    for name in SUBGRAPHS {
        let addr = free_port().await;
        sources.push(SubgraphSource {
            name: name.into(),
            url: format!("http://{addr}/graphql"),
            sdl_file: None,
        });
        addrs.push(addr);
    }
    let hits = Arc::new(AtomicUsize::new(0));
    // The subgraphs come up 300 ms after the gateway starts composing.
    let starter = {
        let hits = hits.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            for (name, addr) in SUBGRAPHS.iter().zip(addrs) {
                let listener = tokio::net::TcpListener::bind(addr).await.expect("rebind");
                let sdl = std::fs::read_to_string(sdl_path(name)).expect("fixture");
                tokio::spawn(serve_sdl(listener, sdl, hits.clone()));
            }
        })
    };
    let started = Instant::now();
    let backoff = Backoff {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(100),
    };
    let client = reqwest::Client::new();
    let (sdl, supergraph) = tokio::time::timeout(
        Duration::from_secs(20),
        boot::compose_with_retry(&client, &sources, backoff),
    )
    .await
    .expect("composition finishes once the subgraphs are up")
    .expect("composes");
    starter.await.expect("starter");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(sdl.contains("@join__graph(name: \"users\""));
    let mut names: Vec<&str> = supergraph
        .subgraphs()
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["orders", "products", "reviews", "users"]);
    assert!(supergraph.api_schema().types.contains_key("User"));
    assert_eq!(
        hits.load(Ordering::SeqCst),
        4,
        "each subgraph is asked once it answers"
    );
}

#[tokio::test]
async fn sdl_files_need_no_live_subgraph() {
    let from_files: Vec<SubgraphSource> = SUBGRAPHS
        .iter()
        .map(|name| SubgraphSource {
            name: (*name).into(),
            url: format!("http://127.0.0.1:1/{name}"),
            sdl_file: Some(sdl_path(name)),
        })
        .collect();
    let client = reqwest::Client::new();
    let composed = boot::compose_once(&client, &from_files)
        .await
        .expect("composes from files");
    assert!(gateway::supergraph::Supergraph::parse(&composed).is_ok());
}

#[tokio::test]
async fn conflicts_are_reported_at_once_not_retried() {
    let dir = std::env::temp_dir().join(format!("tessera-boot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let a = dir.join("a.graphql");
    let b = dir.join("b.graphql");
    std::fs::write(&a, "type Query { thing: Int }").expect("write");
    std::fs::write(&b, "type Query { thing: String }").expect("write");
    let sources = vec![
        SubgraphSource {
            name: "a".into(),
            url: "http://127.0.0.1:1/graphql".into(),
            sdl_file: Some(a),
        },
        SubgraphSource {
            name: "b".into(),
            url: "http://127.0.0.1:2/graphql".into(),
            sdl_file: Some(b),
        },
    ];
    let client = reqwest::Client::new();
    let result = tokio::time::timeout(
        Duration::from_secs(5),
        boot::compose_with_retry(&client, &sources, Backoff::default()),
    )
    .await
    .expect("no retry loop on a conflict");
    match result {
        Err(BootError::Compose(e)) => assert!(e.to_string().contains("thing"), "{e}"),
        other => panic!("expected a composition error, got {other:?}"),
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn an_invalid_supergraph_file_is_refused_naming_the_problem() {
    let dir = std::env::temp_dir().join(format!("tessera-boot-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join("supergraph.graphql");
    std::fs::write(&path, "type Query { a: Int }").expect("write");
    let err = boot::load_supergraph_file(&path).expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains("supergraph.graphql") && message.contains("join"),
        "{message}"
    );
    let err = boot::load_supergraph_file(&dir.join("missing.graphql")).expect_err("refused");
    assert!(err.to_string().contains("missing.graphql"), "{err}");
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

// ---------------------------------------------------------------------------------------------
// The binary

const BIN: &str = env!("CARGO_BIN_EXE_tessera-gateway");

fn run(args: &[&str]) -> std::process::Output {
    std::process::Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn file_args() -> Vec<String> {
    SUBGRAPHS
        .iter()
        .enumerate()
        .flat_map(|(i, name)| {
            let path = sdl_path(name);
            let arg = format!(
                "{name}=http://127.0.0.1:{}/graphql={}",
                4001 + i,
                path.display()
            );
            ["--subgraph".to_owned(), arg]
        })
        .collect()
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tessera-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write");
    path
}

#[test]
fn cli_compose_prints_a_loadable_supergraph_on_stdout() {
    let mut args = vec!["compose".to_owned()];
    args.extend(file_args());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let sdl = String::from_utf8(output.stdout).expect("utf-8");
    let supergraph = gateway::supergraph::Supergraph::parse(&sdl).expect("stdout is a supergraph");
    assert_eq!(supergraph.subgraphs().len(), 4);
}

#[test]
fn cli_plan_prints_the_readable_plan() {
    let mut args = vec!["compose".to_owned()];
    args.extend(file_args());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let supergraph = temp_file(
        "plan-supergraph.graphql",
        &String::from_utf8_lossy(&run(&args).stdout),
    );
    let query = temp_file(
        "plan-query.graphql",
        "query Mine { me { name } } query Users { users(first: 2) { name orders { id } } }",
    );
    let output = run(&[
        "plan",
        "--supergraph",
        supergraph.to_str().expect("path"),
        "--query",
        query.to_str().expect("path"),
        "--operation-name",
        "Users",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let plan = String::from_utf8(output.stdout).expect("utf-8");
    assert!(plan.starts_with("QueryPlan {"), "{plan}");
    assert!(plan.contains("Fetch(service: \"users\""), "{plan}");
    assert!(plan.contains("Flatten(path: \"users.@\")"), "{plan}");
    assert!(plan.contains("Fetch(service: \"orders\""), "{plan}");
}

#[test]
fn cli_refuses_an_invalid_supergraph_naming_the_problem() {
    let path = temp_file("not-a-supergraph.graphql", "type Query { a: Int }");
    let output = run(&[
        "--supergraph",
        path.to_str().expect("path"),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid supergraph") && stderr.contains("join"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let output = run(&["--listen", "127.0.0.1:0"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no supergraph to serve"));
}

#[tokio::test]
async fn cli_serves_a_supergraph_until_stopped() {
    let supergraph =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/edge_supergraph.graphql");
    let addr = free_port().await;
    let mut child = tokio::process::Command::new(BIN)
        .args([
            "--supergraph",
            supergraph.to_str().expect("path"),
            "--listen",
            &addr.to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("starts");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ready = client.get(format!("http://{addr}/ready")).send().await;
        if ready.is_ok_and(|r| r.status() == 200) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the gateway did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let body: Value = client
        .post(format!("http://{addr}/graphql"))
        .json(&json!({"query": "{ __type(name: \"User\") { name } }"}))
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("json");
    assert_eq!(body, json!({"data": {"__type": {"name": "User"}}}));
    child.kill().await.expect("stopped");
}
