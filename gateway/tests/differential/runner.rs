//! Sends each generated operation to the monolith and, through the HTTP router, to the
//! gateway, and compares: identical `data` (field order included) and errors at the same set
//! of paths. A mismatch is reported with the operation, its variables, both responses and the
//! gateway's plan.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Schema};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use gateway::AppState;
use gateway::config::GatewayConfig;
use gateway::supergraph::Supergraph;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::generator::{Generator, Operation};
use super::monolith::{self, Monolith};
use super::spec::{self, ErrorView};
use super::subgraphs::{Client, Subgraphs};

/// Both sides of the comparison.
pub struct Harness {
    pub supergraph: Arc<Supergraph>,
    pub router: Router,
    pub client: Arc<Client>,
    pub monolith: Monolith,
}

impl Harness {
    pub fn new() -> Self {
        let subgraphs = Subgraphs::new();
        let supergraph = subgraphs.supergraph();
        let client = Arc::new(Client::new(subgraphs));
        let state = AppState::from_config(&GatewayConfig::default()).expect("gateway state");
        state.load_supergraph_with_client(supergraph.clone(), client.clone());
        Self {
            supergraph,
            router: gateway::router(state),
            client,
            monolith: monolith::schema(),
        }
    }

    /// The gateway's response body to `operation`.
    pub async fn gateway(&self, operation: &Operation) -> Value {
        let body = json!({"query": operation.query, "variables": operation.variables});
        let request = Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(body.to_string()))
            .expect("a request");
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
            .expect("a body")
            .to_bytes();
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "the gateway answered non-JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        })
    }

    /// The monolith's response to `operation`.
    pub async fn monolith(&self, operation: &Operation) -> Value {
        let request = async_graphql::Request::new(operation.query.clone()).variables(
            async_graphql::Variables::from_json(Value::Object(operation.variables.clone())),
        );
        serde_json::to_value(self.monolith.execute(request).await).expect("a response serializes")
    }

    /// The gateway's plan for `operation`, printed.
    pub fn plan(&self, operation: &Operation) -> String {
        match ExecutableDocument::parse_and_validate(
            self.supergraph.api_schema(),
            &operation.query,
            "op.graphql",
        ) {
            Ok(document) => match gateway::planner::plan(&self.supergraph, &document, None) {
                Ok(plan) => plan.to_string(),
                Err(e) => format!("planning failed: {e}"),
            },
            Err(e) => format!("invalid on the API schema: {}", e.errors),
        }
    }
}

