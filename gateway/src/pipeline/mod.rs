//! The request pipeline. It reads like the specification:
//!
//! 1. [`decode`]: HTTP → [`GraphqlRequest`] (done by the `http` layer, which owns the bytes).
//! 2. [`validate`]: parse, check the [operation limits](limits), validate against the API
//!    schema with every rule, cached by hash; pick the operation; then authorization
//!    ([`crate::auth`]): introspection rules and `@authenticated`/`@requiresScopes`/`@policy`,
//!    in reject or filter mode.
//! 3. [`variables`]: coerce variable values to the operation's types.
//! 4. [`plan`]: plan the operation, cached by (document, operation name).
//! 5. [`execute`](mod@execute): answer root introspection from the API schema, run the plan.
//!
//! Stages 2 and 3 fail with *request errors* (no `data` in the response); once execution
//! starts, failures are field errors next to partial data.
//!
//! # Layout
//! - [`Engine`]: everything derived from one loaded schema: the API schema, introspection,
//!   and the document and plan caches.
//! - [`cache`]: the bounded LRU both caches use.
//! - [`labels`]: the progressive `@override` labels of each request.

pub mod cache;
pub mod decode;
pub mod execute;
pub mod labels;
pub mod limits;
pub mod plan;
pub mod validate;
pub mod variables;

use std::sync::Arc;
use std::time::Instant;

use apollo_compiler::executable::OperationType as Kind;
use apollo_compiler::executable::{Operation, OperationType};
use apollo_compiler::validation::Valid;
use apollo_compiler::{Name, Schema};
use axum::http::HeaderMap;
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument as _;
use tracing::field::Empty;

pub use decode::GraphqlRequest;
use labels::OverrideLabels;
use limits::OperationLimits;
use plan::PlanCache;
use validate::{DocumentCache, ParserLimits};

use crate::auth::authorize::{self, Authorized};
use crate::auth::forward::ForwardingClient;
use crate::auth::{self, AuthSettings, Caller};
use crate::config::{LimitsConfig, OverrideLabelsConfig};
use crate::error::{ErrorCode, GraphqlError};
pub use crate::executor::Response;
use crate::introspection::Introspection;
use crate::planner::{PlanBudget, PlanOptions, QueryPlan};
use crate::supergraph::Supergraph;
use crate::telemetry::GatewayMetrics;
use crate::transport::SubgraphClient;
use tessera_telemetry::Outcome as MetricOutcome;

/// How the request arrived, as far as the pipeline cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
}

/// Per-request options decided by the HTTP layer.
#[derive(Debug, Clone, Copy)]
pub struct RequestOptions<'a> {
    /// GET may only run queries.
    pub method: HttpMethod,
    /// Put the query plan in `extensions.queryPlan` (header asked for it and config allows it).
    pub include_query_plan: bool,
    /// The client's request headers; the `[headers]` rules pick what each subgraph gets.
    pub client_headers: &'a HeaderMap,
    /// Authorization, introspection and header rules.
    pub auth: &'a AuthSettings,
    /// Who is calling (verified by the HTTP layer).
    pub caller: &'a Caller,
}

/// Settings of an [`Engine`], from the `[limits]` and `[override_labels]` config sections.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Validated documents kept.
    pub document_cache_size: usize,
    /// Plans kept.
    pub plan_cache_size: usize,
    /// Bounds on planning work per operation.
    pub plan_budget: PlanBudget,
    /// Parser bounds.
    pub parser_limits: ParserLimits,
    /// Bounds on each operation's shape.
    pub operation_limits: OperationLimits,
    /// How progressive `@override` labels are resolved per request.
    pub override_labels: OverrideLabelsConfig,
}

impl EngineSettings {
    /// The settings `[limits]` configures; progressive override labels at their defaults.
    pub fn from_limits(limits: &LimitsConfig) -> Self {
        Self {
            document_cache_size: limits.document_cache_size,
            plan_cache_size: limits.plan_cache_size,
            plan_budget: PlanBudget {
                max_time: limits.planner_budget_time,
                max_nodes: limits.planner_budget_nodes,
            },
            parser_limits: ParserLimits {
                recursion: limits.parser_recursion_limit,
                tokens: limits.parser_token_limit,
            },
            operation_limits: OperationLimits {
                max_depth: limits.max_depth,
                max_aliases: limits.max_aliases,
                max_root_fields: limits.max_root_fields,
                max_directives: limits.max_directives,
                max_fragment_expansion: limits.max_fragment_expansion,
            },
            override_labels: OverrideLabelsConfig::default(),
        }
    }
}

