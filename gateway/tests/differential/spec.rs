//! The spec's error rules, applied to a response given its operation.
//!
//! Two reasons this module exists:
//! - async-graphql 7 (the monolith) does not propagate a non-null field error: it drops the
//!   field and keeps the parent object (`resolver_utils/container.rs`, `do_resolve_container`).
//!   [`propagate`] finishes the job the spec describes ("Handling Field Errors": the null goes
//!   to the nearest nullable ancestor, or `data` itself), so the monolith is a spec oracle.
//! - Which errors *inside* a subtree nulled by another error get reported depends on execution
//!   order (the spec lets fields run in parallel, and a gateway never fetches below a nulled
//!   entity). [`ErrorView`] keeps what is deterministic: the exact path of every error outside
//!   the regions non-null errors null, and the set of those regions.

use std::collections::BTreeSet;

use apollo_compiler::ExecutableDocument;
use apollo_compiler::ast::Type;
use apollo_compiler::executable::{Field, Selection, SelectionSet};
use apollo_compiler::{Node, validation::Valid};
use serde_json::Value;

/// The nullability of each position along `path`, from the operation's field types; `None`
/// when the path does not follow the operation.
fn nullability(document: &Valid<ExecutableDocument>, path: &[Value]) -> Option<Vec<bool>> {
    let operation = document.operations.iter().next()?;
    let mut sets: Vec<&SelectionSet> = vec![&operation.selection_set];
    let mut ty: Option<Type> = None;
    let mut nullable = Vec::with_capacity(path.len());
    for element in path {
        match element {
            Value::String(key) => {
                let mut fields = Vec::new();
                for set in &sets {
                    collect(document, set, key, &mut fields);
                }
                let field = fields.first()?;
                let field_ty = field.definition.ty.clone();
                nullable.push(!field_ty.is_non_null());
                ty = Some(field_ty);
                sets = fields.iter().map(|f| &f.selection_set).collect();
            }
            Value::Number(_) => {
                let item = ty.as_ref().filter(|t| t.is_list())?.item_type().clone();
                nullable.push(!item.is_non_null());
                ty = Some(item);
            }
            _ => return None,
        }
    }
    Some(nullable)
}

/// Fields with response key `key` in `set`, through fragments of any type condition (fields
/// sharing a response key have the same response shape, so any of them gives the type).
fn collect<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    key: &str,
    out: &mut Vec<&'a Node<Field>>,
) {
    for selection in &set.selections {
        match selection {
            Selection::Field(field) if field.response_key() == key => out.push(field),
            Selection::Field(_) => {}
            Selection::InlineFragment(inline) => {
                collect(document, &inline.selection_set, key, out);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.fragment_name) {
                    collect(document, &fragment.selection_set, key, out);
                }
            }
        }
    }
}

/// Where an error at `path` leaves its `null`: the longest nullable prefix of `path` (the
/// empty path is `data` itself). An unknown path stays where it is.
fn target(document: &Valid<ExecutableDocument>, path: &[Value]) -> Vec<Value> {
    match nullability(document, path) {
        Some(nullable) => {
            let keep = nullable.iter().rposition(|n| *n).map_or(0, |i| i + 1);
            path[..keep].to_vec()
        }
        None => path.to_vec(),
    }
}

fn error_paths(response: &Value) -> Vec<Option<Vec<Value>>> {
    response
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .map(|e| e.get("path").and_then(Value::as_array).cloned())
                .collect()
        })
        .unwrap_or_default()
}

/// Nulls the nearest nullable ancestor of every error, as the spec requires.
pub fn propagate(document: &Valid<ExecutableDocument>, response: &mut Value) {
    for path in error_paths(response).into_iter().flatten() {
        let target = target(document, &path);
        if let Some(slot) = value_at(response.get_mut("data"), &target) {
            *slot = Value::Null;
        } else if let Some((Value::String(key), parent)) = target.split_last() {
            // async-graphql dropped the failed non-null field itself: put the null back.
            if let Some(Value::Object(map)) = value_at(response.get_mut("data"), parent) {
                map.entry(key.clone()).or_insert(Value::Null);
            }
        }
    }
}

fn value_at<'v>(mut value: Option<&'v mut Value>, path: &[Value]) -> Option<&'v mut Value> {
    for element in path {
        value = match (element, value?) {
            (Value::String(key), Value::Object(map)) => map.get_mut(key.as_str()),
            (Value::Number(n), Value::Array(items)) => {
                items.get_mut(usize::try_from(n.as_u64()?).ok()?)
            }
            _ => None,
        };
    }
    value
}

/// The deterministic part of a response's errors.
///
/// A non-null field error nulls a region (its nearest nullable ancestor). Which other errors
/// inside that region get reported depends on execution order: async-graphql stops a list at
/// its first failed item, a gateway that deduplicated an entity reports its error at every
/// path it occurs. So errors inside a region are represented by the region alone, and every
/// other error (a nullable field's, outside any region) is compared by its exact path.
#[derive(Debug, PartialEq, Eq)]
pub struct ErrorView {
    /// Exact paths of the errors outside every nulled region (`-` for none).
    pub paths: BTreeSet<String>,
    /// The outermost regions nulled by non-null field errors.
    pub nulled: BTreeSet<String>,
}

impl ErrorView {
    pub fn of(document: &Valid<ExecutableDocument>, response: &Value) -> Self {
        let errors: Vec<Option<Vec<Value>>> = error_paths(response);
        let regions: Vec<Vec<Value>> = errors
            .iter()
            .flatten()
            .map(|path| target(document, path))
            .zip(errors.iter().flatten())
            .filter(|(target, path)| target.len() < path.len())
            .map(|(target, _)| target)
            .collect();
        let outermost: BTreeSet<String> = regions
            .iter()
            .filter(|r| {
                !regions
                    .iter()
                    .any(|other| other.len() < r.len() && r.starts_with(other))
            })
            .map(|r| Value::Array(r.clone()).to_string())
            .collect();
        let paths = errors
            .iter()
            .filter_map(|path| match path {
                None => Some("-".to_owned()),
                Some(path) => {
                    let inside = regions
                        .iter()
                        .any(|r| r.len() < path.len() && path.starts_with(r));
                    (!inside).then(|| Value::Array(path.clone()).to_string())
                }
            })
            .collect();
        Self {
            paths,
            nulled: outermost,
        }
    }
}
