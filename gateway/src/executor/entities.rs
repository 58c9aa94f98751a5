//! The gateway's dataloader: representations collected at a path across every list item,
//! deduplicated, sent in one `_entities` request, and the results merged back by position.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::error::PathSegment;
use crate::planner::{ContextInput, FetchPathElement, InputRewrite, Selection};

/// Serialized representation → its index. foldhash rather than SipHash: this runs once per
/// object at the path, and its keys come from subgraph data, for which foldhash's per-process
/// seed is enough protection.
type DedupIndex = HashMap<String, usize, foldhash::fast::RandomState>;

/// The representations of one entity fetch.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    /// Unique representations, in first-seen order.
    pub representations: Vec<Value>,
    /// For each object at the path, in traversal order: its representation, if it has one.
    pub item_representation: Vec<Option<usize>>,
}

/// Visits every object at `path`, in order.
fn for_each_item<'v>(
    value: &'v Value,
    path: &[FetchPathElement],
    f: &mut impl FnMut(&'v Map<String, Value>),
) {
    match path.split_first() {
        None => {
            if let Value::Object(object) = value {
                f(object);
            }
        }
        Some((FetchPathElement::Key(key), rest)) => {
            if let Some(child) = value.as_object().and_then(|o| o.get(key)) {
                for_each_item(child, rest, f);
            }
        }
        Some((FetchPathElement::List, rest)) => {
            if let Value::Array(items) = value {
                for item in items {
                    for_each_item(item, rest, f);
                }
            }
        }
        Some((FetchPathElement::TypeCondition(types), rest)) => {
            if typename(value).is_some_and(|t| types.iter().any(|c| c == t)) {
                for_each_item(value, rest, f);
            }
        }
    }
}

/// [`for_each_item`], also giving the value reached after each path step (`[0]` is the root),
/// so `@fromContext` values can be read at enclosing objects.
fn for_each_item_with_ancestors<'v>(
    value: &'v Value,
    path: &[FetchPathElement],
    ancestors: &mut Vec<&'v Value>,
    f: &mut impl FnMut(&'v Map<String, Value>, &[&'v Value]),
) {
    ancestors.push(value);
    match path.split_first() {
        None => {
            if let Value::Object(object) = value {
                f(object, ancestors);
            }
        }
        Some((FetchPathElement::Key(key), rest)) => {
            if let Some(child) = value.as_object().and_then(|o| o.get(key)) {
                for_each_item_with_ancestors(child, rest, ancestors, f);
            }
        }
        Some((FetchPathElement::List, rest)) => {
            if let Value::Array(items) = value {
                for item in items {
                    for_each_item_with_ancestors(item, rest, ancestors, f);
                }
            }
        }
        Some((FetchPathElement::TypeCondition(types), rest)) => {
            if typename(value).is_some_and(|t| types.iter().any(|c| c == t)) {
                for_each_item_with_ancestors(value, rest, ancestors, f);
            }
        }
    }
    ancestors.pop();
}

/// Reads a context value: the leaf the selection leads to (`null` when absent).
fn context_value(value: &Value, selection: &[Selection]) -> Value {
    for s in selection {
        match s {
            Selection::Field {
                alias,
                name,
                selections,
            } => {
                let Some(child) = value.get(alias.as_deref().unwrap_or(name)) else {
                    continue;
                };
                return if selections.is_empty() {
                    child.clone()
                } else {
                    context_value(child, selections)
                };
            }
            Selection::InlineFragment {
                type_condition,
                selections,
            } => {
                let applies = type_condition
                    .as_deref()
                    .is_none_or(|t| typename(value) == Some(t));
                if applies {
                    let found = context_value(value, selections);
                    if !found.is_null() {
                        return found;
                    }
                }
            }
        }
    }
    Value::Null
}

/// A batch being built: its context variables, its representations, and their dedup index.
type Batch = (Map<String, Value>, Collected, HashMap<String, usize>);