/// Everything derived from one loaded supergraph. Replaced as a whole when the supergraph
/// changes, so cached documents and plans can never outlive the schema they were made against.
pub struct Engine {
    supergraph: Arc<Supergraph>,
    client: Arc<dyn SubgraphClient>,
    introspection: Introspection,
    documents: DocumentCache,
    plans: PlanCache,
    plan_options: PlanOptions,
    override_labels: OverrideLabels,
    settings: EngineSettings,
    /// Where requests are counted; `None` in tests and benches that build engines directly.
    metrics: Option<Arc<GatewayMetrics>>,
}

impl Engine {
    /// An engine serving `supergraph`, calling subgraphs through `client`.
    pub fn new(
        supergraph: Arc<Supergraph>,
        client: Arc<dyn SubgraphClient>,
        settings: EngineSettings,
    ) -> Self {
        Self {
            introspection: Introspection::new(supergraph.api_schema()),
            client,
            documents: DocumentCache::new(settings.document_cache_size),
            plans: PlanCache::new(settings.plan_cache_size),
            plan_options: PlanOptions {
                budget: settings.plan_budget,
                ..PlanOptions::default()
            },
            override_labels: OverrideLabels::new(&supergraph, &settings.override_labels),
            supergraph,
            settings,
            metrics: None,
        }
    }

    /// This engine, counting its requests and cache lookups into `metrics`. Its caches are
    /// new and empty, so they are simply rebuilt on the shared counters.
    pub fn with_metrics(mut self, metrics: Arc<GatewayMetrics>) -> Self {
        self.documents = DocumentCache::with_stats(
            self.settings.document_cache_size,
            metrics.document_cache.clone(),
        );
        self.plans =
            PlanCache::with_stats(self.settings.plan_cache_size, metrics.plan_cache.clone());
        self.metrics = Some(metrics);
        self
    }

    /// The supergraph served.
    pub fn supergraph(&self) -> &Arc<Supergraph> {
        &self.supergraph
    }

    /// The API schema clients see: validation and introspection use it.
    pub fn api_schema(&self) -> &Valid<Schema> {
        self.supergraph.api_schema()
    }

    /// The validated-document cache (exposed for tests and metrics).
    pub fn documents(&self) -> &DocumentCache {
        &self.documents
    }

    /// The plan cache (exposed for tests and metrics).
    pub fn plans(&self) -> &PlanCache {
        &self.plans
    }
}

/// A request error: the request is refused before execution, so the response has no `data`.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestFailure {
    /// The code of the failure; decides the HTTP status under
    /// `application/graphql-response+json`.
    pub code: ErrorCode,
    /// The errors, each with `code` in its extensions.
    pub errors: Vec<GraphqlError>,
}

impl RequestFailure {
    /// A failure with one error.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            errors: vec![GraphqlError::new(code, message)],
        }
    }

    /// A failure made of `error`, whose code is `code`.
    pub fn from_error(code: ErrorCode, error: GraphqlError) -> Self {
        Self {
            code,
            errors: vec![error],
        }
    }
}

/// A request error serializes as `{"errors": [...]}`: no `data` key at all.
impl Serialize for RequestFailure {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("errors", &self.errors)?;
        map.end()
    }
}

/// What the pipeline produced for one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Outcome {
    /// The request failed before execution: `{"errors": [...]}`, no `data` key.
    RequestError(RequestFailure),
    /// Execution ran (possibly with field errors).
    Response(Response),
}

/// Runs one GraphQL request through stages 2 to 5.
///
/// The request is a `graphql.request` span with one child span per stage; it is counted in
/// the engine's metrics by operation name and outcome. Neither the query text nor the
/// variables are recorded anywhere: both may hold secrets.
pub async fn execute(
    engine: &Engine,
    mut request: GraphqlRequest,
    options: RequestOptions<'_>,
) -> Outcome {
    let start = Instant::now();
    let span = tracing::debug_span!(
        "graphql.request",
        otel.status_code = Empty,
        graphql.operation.name = Empty,
        graphql.operation.type = Empty,
        outcome = Empty,
    );
    let client_name = request.operation_name.take();
    // The selected operation's name once known (`Some(None)`: anonymous).
    let mut selected: Option<Option<Name>> = None;
    let result = run(
        engine,
        request,
        client_name.as_deref(),
        options,
        &mut selected,
    )
    .instrument(span.clone())
    .await;
    let outcome = match &result {
        Ok(response) if response.errors.is_empty() => MetricOutcome::Success,
        Ok(_) => MetricOutcome::FieldError,
        Err(_) => MetricOutcome::RequestError,
    };
    let name = match &selected {
        Some(name) => name.as_ref().map(Name::as_str),
        None => client_name.as_deref(),
    };
    span.record("outcome", outcome.as_str());
    if outcome != MetricOutcome::Success {
        span.record("otel.status_code", "ERROR");
    }
    if let Some(metrics) = &engine.metrics {
        metrics.observe_request(name, outcome, start.elapsed());
    }
    match result {
        Ok(response) => Outcome::Response(response),
        Err(failure) => Outcome::RequestError(failure),
    }
}

