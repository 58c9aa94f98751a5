//! Walking the plan. Fetches in a `Parallel` run concurrently on the request's task; the data
//! tree sits behind a mutex that is only held while building representations or merging a
//! response, never across an `.await`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use futures::future::{BoxFuture, join_all};
use serde_json::{Map, Value};

use super::ExecutionRequest;
use super::{context_batch, entities};
use crate::error::{ErrorCode, GraphqlError, PathSegment};
use crate::planner::{FetchNode, FetchPathElement, PlanNode};
use crate::transport::{SubgraphError, SubgraphRequest};

/// An error whose path is still in data coordinates (translated after all fetches).
#[derive(Debug)]
pub(crate) struct PendingError {
    pub error: GraphqlError,
    pub data_path: Option<Vec<PathSegment>>,
}

struct State {
    data: Value,
    errors: Vec<PendingError>,
}

pub(crate) struct Runner<'a> {
    request: &'a ExecutionRequest<'a>,
    state: Mutex<State>,
}

impl<'a> Runner<'a> {
    pub fn new(request: &'a ExecutionRequest<'a>) -> Self {
        Self {
            request,
            state: Mutex::new(State {
                data: Value::Object(Map::new()),
                errors: Vec::new(),
            }),
        }
    }

    pub fn finish(self) -> (Value, Vec<PendingError>) {
        let state = self
            .state
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (state.data, state.errors)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn run<'s>(&'s self, node: &'s PlanNode) -> BoxFuture<'s, ()> {
        async move {
            match node {
                PlanNode::Sequence { nodes } => {
                    for node in nodes {
                        self.run(node).await;
                    }
                }
                PlanNode::Parallel { nodes } => {
                    join_all(nodes.iter().map(|n| self.run(n))).await;
                }
                PlanNode::Condition(condition) => {
                    let value = self
                        .request
                        .variables
                        .get(&condition.variable)
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    let branch = if value {
                        &condition.if_clause
                    } else {
                        &condition.else_clause
                    };
                    if let Some(node) = branch {
                        self.run(node).await;
                    }
                }
                PlanNode::Fetch(fetch) => self.root_fetch(fetch).await,
                PlanNode::Flatten(flatten) => match flatten.node.as_ref() {
                    PlanNode::Fetch(fetch) => self.entity_fetch(fetch, &flatten.path).await,
                    other => self.run(other).await,
                },
            }
        }
        .boxed()
    }

    fn variables(&self, fetch: &FetchNode) -> Map<String, Value> {
        let mut variables = Map::new();
        for name in &fetch.variable_usages {
            if let Some(value) = self.request.variables.get(name) {
                variables.insert(name.clone(), value.clone());
            }
        }
        variables
    }

    fn subgraph_request(
        &self,
        fetch: &FetchNode,
        variables: Map<String, Value>,
    ) -> SubgraphRequest {
        SubgraphRequest {
            query: fetch.operation.clone(),
            operation_name: None,
            variables,
            headers: self.request.headers.clone(),
            read_only: fetch.operation_kind == apollo_compiler::ast::OperationType::Query,
        }
    }

    async fn root_fetch(&self, fetch: &FetchNode) {
        let request = self.subgraph_request(fetch, self.variables(fetch));
        let result = self.request.client.execute(&fetch.subgraph, request).await;
        let mut state = self.lock();
        match result {
            Ok(response) => {
                let has_data = matches!(response.data, Some(Value::Object(_)));
                if let Some(data) = response.data {
                    entities::deep_merge(&mut state.data, data);
                }
                for error in response.errors.iter() {
                    let data_path = error.path.as_deref().map(to_segments);
                    let error = subgraph_error(&fetch.subgraph, error);
                    match data_path {
                        Some(path) => state.errors.push(PendingError {
                            error,
                            data_path: Some(path),
                        }),
                        None => {
                            for key in &fetch.provides_keys {
                                state.errors.push(PendingError {
                                    error: error.clone(),
                                    data_path: Some(vec![PathSegment::Key(key.clone())]),
                                });
                            }
                        }
                    }
                }
                if !has_data && response.errors.is_empty() {
                    tracing::warn!(subgraph = %fetch.subgraph, "subgraph response has neither data nor errors");
                    push_failures(
                        &mut state.errors,
                        fetch,
                        invalid_response_message(&fetch.subgraph),
                        &[Vec::new()],
                    );
                }
            }
            Err(error) => {
                tracing::warn!(subgraph = %fetch.subgraph, fetch = fetch.id, error = %error, "subgraph request failed");
                push_failures(
                    &mut state.errors,
                    fetch,
                    error.client_message(),
                    &[Vec::new()],
                );
            }
        }
    }

    async fn entity_fetch(&self, fetch: &FetchNode, path: &[FetchPathElement]) {
        let batches = {
            let state = self.lock();
            if fetch.context_inputs.is_empty() {
                let collected = entities::collect(
                    &state.data,
                    path,
                    &fetch.requires,
                    &fetch.nullable_inputs,
                    &fetch.input_rewrites,
                );
                vec![(Map::new(), collected)]
            } else {
                entities::collect_batches(
                    &state.data,
                    path,
                    &fetch.requires,
                    &fetch.nullable_inputs,
                    &fetch.input_rewrites,
                    &fetch.context_inputs,
                )
            }
        };
        let mut batches: Vec<_> = batches
            .into_iter()
            .filter(|(_, c)| !c.representations.is_empty())
            .collect();
        if batches.is_empty() {
            return;
        }
        if batches.len() > 1
            && let Some(operation) = self.context_operation(fetch, batches.len())
        {
            return self.context_batches(fetch, path, batches, operation).await;
        }
        // One request per batch (one batch unless `@fromContext` values differ and the
        // operation could not be rewritten to carry them all), concurrently.
        let requests: Vec<_> = batches
            .iter_mut()
            .map(|(context, collected)| {
                let mut variables = self.variables(fetch);
                variables.extend(context.iter().map(|(k, v)| (k.clone(), v.clone())));
                variables.insert(
                    fetch.representations_variable.clone(),
                    Value::Array(std::mem::take(&mut collected.representations)),
                );
                self.request
                    .client
                    .execute(&fetch.subgraph, self.subgraph_request(fetch, variables))
            })
            .collect();
        let results = join_all(requests).await;
        for ((_, collected), result) in batches.into_iter().zip(results) {
            self.entity_response(fetch, path, collected, result);
        }
    }

    /// The fetch's operation with one aliased `_entities` field per context batch.
    fn context_operation(&self, fetch: &FetchNode, batches: usize) -> Option<Arc<str>> {
        let mut per_batch: Vec<&str> = vec![fetch.representations_variable.as_str()];
        per_batch.extend(fetch.context_inputs.iter().map(|c| c.variable.as_str()));
        let rewritten = context_batch::rewrite(&fetch.operation, &per_batch, batches);
        if rewritten.is_none() {
            tracing::warn!(
                fetch = fetch.id,
                "could not batch @fromContext values in one request"
            );
        }
        rewritten.map(Arc::from)
    }

    /// Sends every context batch in one request and merges each batch's part.
    async fn context_batches(
        &self,
        fetch: &FetchNode,
        path: &[FetchPathElement],
        mut batches: Vec<(Map<String, Value>, entities::Collected)>,
        operation: Arc<str>,
    ) {
        let mut variables = self.variables(fetch);
        for (index, (context, collected)) in batches.iter_mut().enumerate() {
            for (name, value) in context.iter() {
                variables.insert(context_batch::variable(name, index), value.clone());
            }
            variables.insert(
                context_batch::variable(&fetch.representations_variable, index),
                Value::Array(std::mem::take(&mut collected.representations)),
            );
        }
        let request = SubgraphRequest {
            query: operation,
            ..self.subgraph_request(fetch, variables)
        };
        let count = batches.len();
        match self.request.client.execute(&fetch.subgraph, request).await {
            Ok(response) => {
                let parts = context_batch::split(response, count);
                for ((_, collected), part) in batches.into_iter().zip(parts) {
                    self.entity_response(fetch, path, collected, Ok(part));
                }
            }
            Err(error) => {
                tracing::warn!(subgraph = %fetch.subgraph, fetch = fetch.id, error = %error, "subgraph request failed");
                let mut state = self.lock();
                for (_, collected) in &batches {
                    let items = affected_items(&state.data, path, &collected.item_representation);
                    push_failures(&mut state.errors, fetch, error.client_message(), &items);
                }
            }
        }
    }

    /// Merges one `_entities` response (or records its failure) into the data.
    fn entity_response(
        &self,
        fetch: &FetchNode,
        path: &[FetchPathElement],
        collected: entities::Collected,
        result: Result<crate::transport::SubgraphResponse, crate::transport::TransportError>,
    ) {
        let mut state = self.lock();
        let response = match result {
            Ok(response) => response,
            Err(error) => {
                tracing::warn!(subgraph = %fetch.subgraph, fetch = fetch.id, error = %error, "subgraph request failed");
                let items = affected_items(&state.data, path, &collected.item_representation);
                push_failures(&mut state.errors, fetch, error.client_message(), &items);
                return;
            }
        };
        let entities = match response.data {
            Some(Value::Object(mut data)) => match data.remove("_entities") {
                Some(Value::Array(list)) => Some(list),
                _ => None,
            },
            _ => None,
        };
        // Which entities each error belongs to, read before the entities are merged away.
        let mut unindexed_seen = HashMap::new();
        let error_entities: Vec<Option<Vec<usize>>> = response
            .errors
            .iter()
            .map(|error| {
                entity_indices(
                    error.path.as_deref(),
                    entities.as_deref(),
                    &mut unindexed_seen,
                )
            })
            .collect();
        let merged = match entities {
            Some(list) => {
                let consistent = entities::merge_back(
                    &mut state.data,
                    path,
                    &collected.item_representation,
                    list,
                );
                if !consistent {
                    tracing::error!(
                        fetch = fetch.id,
                        "data changed shape while an entity fetch was in flight"
                    );
                }
                true
            }
            None => false,
        };
        if response.errors.is_empty() && !merged {
            tracing::warn!(subgraph = %fetch.subgraph, "entity response has no `_entities` list");
            let items = affected_items(&state.data, path, &collected.item_representation);
            push_failures(
                &mut state.errors,
                fetch,
                invalid_response_message(&fetch.subgraph),
                &items,
            );
            return;
        }
        if response.errors.is_empty() {
            return;
        }
        let all_paths = entities::item_paths(&state.data, path);
        for (error, indices) in response.errors.iter().zip(error_entities) {
            let graphql_error = subgraph_error(&fetch.subgraph, error);
            match indices {
                Some(indices) => {
                    let rest = entity_relative_path(error.path.as_deref().unwrap_or_default());
                    for (item, slot) in collected.item_representation.iter().enumerate() {
                        if slot.is_some_and(|s| indices.contains(&s))
                            && let Some(item_path) = all_paths.get(item)
                        {
                            let mut data_path = item_path.clone();
                            data_path.extend(rest.iter().cloned());
                            state.errors.push(PendingError {
                                error: graphql_error.clone(),
                                data_path: Some(data_path),
                            });
                        }
                    }
                }
                None => {
                    let first = fetch.provides_keys.first().cloned();
                    for (item, slot) in all_paths.iter().zip(&collected.item_representation) {
                        if slot.is_none() {
                            continue;
                        }
                        let mut data_path = item.clone();
                        if let Some(key) = &first {
                            data_path.push(PathSegment::Key(key.clone()));
                        }
                        state.errors.push(PendingError {
                            error: graphql_error.clone(),
                            data_path: Some(data_path),
                        });
                    }
                }
            }
        }
    }
}

/// The entities an `_entities` error is about: the index in its path; or, for subgraphs that
/// leave the index out (async-graphql does), one of the entities whose data is null somewhere
/// along the rest of the path. Such subgraphs report one error per failing entity, in entity
/// order, so the n-th index-less error with a given path goes to the n-th entity broken along
/// it (`seen` counts them); giving every error to every broken entity would turn k failures
/// into k² client errors. `None` when the error is not about `_entities`.
fn entity_indices(
    path: Option<&[Value]>,
    entities: Option<&[Value]>,
    seen: &mut HashMap<String, usize>,
) -> Option<Vec<usize>> {
    let path = path?;
    if path.first().and_then(Value::as_str) != Some("_entities") {
        return None;
    }
    if let Some(index) = path.get(1).and_then(Value::as_u64) {
        return Some(vec![index as usize]);
    }
    let rest = &path[1..];
    let entities = entities?;
    // How deep along the path an entity's data goes before it is null or missing (`None`:
    // not broken). A null higher up can be a legitimate one (a nullable field that is simply
    // null), so only the entities broken deepest are candidates.
    let broken_at = |entity: &Value| {
        let mut value = entity;
        for (depth, segment) in rest.iter().enumerate() {
            let next = match segment {
                Value::String(key) => value.get(key.as_str()),
                // An error can null a list item but cannot shorten the list: an entity
                // whose list has no such item is not the one the error is about.
                Value::Number(n) => match (n.as_u64(), value) {
                    (Some(i), Value::Array(items)) if i as usize >= items.len() => return None,
                    (i, _) => i.and_then(|i| value.get(i as usize)),
                },
                _ => None,
            };
            match next {
                None | Some(Value::Null) => return Some(depth),
                Some(v) => value = v,
            }
        }
        None
    };
    let depths: Vec<Option<usize>> = entities.iter().map(broken_at).collect();
    let deepest = depths.iter().flatten().max().copied();
    let candidates: Vec<usize> = depths
        .iter()
        .enumerate()
        .filter(|(_, d)| d.is_some() && **d == deepest)
        .map(|(i, _)| i)
        .collect();
    let nth = seen.entry(format!("{rest:?}")).or_insert(0);
    let chosen = candidates.get(*nth).or(candidates.last()).copied();
    *nth += 1;
    Some(chosen.into_iter().collect())
}

/// The part of an `_entities` error path below the entity.
fn entity_relative_path(path: &[Value]) -> Vec<PathSegment> {
    let skip = if path.get(1).is_some_and(Value::is_u64) {
        2
    } else {
        1
    };
    to_segments(path.get(skip..).unwrap_or_default())
}

fn invalid_response_message(subgraph: &str) -> String {
    format!("subgraph `{subgraph}` sent an invalid response")
}

/// Paths of the objects that had a representation.
fn affected_items(
    data: &Value,
    path: &[FetchPathElement],
    slots: &[Option<usize>],
) -> Vec<Vec<PathSegment>> {
    entities::item_paths(data, path)
        .into_iter()
        .zip(slots)
        .filter(|(_, slot)| slot.is_some())
        .map(|(p, _)| p)
        .collect()
}

/// A failed fetch: an error at every client path it leaves empty (for root fetches, each root
/// field; for entity fetches, the first field it was to provide on each object).
fn push_failures(
    errors: &mut Vec<PendingError>,
    fetch: &FetchNode,
    message: String,
    items: &[Vec<PathSegment>],
) {
    let mut error = GraphqlError::new(ErrorCode::SubgraphRequestFailure, message);
    error
        .extensions
        .insert("service".into(), Value::String(fetch.subgraph.clone()));
    let root = fetch.requires.is_empty();
    for item in items {
        let keys: &[String] = if root {
            &fetch.provides_keys
        } else {
            fetch.provides_keys.get(..1).unwrap_or(&[])
        };
        for key in keys {
            let mut path = item.clone();
            path.push(PathSegment::Key(key.clone()));
            errors.push(PendingError {
                error: error.clone(),
                data_path: Some(path),
            });
        }
        if keys.is_empty() {
            errors.push(PendingError {
                error: error.clone(),
                data_path: Some(item.clone()),
            });
        }
    }
}

/// A subgraph's error, its own code kept (or `SUBGRAPH_ERROR`), its locations dropped (they
/// point into the subgraph operation, not the client's document).
fn subgraph_error(subgraph: &str, error: &SubgraphError) -> GraphqlError {
    let mut out = GraphqlError::new(ErrorCode::SubgraphError, error.message.clone());
    for (key, value) in &error.extensions {
        out.extensions.insert(key.clone(), value.clone());
    }
    if !out.extensions.get("code").is_some_and(Value::is_string) {
        out.extensions.insert(
            "code".into(),
            Value::String(ErrorCode::SubgraphError.as_str().into()),
        );
    }
    out.extensions
        .insert("service".into(), Value::String(subgraph.to_owned()));
    out
}

fn to_segments(path: &[Value]) -> Vec<PathSegment> {
    path.iter()
        .filter_map(|segment| match segment {
            Value::String(key) => Some(PathSegment::Key(key.clone())),
            Value::Number(n) => n.as_u64().map(|i| PathSegment::Index(i as usize)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::entity_indices;

    /// An index-less `_entities` error goes to the entity broken deepest along its path: an
    /// entity whose `author` is simply null is not the one whose review failed below the
    /// author, nor one whose list is merely empty (found by the differential test).
    #[test]
    fn index_less_errors_go_to_the_entity_broken_deepest() {
        let entities = [
            json!({"reviews": [{"author": {"reviews": [{"verified": true}]}}]}),
            json!({"reviews": [{"author": null}]}),
            json!({"reviews": [{"author": {"reviews": [null]}}]}),
        ];
        let path = [
            json!("_entities"),
            json!("reviews"),
            json!(0),
            json!("author"),
            json!("reviews"),
            json!(0),
            json!("verified"),
        ];
        let mut seen = HashMap::new();
        assert_eq!(
            entity_indices(Some(&path), Some(&entities), &mut seen),
            Some(vec![2])
        );
        // An empty list is not an error's doing: the entity with the null item is chosen.
        let lists = [json!({"a": []}), json!({"a": [null]})];
        let path = [json!("_entities"), json!("a"), json!(0), json!("b")];
        assert_eq!(
            entity_indices(Some(&path), Some(&lists), &mut HashMap::new()),
            Some(vec![1])
        );
        // With an index there is nothing to guess.
        let indexed = [json!("_entities"), json!(1), json!("reviews")];
        assert_eq!(
            entity_indices(Some(&indexed), Some(&entities), &mut seen),
            Some(vec![1])
        );
    }
}
