//! The supergraph: the composed schema with its join annotations, read once into an immutable
//! model the planner queries by dense ids, plus the API schema clients see.
//!
//! # Layout
//! - [`ids`]: `SubgraphId`, `TypeId`, `FieldId`.
//! - [`model`]: what the join directives say, per type and per field.
//! - `link`: `@link`/`@core` resolution, so renamed or imported join elements are found.
//! - `build`: reading the join directives into the model.
//! - `api_schema`: the supergraph minus format specs and `@inaccessible` elements.
//! - [`error`]: the error type, [`SupergraphError`].
//! - [`compose`]: Federation v2 composition of subgraph SDLs into a supergraph SDL.
//!
//! Accepted input: Federation 2 supergraphs with `@link` to join v0.2–v0.5 (Apollo's and
//! Hive's composition output, unchanged) and Federation 1 supergraphs (`@core`, join v0.1,
//! `@join__owner`).

mod api_schema;
mod build;
pub mod compose;
pub mod error;
pub mod ids;
mod link;
pub mod model;

use std::collections::HashMap;

use apollo_compiler::ast::OperationType;
use apollo_compiler::validation::Valid;
use apollo_compiler::{Name, Schema};

pub use error::SupergraphError;
pub use ids::{FieldId, SubgraphId, TypeId};
pub use model::{
    ContextArgument, FieldInGraph, FieldInfo, Key, SubgraphInfo, TypeInGraph, TypeInfo, TypeKind,
};

/// A loaded supergraph. Immutable: share it behind an `Arc` and swap the whole value on reload.
#[derive(Debug)]
pub struct Supergraph {
    schema: Valid<Schema>,
    api_schema: Valid<Schema>,
    join_version: (u32, u32),
    subgraphs: Vec<SubgraphInfo>,
    subgraph_index: HashMap<String, SubgraphId>,
    types: Vec<TypeInfo>,
    type_index: HashMap<Name, TypeId>,
    fields: Vec<FieldInfo>,
    query: TypeId,
    mutation: Option<TypeId>,
    subscription: Option<TypeId>,
}

impl Supergraph {
    /// Parses, validates and models a supergraph SDL, then derives its API schema.
    pub fn parse(sdl: &str) -> Result<Self, SupergraphError> {
        let schema =
            Schema::parse_and_validate(sdl, "supergraph.graphql").map_err(|with_errors| {
                SupergraphError::InvalidSchema(build::first_diagnostic(&with_errors.errors))
            })?;
        let links = link::Links::resolve(&schema)?;
        let model = build::build(&schema, &links)?;
        let api_schema =
            api_schema::derive(&schema, &links, model.inaccessible_directive.as_deref())?;
        let subgraph_index = model
            .subgraphs
            .iter()
            .enumerate()
            .map(|(i, g)| (g.name.clone(), SubgraphId(i as u16)))
            .collect();
        Ok(Self {
            schema,
            api_schema,
            join_version: model.join_version,
            subgraphs: model.subgraphs,
            subgraph_index,
            types: model.types,
            type_index: model.type_index,
            fields: model.fields,
            query: model.query,
            mutation: model.mutation,
            subscription: model.subscription,
        })
    }

    /// The full supergraph schema, join directives included.
    pub fn schema(&self) -> &Valid<Schema> {
        &self.schema
    }

    /// The schema clients see: validation and introspection use this one.
    pub fn api_schema(&self) -> &Valid<Schema> {
        &self.api_schema
    }

    /// The join spec version, `(0, 3)` for join v0.3.
    pub fn join_version(&self) -> (u32, u32) {
        self.join_version
    }

    /// Whether this is a Federation 1 supergraph (join v0.1).
    pub fn is_fed1(&self) -> bool {
        self.join_version == (0, 1)
    }

    pub fn subgraphs(&self) -> &[SubgraphInfo] {
        &self.subgraphs
    }

    pub fn subgraph(&self, id: SubgraphId) -> &SubgraphInfo {
        &self.subgraphs[id.index()]
    }

    pub fn subgraph_id(&self, name: &str) -> Option<SubgraphId> {
        self.subgraph_index.get(name).copied()
    }

    pub fn subgraph_ids(&self) -> impl Iterator<Item = SubgraphId> + '_ {
        (0..self.subgraphs.len()).map(|i| SubgraphId(i as u16))
    }

    pub fn type_id(&self, name: &str) -> Option<TypeId> {
        self.type_index.get(name).copied()
    }

    pub fn type_info(&self, id: TypeId) -> &TypeInfo {
        &self.types[id.index()]
    }

    /// Every modelled type, indexable by [`TypeId::index`].
    pub fn types(&self) -> &[TypeInfo] {
        &self.types
    }

    pub fn field(&self, id: FieldId) -> &FieldInfo {
        &self.fields[id.index()]
    }

    pub fn field_id(&self, ty: TypeId, name: &str) -> Option<FieldId> {
        self.types[ty.index()].fields.get(name).copied()
    }

    /// The root type of an operation type, if the supergraph has one.
    pub fn root_type(&self, operation: OperationType) -> Option<TypeId> {
        match operation {
            OperationType::Query => Some(self.query),
            OperationType::Mutation => self.mutation,
            OperationType::Subscription => self.subscription,
        }
    }

    /// Whether `graph` defines type `ty`.
    pub fn type_in_graph(&self, ty: TypeId, graph: SubgraphId) -> bool {
        self.types[ty.index()].in_graph(graph).is_some()
    }

    /// Every progressive `@override` label (`@join__field(overrideLabel:)`), sorted, once each.
    pub fn override_labels(&self) -> Vec<String> {
        let mut labels: Vec<String> = self
            .fields
            .iter()
            .flat_map(|f| f.graphs.iter().filter_map(|g| g.override_label.clone()))
            .collect();
        labels.sort();
        labels.dedup();
        labels
    }

    /// Concrete types a value of `ty` can have at runtime (itself for objects).
    pub fn possible_types(&self, ty: TypeId) -> &[TypeId] {
        &self.types[ty.index()].possible_types
    }

    /// Whether `object` is a possible runtime type of `ty` (`ty` itself, an interface it
    /// implements or a union it belongs to).
    pub fn is_possible_type(&self, ty: TypeId, object: TypeId) -> bool {
        ty == object || self.types[ty.index()].possible_types.contains(&object)
    }

    /// Concrete types of abstract `ty` that `graph` knows as such (`@join__implements`,
    /// `@join__unionMember`): only those may be asked of it under `ty`.
    pub fn possible_types_in_graph(&self, ty: TypeId, graph: SubgraphId) -> Vec<TypeId> {
        let info = &self.types[ty.index()];
        match info.kind {
            TypeKind::Object => vec![ty],
            TypeKind::Union => info
                .union_members
                .iter()
                .filter(|(g, _)| *g == graph)
                .map(|(_, member)| *member)
                .collect(),
            TypeKind::Interface => info
                .possible_types
                .iter()
                .copied()
                .filter(|&object| {
                    self.types[object.index()]
                        .implements
                        .iter()
                        .any(|&(g, interface)| g == graph && interface == ty)
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
