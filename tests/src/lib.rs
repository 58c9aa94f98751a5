//! The end-to-end harness: the four real subgraphs started in-process on ephemeral ports, each
//! on its own fresh database (SQLite, or PostgreSQL when `TEST_POSTGRES_URL` is set), seeded
//! with the small consistent demo data, with every GraphQL request they receive counted.
//!
//! # Layout
//! - [`TestStack`]: start the subgraphs, reach them over real HTTP, read the request counts,
//!   stop one of them to simulate an outage.
//! - [`TestGateway`]: the real gateway in front of a [`TestStack`], from a supergraph composed
//!   at start or from a file.
//! - [`Counter`]: per-subgraph request log.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use gateway::AppState;
use gateway::config::GatewayConfig;
use gateway::supergraph::compose::SubgraphSdl;
use serde_json::{Value, json};
use subgraph_kit::seed::SeedSize;
use subgraph_kit::testing::{Backend, TestDb, TestKeys};
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The names of our subgraphs, in port order.
pub const SUBGRAPHS: [&str; 4] = ["users", "products", "orders", "reviews"];

/// Every GraphQL request body one subgraph received, in arrival order.
#[derive(Debug, Clone, Default)]
pub struct Counter(Arc<Mutex<Vec<String>>>);

impl Counter {
    /// Requests received so far.
    pub fn count(&self) -> usize {
        self.0.lock().map(|v| v.len()).unwrap_or_default()
    }

    /// The request bodies received so far.
    pub fn bodies(&self) -> Vec<String> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Forgets what was received.
    pub fn reset(&self) {
        if let Ok(mut v) = self.0.lock() {
            v.clear();
        }
    }

    fn record(&self, body: String) {
        if let Ok(mut v) = self.0.lock() {
            v.push(body);
        }
    }
}

/// One running subgraph.
#[derive(Debug)]
pub struct RunningSubgraph {
    pub name: &'static str,
    pub url: String,
    pub requests: Counter,
    /// Its SDL, as `_service { sdl }` serves it.
    pub sdl: String,
    /// Kept so the database lives (and, on PostgreSQL, is dropped) with the stack.
    pub db: TestDb,
    /// Stops this subgraph alone.
    stop: watch::Sender<bool>,
}

/// The four subgraphs, running.
pub struct TestStack {
    pub backend: Backend,
    pub subgraphs: Vec<RunningSubgraph>,
    pub keys: TestKeys,
    pub http: reqwest::Client,
    stop: watch::Sender<bool>,
}

impl std::fmt::Debug for TestStack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestStack")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Drop for TestStack {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl TestStack {
    /// Starts the four subgraphs on fresh databases of `backend`, seeded with `size`.
    pub async fn start(backend: Backend, size: SeedSize) -> TestStack {
        let keys = TestKeys::new();
        let verifier = keys.verifier();
        let signer = Arc::new(subgraph_kit::auth::JwtSigner::generate(
            keys.signer.settings().clone(),
        ));
        let (stop, stop_rx) = watch::channel(false);
        let mut subgraphs = Vec::new();
        for name in SUBGRAPHS {
            let tdb = match backend {
                Backend::Sqlite => TestDb::sqlite().await,
                Backend::Postgres => {
                    let url = subgraph_kit::testing::postgres_url().expect("TEST_POSTGRES_URL");
                    TestDb::postgres(&url).await
                }
            };
            let db = tdb.db.clone();
            let sdl = match name {
                "users" => users_subgraph::sdl(),
                "products" => products_subgraph::sdl(),
                "orders" => orders_subgraph::sdl(),
                _ => reviews_subgraph::sdl(),
            };
            let router = match name {
                "users" => {
                    users_subgraph::migrate(&db).await.expect("migrate users");
                    users_subgraph::seed(&db, &size).await.expect("seed users");
                    users_subgraph::router(
                        users_subgraph::schema(db.clone(), signer.clone()),
                        verifier.clone(),
                        db,
                    )
                }
                "products" => {
                    products_subgraph::migrate(&db)
                        .await
                        .expect("migrate products");
                    products_subgraph::seed(&db, &size)
                        .await
                        .expect("seed products");
                    products_subgraph::router(
                        products_subgraph::schema(db.clone()),
                        verifier.clone(),
                        db,
                    )
                }
                "orders" => {
                    orders_subgraph::migrate(&db).await.expect("migrate orders");
                    orders_subgraph::seed(&db, &size)
                        .await
                        .expect("seed orders");
                    orders_subgraph::router(
                        orders_subgraph::schema(db.clone()),
                        verifier.clone(),
                        db,
                    )
                }
                _ => {
                    reviews_subgraph::migrate(&db)
                        .await
                        .expect("migrate reviews");
                    reviews_subgraph::seed(&db, &size)
                        .await
                        .expect("seed reviews");
                    reviews_subgraph::router(
                        reviews_subgraph::schema(db.clone()),
                        verifier.clone(),
                        db,
                    )
                }
            };
            let requests = Counter::default();
            let router = count_requests(router, requests.clone());
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("addr");
            let mut all = stop_rx.clone();
            let (own_stop, mut own) = watch::channel(false);
            tokio::spawn(subgraph_kit::http::serve(listener, router, async move {
                tokio::select! {
                    _ = all.wait_for(|s| *s) => {}
                    _ = own.wait_for(|s| *s) => {}
                }
            }));
            subgraphs.push(RunningSubgraph {
                name,
                url: format!("http://{addr}/graphql"),
                requests,
                sdl,
                db: tdb,
                stop: own_stop,
            });
        }
        TestStack {
            backend,
            subgraphs,
            keys,
            http: reqwest::Client::new(),
            stop,
        }
    }

    /// The running subgraph called `name`.
    pub fn subgraph(&self, name: &str) -> &RunningSubgraph {
        self.subgraphs
            .iter()
            .find(|s| s.name == name)
            .expect("known subgraph")
    }

    /// Stops one subgraph, as if its process died; the others keep running.
    pub async fn stop_subgraph(&self, name: &str) {
        let _ = self.subgraph(name).stop.send(true);
        // Wait until the port refuses connections.
        let url = self.subgraph(name).url.clone();
        for _ in 0..100 {
            if self.http.get(&url).send().await.is_err() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("subgraph {name} did not stop");
    }

    /// Resets every subgraph's request log.
    pub fn reset_counts(&self) {
        for s in &self.subgraphs {
            s.requests.reset();
        }
    }

    /// Requests each subgraph received, by name.
    pub fn counts(&self) -> std::collections::BTreeMap<&'static str, usize> {
        self.subgraphs
            .iter()
            .map(|s| (s.name, s.requests.count()))
            .collect()
    }

    /// The supergraph composed from the running subgraphs' SDLs at their test URLs.
    pub fn compose(&self) -> String {
        let subgraphs: Vec<SubgraphSdl> = self
            .subgraphs
            .iter()
            .map(|s| SubgraphSdl {
                name: s.name.to_owned(),
                url: s.url.clone(),
                sdl: s.sdl.clone(),
            })
            .collect();
        gateway::supergraph::compose::compose(&subgraphs).expect("our subgraphs compose")
    }

    /// A `gateway.toml` pointing every subgraph of a supergraph file at this stack.
    pub fn url_overrides_toml(&self) -> String {
        self.subgraphs
            .iter()
            .map(|s| format!("[subgraphs.overrides.{}]\nurl = \"{}\"\n", s.name, s.url))
            .collect()
    }

    /// Sends a GraphQL request straight to one subgraph over HTTP.
    pub async fn query_subgraph(
        &self,
        name: &str,
        query: &str,
        variables: Value,
        token: Option<&str>,
    ) -> Value {
        let mut req = self
            .http
            .post(&self.subgraph(name).url)
            .json(&json!({"query": query, "variables": variables}));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json body")
    }
}