/// Like [`collect`], batched by the `@fromContext` values of each object: each batch is
/// one request with its own variables.
pub(crate) fn collect_batches(
    data: &Value,
    path: &[FetchPathElement],
    requires: &[Selection],
    nullable_inputs: &[String],
    rewrites: &[InputRewrite],
    contexts: &[ContextInput],
) -> Vec<(Map<String, Value>, Collected)> {
    let mut batches: Vec<Batch> = Vec::new();
    let mut by_context: HashMap<String, usize> = HashMap::new();
    let mut position = 0usize;
    for_each_item_with_ancestors(data, path, &mut Vec::new(), &mut |object, ancestors| {
        let item = position;
        position += 1;
        let Some(mut rep) = representation(object, requires, nullable_inputs) else {
            return;
        };
        rewrite(&mut rep, rewrites);
        let mut variables = Map::new();
        for context in contexts {
            let ancestor = ancestors
                .get(context.depth)
                .copied()
                .unwrap_or(&Value::Null);
            variables.insert(
                context.variable.clone(),
                context_value(ancestor, &context.selection),
            );
        }
        let key = serde_json::to_string(&variables).unwrap_or_default();
        let batch = *by_context.entry(key).or_insert_with(|| {
            batches.push((variables, Collected::default(), HashMap::new()));
            batches.len() - 1
        });
        let (_, collected, seen) = &mut batches[batch];
        let text = serde_json::to_string(&rep).unwrap_or_default();
        let index = match seen.get(&text) {
            Some(&index) => index,
            None => {
                collected.representations.push(rep);
                seen.insert(text, collected.representations.len() - 1);
                collected.representations.len() - 1
            }
        };
        if collected.item_representation.len() < item {
            collected.item_representation.resize(item, None);
        }
        collected.item_representation.push(Some(index));
    });
    batches
        .into_iter()
        .map(|(variables, mut collected, _)| {
            collected.item_representation.resize(position, None);
            (variables, collected)
        })
        .collect()
}

/// The same traversal as [`for_each_item`], mutable.
fn for_each_item_mut(value: &mut Value, path: &[FetchPathElement], f: &mut impl FnMut(&mut Value)) {
    match path.split_first() {
        None => {
            if value.is_object() {
                f(value);
            }
        }
        Some((FetchPathElement::Key(key), rest)) => {
            if let Some(child) = value.as_object_mut().and_then(|o| o.get_mut(key)) {
                for_each_item_mut(child, rest, f);
            }
        }
        Some((FetchPathElement::List, rest)) => {
            if let Value::Array(items) = value {
                for item in items {
                    for_each_item_mut(item, rest, f);
                }
            }
        }
        Some((FetchPathElement::TypeCondition(types), rest)) => {
            if typename(value).is_some_and(|t| types.iter().any(|c| c == t)) {
                for_each_item_mut(value, rest, f);
            }
        }
    }
}

fn typename(value: &Value) -> Option<&str> {
    value
        .as_object()
        .and_then(|o| o.get("__typename"))
        .and_then(Value::as_str)
}

/// Builds the representations for the objects at `path`. Objects whose key fields are null
/// (or missing) get none; identical representations are sent once.
pub(crate) fn collect(
    data: &Value,
    path: &[FetchPathElement],
    requires: &[Selection],
    nullable_inputs: &[String],
    rewrites: &[InputRewrite],
) -> Collected {
    let mut collected = Collected::default();
    let mut seen: DedupIndex = DedupIndex::default();
    for_each_item(data, path, &mut |object| {
        let representation = representation(object, requires, nullable_inputs).map(|mut rep| {
            rewrite(&mut rep, rewrites);
            rep
        });
        let index = representation.and_then(|rep| {
            let text = serde_json::to_string(&rep).ok()?;
            let next = collected.representations.len();
            let index = *seen.entry(text).or_insert(next);
            if index == next {
                collected.representations.push(rep);
            }
            Some(index)
        });
        collected.item_representation.push(index);
    });
    collected
}

/// `@interfaceObject` targets know the interface, not the implementation: the
/// representation's `__typename` becomes the interface's name.
fn rewrite(representation: &mut Value, rewrites: &[InputRewrite]) {
    if rewrites.is_empty() {
        return;
    }
    let Some(object) = representation.as_object_mut() else {
        return;
    };
    let typename = object
        .get("__typename")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    for InputRewrite::TypenameRewrite {
        type_condition,
        value,
    } in rewrites
    {
        if *type_condition == typename {
            object.insert("__typename".into(), Value::String(value.clone()));
            return;
        }
    }
}

fn representation(
    object: &Map<String, Value>,
    requires: &[Selection],
    nullable_inputs: &[String],
) -> Option<Value> {
    let typename = object.get("__typename").and_then(Value::as_str);
    let fragment = requires.iter().find_map(|selection| match selection {
        Selection::InlineFragment {
            type_condition: Some(t),
            selections,
        } if Some(t.as_str()) == typename => Some(selections),
        _ => None,
    });
    let selections = match (fragment, requires) {
        (Some(s), _) => s,
        // Without a typename in the data, a single entity type is unambiguous.
        (None, [Selection::InlineFragment { selections, .. }]) if typename.is_none() => selections,
        _ => return None,
    };
    let mut out = Map::with_capacity(selections.len());
    for selection in selections {
        select_into(object, selection, &mut out, nullable_inputs)?;
    }
    if typename.is_none()
        && let [
            Selection::InlineFragment {
                type_condition: Some(t),
                ..
            },
        ] = requires
    {
        out.insert("__typename".into(), Value::String(t.clone()));
    }
    Some(Value::Object(out))
}

