//! Merging subgraph models into the supergraph model, with the `join` bookkeeping.
//!
//! The rules follow Apollo's composition (its `merge` phase), so the supergraph means the same
//! to any router: output types merged by union, inputs and input-only enums by intersection,
//! field types widened to the most general compatible type with `@join__field(type:)` keeping
//! each subgraph's own, `@shareable` enforced, `@override` turned into `override` /
//! `usedOverridden` / `overrideLabel`, and `@interfaceObject` into `isInterfaceObject`.

use std::collections::{HashMap, HashSet};

use apollo_compiler::Node;
use apollo_compiler::ast;
use indexmap::IndexMap;

use super::error::{Conflict, ConflictCode};
use super::fieldset;
use super::subgraph::{self, Applied, Field, InputValue, Kind, Subgraph, Type};

#[derive(Debug)]
pub(super) struct Supergraph {
    /// `(enum value, name, url)` per subgraph, in subgraph order.
    pub(super) graphs: Vec<(String, String, String)>,
    pub(super) types: IndexMap<String, MType>,
    /// Custom executable directives every subgraph defines.
    pub(super) directives: Vec<MDirective>,
}

#[derive(Debug)]
pub(super) struct MDirective {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) args: IndexMap<String, MInput>,
    pub(super) repeatable: bool,
    pub(super) locations: Vec<&'static str>,
}

#[derive(Debug)]
pub(super) struct MType {
    pub(super) name: String,
    pub(super) kind: Kind,
    pub(super) description: Option<String>,
    pub(super) join_types: Vec<JoinType>,
    pub(super) join_implements: Vec<(String, String)>,
    pub(super) implements: Vec<String>,
    pub(super) directives: Vec<Applied>,
    pub(super) fields: IndexMap<String, MField>,
    pub(super) members: Vec<String>,
    pub(super) join_members: Vec<(String, String)>,
    pub(super) values: IndexMap<String, MEnumValue>,
    pub(super) input_fields: IndexMap<String, MInput>,
}

#[derive(Debug)]
pub(super) struct JoinType {
    pub(super) graph: String,
    pub(super) key: Option<String>,
    pub(super) extension: bool,
    pub(super) resolvable: bool,
    pub(super) interface_object: bool,
}

#[derive(Debug, Default, Clone)]
pub(super) struct JoinField {
    /// `None` only for fields copied onto implementations from an `@interfaceObject`.
    pub(super) graph: Option<String>,
    pub(super) requires: Option<String>,
    pub(super) provides: Option<String>,
    pub(super) ty: Option<String>,
    pub(super) external: bool,
    pub(super) override_from: Option<String>,
    pub(super) used_overridden: bool,
    pub(super) override_label: Option<String>,
    pub(super) context_arguments: Vec<ContextArgument>,
}

#[derive(Debug, Clone)]
pub(super) struct ContextArgument {
    pub(super) context: String,
    pub(super) name: String,
    pub(super) ty: String,
    pub(super) selection: String,
}

#[derive(Debug, Clone)]
pub(super) struct MField {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) ty: ast::Type,
    pub(super) args: IndexMap<String, MInput>,
    pub(super) join_fields: Vec<JoinField>,
    pub(super) directives: Vec<Applied>,
}

/// An argument or an input field.
#[derive(Debug, Clone)]
pub(super) struct MInput {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) ty: ast::Type,
    pub(super) default: Option<Node<ast::Value>>,
    pub(super) directives: Vec<Applied>,
    pub(super) join_fields: Vec<JoinField>,
}

#[derive(Debug)]
pub(super) struct MEnumValue {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) directives: Vec<Applied>,
    pub(super) graphs: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Input,
    Output,
    Both,
}

/// Per-subgraph override state of one field, like Apollo's `FieldMergeContext`.
#[derive(Debug, Default, Clone)]
struct OverrideState {
    used_overridden: bool,
    unused_overridden: bool,
    label: Option<String>,
}

struct Merger<'a> {
    subgraphs: &'a [Subgraph],
    conflicts: &'a mut Vec<Conflict>,
    /// Supergraph kind of every type, decided before merging.
    kinds: IndexMap<String, Kind>,
    /// Merged `implements` per type and members per union, for subtype checks.
    implements: HashMap<String, Vec<String>>,
    members: HashMap<String, Vec<String>>,
    enum_usage: HashMap<String, Position>,
}

pub(super) fn merge(subgraphs: &[Subgraph], conflicts: &mut Vec<Conflict>) -> Supergraph {
    let mut merger = Merger {
        subgraphs,
        conflicts,
        kinds: IndexMap::new(),
        implements: HashMap::new(),
        members: HashMap::new(),
        enum_usage: HashMap::new(),
    };
    merger.collect_kinds();
    let mut types: IndexMap<String, MType> = IndexMap::new();
    let names: Vec<(String, Kind)> = merger.kinds.iter().map(|(n, k)| (n.clone(), *k)).collect();
    for (name, kind) in &names {
        types.insert(name.clone(), merger.shallow(name, *kind));
    }
    // Order as Apollo: unions, scalars, inputs, interfaces, objects, then enums (once every
    // use of each enum, as input or output, is known).
    for phase in [
        Kind::Union,
        Kind::Scalar,
        Kind::Input,
        Kind::Interface,
        Kind::Object,
        Kind::Enum,
    ] {
        for (name, kind) in names.iter().filter(|(_, k)| *k == phase) {
            if let Some(ty) = types.get_mut(name) {
                merger.merge_type(ty, *kind);
            }
        }
    }
    types.retain(|name, ty| {
        let empty_object = ty.kind == Kind::Object && ty.fields.is_empty() && name != "Query";
        let empty_input = ty.kind == Kind::Input && ty.input_fields.is_empty();
        !(empty_object || empty_input)
    });
    if types.get("Query").is_none_or(|q| q.fields.is_empty()) {
        merger.conflicts.push(Conflict::new(
            ConflictCode::NoQueries,
            "No queries found in any subgraph: a supergraph must have a query root type",
        ));
    }
    let directives = merger.merge_executable_directives();
    add_interface_object_fields_to_implementations(subgraphs, &mut types);
    validate_inaccessible(&types, merger.conflicts);
    Supergraph {
        graphs: subgraphs
            .iter()
            .map(|s| (s.graph.clone(), s.name.clone(), s.url.clone()))
            .collect(),
        types,
        directives,
    }
}

/// Kind of a subgraph type as the supergraph sees it: an `@interfaceObject` is an interface.
fn supergraph_kind(ty: &Type) -> Kind {
    if ty.interface_object {
        Kind::Interface
    } else {
        ty.kind
    }
}