/// The real gateway, serving on an ephemeral port in front of a [`TestStack`].
pub struct TestGateway {
    pub url: String,
    pub state: AppState,
    http: reqwest::Client,
    stop: watch::Sender<bool>,
}

impl std::fmt::Debug for TestGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestGateway")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Drop for TestGateway {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl TestGateway {
    /// A gateway serving the supergraph composed from `stack`'s subgraphs.
    pub async fn composed(stack: &TestStack) -> TestGateway {
        Self::start(&stack.compose(), "").await
    }

    /// A gateway serving `supergraph` with the given `gateway.toml` text.
    pub async fn start(supergraph: &str, config_toml: &str) -> TestGateway {
        let config = GatewayConfig::from_sources(
            Some((config_toml, std::path::Path::new("gateway.toml"))),
            std::iter::empty(),
        )
        .expect("valid test config");
        let state = AppState::from_config(&config).expect("state");
        state
            .load_supergraph_sdl(supergraph)
            .expect("supergraph loads");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, mut rx) = watch::channel(false);
        tokio::spawn(gateway::serve(listener, state.clone(), async move {
            let _ = rx.wait_for(|s| *s).await;
        }));
        TestGateway {
            url: format!("http://{addr}/graphql"),
            state,
            http: reqwest::Client::new(),
            stop,
        }
    }

    /// POSTs a query; returns the JSON body (status must be 200).
    pub async fn query(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let (status, body) = self
            .post(
                json!({"query": query, "variables": variables}),
                token,
                "application/json",
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// POSTs a raw body with an `Accept` header; returns status and JSON body.
    pub async fn post(&self, body: Value, token: Option<&str>, accept: &str) -> (u16, Value) {
        let mut req = self
            .http
            .post(&self.url)
            .header("accept", accept)
            .json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("gateway answers");
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("json body"))
    }
}

/// The backends to run end-to-end tests on: SQLite always, PostgreSQL when configured.
pub fn backends() -> Vec<Backend> {
    let mut b = vec![Backend::Sqlite];
    if subgraph_kit::testing::postgres_url().is_some() {
        b.push(Backend::Postgres);
    }
    b
}

fn count_requests(router: Router, counter: Counter) -> Router {
    router.layer(middleware::from_fn(move |req: Request, next: Next| {
        let counter = counter.clone();
        async move { record(counter, req, next).await }
    }))
}

async fn record(counter: Counter, req: Request, next: Next) -> Response {
    if req.uri().path() != "/graphql" {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    counter.record(String::from_utf8_lossy(&bytes).into_owned());
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