/// Copies one selected field; `None` when a key field is null or missing.
fn select_into(
    object: &Map<String, Value>,
    selection: &Selection,
    out: &mut Map<String, Value>,
    nullable: &[String],
) -> Option<()> {
    match selection {
        Selection::Field {
            alias,
            name,
            selections,
        } => {
            let key = alias.as_deref().unwrap_or(name);
            let value = object.get(key);
            let value = match value {
                None | Some(Value::Null) => {
                    if nullable.iter().any(|n| n == name) {
                        out.insert(name.clone(), Value::Null);
                        return Some(());
                    }
                    return None;
                }
                Some(v) => v,
            };
            let value = if selections.is_empty() {
                value.clone()
            } else {
                select_value(value, selections)?
            };
            out.insert(name.clone(), value);
            Some(())
        }
        Selection::InlineFragment {
            type_condition,
            selections,
        } => {
            let applies = match type_condition {
                None => true,
                Some(t) => object.get("__typename").and_then(Value::as_str) == Some(t.as_str()),
            };
            if applies {
                for s in selections {
                    select_into(object, s, out, &[])?;
                }
            }
            Some(())
        }
    }
}

fn select_value(value: &Value, selections: &[Selection]) -> Option<Value> {
    match value {
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .map(|item| select_value(item, selections))
                .collect::<Option<Vec<_>>>()?,
        )),
        Value::Object(object) => {
            let mut out = Map::with_capacity(selections.len());
            for selection in selections {
                select_into(object, selection, &mut out, &[])?;
            }
            Some(Value::Object(out))
        }
        _ => None,
    }
}

/// Merges `_entities` results into the objects at `path`, by position: every object whose
/// representation was entity `i` (duplicates included) receives entity `i`. Returns `false`
/// if the data no longer has the shape it had when representations were collected.
pub(crate) fn merge_back(
    data: &mut Value,
    path: &[FetchPathElement],
    item_representation: &[Option<usize>],
    entities: Vec<Value>,
) -> bool {
    let mut uses = vec![0usize; entities.len()];
    for index in item_representation.iter().flatten() {
        if let Some(count) = uses.get_mut(*index) {
            *count += 1;
        }
    }
    let mut entities: Vec<Option<Value>> = entities.into_iter().map(Some).collect();
    let mut position = 0usize;
    let mut consistent = true;
    for_each_item_mut(data, path, &mut |item| {
        let Some(slot) = item_representation.get(position) else {
            consistent = false;
            return;
        };
        position += 1;
        let Some(index) = *slot else { return };
        let Some(remaining) = uses.get_mut(index) else {
            return;
        };
        *remaining = remaining.saturating_sub(1);
        // The last user takes the value; earlier duplicates get a copy.
        let entity = if *remaining == 0 {
            entities.get_mut(index).and_then(Option::take)
        } else {
            entities.get(index).and_then(Clone::clone)
        };
        if let Some(entity) = entity {
            deep_merge(item, entity);
        }
    });
    consistent && position == item_representation.len()
}

