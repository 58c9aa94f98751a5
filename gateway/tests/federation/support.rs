//! The harness every construct test uses: purpose-built async-graphql subgraphs run in
//! process behind a [`SubgraphClient`] that logs every request, a supergraph composed from
//! their real SDLs with Tessera's composer (or a hand-written one where composition cannot
//! express the construct), and the gateway's own HTTP router in front.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use apollo_compiler::ExecutableDocument;
use apollo_compiler::validation::Valid;
use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use futures::future::BoxFuture;
use gateway::AppState;
use gateway::config::GatewayConfig;
use gateway::supergraph::Supergraph;
use gateway::supergraph::compose::{SubgraphSdl, compose};
use gateway::transport::{SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError};
use http_body_util::BodyExt;
use serde_json::{Map, Value, json};
use tower::ServiceExt;

type Handler = Arc<
    dyn Fn(async_graphql::Request) -> BoxFuture<'static, async_graphql::Response> + Send + Sync,
>;

/// One request a subgraph received.
#[derive(Debug, Clone)]
pub struct Call {
    pub subgraph: String,
    pub query: String,
    pub variables: Map<String, Value>,
}

/// The in-process subgraphs, with the log of what each was asked.
#[derive(Clone, Default)]
pub struct Subgraphs {
    handlers: BTreeMap<String, Handler>,
    /// Each subgraph's full schema (federation fields included), to validate every request
    /// the gateway sends with the spec's rules: async-graphql's own validation is laxer than
    /// graphql-js (it skips the same-response-shape rule), and real subgraphs are not.
    schemas: BTreeMap<String, Arc<Valid<apollo_compiler::Schema>>>,
    log: Arc<Mutex<Vec<Call>>>,
    /// Requests that were not valid against the subgraph's schema.
    invalid: Arc<Mutex<Vec<String>>>,
}

#[async_trait]
impl SubgraphClient for Subgraphs {
    async fn execute(
        &self,
        subgraph: &str,
        request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        self.log.lock().expect("log").push(Call {
            subgraph: subgraph.to_owned(),
            query: request.query.to_string(),
            variables: request.variables.clone(),
        });
        if let Some(schema) = self.schemas.get(subgraph)
            && let Err(e) =
                ExecutableDocument::parse_and_validate(schema, &*request.query, "request.graphql")
        {
            self.invalid.lock().expect("invalid").push(format!(
                "{subgraph} got an invalid request:\n{}\n{}",
                request.query, e.errors
            ));
        }
        let handler = self
            .handlers
            .get(subgraph)
            .cloned()
            .ok_or_else(|| TransportError::UnknownSubgraph(subgraph.to_owned()))?;
        let mut graphql = async_graphql::Request::new(request.query.to_string()).variables(
            async_graphql::Variables::from_json(Value::Object(request.variables)),
        );
        if let Some(name) = request.operation_name {
            graphql = graphql.operation_name(name);
        }
        let response = handler(graphql).await;
        let json = serde_json::to_value(&response).expect("a response serializes");
        Ok(serde_json::from_value(json).expect("a GraphQL response"))
    }
}

/// Builds a [`Gateway`].
#[derive(Default)]
pub struct Builder {
    subgraphs: Subgraphs,
    sdls: Vec<SubgraphSdl>,
    supergraph: Option<String>,
    config: String,
    fixture: Option<String>,
}

impl Builder {
    /// Serves `schema` as subgraph `name`; its exported SDL takes part in composition.
    pub fn subgraph<Q, M, S>(self, name: &str, schema: async_graphql::Schema<Q, M, S>) -> Self
    where
        Q: async_graphql::ObjectType + 'static,
        M: async_graphql::ObjectType + 'static,
        S: async_graphql::SubscriptionType + 'static,
    {
        let sdl = schema.sdl_with_options(
            async_graphql::SDLExportOptions::new()
                .federation()
                .compose_directive(),
        );
        self.subgraph_with_sdl(name, schema, &sdl)
    }

    /// Serves `schema` as subgraph `name`, composing `sdl` for it: for directives the
    /// async-graphql SDL export cannot write (`@context`, `@override(label:)`).
    pub fn subgraph_with_sdl<Q, M, S>(
        mut self,
        name: &str,
        schema: async_graphql::Schema<Q, M, S>,
        sdl: &str,
    ) -> Self
    where
        Q: async_graphql::ObjectType + 'static,
        M: async_graphql::ObjectType + 'static,
        S: async_graphql::SubscriptionType + 'static,
    {
        // async-graphql lists entity interfaces in `_Entity`, which schema validation refuses;
        // requests are still checked fully against the parsed schema.
        let full = apollo_compiler::Schema::parse(schema.sdl(), "subgraph.graphql")
            .unwrap_or_else(|e| panic!("{name}: the subgraph schema parses: {}", e.errors));
        let full = Valid::assume_valid(full);
        self.subgraphs
            .schemas
            .insert(name.to_owned(), Arc::new(full));
        let handler: Handler = Arc::new(move |request| {
            let schema = schema.clone();
            Box::pin(async move { schema.execute(request).await })
        });
        self.subgraphs.handlers.insert(name.to_owned(), handler);
        self.sdls.push(SubgraphSdl {
            name: name.to_owned(),
            url: format!("http://{name}.invalid/graphql"),
            sdl: sdl.to_owned(),
        });
        self
    }

