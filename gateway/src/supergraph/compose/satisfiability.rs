//! A conservative satisfiability check: every field a client can reach must be resolvable from
//! the subgraph that reached its parent, directly or after `@key` jumps.
//!
//! Apollo's composer simulates query planning over the whole query graph; this check keeps to
//! the common failures (a field of a value type that only one subgraph has, an entity whose
//! owner has no usable `@key`) and assumes success wherever a feature makes the answer
//! path-dependent (`@provides`, `@requires` inputs, fields an `@interfaceObject` adds), so it
//! never rejects a supergraph Apollo accepts for those reasons.

use std::collections::{HashMap, HashSet, VecDeque};

use super::error::{Conflict, ConflictCode};
use super::fieldset::{self, Selection};
use super::merge::{MField, MType, Supergraph};
use super::subgraph::{Kind, ROOTS, Subgraph};

struct Check<'a> {
    subgraphs: &'a [Subgraph],
    types: &'a indexmap::IndexMap<String, MType>,
    graph_index: HashMap<&'a str, usize>,
}

pub(super) fn validate(
    subgraphs: &[Subgraph],
    supergraph: &Supergraph,
    conflicts: &mut Vec<Conflict>,
) {
    let check = Check {
        subgraphs,
        types: &supergraph.types,
        graph_index: subgraphs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.graph.as_str(), i))
            .collect(),
    };
    let reachable = check.reachable();
    let mut reported: HashSet<(String, String)> = HashSet::new();
    let mut ordered: Vec<&(String, usize)> = reachable.iter().collect();
    ordered.sort();
    for (type_name, graph) in ordered {
        let Some(ty) = check.types.get(type_name) else {
            continue;
        };
        // Root fields are entry points: any subgraph resolving them can be asked directly.
        if !matches!(ty.kind, Kind::Object | Kind::Interface) || ROOTS.contains(&type_name.as_str())
        {
            continue;
        }
        for field in ty.fields.values() {
            if reported.contains(&(type_name.clone(), field.name.clone())) {
                continue;
            }
            if check.satisfiable(ty, field, *graph) {
                continue;
            }
            let Some(resolvers) = check.resolvers(ty, field) else {
                continue;
            };
            let mut names: Vec<String> = resolvers
                .iter()
                .map(|i| format!("\"{}\"", subgraphs[*i].name))
                .collect();
            names.sort();
            let from = &subgraphs[*graph].name;
            let noun = if names.len() == 1 {
                "subgraph"
            } else {
                "subgraphs"
            };
            conflicts.push(Conflict::new(
                ConflictCode::SatisfiabilityError,
                format!(
                    "Field \"{type_name}.{}\" cannot be satisfied when \"{type_name}\" is reached from subgraph \"{from}\": it is only resolved in {noun} {}, and subgraph \"{from}\" cannot jump there (no resolvable @key on \"{type_name}\" whose fields subgraph \"{from}\" has)",
                    field.name,
                    names.join(", ")
                ),
            ));
            reported.insert((type_name.clone(), field.name.clone()));
        }
    }
}