/// The data paths of the objects at `path`, in traversal order (only computed for errors).
pub(crate) fn item_paths(data: &Value, path: &[FetchPathElement]) -> Vec<Vec<PathSegment>> {
    fn walk(
        value: &Value,
        path: &[FetchPathElement],
        current: &mut Vec<PathSegment>,
        out: &mut Vec<Vec<PathSegment>>,
    ) {
        match path.split_first() {
            None => {
                if value.is_object() {
                    out.push(current.clone());
                }
            }
            Some((FetchPathElement::Key(key), rest)) => {
                if let Some(child) = value.as_object().and_then(|o| o.get(key)) {
                    current.push(PathSegment::Key(key.clone()));
                    walk(child, rest, current, out);
                    current.pop();
                }
            }
            Some((FetchPathElement::List, rest)) => {
                if let Value::Array(items) = value {
                    for (i, item) in items.iter().enumerate() {
                        current.push(PathSegment::Index(i));
                        walk(item, rest, current, out);
                        current.pop();
                    }
                }
            }
            Some((FetchPathElement::TypeCondition(types), rest)) => {
                if typename(value).is_some_and(|t| types.iter().any(|c| c == t)) {
                    walk(value, rest, current, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(data, path, &mut Vec::new(), &mut out);
    out
}

/// Merges `source` into `target`: objects key by key, lists item by item, otherwise the
/// source wins (a `null` never erases data already fetched).
pub(crate) fn deep_merge(target: &mut Value, source: Value) {
    match (target, source) {
        (Value::Object(target), Value::Object(source)) => {
            // One lookup per key (`entry`), not a lookup then an insert: most keys an
            // entity brings are new to the object.
            for (key, value) in source {
                match target.entry(key) {
                    serde_json::map::Entry::Occupied(existing) => {
                        deep_merge(existing.into_mut(), value)
                    }
                    serde_json::map::Entry::Vacant(slot) => {
                        slot.insert(value);
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(source)) if target.len() == source.len() => {
            for (t, s) in target.iter_mut().zip(source) {
                deep_merge(t, s);
            }
        }
        (_, Value::Null) => {}
        (target, source) => *target = source,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn user_requires() -> Vec<Selection> {
        vec![Selection::InlineFragment {
            type_condition: Some("User".into()),
            selections: vec![
                Selection::Field {
                    alias: None,
                    name: "__typename".into(),
                    selections: vec![],
                },
                Selection::Field {
                    alias: None,
                    name: "id".into(),
                    selections: vec![],
                },
            ],
        }]
    }

    #[test]
    fn collects_across_lists_dedupes_and_skips_null_keys() {
        let data = json!({"orders": [
            {"items": [{"user": {"__typename": "User", "id": "1"}}, {"user": {"__typename": "User", "id": "2"}}]},
            {"items": [{"user": {"__typename": "User", "id": "1"}}, {"user": {"__typename": "User", "id": null}}]},
            {"items": [{"user": null}]},
        ]});
        let path = [
            FetchPathElement::Key("orders".into()),
            FetchPathElement::List,
            FetchPathElement::Key("items".into()),
            FetchPathElement::List,
            FetchPathElement::Key("user".into()),
        ];
        let collected = collect(&data, &path, &user_requires(), &[], &[]);
        assert_eq!(
            collected.representations,
            vec![
                json!({"__typename": "User", "id": "1"}),
                json!({"__typename": "User", "id": "2"})
            ]
        );
        assert_eq!(
            collected.item_representation,
            vec![Some(0), Some(1), Some(0), None]
        );
        let mut data = data;
        let ok = merge_back(
            &mut data,
            &path,
            &collected.item_representation,
            vec![json!({"name": "Ada"}), json!({"name": "Grace"})],
        );
        assert!(ok);
        assert_eq!(data["orders"][0]["items"][0]["user"]["name"], "Ada");
        assert_eq!(data["orders"][0]["items"][1]["user"]["name"], "Grace");
        assert_eq!(
            data["orders"][1]["items"][0]["user"]["name"], "Ada",
            "duplicates get the entity"
        );
        assert!(data["orders"][1]["items"][1]["user"].get("name").is_none());
        let paths = item_paths(&data, &path);
        assert_eq!(paths.len(), 4);
        assert_eq!(
            paths[3],
            vec![
                PathSegment::Key("orders".into()),
                PathSegment::Index(1),
                PathSegment::Key("items".into()),
                PathSegment::Index(1),
                PathSegment::Key("user".into())
            ]
        );
    }

    #[test]
    fn lists_of_lists_and_type_conditions() {
        let data = json!({"grid": [[{"__typename": "Book", "id": "b"}, {"__typename": "Movie", "id": "m"}], [{"__typename": "Book", "id": "b"}]]});
        let path = [
            FetchPathElement::Key("grid".into()),
            FetchPathElement::List,
            FetchPathElement::List,
            FetchPathElement::TypeCondition(vec!["Book".into()]),
        ];
        let requires = vec![Selection::InlineFragment {
            type_condition: Some("Book".into()),
            selections: vec![
                Selection::Field {
                    alias: None,
                    name: "__typename".into(),
                    selections: vec![],
                },
                Selection::Field {
                    alias: None,
                    name: "id".into(),
                    selections: vec![],
                },
            ],
        }];
        let collected = collect(&data, &path, &requires, &[], &[]);
        assert_eq!(
            collected.representations,
            vec![json!({"__typename": "Book", "id": "b"})]
        );
        assert_eq!(collected.item_representation, vec![Some(0), Some(0)]);
    }

    #[test]
    fn required_inputs_may_be_null() {
        let object = json!({"__typename": "Product", "upc": "1", "weight": null});
        let requires = vec![Selection::InlineFragment {
            type_condition: Some("Product".into()),
            selections: vec![
                Selection::Field {
                    alias: None,
                    name: "__typename".into(),
                    selections: vec![],
                },
                Selection::Field {
                    alias: None,
                    name: "upc".into(),
                    selections: vec![],
                },
                Selection::Field {
                    alias: None,
                    name: "weight".into(),
                    selections: vec![],
                },
            ],
        }];
        let object = object.as_object().expect("object");
        assert_eq!(representation(object, &requires, &[]), None);
        assert_eq!(
            representation(object, &requires, &["weight".into()]),
            Some(json!({"__typename": "Product", "upc": "1", "weight": null}))
        );
    }
}
