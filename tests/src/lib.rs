//! The end-to-end harness: the four real subgraphs started in-process on ephemeral ports, each
//! on its own fresh database (SQLite, or PostgreSQL when `TEST_POSTGRES_URL` is set), seeded
//! with the small consistent demo data, with every GraphQL request they receive counted.
//!
//! # Layout
//! - [`TestStack`]: start the subgraphs, reach them over real HTTP, read the request counts.
//! - [`Counter`]: per-subgraph request log.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
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
    /// Kept so the database lives (and, on PostgreSQL, is dropped) with the stack.
    pub db: TestDb,
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
            let mut rx = stop_rx.clone();
            tokio::spawn(subgraph_kit::http::serve(listener, router, async move {
                let _ = rx.wait_for(|s| *s).await;
            }));
            subgraphs.push(RunningSubgraph {
                name,
                url: format!("http://{addr}/graphql"),
                requests,
                db: tdb,
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
