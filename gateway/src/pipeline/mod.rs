//! The request pipeline. It reads like the specification:
//!
//! 1. [`decode`]: HTTP → [`GraphqlRequest`] (done by the `http` layer, which owns the bytes).
//! 2. [`validate`]: parse, check the [operation limits](limits), validate against the API
//!    schema with every rule, cached by hash; pick the operation.
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

use apollo_compiler::Schema;
use apollo_compiler::executable::{Operation, OperationType};
use apollo_compiler::validation::Valid;
use axum::http::HeaderMap;
use serde::Serialize;
use serde_json::Value;

pub use decode::GraphqlRequest;
use labels::OverrideLabels;
use limits::OperationLimits;
use plan::PlanCache;
use validate::{DocumentCache, ParserLimits};

use crate::config::{LimitsConfig, OverrideLabelsConfig};
use crate::error::{ErrorCode, GraphqlError};
pub use crate::executor::Response;
use crate::introspection::Introspection;
use crate::planner::{PlanBudget, PlanOptions, QueryPlan};
use crate::supergraph::Supergraph;
use crate::transport::SubgraphClient;

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
    /// Client headers passed on to every subgraph request.
    pub forwarded_headers: &'a HeaderMap,
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
        }
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
pub async fn execute(
    engine: &Engine,
    request: GraphqlRequest,
    options: RequestOptions<'_>,
) -> Outcome {
    match run(engine, request, options).await {
        Ok(response) => Outcome::Response(response),
        Err(failure) => Outcome::RequestError(failure),
    }
}

async fn run(
    engine: &Engine,
    request: GraphqlRequest,
    options: RequestOptions<'_>,
) -> Result<Response, RequestFailure> {
    let schema = engine.api_schema();

    // 2. Parse and validate against the API schema; pick the operation.
    let document = validate::validate(
        schema,
        &engine.documents,
        engine.settings.parser_limits,
        &engine.settings.operation_limits,
        &request.query,
    )?;
    let operation =
        validate::select_operation(&document.document, request.operation_name.as_deref())?;
    check_operation_kind(operation, options.method)?;

    // 3. Coerce variables.
    let variables = variables::coerce(schema, &document.document, operation, request.variables)?;

    // 4. Plan, once per document, operation and set of progressive override labels.
    let plan_options = PlanOptions {
        enabled_override_labels: engine.override_labels.resolve(),
        ..engine.plan_options.clone()
    };
    let plan = plan::plan(
        &engine.supergraph,
        &engine.plans,
        &plan_options,
        document.hash,
        &document.document,
        operation.name.as_deref(),
    )?;

    // 5. Execute: root introspection from the API schema, the rest by the plan.
    let mut response = execute::execute(
        engine,
        &document,
        operation,
        variables,
        &plan,
        options.forwarded_headers,
    )
    .await?;
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