    /// Serves this hand-written supergraph instead of composing (Federation 1 supergraphs).
    pub fn supergraph(mut self, sdl: &str) -> Self {
        self.supergraph = Some(sdl.to_owned());
        self
    }

    /// Keeps the composed supergraph in `gateway/fixtures/federation/{name}.graphql`, where the
    /// planner's snapshot tests read it: the build fails when the fixture is stale (run with
    /// `UPDATE_FIXTURES=1` to rewrite it), so plan snapshots and end-to-end tests always share
    /// one supergraph.
    pub fn fixture(mut self, name: &str) -> Self {
        self.fixture = Some(name.to_owned());
        self
    }

    /// Gateway configuration, as `gateway.toml` text.
    pub fn config(mut self, toml: &str) -> Self {
        self.config = toml.to_owned();
        self
    }

    pub fn build(self) -> Gateway {
        let sdl = match self.supergraph {
            Some(sdl) => sdl,
            None => compose(&self.sdls).unwrap_or_else(|e| panic!("the subgraphs compose: {e}")),
        };
        if let Some(name) = &self.fixture {
            check_fixture(name, &sdl);
        }
        let supergraph =
            Supergraph::parse(&sdl).unwrap_or_else(|e| panic!("the supergraph loads: {e}\n{sdl}"));
        let config = GatewayConfig::from_sources(
            Some((&self.config, Path::new("gateway.toml"))),
            Vec::new(),
        )
        .unwrap_or_else(|e| panic!("test config: {e}"));
        let state = AppState::from_config(&config).expect("state");
        state.load_supergraph_with_client(Arc::new(supergraph), Arc::new(self.subgraphs.clone()));
        Gateway {
            router: gateway::router(state),
            subgraphs: self.subgraphs,
        }
    }
}

/// The gateway's HTTP router over the in-process subgraphs.
pub struct Gateway {
    router: Router,
    subgraphs: Subgraphs,
}

impl Gateway {
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// `POST /graphql` with `query` and `variables`; the response body. The log starts empty
    /// for each request, so [`Gateway::calls`] counts this request's subgraph calls.
    pub async fn query(&self, query: &str, variables: Value) -> Value {
        self.post(json!({"query": query, "variables": variables}))
            .await
    }

    /// `POST /graphql` with a whole request body.
    pub async fn post(&self, body: Value) -> Value {
        self.subgraphs.log.lock().expect("log").clear();
        self.subgraphs.invalid.lock().expect("invalid").clear();
        let request = Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/graphql-response+json")
            .body(Body::from(body.to_string()))
            .expect("request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let invalid = self.subgraphs.invalid.lock().expect("invalid").clone();
        assert!(invalid.is_empty(), "{}", invalid.join("\n"));
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        })
    }

    /// The plan of `query`, as `extensions.queryPlan.text` gives it (for failure messages).
    pub async fn plan(&self, query: &str) -> String {
        let request = Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header("tessera-include-query-plan", "true")
            .body(Body::from(json!({"query": query}).to_string()))
            .expect("request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body: Value = serde_json::from_slice(&bytes).unwrap_or_default();
        body["extensions"]["queryPlan"]["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Requests each subgraph got during the last request, by name (subgraphs that got none
    /// are absent).
    pub fn calls(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for call in self.log() {
            *counts.entry(call.subgraph).or_default() += 1;
        }
        counts
    }

    /// Every subgraph request of the last request, in the order they were sent.
    pub fn log(&self) -> Vec<Call> {
        self.subgraphs.log.lock().expect("log").clone()
    }
}

/// `[("a", 1), ("b", 2)]` as a call count map, for `assert_eq!` with [`Gateway::calls`].
pub fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

fn check_fixture(name: &str, sdl: &str) {
    let path = format!(
        "{}/fixtures/federation/{name}.graphql",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, sdl).unwrap_or_else(|e| panic!("{path}: {e}"));
        return;
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == sdl,
        "{path} is not the supergraph these subgraphs compose to; rerun with UPDATE_FIXTURES=1"
    );
}