fn subgraph_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.as_slice() {
        [one] => format!("subgraph {one}"),
        [init @ .., last] => format!("subgraphs {} and {last}", init.join(", ")),
        [] => "no subgraph".to_owned(),
    }
}

impl<'a> Merger<'a> {
    fn conflict(&mut self, code: ConflictCode, message: String) {
        self.conflicts.push(Conflict::new(code, message));
    }

    fn collect_kinds(&mut self) {
        let mut mismatched: Vec<String> = Vec::new();
        let mut interface_objects: Vec<String> = Vec::new();
        for subgraph in self.subgraphs {
            for ty in subgraph.types.values() {
                let kind = supergraph_kind(ty);
                if ty.interface_object && !interface_objects.contains(&ty.name) {
                    interface_objects.push(ty.name.clone());
                }
                match self.kinds.get(&ty.name) {
                    None => {
                        self.kinds.insert(ty.name.clone(), kind);
                    }
                    Some(previous) if *previous != kind => {
                        if !mismatched.contains(&ty.name) {
                            mismatched.push(ty.name.clone());
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        for name in mismatched {
            let described: Vec<String> = self
                .subgraphs
                .iter()
                .filter_map(|s| {
                    s.types.get(&name).map(|t| {
                        let kind = if t.interface_object {
                            "Interface Object Type (Object Type with @interfaceObject)"
                        } else {
                            t.kind.describe()
                        };
                        format!("{kind} in subgraph \"{}\"", s.name)
                    })
                })
                .collect();
            self.conflict(
                ConflictCode::TypeKindMismatch,
                format!(
                    "Type \"{name}\" has mismatched kind: it is defined as {}",
                    described.join(" but ")
                ),
            );
        }
        for name in interface_objects {
            let defined_as_interface = self.subgraphs.iter().any(|s| {
                s.types
                    .get(&name)
                    .is_some_and(|t| t.kind == Kind::Interface)
            });
            if !defined_as_interface {
                let names: Vec<&str> = self
                    .subgraphs
                    .iter()
                    .filter(|s| s.types.contains_key(&name))
                    .map(|s| s.name.as_str())
                    .collect();
                self.conflict(
                    ConflictCode::InterfaceObjectUsageError,
                    format!(
                        "Type \"{name}\" is declared with @interfaceObject in all the subgraphs in which it is defined (it is defined in {} but should be defined as an interface in at least one subgraph)",
                        subgraph_list(&names)
                    ),
                );
            }
        }
        // Merged implements and union members, needed to compare field types.
        for (name, kind) in &self.kinds {
            let mut implements: Vec<String> = Vec::new();
            let mut members: Vec<String> = Vec::new();
            for subgraph in self.subgraphs {
                if let Some(ty) = subgraph
                    .types
                    .get(name)
                    .filter(|t| supergraph_kind(t) == *kind)
                {
                    for i in &ty.implements {
                        if !implements.contains(i) {
                            implements.push(i.clone());
                        }
                    }
                    for m in &ty.members {
                        if !members.contains(m) {
                            members.push(m.clone());
                        }
                    }
                }
            }
            self.implements.insert(name.clone(), implements);
            self.members.insert(name.clone(), members);
        }
    }

    /// `(subgraph index, type)` for every subgraph defining `name` with the supergraph kind.
    fn sources(&self, name: &str, kind: Kind) -> Vec<(usize, &'a Type)> {
        let subgraphs: &'a [Subgraph] = self.subgraphs;
        subgraphs
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.types.get(name).map(|t| (i, t)))
            .filter(|(_, t)| supergraph_kind(t) == kind)
            .collect()
    }

    fn shallow(&self, name: &str, kind: Kind) -> MType {
        MType {
            name: name.to_owned(),
            kind,
            description: None,
            join_types: Vec::new(),
            join_implements: Vec::new(),
            implements: Vec::new(),
            directives: Vec::new(),
            fields: IndexMap::new(),
            members: Vec::new(),
            join_members: Vec::new(),
            values: IndexMap::new(),
            input_fields: IndexMap::new(),
        }
    }

    fn merge_type(&mut self, dest: &mut MType, kind: Kind) {
        let sources = self.sources(&dest.name, kind);
        let name = dest.name.clone();
        if !subgraph::ROOTS.contains(&name.as_str())
            && sources
                .iter()
                .all(|(_, t)| t.has_extension && !t.has_definition)
            && sources.iter().any(|(i, _)| self.subgraphs[*i].fed2)
        {
            for (i, _) in &sources {
                self.conflict(
                    ConflictCode::ExtensionWithNoBase,
                    format!(
                        "[{}] Type \"{name}\" is an extension type, but there is no type definition for \"{name}\" in any subgraph",
                        self.subgraphs[*i].name
                    ),
                );
            }
        }
        dest.description = merge_description(sources.iter().map(|(_, t)| t.description.as_deref()));
        for (i, ty) in &sources {
            let subgraph = &self.subgraphs[*i];
            if ty.keys.is_empty() {
                dest.join_types.push(JoinType {
                    graph: subgraph.graph.clone(),
                    key: None,
                    extension: false,
                    resolvable: true,
                    interface_object: ty.interface_object,
                });
            }
            for key in &ty.keys {
                dest.join_types.push(JoinType {
                    graph: subgraph.graph.clone(),
                    key: Some(key.fields.clone()),
                    extension: subgraph.fed2 && (key.on_extension || ty.extends),
                    resolvable: key.resolvable,
                    interface_object: ty.interface_object,
                });
            }
        }
        if name == "Query" {
            // Every subgraph has a query root (it serves `_service` and `_entities`).
            let present: HashSet<&str> = dest.join_types.iter().map(|j| j.graph.as_str()).collect();
            let missing: Vec<JoinType> = self
                .subgraphs
                .iter()
                .filter(|s| !present.contains(s.graph.as_str()))
                .map(|s| JoinType {
                    graph: s.graph.clone(),
                    key: None,
                    extension: false,
                    resolvable: true,
                    interface_object: false,
                })
                .collect();
            dest.join_types.extend(missing);
        }
        dest.directives = merge_directives(sources.iter().map(|(_, t)| t.directives.as_slice()));
        for (i, ty) in &sources {
            for context in &ty.contexts {
                let value = format!("{}__{context}", self.subgraphs[*i].name);
                dest.directives.push(Applied {
                    name: "context".to_owned(),
                    args: vec![("name".to_owned(), Node::new(ast::Value::String(value)))],
                });
            }
        }
        if matches!(kind, Kind::Object | Kind::Interface) {
            for (i, ty) in &sources {
                for interface in &ty.implements {
                    dest.join_implements
                        .push((self.subgraphs[*i].graph.clone(), interface.clone()));
                    if !dest.implements.contains(interface) {
                        dest.implements.push(interface.clone());
                    }
                }
            }
        }
        match kind {
            Kind::Scalar => {}
            Kind::Object | Kind::Interface => self.merge_fields(dest, &sources),
            Kind::Union => self.merge_union(dest, &sources),
            Kind::Enum => self.merge_enum(dest, &sources),
            Kind::Input => self.merge_input(dest, &sources),
        }
    }

    fn merge_union(&mut self, dest: &mut MType, sources: &[(usize, &Type)]) {
        for (_, ty) in sources {
            for member in &ty.members {
                if !dest.members.contains(member) {
                    dest.members.push(member.clone());
                }
            }
        }
        for member in &dest.members {
            for (i, ty) in sources {
                if ty.members.contains(member) {
                    dest.join_members
                        .push((self.subgraphs[*i].graph.clone(), member.clone()));
                }
            }
        }
    }

    fn merge_enum(&mut self, dest: &mut MType, sources: &[(usize, &Type)]) {
        let position = self
            .enum_usage
            .get(&dest.name)
            .copied()
            .unwrap_or(Position::Output);
        let mut names: Vec<&str> = Vec::new();
        for (_, ty) in sources {
            for value in ty.values.keys() {
                if !names.contains(&value.as_str()) {
                    names.push(value);
                }
            }
        }
        for value in names {
            let present: Vec<(usize, &subgraph::EnumValue)> = sources
                .iter()
                .filter_map(|(i, t)| t.values.get(value).map(|v| (*i, v)))
                .collect();
            let merged = MEnumValue {
                name: value.to_owned(),
                description: merge_description(
                    present.iter().map(|(_, v)| v.description.as_deref()),
                ),
                directives: merge_directives(present.iter().map(|(_, v)| v.directives.as_slice())),
                graphs: present
                    .iter()
                    .map(|(i, _)| self.subgraphs[*i].graph.clone())
                    .collect(),
            };
            let inaccessible = subgraph::has(&merged.directives, "inaccessible");
            let missing: Vec<&str> = sources
                .iter()
                .filter(|(_, t)| !t.values.contains_key(value))
                .map(|(i, _)| self.subgraphs[*i].name.as_str())
                .collect();
            if !inaccessible && position != Position::Output && !missing.is_empty() {
                if position == Position::Both {
                    let defined: Vec<&str> = present
                        .iter()
                        .map(|(i, _)| self.subgraphs[*i].name.as_str())
                        .collect();
                    let message = format!(
                        "Enum type \"{}\" is used as both input type and output type, but value \"{value}\" is not defined in all the subgraphs defining \"{}\": \"{value}\" is defined in {} but not in {}",
                        dest.name,
                        dest.name,
                        subgraph_list(&defined),
                        subgraph_list(&missing)
                    );
                    self.conflict(ConflictCode::EnumValueMismatch, message);
                } else {
                    continue;
                }
            }
            dest.values.insert(value.to_owned(), merged);
        }
        if dest.values.is_empty() {
            self.conflict(
                ConflictCode::EmptyMergedEnumType,
                format!(
                    "None of the values of enum type \"{}\" are defined consistently in all the subgraphs defining that type. As only values common to all subgraphs are merged, this would result in an empty type",
                    dest.name
                ),
            );
        }
    }

    fn merge_input(&mut self, dest: &mut MType, sources: &[(usize, &Type)]) {
        let mut names: Vec<&str> = Vec::new();
        for (_, ty) in sources {
            for field in ty.input_fields.keys() {
                if !names.contains(&field.as_str()) {
                    names.push(field);
                }
            }
        }
        for name in names {
            let all: Vec<(usize, Option<&InputValue>)> = sources
                .iter()
                .map(|(i, t)| (*i, t.input_fields.get(name)))
                .collect();
            let present: Vec<(usize, &InputValue)> =
                all.iter().filter_map(|(i, f)| f.map(|f| (*i, f))).collect();
            let coordinate = format!("{}.{name}", dest.name);
            let Some(mut merged) = self.merge_input_value(&coordinate, &present, false) else {
                continue;
            };
            if !merged.1 || present.len() < all.len() {
                merged.0.join_fields = present
                    .iter()
                    .map(|(i, f)| JoinField {
                        graph: Some(self.subgraphs[*i].graph.clone()),
                        ty: (!merged.1).then(|| f.ty.to_string()),
                        ..JoinField::default()
                    })
                    .collect();
            }
            let inaccessible = subgraph::has(&merged.0.directives, "inaccessible");
            if !inaccessible && present.len() < all.len() {
                let required: Vec<&str> = present
                    .iter()
                    .filter(|(_, f)| f.ty.is_non_null() && f.default.is_none())
                    .map(|(i, _)| self.subgraphs[*i].name.as_str())
                    .collect();
                if !required.is_empty() {
                    let missing: Vec<&str> = all
                        .iter()
                        .filter(|(_, f)| f.is_none())
                        .map(|(i, _)| self.subgraphs[*i].name.as_str())
                        .collect();
                    self.conflict(
                        ConflictCode::RequiredInputFieldMissingInSomeSubgraph,
                        format!(
                            "Input object field \"{coordinate}\" is required in some subgraphs but does not appear in all subgraphs: it is required in {} but does not appear in {}",
                            subgraph_list(&required),
                            subgraph_list(&missing)
                        ),
                    );
                }
                continue;
            }
            dest.input_fields.insert(name.to_owned(), merged.0);
        }
        if dest.input_fields.is_empty() {
            let names: Vec<&str> = sources
                .iter()
                .map(|(i, _)| self.subgraphs[*i].name.as_str())
                .collect();
            self.conflict(
                ConflictCode::EmptyMergedInputType,
                format!(
                    "None of the fields of input object type \"{}\" are consistently defined in all the subgraphs defining that type ({}). As only fields common to all subgraphs are merged, this would result in an empty type",
                    dest.name,
                    subgraph_list(&names)
                ),
            );
        }
    }

    /// Merges an argument or input field present in `present`; returns it and whether all
    /// subgraph types were equal.
    fn merge_input_value(
        &mut self,
        coordinate: &str,
        present: &[(usize, &InputValue)],
        is_argument: bool,
    ) -> Option<(MInput, bool)> {
        let (_, first) = present.first()?;
        let types: Vec<(usize, &ast::Type)> = present.iter().map(|(i, v)| (*i, &v.ty)).collect();
        let (ty, all_equal) = self.merge_type_reference(coordinate, &types, true, is_argument);
        self.default_value(coordinate, present, is_argument)
            .map(|default| {
                (
                    MInput {
                        name: first.name.clone(),
                        description: merge_description(
                            present.iter().map(|(_, v)| v.description.as_deref()),
                        ),
                        ty,
                        default,
                        directives: merge_directives(
                            present.iter().map(|(_, v)| v.directives.as_slice()),
                        ),
                        join_fields: Vec::new(),
                    },
                    all_equal,
                )
            })
    }

    /// The merged default value (Apollo's rules: kept when consistent; conflicting defaults are
    /// an error).
    fn default_value(
        &mut self,
        coordinate: &str,
        present: &[(usize, &InputValue)],
        is_argument: bool,
    ) -> Option<Option<Node<ast::Value>>> {
        let mut dest: Option<&Node<ast::Value>> = None;
        let mut seen = false;
        let mut inconsistent = false;
        let mut incompatible = false;
        for (_, v) in present {
            match (dest, &v.default) {
                (None, default) => {
                    if seen && default.is_some() {
                        inconsistent = true;
                    }
                    dest = default.as_ref();
                }
                (Some(d), Some(s)) if d.as_ref() == s.as_ref() => {}
                (Some(_), other) => {
                    inconsistent = true;
                    if other.is_some() {
                        incompatible = true;
                    }
                }
            }
            seen = true;
        }
        if incompatible {
            let described: Vec<String> = present
                .iter()
                .map(|(i, v)| match &v.default {
                    Some(d) => format!(
                        "default value {d} in subgraph \"{}\"",
                        self.subgraphs[*i].name
                    ),
                    None => format!(
                        "no default value in subgraph \"{}\"",
                        self.subgraphs[*i].name
                    ),
                })
                .collect();
            let (code, kind) = if is_argument {
                (ConflictCode::ArgumentDefaultMismatch, "Argument")
            } else {
                (ConflictCode::InputFieldDefaultMismatch, "Input field")
            };
            self.conflict(
                code,
                format!(
                    "{kind} \"{coordinate}\" has incompatible default values across subgraphs: it has {}",
                    described.join(" and ")
                ),
            );
        }
        Some(if !inconsistent || incompatible {
            dest.cloned()
        } else {
            None
        })
    }

    /// Merges the types of one element across subgraphs; output positions take the most
    /// general type, input positions the most specific. Returns the type and whether every
    /// subgraph had the same one.
    fn merge_type_reference(
        &mut self,
        coordinate: &str,
        types: &[(usize, &ast::Type)],
        input: bool,
        is_argument: bool,
    ) -> (ast::Type, bool) {
        let mut dest: Option<&ast::Type> = None;
        let mut has_subtypes = false;
        let mut incompatible = false;
        for (_, ty) in types {
            match dest {
                None => dest = Some(ty),
                Some(d) if d == *ty => {}
                Some(d) if self.is_strict_subtype(d, ty) => {
                    has_subtypes = true;
                    if input {
                        dest = Some(ty);
                    }
                }
                Some(d) if self.is_strict_subtype(ty, d) => {
                    has_subtypes = true;
                    if !input {
                        dest = Some(ty);
                    }
                }
                Some(_) => incompatible = true,
            }
        }
        let Some(merged) = dest.cloned() else {
            return (
                ast::Type::Named(apollo_compiler::Name::new_static_unchecked("String")),
                false,
            );
        };
        let base = merged.inner_named_type().to_string();
        if self.kinds.get(&base) == Some(&Kind::Enum) {
            let this = if input {
                Position::Input
            } else {
                Position::Output
            };
            let position = match self.enum_usage.get(&base) {
                Some(p) if *p != this => Position::Both,
                _ => this,
            };
            self.enum_usage.insert(base, position);
        }
        if incompatible {
            let described: Vec<String> = types
                .iter()
                .map(|(i, t)| format!("type \"{t}\" in subgraph \"{}\"", self.subgraphs[*i].name))
                .collect();
            let (code, kind) = if is_argument {
                (ConflictCode::ArgumentTypeMismatch, "argument")
            } else {
                (ConflictCode::FieldTypeMismatch, "field")
            };
            self.conflict(
                code,
                format!(
                    "Type of {kind} \"{coordinate}\" is incompatible across subgraphs: it has {}",
                    described.join(" but ")
                ),
            );
            return (merged, false);
        }
        (merged, !has_subtypes)
    }

    /// Whether `sub` is a strict subtype of `sup` (Apollo's default rules: interface/union
    /// membership, non-null downgrade, propagation through lists and non-null).
    fn is_strict_subtype(&self, sup: &ast::Type, sub: &ast::Type) -> bool {
        use ast::Type as T;
        match (sup, sub) {
            (T::NonNullNamed(a), T::NonNullNamed(b)) | (T::Named(a), T::Named(b)) => {
                self.is_direct_subtype(a, b)
            }
            (T::Named(a), T::NonNullNamed(b)) => a == b || self.is_direct_subtype(a, b),
            (T::List(a), T::List(b)) | (T::NonNullList(a), T::NonNullList(b)) => {
                self.is_strict_subtype(a, b)
            }
            (T::List(a), T::NonNullList(b)) => a == b || self.is_strict_subtype(a, b),
            _ => false,
        }
    }

    fn is_direct_subtype(&self, sup: &str, sub: &str) -> bool {
        self.implements
            .get(sub)
            .is_some_and(|i| i.iter().any(|x| x == sup))
            || self
                .members
                .get(sup)
                .is_some_and(|m| m.iter().any(|x| x == sub))
    }

    fn merge_fields(&mut self, dest: &mut MType, sources: &[(usize, &Type)]) {
        // Root query: every subgraph has it, with or without fields.
        let empty_query;
        let mut sources: Vec<(usize, &Type)> = sources.to_vec();
        if dest.name == "Query" {
            empty_query = Type::empty_query();
            for (i, _) in self.subgraphs.iter().enumerate() {
                if !sources.iter().any(|(j, _)| *j == i) {
                    sources.push((i, &empty_query));
                }
            }
            sources.sort_by_key(|(i, _)| *i);
        }
        if dest.kind == Kind::Interface {
            self.validate_interface(dest, &sources);
        }
        let mut names: Vec<&str> = Vec::new();
        for (_, ty) in &sources {
            for field in ty.fields.keys() {
                if !names.contains(&field.as_str()) {
                    names.push(field);
                }
            }
        }
        for name in names {
            let all: Vec<(usize, &Type, Option<&Field>)> = sources
                .iter()
                .map(|(i, t)| (*i, *t, t.fields.get(name)))
                .collect();
            if let Some(field) = self.merge_field(dest, &all, name) {
                dest.fields.insert(name.to_owned(), field);
            }
        }
    }

    fn validate_interface(&mut self, dest: &MType, sources: &[(usize, &Type)]) {
        let implementations: Vec<String> = self
            .implements
            .iter()
            .filter(|(_, i)| i.contains(&dest.name))
            .map(|(t, _)| t.clone())
            .filter(|t| self.kinds.get(t) == Some(&Kind::Object))
            .collect();
        for (i, ty) in sources {
            let subgraph = &self.subgraphs[*i];
            if ty.interface_object {
                let mut defined: Vec<&str> = implementations
                    .iter()
                    .filter(|t| subgraph.types.contains_key(t.as_str()))
                    .map(|t| t.as_str())
                    .collect();
                defined.sort();
                if !defined.is_empty() {
                    self.conflict(
                        ConflictCode::InterfaceObjectUsageError,
                        format!(
                            "[{}] Interface type \"{}\" is defined as an @interfaceObject in subgraph \"{}\" so that subgraph should not define any of the implementation types of \"{}\", but it defines {}",
                            subgraph.name,
                            dest.name,
                            subgraph.name,
                            dest.name,
                            defined.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
                continue;
            }
            if let Some(key) = ty.keys.iter().find(|k| k.resolvable) {
                let mut missing: Vec<&str> = implementations
                    .iter()
                    .filter(|t| {
                        !subgraph
                            .types
                            .get(t.as_str())
                            .is_some_and(|x| x.implements.contains(&dest.name))
                    })
                    .map(|t| t.as_str())
                    .collect();
                missing.sort();
                if !missing.is_empty() {
                    self.conflict(
                        ConflictCode::InterfaceKeyMissingImplementationType,
                        format!(
                            "[{}] Interface type \"{}\" has a resolvable key (@key(fields: \"{}\")) in subgraph \"{}\" but that subgraph is missing some of the supergraph implementation types of \"{}\". Subgraph \"{}\" should define {} (and have them implement \"{}\")",
                            subgraph.name,
                            dest.name,
                            key.fields,
                            subgraph.name,
                            dest.name,
                            subgraph.name,
                            missing.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", "),
                            dest.name
                        ),
                    );
                }
            }
        }
    }

    fn merge_field(
        &mut self,
        dest: &MType,
        all: &[(usize, &Type, Option<&Field>)],
        name: &str,
    ) -> Option<MField> {
        let coordinate = format!("{}.{name}", dest.name);
        let present: Vec<(usize, &Field)> = all
            .iter()
            .filter_map(|(i, _, f)| f.map(|f| (*i, f)))
            .collect();
        let (_, first) = present.first()?;
        let external: Vec<bool> = present
            .iter()
            .map(|(i, _)| self.subgraphs[*i].is_external(&dest.name, name))
            .collect();
        if external.iter().all(|e| *e) {
            let names: Vec<&str> = present
                .iter()
                .map(|(i, _)| self.subgraphs[*i].name.as_str())
                .collect();
            self.conflict(
                ConflictCode::ExternalMissingOnBase,
                format!(
                    "Field \"{coordinate}\" is marked @external on all the subgraphs in which it is listed ({})",
                    subgraph_list(&names)
                ),
            );
            return None;
        }
        let resolving: Vec<(usize, &Field)> = present
            .iter()
            .zip(&external)
            .filter(|(_, e)| !**e)
            .map(|(p, _)| *p)
            .collect();

        let resolving_args: Vec<(usize, &IndexMap<String, InputValue>)> =
            resolving.iter().map(|(i, f)| (*i, &f.args)).collect();
        let args = self.merge_arguments(&coordinate, &resolving_args);
        let types: Vec<(usize, &ast::Type)> = resolving.iter().map(|(i, f)| (*i, &f.ty)).collect();
        let (ty, all_equal) = self.merge_type_reference(&coordinate, &types, false, false);
        for ((i, field), is_external) in present.iter().zip(&external) {
            if *is_external
                && field.ty != ty
                && (all_equal || !self.is_strict_subtype(&ty, &field.ty))
            {
                self.conflict(
                    ConflictCode::ExternalTypeMismatch,
                    format!(
                        "Type of field \"{coordinate}\" is incompatible across subgraphs (where marked @external): it has type \"{ty}\" in the supergraph but type \"{}\" in subgraph \"{}\"",
                        field.ty, self.subgraphs[*i].name
                    ),
                );
            }
        }
        let overrides = self.validate_override(dest, &coordinate, &present);
        let join_fields = self.join_fields(dest, all, &present, &overrides, all_equal);
        if dest.kind == Kind::Object {
            self.validate_sharing(&coordinate, dest, &present, &overrides);
        }
        Some(MField {
            name: first.name.clone(),
            description: merge_description(resolving.iter().map(|(_, f)| f.description.as_deref())),
            ty,
            args,
            join_fields,
            directives: merge_directives(resolving.iter().map(|(_, f)| f.directives.as_slice())),
        })
    }

    /// Executable directives are kept only when every subgraph defines them, with the
    /// locations they all share (Apollo's rule: a client may then send them anywhere).
    fn merge_executable_directives(&mut self) -> Vec<MDirective> {
        let subgraphs: &'a [Subgraph] = self.subgraphs;
        let Some(first) = subgraphs.first() else {
            return Vec::new();
        };
        let mut merged = Vec::new();
        for name in first.executable_directives.keys() {
            let sources: Vec<(usize, &subgraph::ExecutableDirective)> = subgraphs
                .iter()
                .enumerate()
                .filter_map(|(i, s)| s.executable_directives.get(name).map(|d| (i, d)))
                .collect();
            if sources.len() < subgraphs.len() {
                continue;
            }
            let Some((_, first_source)) = sources.first() else {
                continue;
            };
            let mut locations = first_source.locations.clone();
            for (_, d) in &sources {
                locations.retain(|l| d.locations.contains(l));
            }
            if locations.is_empty() {
                continue;
            }
            let args: Vec<(usize, &IndexMap<String, InputValue>)> =
                sources.iter().map(|(i, d)| (*i, &d.args)).collect();
            merged.push(MDirective {
                name: name.clone(),
                description: merge_description(
                    sources.iter().map(|(_, d)| d.description.as_deref()),
                ),
                args: self.merge_arguments(&format!("@{name}"), &args),
                repeatable: sources.iter().all(|(_, d)| d.repeatable),
                locations,
            });
        }
        merged
    }

    fn merge_arguments(
        &mut self,
        coordinate: &str,
        resolving: &[(usize, &IndexMap<String, InputValue>)],
    ) -> IndexMap<String, MInput> {
        let mut names: Vec<&str> = Vec::new();
        for (_, args) in resolving {
            for arg in args.keys() {
                if !names.contains(&arg.as_str()) {
                    names.push(arg);
                }
            }
        }
        let mut merged = IndexMap::new();
        for name in names {
            let arg_coordinate = format!("{coordinate}({name}:)");
            let present: Vec<(usize, &InputValue)> = resolving
                .iter()
                .filter_map(|(i, args)| args.get(name).map(|a| (*i, a)))
                .collect();
            if present.iter().any(|(_, a)| a.from_context.is_some()) {
                for (i, arg) in &present {
                    if arg.from_context.is_none() && arg.ty.is_non_null() && arg.default.is_none() {
                        self.conflict(
                            ConflictCode::ContextualArgumentNotContextualInAllSubgraphs,
                            format!(
                                "Argument \"{arg_coordinate}\" is contextual in at least one subgraph but in subgraph \"{}\" it does not have @fromContext, is not nullable and has no default value",
                                self.subgraphs[*i].name
                            ),
                        );
                    }
                }
                continue;
            }
            if present.len() < resolving.len() {
                let required: Vec<&str> = present
                    .iter()
                    .filter(|(_, a)| a.ty.is_non_null() && a.default.is_none())
                    .map(|(i, _)| self.subgraphs[*i].name.as_str())
                    .collect();
                if !required.is_empty() {
                    let missing: Vec<&str> = resolving
                        .iter()
                        .filter(|(_, args)| !args.contains_key(name))
                        .map(|(i, _)| self.subgraphs[*i].name.as_str())
                        .collect();
                    self.conflict(
                        ConflictCode::RequiredArgumentMissingInSomeSubgraph,
                        format!(
                            "Argument \"{arg_coordinate}\" is required in some subgraphs but does not appear in all subgraphs: it is required in {} but does not appear in {}",
                            subgraph_list(&required),
                            subgraph_list(&missing)
                        ),
                    );
                }
                continue;
            }
            if let Some((arg, _)) = self.merge_input_value(&arg_coordinate, &present, true) {
                merged.insert(name.to_owned(), arg);
            }
        }
        merged
    }

    fn validate_override(
        &mut self,
        dest: &MType,
        coordinate: &str,
        present: &[(usize, &Field)],
    ) -> HashMap<usize, OverrideState> {
        let mut states: HashMap<usize, OverrideState> = HashMap::new();
        let with_override: Vec<(usize, &Field)> = present
            .iter()
            .filter(|(_, f)| f.override_from.is_some())
            .copied()
            .collect();
        for (idx, field) in &with_override {
            let subgraph = &self.subgraphs[*idx];
            let Some(from) = field.override_from.as_deref() else {
                continue;
            };
            if dest.kind == Kind::Interface {
                let interface_object = subgraph
                    .types
                    .get(&dest.name)
                    .is_some_and(|t| t.interface_object);
                let message = if interface_object {
                    format!(
                        "@override is not yet supported on fields of @interfaceObject types: cannot be used on field \"{coordinate}\" on subgraph \"{}\"",
                        subgraph.name
                    )
                } else {
                    format!(
                        "@override cannot be used on field \"{coordinate}\" on subgraph \"{}\": @override is not supported on interface type fields",
                        subgraph.name
                    )
                };
                let code = if interface_object {
                    ConflictCode::OverrideCollisionWithAnotherDirective
                } else {
                    ConflictCode::OverrideOnInterface
                };
                self.conflict(code, message);
                continue;
            }
            let Some(from_idx) = self.subgraphs.iter().position(|s| s.name == from) else {
                // Apollo only hints here: the field is then simply resolved by both.
                continue;
            };
            if from_idx == *idx {
                self.conflict(
                    ConflictCode::OverrideFromSelfError,
                    format!(
                        "Source and destination subgraphs \"{from}\" are the same for overridden field \"{coordinate}\""
                    ),
                );
                continue;
            }
            if with_override.iter().any(|(i, _)| *i == from_idx) {
                self.conflict(
                    ConflictCode::OverrideSourceHasOverride,
                    format!(
                        "Field \"{coordinate}\" on subgraph \"{}\" is also marked with directive @override in subgraph \"{from}\". Only one @override directive is allowed per field",
                        subgraph.name
                    ),
                );
                continue;
            }
            let Some((_, from_field)) = present.iter().find(|(i, _)| *i == from_idx) else {
                continue;
            };
            let collision = if from_field.requires.is_some() {
                Some(("requires", from))
            } else if from_field.provides.is_some() {
                Some(("provides", from))
            } else if subgraph.is_external(&dest.name, &field.name) {
                Some(("external", subgraph.name.as_str()))
            } else {
                None
            };
            if let Some((directive, on)) = collision {
                self.conflict(
                    ConflictCode::OverrideCollisionWithAnotherDirective,
                    format!(
                        "@override cannot be used on field \"{coordinate}\" on subgraph \"{}\" since \"{coordinate}\" on \"{on}\" is marked with directive \"@{directive}\"",
                        subgraph.name
                    ),
                );
                continue;
            }
            let from_subgraph = &self.subgraphs[from_idx];
            let state = states.entry(from_idx).or_default();
            if from_subgraph.is_external(&dest.name, &field.name) {
                // Nothing to take over.
            } else if from_subgraph.is_used(&dest.name, &field.name) {
                state.used_overridden = true;
            } else {
                state.unused_overridden = true;
            }
            if let Some(label) = &field.override_label {
                if valid_override_label(label) {
                    states.entry(from_idx).or_default().label = Some(label.clone());
                    states.entry(*idx).or_default().label = Some(label.clone());
                } else {
                    self.conflict(
                        ConflictCode::OverrideLabelInvalid,
                        format!(
                            "Invalid @override label \"{label}\" on field \"{coordinate}\" on subgraph \"{}\": labels must start with a letter and after that may contain alphanumerics, underscores, minuses, colons, periods, or slashes. Alternatively, labels may be of the form \"percent(x)\" where x is a float between 0-100 inclusive",
                            subgraph.name
                        ),
                    );
                }
            }
        }
        states
    }

    fn join_fields(
        &self,
        dest: &MType,
        all: &[(usize, &Type, Option<&Field>)],
        present: &[(usize, &Field)],
        overrides: &HashMap<usize, OverrideState>,
        all_equal: bool,
    ) -> Vec<JoinField> {
        let state = |i: usize| overrides.get(&i).cloned().unwrap_or_default();
        let contextual = present
            .iter()
            .any(|(_, f)| f.args.values().any(|a| a.from_context.is_some()));
        let needs = !all_equal
            || overrides
                .values()
                .any(|s| s.used_overridden || s.label.is_some())
            || contextual
            || all.iter().any(|(i, _, field)| match field {
                Some(f) if !state(*i).unused_overridden => {
                    self.subgraphs[*i].is_external(&dest.name, &f.name)
                        || f.requires.is_some()
                        || f.provides.is_some()
                }
                _ => true,
            });
        if !needs {
            return Vec::new();
        }
        present
            .iter()
            .filter(|(i, _)| {
                let s = state(*i);
                !(s.unused_overridden && s.label.is_none())
            })
            .map(|(i, f)| {
                let subgraph = &self.subgraphs[*i];
                let s = state(*i);
                JoinField {
                    graph: Some(subgraph.graph.clone()),
                    requires: f.requires.clone(),
                    provides: f.provides.clone(),
                    ty: (!all_equal).then(|| f.ty.to_string()),
                    external: subgraph.is_external(&dest.name, &f.name),
                    override_from: f.override_from.clone(),
                    used_overridden: s.used_overridden,
                    override_label: s.label,
                    context_arguments: f
                        .args
                        .values()
                        .filter_map(|a| {
                            let (context, selection) =
                                fieldset::parse_context_field(a.from_context.as_deref()?)?;
                            Some(ContextArgument {
                                context: format!("{}__{context}", subgraph.name),
                                name: a.name.clone(),
                                ty: a.ty.to_string(),
                                selection,
                            })
                        })
                        .collect(),
                }
            })
            .collect()
    }

    fn validate_sharing(
        &mut self,
        coordinate: &str,
        dest: &MType,
        present: &[(usize, &Field)],
        overrides: &HashMap<usize, OverrideState>,
    ) {
        let mut resolving: Vec<&str> = Vec::new();
        let mut non_shareable: Vec<&str> = Vec::new();
        for (i, field) in present {
            let subgraph = &self.subgraphs[*i];
            if overrides
                .get(i)
                .is_some_and(|s| s.used_overridden || s.unused_overridden)
            {
                continue;
            }
            if subgraph.is_fully_external(&dest.name, &field.name) {
                continue;
            }
            resolving.push(&subgraph.name);
            if !subgraph.is_shareable(&dest.name, &field.name) {
                non_shareable.push(&subgraph.name);
            }
        }
        if !non_shareable.is_empty() && resolving.len() > 1 {
            let defined = if non_shareable.len() == resolving.len() {
                "all of them".to_owned()
            } else {
                subgraph_list(&non_shareable)
            };
            let message = format!(
                "Non-shareable field \"{coordinate}\" is resolved from multiple subgraphs: it is resolved from {} and defined as non-shareable in {defined}",
                subgraph_list(&resolving)
            );
            self.conflict(ConflictCode::InvalidFieldSharing, message);
        }
    }
}

impl Type {
    fn empty_query() -> Type {
        Type {
            name: "Query".to_owned(),
            kind: Kind::Object,
            description: None,
            has_definition: true,
            has_extension: false,
            extends: false,
            keys: Vec::new(),
            interface_object: false,
            directives: Vec::new(),
            contexts: Vec::new(),
            implements: Vec::new(),
            fields: IndexMap::new(),
            members: Vec::new(),
            values: IndexMap::new(),
            input_fields: IndexMap::new(),
        }
    }
}

/// Apollo's label syntax: `^[a-zA-Z][a-zA-Z0-9_\-:./]*$` or `percent(x)` with 0 ≤ x ≤ 100.
fn valid_override_label(label: &str) -> bool {
    if let Some(inner) = label
        .strip_prefix("percent(")
        .and_then(|r| r.strip_suffix(')'))
    {
        if inner == "100" {
            return true;
        }
        let (whole, fraction) = match inner.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (inner, None),
        };
        let digits = |s: &str, max: usize| {
            !s.is_empty() && s.len() <= max && s.chars().all(|c| c.is_ascii_digit())
        };
        return digits(whole, 2) && fraction.is_none_or(|f| digits(f, 8));
    }
    let mut chars = label.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.' | '/'))
}

/// Apollo's description merge: the only one, the only non-empty one, or the most common.
fn merge_description<'a>(descriptions: impl Iterator<Item = Option<&'a str>>) -> Option<String> {
    let mut distinct: Vec<(&str, i64)> = Vec::new();
    for d in descriptions.flatten() {
        match distinct.iter_mut().find(|(x, _)| *x == d) {
            Some((_, n)) => *n += 1,
            None => distinct.push((d, if d.is_empty() { i64::MIN / 2 } else { 1 })),
        }
    }
    let non_empty: Vec<&str> = distinct
        .iter()
        .map(|(d, _)| *d)
        .filter(|d| !d.is_empty())
        .collect();
    if let [(only, _)] = distinct.as_slice() {
        return Some((*only).to_owned());
    }
    if let [only] = non_empty.as_slice() {
        return Some((*only).to_owned());
    }
    let mut best: Option<(&str, i64)> = None;
    for (d, n) in distinct {
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((d, n));
        }
    }
    best.map(|(d, _)| d.to_owned())
}

/// Merges the kept directive applications of one element across subgraphs.
pub(super) fn merge_directives<'a>(sources: impl Iterator<Item = &'a [Applied]>) -> Vec<Applied> {
    let sources: Vec<&[Applied]> = sources.collect();
    let mut names: Vec<&str> = Vec::new();
    for source in &sources {
        for applied in source.iter() {
            if !names.contains(&applied.name.as_str()) {
                names.push(&applied.name);
            }
        }
    }
    let mut merged = Vec::new();
    for name in names {
        let mut distinct: Vec<(&Applied, usize)> = Vec::new();
        for applied in sources
            .iter()
            .flat_map(|s| s.iter())
            .filter(|a| a.name == name)
        {
            match distinct.iter_mut().find(|(a, _)| a.same_as(applied)) {
                Some((_, n)) => *n += 1,
                None => distinct.push((applied, 1)),
            }
        }
        match name {
            "tag" => merged.extend(distinct.into_iter().map(|(a, _)| a.clone())),
            "inaccessible" | "authenticated" => merged.push(Applied::bare(name)),
            "requiresScopes" | "policy" if distinct.len() > 1 => {
                let argument = if name == "policy" {
                    "policies"
                } else {
                    "scopes"
                };
                merged.push(conjunction(
                    name,
                    argument,
                    distinct.iter().map(|(a, _)| *a),
                ));
            }
            "cost" if distinct.len() > 1 => {
                let heaviest = distinct
                    .iter()
                    .max_by_key(|(a, _)| {
                        a.arg("weight").and_then(|w| w.to_i32()).unwrap_or(i32::MIN)
                    })
                    .map(|(a, _)| (*a).clone());
                merged.extend(heaviest);
            }
            _ => {
                let mut best: Option<(&Applied, usize)> = None;
                for (a, n) in distinct {
                    if best.is_none_or(|(_, m)| n > m) {
                        best = Some((a, n));
                    }
                }
                merged.extend(best.map(|(a, _)| a.clone()));
            }
        }
    }
    merged
}

/// `@requiresScopes`/`@policy` applied with different arguments in several subgraphs: all of
/// them must hold, so the disjunctive normal forms are multiplied out.
fn conjunction<'a>(
    name: &str,
    argument: &str,
    applications: impl Iterator<Item = &'a Applied>,
) -> Applied {
    let mut result: Vec<Vec<String>> = vec![Vec::new()];
    for applied in applications {
        let alternatives: Vec<Vec<String>> = match applied.arg(argument).map(|v| v.as_ref()) {
            Some(ast::Value::List(outer)) => outer
                .iter()
                .map(|inner| match inner.as_ref() {
                    ast::Value::List(items) => items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect(),
                    _ => Vec::new(),
                })
                .collect(),
            _ => continue,
        };
        let mut next: Vec<Vec<String>> = Vec::new();
        for existing in &result {
            for alternative in &alternatives {
                let mut combined = existing.clone();
                for item in alternative {
                    if !combined.contains(item) {
                        combined.push(item.clone());
                    }
                }
                combined.sort();
                if !next.contains(&combined) {
                    next.push(combined);
                }
            }
        }
        result = next;
    }
    let value = ast::Value::List(
        result
            .into_iter()
            .map(|set| {
                Node::new(ast::Value::List(
                    set.into_iter()
                        .map(|s| Node::new(ast::Value::String(s)))
                        .collect(),
                ))
            })
            .collect(),
    );
    Applied {
        name: name.to_owned(),
        args: vec![(argument.to_owned(), Node::new(value))],
    }
}

/// Objects implementing an interface get the fields an `@interfaceObject` adds to it, resolved
/// by no particular graph (`@join__field` without arguments), as Apollo does.
fn add_interface_object_fields_to_implementations(
    subgraphs: &[Subgraph],
    types: &mut IndexMap<String, MType>,
) {
    let mut additions: Vec<(String, MField)> = Vec::new();
    for ty in types.values().filter(|t| t.kind == Kind::Object) {
        for interface in &ty.implements {
            let Some(itf) = types.get(interface) else {
                continue;
            };
            for field in itf.fields.values() {
                if ty.fields.contains_key(&field.name) {
                    continue;
                }
                let provided = subgraphs.iter().any(|s| {
                    s.types.get(interface).is_some_and(|t| {
                        t.interface_object
                            && t.fields.contains_key(&field.name)
                            && !s.is_external(interface, &field.name)
                    })
                });
                if provided {
                    let mut copy = field.clone();
                    copy.join_fields = vec![JoinField::default()];
                    additions.push((ty.name.clone(), copy));
                }
            }
        }
    }
    for (type_name, field) in additions {
        if let Some(ty) = types.get_mut(&type_name) {
            ty.fields.entry(field.name.clone()).or_insert(field);
        }
    }
}

/// The API schema must not reference an `@inaccessible` type from a visible element, and a
/// visible type must keep at least one visible field or value.
fn validate_inaccessible(types: &IndexMap<String, MType>, conflicts: &mut Vec<Conflict>) {
    let hidden = |name: &str| {
        types
            .get(name)
            .is_some_and(|t| subgraph::has(&t.directives, "inaccessible"))
    };
    for ty in types.values() {
        if subgraph::has(&ty.directives, "inaccessible") {
            continue;
        }
        let mut check = |coordinate: String, reference: &ast::Type, directives: &[Applied]| {
            let base = reference.inner_named_type().as_str();
            if !subgraph::has(directives, "inaccessible") && hidden(base) {
                conflicts.push(Conflict::new(
                    ConflictCode::ReferencedInaccessible,
                    format!(
                        "Type \"{base}\" is @inaccessible but is referenced by \"{coordinate}\", which is in the API schema"
                    ),
                ));
            }
        };
        for field in ty.fields.values() {
            check(
                format!("{}.{}", ty.name, field.name),
                &field.ty,
                &field.directives,
            );
            if !subgraph::has(&field.directives, "inaccessible") {
                for arg in field.args.values() {
                    check(
                        format!("{}.{}({}:)", ty.name, field.name, arg.name),
                        &arg.ty,
                        &arg.directives,
                    );
                }
            }
        }
        for field in ty.input_fields.values() {
            check(
                format!("{}.{}", ty.name, field.name),
                &field.ty,
                &field.directives,
            );
        }
        let children: Vec<&[Applied]> = match ty.kind {
            Kind::Object | Kind::Interface => ty
                .fields
                .values()
                .map(|f| f.directives.as_slice())
                .collect(),
            Kind::Input => ty
                .input_fields
                .values()
                .map(|f| f.directives.as_slice())
                .collect(),
            Kind::Enum => ty
                .values
                .values()
                .map(|v| v.directives.as_slice())
                .collect(),
            Kind::Scalar | Kind::Union => Vec::new(),
        };
        if !children.is_empty() && children.iter().all(|d| subgraph::has(d, "inaccessible")) {
            conflicts.push(Conflict::new(
                ConflictCode::OnlyInaccessibleChildren,
                format!(
                    "Type \"{}\" is in the API schema but all of its members are @inaccessible",
                    ty.name
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_labels_follow_apollo_syntax() {
        for ok in [
            "percent(25)",
            "percent(0)",
            "percent(100)",
            "percent(12.5)",
            "canary",
            "a-b:c/d.e_f",
        ] {
            assert!(valid_override_label(ok), "{ok}");
        }
        for bad in [
            "percent(101)",
            "percent(x)",
            "percent(123)",
            "1abc",
            "",
            "a b",
            "percent(1.123456789)",
        ] {
            assert!(!valid_override_label(bad), "{bad}");
        }
    }

    #[test]
    fn descriptions_prefer_the_single_or_most_common_one() {
        assert_eq!(
            merge_description([None, Some("a")].into_iter()),
            Some("a".to_owned())
        );
        assert_eq!(
            merge_description([Some(""), Some("a")].into_iter()),
            Some("a".to_owned())
        );
        assert_eq!(
            merge_description([Some("b"), Some("a"), Some("a")].into_iter()),
            Some("a".to_owned())
        );
        assert_eq!(merge_description([None, None].into_iter()), None);
    }
}