/// Where two responses differ, if they do.
pub fn compare(
    document: &Valid<ExecutableDocument>,
    monolith: &Value,
    gateway: &Value,
) -> Option<String> {
    let mut problems = Vec::new();
    let (m_data, g_data) = (monolith.get("data"), gateway.get("data"));
    // `to_string` keeps key order (serde_json's `preserve_order`), so field order counts.
    let m_text = m_data.map(Value::to_string);
    let g_text = g_data.map(Value::to_string);
    if m_text != g_text {
        let at = first_difference(
            m_data.unwrap_or(&Value::Null),
            g_data.unwrap_or(&Value::Null),
        )
        .unwrap_or_default();
        problems.push(format!("data differs at {at}"));
    }
    let (m_errors, g_errors) = (
        ErrorView::of(document, monolith),
        ErrorView::of(document, gateway),
    );
    if m_errors != g_errors {
        problems.push(format!(
            "errors differ: monolith {m_errors:?}, gateway {g_errors:?}"
        ));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// The first place two values differ (key order included), as `/a/0/b: left | right`.
fn first_difference(left: &Value, right: &Value) -> Option<String> {
    match (left, right) {
        (Value::Object(l), Value::Object(r)) => {
            let (lk, rk): (Vec<&String>, Vec<&String>) = (l.keys().collect(), r.keys().collect());
            if lk != rk {
                return Some(format!(": keys {lk:?} | {rk:?}"));
            }
            l.iter().find_map(|(k, v)| {
                first_difference(v, &r[k.as_str()]).map(|rest| format!("/{k}{rest}"))
            })
        }
        (Value::Array(l), Value::Array(r)) if l.len() == r.len() => l
            .iter()
            .zip(r)
            .enumerate()
            .find_map(|(i, (a, b))| first_difference(a, b).map(|rest| format!("/{i}{rest}"))),
        _ if left == right => None,
        _ => Some(format!(": {left} | {right}")),
    }
}

fn has_errors(response: &Value) -> bool {
    response
        .get("errors")
        .and_then(Value::as_array)
        .is_some_and(|e| !e.is_empty())
}

/// Which schema fields (`Type.field`) and which operation features the run's documents used.
fn cover(schema: &Schema, document: &Valid<ExecutableDocument>, summary: &mut Summary) {
    use apollo_compiler::executable::{Selection, SelectionSet};
    fn walk(
        schema: &Schema,
        document: &ExecutableDocument,
        set: &SelectionSet,
        summary: &mut Summary,
        depth: usize,
    ) {
        for selection in &set.selections {
            match selection {
                Selection::Field(field) => {
                    if field.name.starts_with("__") {
                        *summary.features.entry("__typename").or_default() += 1;
                    } else {
                        summary.fields.insert(format!("{}.{}", set.ty, field.name));
                    }
                    if field.alias.is_some() {
                        *summary.features.entry("alias").or_default() += 1;
                    }
                    if !field.arguments.is_empty() {
                        *summary.features.entry("argument").or_default() += 1;
                    }
                    if !field.directives.is_empty() {
                        *summary.features.entry("@skip/@include").or_default() += 1;
                    }
                    summary.max_depth = summary.max_depth.max(depth);
                    walk(schema, document, &field.selection_set, summary, depth + 1);
                }
                Selection::InlineFragment(inline) => {
                    let key = match &inline.type_condition {
                        Some(c)
                            if schema
                                .types
                                .get(c)
                                .is_some_and(|t| t.is_interface() || t.is_union()) =>
                        {
                            "inline fragment on an abstract type"
                        }
                        Some(_) => "inline fragment on an object type",
                        None => "inline fragment without type condition",
                    };
                    *summary.features.entry(key).or_default() += 1;
                    walk(schema, document, &inline.selection_set, summary, depth);
                }
                Selection::FragmentSpread(spread) => {
                    *summary.features.entry("named fragment").or_default() += 1;
                    if let Some(fragment) = document.fragments.get(&spread.fragment_name) {
                        walk(schema, document, &fragment.selection_set, summary, depth);
                    }
                }
            }
        }
    }
    if let Some(operation) = document.operations.iter().next() {
        if !operation.variables.is_empty() {
            *summary.features.entry("variables").or_default() += 1;
        }
        walk(schema, document, &operation.selection_set, summary, 1);
    }
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Schema fields selected at least once, as `Type.field`.
    pub fields: BTreeSet<String>,
    /// How many times each operation feature was used.
    pub features: BTreeMap<&'static str, usize>,
    /// Deepest field nesting seen.
    pub max_depth: usize,
    pub operations: usize,
    pub rejected_by_validation: usize,
    pub with_errors: usize,
    pub null_data: usize,
    pub subgraph_calls: BTreeMap<String, usize>,
    pub failures: Vec<String>,
}

/// Runs `count` operations of `seed`; operation `i` uses its own generator seed, so a single
/// failing case can be replayed with `only = Some(i)`.
pub async fn run(harness: &Harness, seed: u64, count: usize, only: Option<usize>) -> Summary {
    let mut summary = Summary::default();
    let mut rejected = Vec::new();
    let schema = harness.supergraph.api_schema();
    for i in 0..count {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let op_seed = seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(i as u64);
        let mut generator = Generator::new(schema, op_seed);
        let operation = generator.operation(&mut rejected);
        summary.operations += 1;
        let document =
            ExecutableDocument::parse_and_validate(schema, &operation.query, "op.graphql")
                .expect("the generator returns valid operations");
        cover(schema, &document, &mut summary);
        let mut mono = harness.monolith(&operation).await;
        spec::propagate(&document, &mut mono);
        let gw = harness.gateway(&operation).await;
        if has_errors(&mono) {
            summary.with_errors += 1;
        }
        if mono.get("data").is_some_and(Value::is_null) {
            summary.null_data += 1;
        }
        if let Some(problem) = compare(&document, &mono, &gw) {
            summary.failures.push(format!(
                "operation {i} (DIFF_SEED={seed} DIFF_ONLY={i}): {problem}\n\
                 --- operation\n{}\n--- variables\n{}\n--- monolith\n{}\n--- gateway\n{}\n--- plan\n{}\n",
                operation.query,
                Value::Object(operation.variables.clone()),
                serde_json::to_string_pretty(&mono).unwrap_or_default(),
                serde_json::to_string_pretty(&gw).unwrap_or_default(),
                harness.plan(&operation),
            ));
        }
    }
    summary.rejected_by_validation = rejected.len();
    if let Some((query, errors)) = rejected.first() {
        eprintln!("first generated document rejected by validation:\n{query}\n{errors}");
    }
    summary.subgraph_calls = harness.client.calls();
    summary
}
