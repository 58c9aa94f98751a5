//! Fetch groups: what the planner accumulates before it becomes plan nodes.
//!
//! A group is one future subgraph request: a subgraph, a selection (in an arena, so nested
//! positions can be extended by id while the walk goes on), and for entity groups the path
//! where its representations are collected and the representation selection itself. Groups
//! are keyed by (subgraph, path, parent group, needs-requires), which is what merges every
//! field going to the same subgraph at the same path into one fetch.

use std::collections::HashMap;

use apollo_compiler::ast::{self, OperationType};
use apollo_compiler::{Name, Node};
use indexmap::IndexSet;

use super::operation::VarCondition;
use super::plan::FetchPathElement;
use crate::supergraph::{SubgraphId, TypeId};

pub(crate) type SelId = usize;
pub(crate) type GroupId = usize;

#[derive(Debug, Clone)]
pub(crate) enum SelKind {
    Root,
    Field {
        alias: Option<Name>,
        name: Name,
        arguments: Vec<Node<ast::Argument>>,
        directives: Vec<Node<ast::Directive>>,
    },
    Fragment {
        type_condition: Option<Name>,
        directives: Vec<Node<ast::Directive>>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct SelNode {
    pub kind: SelKind,
    pub children: Vec<SelId>,
}

/// Selections of every group, addressable by id.
#[derive(Debug, Default)]
pub(crate) struct Arena {
    pub nodes: Vec<SelNode>,
}

impl Arena {
    pub fn root(&mut self) -> SelId {
        self.nodes.push(SelNode {
            kind: SelKind::Root,
            children: Vec::new(),
        });
        self.nodes.len() - 1
    }

    /// Adds a field under `parent`, or returns the identical one already there.
    pub fn field(
        &mut self,
        parent: SelId,
        alias: Option<&Name>,
        name: &Name,
        arguments: &[Node<ast::Argument>],
        directives: &[Node<ast::Directive>],
    ) -> SelId {
        for &child in &self.nodes[parent].children {
            if let SelKind::Field {
                alias: a,
                name: n,
                arguments: args,
                directives: d,
            } = &self.nodes[child].kind
                && a.as_ref() == alias
                && n == name
                && args.as_slice() == arguments
                && d.as_slice() == directives
            {
                return child;
            }
        }
        self.push(
            parent,
            SelKind::Field {
                alias: alias.cloned(),
                name: name.clone(),
                arguments: arguments.to_vec(),
                directives: directives.to_vec(),
            },
        )
    }

    /// Adds an inline fragment under `parent`, or returns the identical one already there.
    pub fn fragment(
        &mut self,
        parent: SelId,
        type_condition: Option<&Name>,
        directives: &[Node<ast::Directive>],
    ) -> SelId {
        for &child in &self.nodes[parent].children {
            if let SelKind::Fragment {
                type_condition: t,
                directives: d,
            } = &self.nodes[child].kind
                && t.as_ref() == type_condition
                && d.as_slice() == directives
            {
                return child;
            }
        }
        self.push(
            parent,
            SelKind::Fragment {
                type_condition: type_condition.cloned(),
                directives: directives.to_vec(),
            },
        )
    }

    fn push(&mut self, parent: SelId, kind: SelKind) -> SelId {
        self.nodes.push(SelNode {
            kind,
            children: Vec::new(),
        });
        let id = self.nodes.len() - 1;
        self.nodes[parent].children.push(id);
        id
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupKind {
    Root(OperationType),
    Entity,
}

#[derive(Debug)]
pub(crate) struct Group {
    pub subgraph: SubgraphId,
    pub kind: GroupKind,
    /// Root of the selection: the operation's selection set, or the `_entities` selection.
    pub selection: SelId,
    /// Root of the representation selection (entity groups).
    pub requires: SelId,
    /// Per entity type: (type of the data, type the target knows, `... on` it in `selection`,
    /// `... on` the data type in `requires`).
    pub entity_fragments: Vec<(TypeId, TypeId, SelId, SelId)>,
    /// Representation `__typename` rewrites: (data type, type the target knows).
    pub typename_rewrites: Vec<(String, String)>,
    /// `@fromContext` values this fetch sends, read at enclosing objects.
    pub context_inputs: Vec<super::plan::ContextInput>,
    /// Declarations of the `$contextualArgument_N_M` variables.
    pub context_variables: Vec<Node<ast::VariableDefinition>>,
    /// Groups whose data must be merged before this one runs (the key source first).
    pub deps: Vec<GroupId>,
    /// Where representations are collected (entity groups).
    pub path: Vec<FetchPathElement>,
    /// Variable conditions common to everything in the group; `None` until something is added.
    pub conditions: Option<Vec<VarCondition>>,
    /// Client variables the selection uses.
    pub variables: IndexSet<Name>,
    /// Top-level `@requires` inputs: unlike key fields they may be null in a representation.
    pub nullable_inputs: Vec<String>,
}

/// Identity of an entity group: same subgraph, same path, same key source. A group that
/// carries `@requires` inputs also waits for the groups producing them; other fields for the
/// same subgraph at the same path ride along instead of costing another fetch.
pub(crate) type GroupKey = (SubgraphId, Vec<FetchPathElement>, GroupId);

#[derive(Debug, Default)]
pub(crate) struct Groups {
    pub arena: Arena,
    pub groups: Vec<Group>,
    pub index: HashMap<GroupKey, GroupId>,
    /// Root query groups by subgraph (a query sends one request per subgraph at the root).
    pub root_by_subgraph: HashMap<SubgraphId, GroupId>,
    /// Active recorders of the groups that receive selections (for `@requires` inputs).
    pub recorders: Vec<IndexSet<GroupId>>,
}

impl Groups {
    pub fn new_root(&mut self, subgraph: SubgraphId, kind: OperationType) -> GroupId {
        let selection = self.arena.root();
        let requires = self.arena.root();
        self.groups.push(Group {
            subgraph,
            kind: GroupKind::Root(kind),
            selection,
            requires,
            entity_fragments: Vec::new(),
            deps: Vec::new(),
            path: Vec::new(),
            conditions: None,
            variables: IndexSet::new(),
            nullable_inputs: Vec::new(),
            typename_rewrites: Vec::new(),
            context_inputs: Vec::new(),
            context_variables: Vec::new(),
        });
        self.groups.len() - 1
    }

    /// The entity group for this key, created on first use.
    pub fn entity(
        &mut self,
        subgraph: SubgraphId,
        path: &[FetchPathElement],
        parent: GroupId,
    ) -> GroupId {
        let key = (subgraph, path.to_vec(), parent);
        if let Some(&id) = self.index.get(&key) {
            return id;
        }
        let selection = self.arena.root();
        let requires = self.arena.root();
        self.groups.push(Group {
            subgraph,
            kind: GroupKind::Entity,
            selection,
            requires,
            entity_fragments: Vec::new(),
            deps: vec![parent],
            path: path.to_vec(),
            conditions: None,
            variables: IndexSet::new(),
            nullable_inputs: Vec::new(),
            typename_rewrites: Vec::new(),
            context_inputs: Vec::new(),
            context_variables: Vec::new(),
        });
        let id = self.groups.len() - 1;
        self.index.insert(key, id);
        id
    }

    /// `... on T` in the group's selection and in its representation selection.
    pub fn entity_fragment(
        &mut self,
        group: GroupId,
        ty: TypeId,
        type_name: &Name,
    ) -> (SelId, SelId) {
        self.entity_fragment_as(group, ty, type_name, ty, type_name)
    }

    /// Like [`Self::entity_fragment`], for an entity the target knows under another type:
    /// objects of `ty` are sent as `as_ty` (an `@interfaceObject` graph knows the interface,
    /// not the implementation), so the representation's `__typename` is rewritten.
    pub fn entity_fragment_as(
        &mut self,
        group: GroupId,
        ty: TypeId,
        type_name: &Name,
        as_ty: TypeId,
        as_name: &Name,
    ) -> (SelId, SelId) {
        if let Some(&(_, _, sel, req)) = self.groups[group]
            .entity_fragments
            .iter()
            .find(|(t, a, _, _)| *t == ty && *a == as_ty)
        {
            return (sel, req);
        }
        let (selection, requires) = (self.groups[group].selection, self.groups[group].requires);
        let sel = self.arena.fragment(selection, Some(as_name), &[]);
        let req = self.arena.fragment(requires, Some(type_name), &[]);
        self.groups[group]
            .entity_fragments
            .push((ty, as_ty, sel, req));
        if ty != as_ty {
            self.groups[group]
                .typename_rewrites
                .push((type_name.to_string(), as_name.to_string()));
        }
        (sel, req)
    }

    /// Records that the group receives a selection under these conditions.
    pub fn contribute(&mut self, group: GroupId, conditions: &[VarCondition]) {
        let entry = &mut self.groups[group].conditions;
        match entry {
            None => *entry = Some(conditions.to_vec()),
            Some(common) => common.retain(|c| conditions.contains(c)),
        }
        for recorder in &mut self.recorders {
            recorder.insert(group);
        }
    }

    pub fn add_dependency(&mut self, group: GroupId, dependency: GroupId) {
        if group != dependency && !self.groups[group].deps.contains(&dependency) {
            self.groups[group].deps.push(dependency);
        }
    }
}

/// Collects the variables a value uses.
pub(crate) fn collect_variables(value: &ast::Value, out: &mut IndexSet<Name>) {
    match value {
        ast::Value::Variable(name) => {
            out.insert(name.clone());
        }
        ast::Value::List(items) => items.iter().for_each(|v| collect_variables(v, out)),
        ast::Value::Object(fields) => fields.iter().for_each(|(_, v)| collect_variables(v, out)),
        _ => {}
    }
}
