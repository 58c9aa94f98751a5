//! The immutable federation model the planner queries: for every type, the graphs that define
//! it and their keys; for every field, the graphs that can resolve it and under which
//! conditions (`@requires`, `@provides`, `@external`, `@override`, `@fromContext`).

use std::sync::Arc;

use apollo_compiler::Name;
use apollo_compiler::ast::Type;
use apollo_compiler::executable::SelectionSet;
use indexmap::IndexMap;

use super::ids::{FieldId, SubgraphId, TypeId};

/// A subgraph as the supergraph names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubgraphInfo {
    /// The name given at composition (`users`); used in plans, logs and configuration.
    pub name: String,
    /// The routing URL recorded at composition; configuration may override it.
    pub url: String,
    /// The `join__Graph` enum value (`USERS`) the join directives refer to.
    pub enum_value: Name,
}

/// The kind of a named type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    Scalar,
    Object,
    Interface,
    Union,
    Enum,
    InputObject,
}

impl TypeKind {
    /// Interfaces and unions: the runtime type must be asked for.
    pub fn is_abstract(self) -> bool {
        matches!(self, TypeKind::Interface | TypeKind::Union)
    }

    /// Objects, interfaces and unions: selections are made on them.
    pub fn is_composite(self) -> bool {
        matches!(
            self,
            TypeKind::Object | TypeKind::Interface | TypeKind::Union
        )
    }
}

/// A `@key` of an entity in one graph.
#[derive(Debug, Clone)]
pub struct Key {
    /// The field set as written (`"id sku"`), for display.
    pub text: String,
    /// The parsed field set, validated against the supergraph on the entity type.
    pub selection: Arc<SelectionSet>,
    /// `false` for `@key(resolvable: false)`: the graph can refer to the entity but not fetch it.
    pub resolvable: bool,
}

/// A type as one graph defines it (one or more `@join__type` with the same graph).
#[derive(Debug, Clone)]
pub struct TypeInGraph {
    pub graph: SubgraphId,
    pub keys: Vec<Key>,
    /// `extension: true`: the graph extends a type owned elsewhere (Federation 1 `extend type`).
    pub extension: bool,
    /// The graph sees this interface as an object type (`@interfaceObject`): it knows the keys
    /// but not the concrete type.
    pub is_interface_object: bool,
}

impl TypeInGraph {
    /// Keys through which this graph can be asked for the entity.
    pub fn resolvable_keys(&self) -> impl Iterator<Item = &Key> {
        self.keys.iter().filter(|k| k.resolvable)
    }
}

/// A named type of the supergraph.
#[derive(Debug, Clone)]
pub struct TypeInfo {
    pub name: Name,
    pub kind: TypeKind,
    /// Graphs that define the type, in `join__Graph` order.
    pub graphs: Vec<TypeInGraph>,
    /// Fields of objects and interfaces, in declaration order.
    pub fields: IndexMap<Name, FieldId>,
    /// `@join__implements`: (graph, interface) pairs, so a graph is only asked about the
    /// implementations it knows.
    pub implements: Vec<(SubgraphId, TypeId)>,
    /// `@join__unionMember`: (graph, member).
    pub union_members: Vec<(SubgraphId, TypeId)>,
    /// Enum values with the graphs that define each (`@join__enumValue`).
    pub enum_values: Vec<(Name, Vec<SubgraphId>)>,
    /// Concrete object types a value of this type may have (itself for objects).
    pub possible_types: Vec<TypeId>,
    /// Context names (`@context(name:)`) this type sets for `@fromContext` arguments below it.
    pub contexts: Vec<String>,
    /// Hidden from clients by `@inaccessible`.
    pub inaccessible: bool,
}

impl TypeInfo {
    /// The graph's view of this type, if the graph defines it.
    pub fn in_graph(&self, graph: SubgraphId) -> Option<&TypeInGraph> {
        self.graphs.iter().find(|g| g.graph == graph)
    }

    pub fn is_entity(&self) -> bool {
        self.graphs.iter().any(|g| !g.keys.is_empty())
    }
}

/// A `@fromContext` argument recorded by `@join__field(contextArguments:)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextArgument {
    /// The argument's name in the subgraph.
    pub name: String,
    /// The argument's type in the subgraph (`String!`).
    pub ty: String,
    /// The context's supergraph name (`subgraph__name`).
    pub context: String,
    /// The selection on the context type that gives the value (`{ currency }`).
    pub selection: String,
}

/// One graph's `@join__field` on a field (or the implicit entry when there is none).
#[derive(Debug, Clone)]
pub struct FieldInGraph {
    pub graph: SubgraphId,
    /// The graph declares the field `@external`: it cannot resolve it except through
    /// `@provides` or as key input.
    pub external: bool,
    /// Another graph took the field over with `@override`: not resolved from here.
    pub used_overridden: bool,
    /// `@requires`: parsed on the parent type.
    pub requires: Option<Arc<SelectionSet>>,
    /// The `@requires` text, for display.
    pub requires_text: Option<String>,
    /// `@provides`: parsed on the field's named type.
    pub provides: Option<Arc<SelectionSet>>,
    /// The field's type in this graph when it differs from the supergraph's.
    pub ty: Option<Type>,
    /// `@override(from:)`: the graph this one took the field from.
    pub override_from: Option<String>,
    /// `@override(label:)`: progressive override. On the overriding graph's entry the field
    /// resolves here only when the label is enabled; on the overridden graph's entry (which
    /// carries the same label but no `override_from`) only when it is not.
    pub override_label: Option<String>,
    pub context_arguments: Vec<ContextArgument>,
}

impl FieldInGraph {
    /// Whether this graph resolves the field for clients, given the enabled override labels.
    pub fn resolves(&self, label_enabled: impl Fn(&str) -> bool) -> bool {
        if self.external || self.used_overridden {
            return false;
        }
        match (&self.override_label, &self.override_from) {
            (Some(label), Some(_)) => label_enabled(label),
            (Some(label), None) => !label_enabled(label),
            (None, _) => true,
        }
    }
}

/// A field of an object or interface type.
#[derive(Debug, Clone)]
pub struct FieldInfo {
    pub parent: TypeId,
    pub name: Name,
    /// The supergraph type.
    pub ty: Type,
    /// The field's named type, resolved.
    pub named_type: TypeId,
    /// Per graph that declares the field. Fields without `@join__field` get one implicit entry
    /// per graph of their parent type (Federation 1: the owner graph).
    pub graphs: Vec<FieldInGraph>,
    /// Hidden from clients by `@inaccessible`.
    pub inaccessible: bool,
}

impl FieldInfo {
    pub fn in_graph(&self, graph: SubgraphId) -> Option<&FieldInGraph> {
        self.graphs.iter().find(|g| g.graph == graph)
    }
}