async fn run(
    engine: &Engine,
    request: GraphqlRequest,
    operation_name: Option<&str>,
    options: RequestOptions<'_>,
    selected: &mut Option<Option<Name>>,
) -> Result<Response, RequestFailure> {
    let schema = engine.api_schema();

    // 2. Parse and validate against the API schema; pick the operation.
    let document = tracing::debug_span!("graphql.validate", cache_hit = true).in_scope(|| {
        validate::validate(
            schema,
            &engine.documents,
            engine.settings.parser_limits,
            &engine.settings.operation_limits,
            &request.query,
        )
    })?;
    let operation = validate::select_operation(&document.document, operation_name)?;
    *selected = Some(operation.name.clone());
    let current = tracing::Span::current();
    if let Some(name) = &operation.name {
        current.record("graphql.operation.name", name.as_str());
    }
    current.record(
        "graphql.operation.type",
        match operation.operation_type {
            Kind::Query => "query",
            Kind::Mutation => "mutation",
            Kind::Subscription => "subscription",
        },
    );
    check_operation_kind(operation, options.method)?;

    // 2b. Authorization: who may introspect, and what the caller may select
    //     (`@authenticated`, `@requiresScopes`, `@policy`).
    auth::check_introspection(options.auth, options.caller, &document.document, operation)?;
    let authorized = authorize::authorize(
        &engine.supergraph,
        &document.document,
        operation,
        options.auth,
        options.caller,
    )?;

    // 3. Coerce variables.
    let variables = variables::coerce(schema, &document.document, operation, request.variables)?;

    // 4. Plan, once per document, operation and set of progressive override labels.
    let plan_options = PlanOptions {
        enabled_override_labels: engine.override_labels.resolve(),
        ..engine.plan_options.clone()
    };
    let name = operation.name.as_deref();
    let planning = tracing::debug_span!("graphql.plan", cache_hit = true);
    let plan = planning.in_scope(|| -> Result<Arc<QueryPlan>, RequestFailure> {
        Ok(match &authorized {
            Authorized::Unchanged => plan::plan(
                &engine.supergraph,
                &engine.plans,
                &plan_options,
                document.hash,
                &document.document,
                name,
            )?,
            // Fetch what the filtered document needs, project the client's whole selection: the
            // removed fields come back as nulls.
            Authorized::Filtered(filtered) => {
                let fetch = plan::plan(
                    &engine.supergraph,
                    &engine.plans,
                    &plan_options,
                    filtered.hash,
                    &filtered.document,
                    name,
                )?;
                let shape = plan::plan(
                    &engine.supergraph,
                    &engine.plans,
                    &plan_options,
                    filtered.shape_hash,
                    &filtered.shape_document,
                    name,
                )?;
                Arc::new(QueryPlan {
                    shape: shape.shape.clone(),
                    ..(*fetch).clone()
                })
            }
        })
    })?;

    // 5. Execute: root introspection from the API schema, the rest by the plan.
    let client = ForwardingClient {
        inner: engine.client.as_ref(),
        rules: &options.auth.headers,
        client_headers: options.client_headers,
        claims: options.caller.claims.as_ref(),
    };
    let mut response = execute::execute(engine, &document, operation, variables, &plan, &client)
        .instrument(tracing::debug_span!("graphql.execute"))
        .await?;
    if let Authorized::Filtered(filtered) = &authorized
        && let Some(data) = response.data.as_mut()
    {
        filtered.finish(&engine.supergraph, data, &mut response.errors);
    }
    if options.include_query_plan {
        response
            .extensions
            .insert("queryPlan".into(), query_plan_extension(&plan));
    }
    Ok(response)
}

/// `extensions.queryPlan`: the readable form (as `tessera-gateway plan` prints it) and the
/// structured one.
fn query_plan_extension(plan: &QueryPlan) -> Value {
    let json = serde_json::to_value(plan).unwrap_or(Value::Null);
    serde_json::json!({ "text": plan.to_string(), "json": json })
}

/// GET runs queries only (405 otherwise, per GraphQL over HTTP); subscriptions need a
/// streaming transport the gateway does not offer.
fn check_operation_kind(operation: &Operation, method: HttpMethod) -> Result<(), RequestFailure> {
    match (operation.operation_type, method) {
        (OperationType::Subscription, _) => Err(RequestFailure::new(
            ErrorCode::BadRequest,
            "subscriptions are not supported by this gateway",
        )),
        (OperationType::Mutation, HttpMethod::Get) => Err(RequestFailure::new(
            ErrorCode::MethodNotAllowed,
            "mutations cannot be sent over GET: use POST",
        )),
        _ => Ok(()),
    }
}
