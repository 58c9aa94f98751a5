//! The spec's error rules, applied to a response given its operation.
//!
//! Two reasons this module exists:
//! - async-graphql 7 (the monolith) does not propagate a non-null field error: it drops the
//!   field and keeps the parent object (`resolver_utils/container.rs`, `do_resolve_container`).
//!   [`propagate`] finishes the job the spec describes ("Handling Field Errors": the null goes
//!   to the nearest nullable ancestor, or `data` itself), so the monolith is a spec oracle.
//! - Which errors *inside* a subtree nulled by another error get reported depends on execution
//!   order (the spec lets fields run in parallel, and a gateway never fetches below a nulled
//!   entity). [`ErrorView`] keeps what is deterministic: the exact path of every error not
//!   inside another error's nulled subtree, and the set of outermost nulled positions.

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
#[derive(Debug, PartialEq, Eq)]
pub struct ErrorView {
    /// Exact paths of the errors not inside another error's nulled subtree (`-` for none).
    pub paths: BTreeSet<String>,
    /// The outermost positions nulled by errors.
    pub nulled: BTreeSet<String>,
}

impl ErrorView {
    pub fn of(document: &Valid<ExecutableDocument>, response: &Value) -> Self {
        let errors: Vec<(Option<Vec<Value>>, Vec<Value>)> = error_paths(response)
            .into_iter()
            .map(|path| {
                let target = path
                    .as_deref()
                    .map(|p| target(document, p))
                    .unwrap_or_default();
                (path, target)
            })
            .collect();
        let mut paths = BTreeSet::new();
        for (i, (path, _)) in errors.iter().enumerate() {
            let Some(path) = path else {
                paths.insert("-".to_owned());
                continue;
            };
            let shadowed = errors.iter().enumerate().any(|(j, (other, other_target))| {
                j != i
                    && other.is_some()
                    && other_target.len() < path.len()
                    && path.starts_with(other_target)
                    && other.as_deref() != Some(path.as_slice())
            });
            if !shadowed {
                paths.insert(Value::Array(path.clone()).to_string());
            }
        }
        let targets: Vec<&Vec<Value>> = errors
            .iter()
            .filter(|(p, _)| p.is_some())
            .map(|(_, t)| t)
            .collect();
        let nulled = targets
            .iter()
            .filter(|t| {
                !targets
                    .iter()
                    .any(|other| other.len() < t.len() && t.starts_with(other))
            })
            .map(|t| Value::Array((*t).clone()).to_string())
            .collect();
        Self { paths, nulled }
    }
}