impl Check<'_> {
    /// Subgraphs that resolve `field`; `None` when that depends on more than the field itself
    /// (fields added to implementations by an `@interfaceObject`).
    fn resolvers(&self, ty: &MType, field: &MField) -> Option<HashSet<usize>> {
        if field.join_fields.is_empty() {
            return Some(
                ty.join_types
                    .iter()
                    .filter_map(|j| self.graph_index.get(j.graph.as_str()).copied())
                    .collect(),
            );
        }
        let mut resolvers = HashSet::new();
        for join in &field.join_fields {
            let graph = self.graph_index.get(join.graph.as_deref()?).copied()?;
            let provided =
                join.external && self.subgraphs[graph].is_provided(&ty.name, &field.name);
            if (!join.external && !join.used_overridden) || provided {
                resolvers.insert(graph);
            }
        }
        Some(resolvers)
    }

    /// Subgraphs reachable from `graph` by `@key` jumps on `ty`, `graph` included.
    fn jump_closure(&self, ty: &MType, graph: usize) -> HashSet<usize> {
        let mut seen = HashSet::from([graph]);
        let mut queue = VecDeque::from([graph]);
        while let Some(from) = queue.pop_front() {
            for to in self.jumps(ty, from) {
                if seen.insert(to) {
                    queue.push_back(to);
                }
            }
        }
        seen
    }

    /// Direct jumps: a resolvable key of `ty` in another subgraph whose top-level fields the
    /// `from` subgraph has.
    fn jumps(&self, ty: &MType, from: usize) -> Vec<usize> {
        let subgraph = &self.subgraphs[from];
        let Some(local) = subgraph.types.get(&ty.name) else {
            return Vec::new();
        };
        ty.join_types
            .iter()
            .filter(|j| j.resolvable)
            .filter_map(|j| {
                let to = *self.graph_index.get(j.graph.as_str())?;
                let key = j.key.as_deref()?;
                let selections = fieldset::parse(key).ok()?;
                let has_all = selections.iter().all(|s| match s {
                    Selection::Field { name, .. } => local.fields.contains_key(name),
                    Selection::Fragment { .. } => false,
                });
                (to != from && has_all).then_some(to)
            })
            .collect()
    }

    fn satisfiable(&self, ty: &MType, field: &MField, graph: usize) -> bool {
        let Some(resolvers) = self.resolvers(ty, field) else {
            return true;
        };
        if resolvers.contains(&graph) || !self.jump_closure(ty, graph).is_disjoint(&resolvers) {
            return true;
        }
        if ty.kind == Kind::Interface {
            // `{ i { f } }` can also be answered per implementation, with type conditions.
            let implementations: Vec<&MType> = self.subgraphs[graph]
                .implementations(&ty.name)
                .filter_map(|t| self.types.get(&t.name))
                .collect();
            return implementations.iter().all(|implementation| {
                implementation
                    .fields
                    .get(&field.name)
                    .is_none_or(|f| self.satisfiable(implementation, f, graph))
            });
        }
        false
    }

    /// Every `(type, subgraph)` a query can be in: from the roots, along resolvable fields,
    /// into possible runtime types, and across key jumps.
    fn reachable(&self) -> HashSet<(String, usize)> {
        let mut seen: HashSet<(String, usize)> = HashSet::new();
        let mut queue: VecDeque<(String, usize)> = VecDeque::new();
        for root in ROOTS {
            if let Some(ty) = self.types.get(root) {
                for join in &ty.join_types {
                    if let Some(graph) = self.graph_index.get(join.graph.as_str()) {
                        queue.push_back((root.to_owned(), *graph));
                    }
                }
            }
        }
        while let Some((name, graph)) = queue.pop_front() {
            if !seen.insert((name.clone(), graph)) {
                continue;
            }
            let Some(ty) = self.types.get(&name) else {
                continue;
            };
            for field in ty.fields.values() {
                let reaches = self.resolvers(ty, field).is_none_or(|r| r.contains(&graph));
                let base = field.ty.inner_named_type().as_str();
                if reaches && self.types.get(base).is_some_and(|t| t.kind.is_composite()) {
                    queue.push_back((base.to_owned(), graph));
                }
            }
            for to in self.jumps(ty, graph) {
                queue.push_back((name.clone(), to));
            }
            if let Some(local) = self.subgraphs[graph].types.get(&name) {
                let runtime: Vec<String> = match ty.kind {
                    Kind::Union => local.members.clone(),
                    Kind::Interface => self.subgraphs[graph]
                        .implementations(&name)
                        .map(|t| t.name.clone())
                        .collect(),
                    _ => Vec::new(),
                };
                queue.extend(runtime.into_iter().map(|t| (t, graph)));
            }
        }
        seen
    }
}
