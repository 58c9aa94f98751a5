//! The walk: assigning every selected field to a fetch group.
//!
//! The walk goes down the normalised operation with a *position*: the group (and the place in
//! its selection) that is being filled, the type there, the data path, and what `@provides`
//! makes available along this path. At each field:
//!
//! 1. if the position's subgraph can resolve it, it goes into the same group (stay in the
//!    subgraph as long as possible);
//! 2. otherwise the walk *jumps*: it picks a subgraph that resolves the field and is reachable
//!    through `@key`s the current subgraph can supply (fewest hops, then fewest further jumps
//!    below the field), adds `__typename` and the key fields to the current group, and continues
//!    in the entity group for (target, path, current group), which merges every field that makes
//!    the same jump;
//! 3. a field with `@requires` always goes through an entity group of its subgraph whose
//!    representation also carries the required fields; those are walked first at the same
//!    position (possibly jumping themselves) and the group depends on every group they landed in.
//!
//! Abstract positions either stay abstract (when the subgraph resolves everything selected on
//! the interface) or are split into one inline fragment per concrete type the subgraph knows,
//! each walked as an object position with a type condition in the path.

use apollo_compiler::ast::{self, OperationType};
use apollo_compiler::executable::{self, SelectionSet};
use apollo_compiler::{Node, name};
use indexmap::IndexSet;

use super::budget::Budget;
use super::error::PlanError;
use super::groups::{GroupId, Groups, SelId, SelKind, collect_variables};
use super::operation::{
    NField, NFieldKind, NFragment, NItem, NSelection, NormalizedOperation, VarCondition,
};
use super::plan::FetchPathElement;
use crate::supergraph::{FieldId, Key, SubgraphId, Supergraph, TypeId, TypeKind};

/// What `@provides` makes resolvable at a position: a field set on the position's type.
type Provided<'a> = Option<&'a SelectionSet>;

/// One hop of an entity jump: to `to`, through its key number `key`.
#[derive(Debug, Clone, Copy)]
struct Hop {
    to: SubgraphId,
    key: usize,
}

pub(crate) struct Walker<'a> {
    pub supergraph: &'a Supergraph,
    pub groups: Groups,
    pub budget: &'a mut Budget,
    pub label_enabled: &'a dyn Fn(&str) -> bool,
    /// Positions of the enclosing objects that set a `@context`, innermost last.
    pub context_frames: Vec<ContextFrame>,
    /// Numbers the `$contextualArgument_N_M` variables.
    pub context_fields: usize,
}

/// An enclosing object whose type sets contexts: where `@fromContext` values are read.
#[derive(Debug, Clone)]
pub(crate) struct ContextFrame {
    contexts: Vec<String>,
    group: GroupId,
    sel: SelId,
    ty: TypeId,
    path: Vec<FetchPathElement>,
}

/// How a jump target ranks: hops, no group to merge into, fetches below, graph order.
type Rank = (usize, bool, usize, SubgraphId);

/// Most hops tried between two subgraphs for one field.
const MAX_HOPS: usize = 3;

impl<'a> Walker<'a> {
    /// Phase "walk": every root field goes to a root group, then down.
    pub fn walk_operation(
        &mut self,
        operation: &NormalizedOperation,
    ) -> Result<Vec<GroupId>, PlanError> {
        let mut roots = Vec::new();
        let mut fields = Vec::new();
        flatten_root(
            &operation.selection,
            operation.root_type,
            self.supergraph,
            &[],
            &mut fields,
        );
        for (field, pending) in fields {
            let NFieldKind::Field(id) = field.kind else {
                continue;
            };
            let subgraph = self.choose_root_subgraph(id, field, operation.kind)?;
            let group = match operation.kind {
                OperationType::Mutation => {
                    let g = self.groups.new_root(subgraph, operation.kind);
                    roots.push(g);
                    g
                }
                _ => match self.groups.root_by_subgraph.get(&subgraph) {
                    Some(&g) => g,
                    None => {
                        let g = self.groups.new_root(subgraph, operation.kind);
                        self.groups.root_by_subgraph.insert(subgraph, g);
                        roots.push(g);
                        g
                    }
                },
            };
            let selection = self.groups.groups[group].selection;
            let conditions: Vec<VarCondition> = pending.clone();
            self.emit_field(
                group,
                selection,
                operation.root_type,
                field,
                id,
                &[],
                None,
                &pending,
                &conditions,
            )?;
        }
        // A root selection whose fields may all be excluded by conditions the fetch is not
        // gated by would come back as `{}`, which async-graphql answers with `data: null`:
        // such a selection also asks for `__typename`.
        for &group in &roots {
            let gate = self.groups.groups[group]
                .conditions
                .clone()
                .unwrap_or_default();
            let selection = self.groups.groups[group].selection;
            let arena = &self.groups.arena;
            let anchored = arena.nodes[selection].children.iter().any(|&c| {
                matches!(&arena.nodes[c].kind, SelKind::Field { directives, .. }
                    if directives.iter().all(|d| directive_condition(d).is_some_and(|c| gate.contains(&c))))
            });
            if !anchored {
                self.groups
                    .arena
                    .field(selection, None, &name!("__typename"), &[], &[]);
            }
        }
        Ok(roots)
    }

    fn choose_root_subgraph(
        &mut self,
        field: FieldId,
        selected: &NField,
        kind: OperationType,
    ) -> Result<SubgraphId, PlanError> {
        let info = self.supergraph.field(field);
        let mut best: Option<(usize, bool, SubgraphId)> = None;
        for entry in &info.graphs {
            if !entry.resolves(self.label_enabled) {
                continue;
            }
            let cost = self.subtree_cost(entry.graph, field, selected.selection.as_ref(), 0);
            let existing = kind != OperationType::Mutation
                && self.groups.root_by_subgraph.contains_key(&entry.graph);
            let candidate = (cost, !existing, entry.graph);
            if best.is_none_or(|b| candidate < b) {
                best = Some(candidate);
            }
        }
        best.map(|(_, _, g)| g)
            .ok_or_else(|| PlanError::Unsatisfiable {
                field: self.coordinate(field),
                reason: "no subgraph resolves it".into(),
            })
    }

    /// An estimate of the fetches `graph` needs below `field`, looked at a few levels deep: at
    /// each level, the distinct subgraphs the fields it cannot resolve itself jump to, plus
    /// one more for each `@requires` whose inputs `graph` cannot supply itself (those inputs
    /// need a fetch of their own first).
    fn subtree_cost(
        &self,
        graph: SubgraphId,
        field: FieldId,
        selection: Option<&NSelection>,
        depth: usize,
    ) -> usize {
        let Some(selection) = selection else { return 0 };
        if depth > 3 {
            return 0;
        }
        let provides = self
            .supergraph
            .field(field)
            .in_graph(graph)
            .and_then(|e| e.provides.as_deref());
        let parent = self.supergraph.field(field).named_type;
        let mut cost = 0;
        let mut targets: Vec<SubgraphId> = Vec::new();
        let mut stack: Vec<&NItem> = selection.items.iter().collect();
        while let Some(item) = stack.pop() {
            match item {
                NItem::Fragment(fragment) => stack.extend(fragment.selection.items.iter()),
                NItem::Field(f) => {
                    let NFieldKind::Field(_) = f.kind else {
                        continue;
                    };
                    let target = self.supergraph.field_id(parent, &f.name).or(match f.kind {
                        NFieldKind::Field(id) => Some(id),
                        _ => None,
                    });
                    let Some(id) = target else { continue };
                    if self.resolves_locally(graph, id, provides) {
                        cost += self.subtree_cost(graph, id, f.selection.as_ref(), depth + 1);
                        continue;
                    }
                    // The cheapest subgraph to jump to: no extra fetch for `@requires`
                    // inputs, then one already jumped to from this level.
                    let best = self
                        .supergraph
                        .field(id)
                        .graphs
                        .iter()
                        .filter(|e| e.resolves(self.label_enabled))
                        .map(|e| {
                            let inputs_elsewhere = e.requires.as_deref().is_some_and(|set| {
                                !self.supplies_locally(graph, parent, set, provides)
                            });
                            (inputs_elsewhere, !targets.contains(&e.graph), e.graph)
                        })
                        .min();
                    match best {
                        Some((inputs_elsewhere, new_target, to)) => {
                            if new_target {
                                targets.push(to);
                            }
                            cost += usize::from(inputs_elsewhere);
                        }
                        None => cost += 1,
                    }
                }
            }
        }
        cost + targets.len()
    }

    /// Whether `graph` resolves every top-level field of `set` (on `ty`) itself.
    fn supplies_locally(
        &self,
        graph: SubgraphId,
        ty: TypeId,
        set: &SelectionSet,
        provided: Provided<'_>,
    ) -> bool {
        set.fields().all(|f| {
            self.supergraph
                .field_id(ty, &f.name)
                .is_some_and(|id| self.resolves_locally(graph, id, provided))
        })
    }

    /// Whether `graph` resolves `field` where the walk stands, without a jump.
    fn resolves_locally(&self, graph: SubgraphId, field: FieldId, provided: Provided<'_>) -> bool {
        let info = self.supergraph.field(field);
        if let Some(entry) = info.in_graph(graph)
            && entry.resolves(self.label_enabled)
            && entry.requires.is_none()
            && entry.context_arguments.is_empty()
        {
            return true;
        }
        provided.is_some_and(|p| provided_child(p, &info.name).is_some())
    }

    /// Walks `items` at a position.
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &mut self,
        group: GroupId,
        sel: SelId,
        ty: TypeId,
        items: &[NItem],
        path: &[FetchPathElement],
        provided: Provided<'a>,
        pending: &[VarCondition],
        conditions: &[VarCondition],
    ) -> Result<(), PlanError> {
        let contexts = &self.supergraph.type_info(ty).contexts;
        if contexts.is_empty() {
            return self.walk_position(group, sel, ty, items, path, provided, pending, conditions);
        }
        self.context_frames.push(ContextFrame {
            contexts: contexts.clone(),
            group,
            sel,
            ty,
            path: path.to_vec(),
        });
        let result = self.walk_position(group, sel, ty, items, path, provided, pending, conditions);
        self.context_frames.pop();
        result
    }

    /// Walks `items` at a position (after context bookkeeping).
    #[allow(clippy::too_many_arguments)]
    fn walk_position(
        &mut self,
        group: GroupId,
        sel: SelId,
        ty: TypeId,
        items: &[NItem],
        path: &[FetchPathElement],
        provided: Provided<'a>,
        pending: &[VarCondition],
        conditions: &[VarCondition],
    ) -> Result<(), PlanError> {
        let supergraph = self.supergraph;
        if supergraph.type_info(ty).kind.is_abstract() {
            return self.walk_abstract(group, sel, ty, items, path, provided, pending, conditions);
        }
        for item in items {
            self.budget.tick()?;
            match item {
                NItem::Field(field) => {
                    self.field(group, sel, ty, field, path, provided, pending, conditions)?
                }
                NItem::Fragment(fragment) => {
                    if fragment
                        .type_condition
                        .is_some_and(|c| !supergraph.is_possible_type(c, ty))
                    {
                        continue;
                    }
                    let pending = concat(pending, &fragment.conditions);
                    let conditions = concat(conditions, &fragment.conditions);
                    self.walk(
                        group,
                        sel,
                        ty,
                        &fragment.selection.items,
                        path,
                        provided,
                        &pending,
                        &conditions,
                    )?;
                }
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_abstract(
        &mut self,
        group: GroupId,
        sel: SelId,
        ty: TypeId,
        items: &[NItem],
        path: &[FetchPathElement],
        provided: Provided<'a>,
        pending: &[VarCondition],
        conditions: &[VarCondition],
    ) -> Result<(), PlanError> {
        let supergraph = self.supergraph;
        let subgraph = self.groups.groups[group].subgraph;
        if supergraph
            .type_info(ty)
            .in_graph(subgraph)
            .is_some_and(|g| g.is_interface_object)
        {
            return self
                .walk_interface_object(group, sel, ty, items, path, provided, pending, conditions);
        }
        let possible = supergraph.possible_types_in_graph(ty, subgraph);
        // The runtime type decides what applies: always ask for it at abstract positions.
        self.groups
            .arena
            .field(sel, None, &name!("__typename"), &[], &[]);
        self.groups.contribute(group, conditions);

        if self.abstract_is_local(subgraph, ty, items, provided) {
            for item in items {
                self.budget.tick()?;
                match item {
                    NItem::Field(field) => {
                        self.field(group, sel, ty, field, path, provided, pending, conditions)?
                    }
                    NItem::Fragment(fragment) => self.abstract_fragment(
                        group, sel, ty, &possible, fragment, path, provided, pending, conditions,
                    )?,
                }
            }
            return Ok(());
        }
        // Split by concrete type: each is planned as an object position.
        for object in possible {
            self.budget.tick()?;
            let name = supergraph.type_info(object).name.clone();
            let fragment = self.groups.arena.fragment(sel, Some(&name), &[]);
            let path = with(
                path,
                FetchPathElement::TypeCondition(vec![name.to_string()]),
            );
            self.walk(
                group, fragment, object, items, &path, provided, pending, conditions,
            )?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn abstract_fragment(
        &mut self,
        group: GroupId,
        sel: SelId,
        ty: TypeId,
        possible: &[TypeId],
        fragment: &NFragment,
        path: &[FetchPathElement],
        provided: Provided<'a>,
        pending: &[VarCondition],
        conditions: &[VarCondition],
    ) -> Result<(), PlanError> {
        let supergraph = self.supergraph;
        let subgraph = self.groups.groups[group].subgraph;
        let pending = concat(pending, &fragment.conditions);
        let conditions = concat(conditions, &fragment.conditions);
        let items = &fragment.selection.items;
        let condition = match fragment.type_condition {
            None => {
                return self.walk_abstract_items(
                    group,
                    sel,
                    ty,
                    items,
                    path,
                    provided,
                    &pending,
                    &conditions,
                );
            }
            Some(c) if c == ty => {
                return self.walk_abstract_items(
                    group,
                    sel,
                    ty,
                    items,
                    path,
                    provided,
                    &pending,
                    &conditions,
                );
            }
            Some(c) => c,
        };
        let inter: Vec<TypeId> = possible
            .iter()
            .copied()
            .filter(|&p| supergraph.is_possible_type(condition, p))
            .collect();
        if inter.is_empty() {
            return Ok(());
        }
        let condition_info = supergraph.type_info(condition);
        let covers_all = possible.iter().all(|p| inter.contains(p));
        if condition_info.kind.is_abstract() && covers_all {
            // A supertype (or an equivalent abstract type) of `ty` here: no narrowing.
            return self.walk_abstract_items(
                group,
                sel,
                ty,
                items,
                path,
                provided,
                &pending,
                &conditions,
            );
        }
        if condition_info.kind == TypeKind::Object || !supergraph.type_in_graph(condition, subgraph)
        {
            for object in inter {
                let name = supergraph.type_info(object).name.clone();
                let fragment_sel = self.groups.arena.fragment(sel, Some(&name), &[]);
                let path = with(
                    path,
                    FetchPathElement::TypeCondition(vec![name.to_string()]),
                );
                self.walk(
                    group,
                    fragment_sel,
                    object,
                    items,
                    &path,
                    provided,
                    &pending,
                    &conditions,
                )?;
            }
            return Ok(());
        }
        let fragment_sel = self
            .groups
            .arena
            .fragment(sel, Some(&condition_info.name), &[]);
        let names = inter
            .iter()
            .map(|t| supergraph.type_info(*t).name.to_string())
            .collect();
        let path = with(path, FetchPathElement::TypeCondition(names));
        self.walk(
            group,
            fragment_sel,
            condition,
            items,
            &path,
            provided,
            &pending,
            &conditions,
        )
    }

    /// An interface at a position of a graph that sees it as an `@interfaceObject`: the graph
    /// answers the interface fields it resolves; the concrete `__typename`, type-conditioned
    /// fragments and other fields come from a graph that knows the implementations, through
    /// the interface's key.
    #[allow(clippy::too_many_arguments)]
    fn walk_interface_object(
        &mut self,
        group: GroupId,
        sel: SelId,
        ty: TypeId,
        items: &[NItem],
        path: &[FetchPathElement],
        provided: Provided<'a>,
        pending: &[VarCondition],
        conditions: &[VarCondition],
    ) -> Result<(), PlanError> {
        let supergraph = self.supergraph;
        let subgraph = self.groups.groups[group].subgraph;
        let ty_info = supergraph.type_info(ty);
        let mut rest: Vec<NItem> = Vec::new();
        let mut needs_type = false;
        for item in items {
            self.budget.tick()?;
            match item {
                NItem::Field(field) => match field.kind {
                    NFieldKind::Typename => needs_type = true,
                    NFieldKind::Introspection => {}
                    NFieldKind::Field(_) => {
                        let local = supergraph
                            .field_id(ty, &field.name)
                            .is_some_and(|id| self.resolves_locally(subgraph, id, provided));
                        if local {
                            self.field(group, sel, ty, field, path, provided, pending, conditions)?;
                        } else {
                            rest.push(item.clone());
                        }
                    }
                },
                NItem::Fragment(fragment) => {
                    needs_type |= fragment.type_condition.is_some_and(|c| c != ty);
                    rest.push(item.clone());
                }
            }
        }
        if rest.is_empty() && !needs_type {
            return Ok(());
        }
        // The owner: a graph that knows the implementations and resolves the interface by key.
        let owner = ty_info.graphs.iter().find_map(|g| {
            if g.is_interface_object {
                return None;
            }
            g.keys
                .iter()
                .position(|k| k.resolvable && self.can_supply(subgraph, ty, &k.selection, provided))
                .map(|key| Hop { to: g.graph, key })
        });
        let Some(hop) = owner else {
            return Err(PlanError::Unsatisfiable {
                field: ty_info.name.to_string(),
                reason: format!(
                    "`{}` sees it as an @interfaceObject and no graph that knows its implementations can be reached by key",
                    supergraph.subgraph(subgraph).name
                ),
            });
        };
        let key = self.key(hop.to, ty, hop.key)?;
        let typename = name!("__typename");
        self.groups.arena.field(sel, None, &typename, &[], &[]);
        self.add_field_set(group, sel, &key.selection);
        self.groups.contribute(group, conditions);
        let next = self
            .groups
            .entity(hop.to, trim_type_conditions(path), group);
        let (next_sel, next_req) = self.groups.entity_fragment(next, ty, &ty_info.name);
        self.groups.arena.field(next_req, None, &typename, &[], &[]);
        self.add_field_set(next, next_req, &key.selection);
        self.walk_abstract(next, next_sel, ty, &rest, path, None, pending, conditions)
    }

    /// Walks items at an abstract position that stays abstract.
    #[allow(clippy::too_many_arguments)]
    fn walk_abstract_items(
        &mut self,
        group: GroupId,
        sel: SelId,
        ty: TypeId,
        items: &[NItem],
        path: &[FetchPathElement],
        provided: Provided<'a>,
        pending: &[VarCondition],
        conditions: &[VarCondition],
    ) -> Result<(), PlanError> {
        let subgraph = self.groups.groups[group].subgraph;
        let possible = self.supergraph.possible_types_in_graph(ty, subgraph);
        for item in items {
            self.budget.tick()?;
            match item {
                NItem::Field(field) => {
                    self.field(group, sel, ty, field, path, provided, pending, conditions)?
                }
                NItem::Fragment(fragment) => self.abstract_fragment(
                    group, sel, ty, &possible, fragment, path, provided, pending, conditions,
                )?,
            }
        }
        Ok(())
    }

    /// Whether every field selected on abstract `ty` itself resolves in `subgraph` on `ty`.
    fn abstract_is_local(
        &self,
        subgraph: SubgraphId,
        ty: TypeId,
        items: &[NItem],
        provided: Provided<'_>,
    ) -> bool {
        items.iter().all(|item| match item {
            NItem::Field(field) => match field.kind {
                NFieldKind::Field(_) => self
                    .supergraph
                    .field_id(ty, &field.name)
                    .is_some_and(|id| self.resolves_locally(subgraph, id, provided)),
                _ => true,
            },
            NItem::Fragment(fragment) => match fragment.type_condition {
                None => self.abstract_is_local(subgraph, ty, &fragment.selection.items, provided),
                Some(c) if c == ty => {
                    self.abstract_is_local(subgraph, ty, &fragment.selection.items, provided)
                }
                Some(_) => true,
            },
        })
    }

    /// One selected field at an object (or abstract-kept) position.
    #[allow(clippy::too_many_arguments)]
    fn field(
        &mut self,
        group: GroupId,
        sel: SelId,
        ty: TypeId,
        field: &NField,
        path: &[FetchPathElement],
        provided: Provided<'a>,
        pending: &[VarCondition],
        conditions: &[VarCondition],
    ) -> Result<(), PlanError> {
        let id = match field.kind {
            NFieldKind::Typename | NFieldKind::Introspection => return Ok(()),
            NFieldKind::Field(_) => self.supergraph.field_id(ty, &field.name).ok_or_else(|| {
                PlanError::UnknownField(format!(
                    "{}.{}",
                    self.supergraph.type_info(ty).name,
                    field.name
                ))
            })?,
        };
        let subgraph = self.groups.groups[group].subgraph;
        if self.resolves_locally(subgraph, id, provided) {
            return self.emit_field(
                group, sel, ty, field, id, path, provided, pending, conditions,
            );
        }
        self.jump(
            group, sel, ty, field, id, path, provided, pending, conditions,
        )
    }

    /// Adds the field to the group at `sel` and walks its selection in the same subgraph.
    #[allow(clippy::too_many_arguments)]
    fn emit_field(
        &mut self,
        group: GroupId,
        sel: SelId,
        _ty: TypeId,
        field: &NField,
        id: FieldId,
        path: &[FetchPathElement],
        provided: Provided<'a>,
        pending: &[VarCondition],
        conditions: &[VarCondition],
    ) -> Result<(), PlanError> {
        self.budget.tick()?;
        let supergraph = self.supergraph;
        let info = supergraph.field(id);
        // `@skip`/`@include` are not repeatable: the field carries at most one of each, and
        // further conditions wrap it in condition-only inline fragments (`... @include(if:
        // $b) { field @include(if: $a) }`), which AND them.
        let (on_field, wrappers) = split_conditions(&concat(pending, &field.conditions));
        let directives = condition_directives(&on_field);
        let mut sel = sel;
        for wrapper in &wrappers {
            sel = self.groups.arena.fragment(
                sel,
                None,
                &condition_directives(std::slice::from_ref(wrapper)),
            );
        }
        let alias = (field.data_key != field.name).then_some(&field.data_key);
        let child = self
            .groups
            .arena
            .field(sel, alias, &field.name, &field.arguments, &directives);
        let conditions = concat(conditions, &field.conditions);
        {
            let g = &mut self.groups.groups[group];
            for argument in &field.arguments {
                collect_variables(&argument.value, &mut g.variables);
            }
            for directive in &directives {
                for argument in &directive.arguments {
                    collect_variables(&argument.value, &mut g.variables);
                }
            }
            for (variable, _) in &wrappers {
                g.variables.insert(variable.clone());
            }
        }
        self.groups.contribute(group, &conditions);
        let Some(selection) = &field.selection else {
            return Ok(());
        };
        let subgraph = self.groups.groups[group].subgraph;
        let child_provided = match info.in_graph(subgraph).and_then(|e| e.provides.as_deref()) {
            Some(provides)
                if info
                    .in_graph(subgraph)
                    .is_some_and(|e| e.resolves(self.label_enabled)) =>
            {
                Some(provides)
            }
            _ => provided.and_then(|p| provided_child(p, &field.name)),
        };
        let mut child_path = with(path, FetchPathElement::Key(field.data_key.to_string()));
        for _ in 0..list_depth(&info.ty) {
            child_path.push(FetchPathElement::List);
        }
        self.walk(
            group,
            child,
            info.named_type,
            &selection.items,
            &child_path,
            child_provided,
            &[],
            &conditions,
        )?;
        // A composite field needs a selection set even when nothing below it is fetched here
        // (only `__typename`, which the executor answers from the shape, was selected), and
        // one field that is always included: async-graphql subgraphs answer `null` instead of
        // `{}` when `@skip`/`@include` or type conditions leave an object no fields.
        let arena = &self.groups.arena;
        let anchored = arena.nodes[child].children.iter().any(|&c| {
            matches!(&arena.nodes[c].kind, SelKind::Field { directives, .. } if directives.is_empty())
        });
        if !anchored {
            self.groups
                .arena
                .field(child, None, &name!("__typename"), &[], &[]);
        }
        Ok(())
    }

    /// Resolves a field the current subgraph cannot: through one or more `@key` hops.
    #[allow(clippy::too_many_arguments)]
    fn jump(
        &mut self,
        group: GroupId,
        sel: SelId,
        ty: TypeId,
        field: &NField,
        id: FieldId,
        path: &[FetchPathElement],
        provided: Provided<'a>,
        pending: &[VarCondition],
        conditions: &[VarCondition],
    ) -> Result<(), PlanError> {
        let supergraph = self.supergraph;
        let source = self.groups.groups[group].subgraph;
        let info = supergraph.field(id);
        let ty_info = supergraph.type_info(ty);

        // Entity groups are keyed without the trailing type condition: the representation
        // selection already filters by type, so `... on Book` and `... on Movie` fields going
        // to the same subgraph share one fetch.
        let entity_path = trim_type_conditions(path);
        // Candidates: graphs that resolve the field and can be asked for the entity, as
        // (graph, entity type the graph is asked about, the field on that type).
        let mut candidates: Vec<(SubgraphId, TypeId, FieldId)> = info
            .graphs
            .iter()
            .filter(|e| e.resolves(self.label_enabled))
            .map(|e| (e.graph, ty, id))
            .collect();
        if candidates.is_empty() && ty_info.kind == TypeKind::Object {
            // A field an `@interfaceObject` graph adds to every implementation: ask that graph
            // about the interface.
            candidates = self.interface_object_candidates(ty, &field.name);
        }
        let mut best: Option<(Rank, Vec<Hop>, TypeId, FieldId)> = None;
        for (graph, entity_ty, field_id) in candidates {
            let Some(route) = self.route(source, graph, entity_ty, provided) else {
                continue;
            };
            if entity_ty != ty && route.len() != 1 {
                continue;
            }
            let existing = self
                .groups
                .index
                .contains_key(&(graph, entity_path.to_vec(), group));
            let cost = self.subtree_cost(graph, field_id, field.selection.as_ref(), 0);
            let rank = (route.len(), !existing, cost, graph);
            if best.as_ref().is_none_or(|(b, ..)| rank < *b) {
                best = Some((rank, route, entity_ty, field_id));
            }
        }
        let Some((_, route, entity_ty, id)) = best else {
            let reason = if ty_info.is_entity() {
                format!(
                    "no subgraph that resolves it can be reached from `{}` through a key it can supply",
                    supergraph.subgraph(source).name
                )
            } else {
                format!(
                    "`{}` is not an entity and `{}` does not resolve the field",
                    ty_info.name,
                    supergraph.subgraph(source).name
                )
            };
            return Err(PlanError::Unsatisfiable {
                field: self.coordinate(id),
                reason,
            });
        };
        let info = supergraph.field(id);
        let entity_info = supergraph.type_info(entity_ty);

        let target = route.last().map(|h| h.to).unwrap_or(source);
        let target_entry = info.in_graph(target);
        let context_arguments = target_entry
            .map(|e| e.context_arguments.clone())
            .unwrap_or_default();
        let requires = target_entry.and_then(|e| e.requires.clone());
        let (mut current_group, mut current_sel) = (group, sel);
        let mut requires_sel = None;
        for hop in &route {
            let key = self.key(hop.to, entity_ty, hop.key)?;
            let typename = name!("__typename");
            self.groups
                .arena
                .field(current_sel, None, &typename, &[], &[]);
            self.add_field_set(current_group, current_sel, &key.selection);
            self.groups.contribute(current_group, conditions);
            let next = self.groups.entity(hop.to, entity_path, current_group);
            let (next_sel, next_req) = self.groups.entity_fragment_as(
                next,
                ty,
                &ty_info.name,
                entity_ty,
                &entity_info.name,
            );
            self.groups.arena.field(next_req, None, &typename, &[], &[]);
            self.add_field_set(next, next_req, &key.selection);
            current_group = next;
            current_sel = next_sel;
            requires_sel = Some(next_req);
        }

        if let (Some(required), Some(requires_sel)) = (requires, requires_sel) {
            // The required fields are fetched at the same position first (jumping as needed);
            // the requiring group waits for every group they land in.
            let items = self.requires_items(entity_ty, &required)?;
            self.groups.recorders.push(IndexSet::new());
            let walked = self.walk(group, sel, ty, &items, path, provided, &[], conditions);
            let touched = self.groups.recorders.pop().unwrap_or_default();
            walked?;
            for dependency in touched {
                self.groups.add_dependency(current_group, dependency);
            }
            self.add_field_set(current_group, requires_sel, &required);
            for name in required.fields().map(|f| f.name.to_string()) {
                let inputs = &mut self.groups.groups[current_group].nullable_inputs;
                if !inputs.contains(&name) {
                    inputs.push(name);
                }
            }
        }
        // An entity group is shared by every selection reaching that path, under whatever
        // conditions each has, and is gated only by the conditions they all share: the field
        // carries its enclosing conditions itself (a skipped branch must not be fetched, nor
        // its errors reported, just because a sibling selection reaches the same entities).
        let pending: Vec<VarCondition> = if current_group == group {
            pending.to_vec()
        } else {
            concat(conditions, pending)
        };
        let pending = pending.as_slice();
        if !context_arguments.is_empty() {
            // `@fromContext`: read each value at the enclosing object that sets the context,
            // send it per representation batch as a variable.
            let mut with_context = field.clone();
            let number = self.context_fields;
            self.context_fields += 1;
            for (index, argument) in context_arguments.iter().enumerate() {
                let variable = format!("contextualArgument_{number}_{index}");
                self.context_input(
                    current_group,
                    id,
                    argument,
                    &variable,
                    entity_path,
                    conditions,
                )?;
                let name = apollo_compiler::Name::new(&argument.name)
                    .map_err(|_| PlanError::UnknownField(argument.name.clone()))?;
                let variable_name = apollo_compiler::Name::new(&variable)
                    .map_err(|_| PlanError::UnknownField(variable.clone()))?;
                with_context.arguments.push(Node::new(ast::Argument {
                    name,
                    value: Node::new(ast::Value::Variable(variable_name)),
                }));
            }
            return self.emit_field(
                current_group,
                current_sel,
                entity_ty,
                &with_context,
                id,
                path,
                None,
                pending,
                conditions,
            );
        }
        self.emit_field(
            current_group,
            current_sel,
            entity_ty,
            field,
            id,
            path,
            None,
            pending,
            conditions,
        )
    }

    /// Plans the value of one `@fromContext` argument: its selection is fetched at the
    /// innermost enclosing object that sets the context, and the fetch of the field waits for it.
    fn context_input(
        &mut self,
        group: GroupId,
        field: FieldId,
        argument: &crate::supergraph::ContextArgument,
        variable: &str,
        entity_path: &[FetchPathElement],
        conditions: &[VarCondition],
    ) -> Result<(), PlanError> {
        let Some(frame) = self
            .context_frames
            .iter()
            .rev()
            .find(|f| f.contexts.contains(&argument.context))
            .cloned()
        else {
            return Err(PlanError::Unsatisfiable {
                field: self.coordinate(field),
                reason: format!(
                    "no enclosing object sets the context `{}` of argument `{}`",
                    argument.context, argument.name
                ),
            });
        };
        let frame_type = self.supergraph.type_info(frame.ty).name.clone();
        let text = argument.selection.trim();
        let text = text
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .unwrap_or(text);
        let set = apollo_compiler::executable::FieldSet::parse_and_validate(
            self.supergraph.schema(),
            frame_type.clone(),
            text,
            "context.graphql",
        )
        .map_err(|e| PlanError::Unsatisfiable {
            field: self.coordinate(field),
            reason: format!(
                "invalid context selection `{}` on `{frame_type}`: {}",
                argument.selection, e.errors
            ),
        })?;
        let items = self.requires_items(frame.ty, &set.selection_set)?;
        self.groups.recorders.push(IndexSet::new());
        let walked = self.walk_position(
            frame.group,
            frame.sel,
            frame.ty,
            &items,
            &frame.path,
            None,
            &[],
            conditions,
        );
        let touched = self.groups.recorders.pop().unwrap_or_default();
        walked?;
        for dependency in touched {
            self.groups.add_dependency(group, dependency);
        }
        let ty = apollo_compiler::ast::Type::parse(&argument.ty, "type.graphql").map_err(|e| {
            PlanError::Unsatisfiable {
                field: self.coordinate(field),
                reason: format!("invalid context argument type `{}`: {e}", argument.ty),
            }
        })?;
        let name = apollo_compiler::Name::new(variable)
            .map_err(|_| PlanError::UnknownField(variable.to_owned()))?;
        let definition = Node::new(ast::VariableDefinition {
            name,
            ty: Node::new(ty),
            default_value: None,
            directives: Default::default(),
        });
        let depth = frame.path.len().min(entity_path.len());
        let g = &mut self.groups.groups[group];
        g.context_variables.push(definition);
        g.context_inputs.push(super::plan::ContextInput {
            variable: variable.to_owned(),
            depth,
            selection: context_selection(&set.selection_set),
        });
        Ok(())
    }

    /// Graphs where an interface of `object` is an `@interfaceObject` that resolves `name`.
    fn interface_object_candidates(
        &self,
        object: TypeId,
        name: &str,
    ) -> Vec<(SubgraphId, TypeId, FieldId)> {
        let mut out = Vec::new();
        for (index, info) in self.supergraph.types().iter().enumerate() {
            if info.kind != TypeKind::Interface || !info.possible_types.contains(&object) {
                continue;
            }
            let interface = TypeId(index as u32);
            let Some(field) = self.supergraph.field_id(interface, name) else {
                continue;
            };
            for entry in &self.supergraph.field(field).graphs {
                if entry.resolves(self.label_enabled)
                    && info
                        .in_graph(entry.graph)
                        .is_some_and(|g| g.is_interface_object)
                {
                    out.push((entry.graph, interface, field));
                }
            }
        }
        out
    }

    /// The shortest chain of key hops from `source` to `target` for entity `ty`.
    fn route(
        &self,
        source: SubgraphId,
        target: SubgraphId,
        ty: TypeId,
        provided: Provided<'_>,
    ) -> Option<Vec<Hop>> {
        let ty_info = self.supergraph.type_info(ty);
        let direct = |from: SubgraphId, to: SubgraphId, provided: Provided<'_>| -> Option<Hop> {
            let keys = &ty_info.in_graph(to)?.keys;
            keys.iter()
                .enumerate()
                .find(|(_, k)| k.resolvable && self.can_supply(from, ty, &k.selection, provided))
                .map(|(key, _)| Hop { to, key })
        };
        if let Some(hop) = direct(source, target, provided) {
            return Some(vec![hop]);
        }
        // Breadth-first through intermediate graphs.
        let mut frontier: Vec<(SubgraphId, Vec<Hop>)> = vec![(source, Vec::new())];
        let mut seen = vec![source];
        for _ in 1..MAX_HOPS {
            let mut next = Vec::new();
            for (from, hops) in &frontier {
                for graph in ty_info.graphs.iter().map(|g| g.graph) {
                    if seen.contains(&graph) {
                        continue;
                    }
                    let from_provided = if *from == source { provided } else { None };
                    let Some(hop) = direct(*from, graph, from_provided) else {
                        continue;
                    };
                    let mut chain = hops.clone();
                    chain.push(hop);
                    if let Some(last) = direct(graph, target, None) {
                        chain.push(last);
                        return Some(chain);
                    }
                    seen.push(graph);
                    next.push((graph, chain));
                }
            }
            frontier = next;
        }
        None
    }

    /// Whether `graph` can put these key fields of `ty` into a representation.
    fn can_supply(
        &self,
        graph: SubgraphId,
        ty: TypeId,
        set: &SelectionSet,
        provided: Provided<'_>,
    ) -> bool {
        let ty_info = self.supergraph.type_info(ty);
        let own_keys = ty_info
            .in_graph(graph)
            .map(|g| g.keys.as_slice())
            .unwrap_or_default();
        set.selections.iter().all(|selection| match selection {
            executable::Selection::Field(f) => {
                let Some(id) = self.supergraph.field_id(ty, &f.name) else {
                    return f.name == "__typename";
                };
                let in_own_key = own_keys
                    .iter()
                    .any(|k| k.selection.fields().any(|kf| kf.name == f.name));
                let direct = self.resolves_locally(graph, id, provided) || in_own_key;
                if !direct {
                    return false;
                }
                if f.selection_set.selections.is_empty() {
                    return true;
                }
                let child = self.supergraph.field(id).named_type;
                let child_provided = provided.and_then(|p| provided_child(p, &f.name));
                self.can_supply(graph, child, &f.selection_set, child_provided)
            }
            executable::Selection::InlineFragment(fragment) => {
                let inner = fragment
                    .type_condition
                    .as_ref()
                    .and_then(|t| self.supergraph.type_id(t))
                    .unwrap_or(ty);
                self.can_supply(graph, inner, &fragment.selection_set, provided)
            }
            executable::Selection::FragmentSpread(_) => false,
        })
    }

    fn key(&self, graph: SubgraphId, ty: TypeId, index: usize) -> Result<Key, PlanError> {
        self.supergraph
            .type_info(ty)
            .in_graph(graph)
            .and_then(|g| g.keys.get(index))
            .cloned()
            .ok_or_else(|| PlanError::Unsatisfiable {
                field: self.supergraph.type_info(ty).name.to_string(),
                reason: "key vanished".into(),
            })
    }

    /// Adds a key or requires field set (no aliases, no conditions) under `sel`.
    fn add_field_set(&mut self, group: GroupId, sel: SelId, set: &SelectionSet) {
        for selection in &set.selections {
            match selection {
                executable::Selection::Field(f) => {
                    let alias = input_alias(f);
                    let child =
                        self.groups
                            .arena
                            .field(sel, alias.as_ref(), &f.name, &f.arguments, &[]);
                    for argument in &f.arguments {
                        collect_variables(
                            &argument.value,
                            &mut self.groups.groups[group].variables,
                        );
                    }
                    if !f.selection_set.selections.is_empty() {
                        self.add_field_set(group, child, &f.selection_set);
                    }
                }
                executable::Selection::InlineFragment(fragment) => {
                    let child =
                        self.groups
                            .arena
                            .fragment(sel, fragment.type_condition.as_ref(), &[]);
                    self.add_field_set(group, child, &fragment.selection_set);
                }
                executable::Selection::FragmentSpread(_) => {}
            }
        }
    }

    /// A `@requires` field set as normalised items on `ty`.
    fn requires_items(&self, ty: TypeId, set: &SelectionSet) -> Result<Vec<NItem>, PlanError> {
        let mut items = Vec::with_capacity(set.selections.len());
        for selection in &set.selections {
            match selection {
                executable::Selection::Field(f) => {
                    let id = self.supergraph.field_id(ty, &f.name).ok_or_else(|| {
                        PlanError::UnknownField(format!(
                            "{}.{}",
                            self.supergraph.type_info(ty).name,
                            f.name
                        ))
                    })?;
                    let info = self.supergraph.field(id);
                    let selection = if f.selection_set.selections.is_empty() {
                        None
                    } else {
                        Some(NSelection {
                            items: self.requires_items(info.named_type, &f.selection_set)?,
                        })
                    };
                    let data_key = input_alias(f).unwrap_or_else(|| f.name.clone());
                    items.push(NItem::Field(NField {
                        kind: NFieldKind::Field(id),
                        name: f.name.clone(),
                        response_key: data_key.clone(),
                        data_key,
                        arguments: f.arguments.clone(),
                        conditions: Vec::new(),
                        parent: ty,
                        ty: info.ty.clone(),
                        selection,
                    }));
                }
                executable::Selection::InlineFragment(fragment) => {
                    let inner = match &fragment.type_condition {
                        Some(t) => Some(
                            self.supergraph
                                .type_id(t)
                                .ok_or_else(|| PlanError::UnknownType(t.to_string()))?,
                        ),
                        None => None,
                    };
                    items.push(NItem::Fragment(NFragment {
                        type_condition: inner,
                        conditions: Vec::new(),
                        selection: NSelection {
                            items: self
                                .requires_items(inner.unwrap_or(ty), &fragment.selection_set)?,
                        },
                    }));
                }
                executable::Selection::FragmentSpread(_) => {}
            }
        }
        Ok(items)
    }

    fn coordinate(&self, field: FieldId) -> String {
        let info = self.supergraph.field(field);
        format!(
            "{}.{}",
            self.supergraph.type_info(info.parent).name,
            info.name
        )
    }
}

/// Root fields in order, with the variable conditions of the fragments they sit in.
fn flatten_root<'s>(
    selection: &'s NSelection,
    root: TypeId,
    supergraph: &Supergraph,
    pending: &[VarCondition],
    out: &mut Vec<(&'s NField, Vec<VarCondition>)>,
) {
    for item in &selection.items {
        match item {
            NItem::Field(field) => out.push((field, pending.to_vec())),
            NItem::Fragment(fragment) => {
                if fragment
                    .type_condition
                    .is_none_or(|c| supergraph.is_possible_type(c, root))
                {
                    flatten_root(
                        &fragment.selection,
                        root,
                        supergraph,
                        &concat(pending, &fragment.conditions),
                        out,
                    );
                }
            }
        }
    }
}

/// The sub-selection of a `@provides` field set for field `name`, if it provides it.
fn provided_child<'p>(provided: &'p SelectionSet, name: &str) -> Option<&'p SelectionSet> {
    for selection in &provided.selections {
        match selection {
            executable::Selection::Field(f) if f.name == name => return Some(&f.selection_set),
            executable::Selection::InlineFragment(fragment) => {
                if let Some(found) = provided_child(&fragment.selection_set, name) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

fn list_depth(ty: &ast::Type) -> usize {
    match ty {
        ast::Type::Named(_) | ast::Type::NonNullNamed(_) => 0,
        ast::Type::List(inner) | ast::Type::NonNullList(inner) => 1 + list_depth(inner),
    }
}

/// The internal alias of a planner-added input field with arguments (`weight(unit: KG)` in a
/// `@requires`): the client may select the same field with other arguments under the same
/// response key, so the input travels as `_tsr_weight_<hash of the arguments>`. The same name
/// is used where it is fetched and where the representation reads it.
fn input_alias(field: &executable::Field) -> Option<apollo_compiler::Name> {
    if field.arguments.is_empty() {
        return None;
    }
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    let mut hash: u32 = 0x811c_9dc5;
    for argument in &field.arguments {
        for byte in format!("{}:{}", argument.name, argument.value).bytes() {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    apollo_compiler::Name::new(&format!("_tsr_{}_{hash:08x}", field.name)).ok()
}

/// A context field set as plan selections, read with the same data keys it is fetched under.
fn context_selection(set: &SelectionSet) -> Vec<super::plan::Selection> {
    set.selections
        .iter()
        .filter_map(|selection| match selection {
            executable::Selection::Field(f) => Some(super::plan::Selection::Field {
                alias: input_alias(f).map(|a| a.to_string()),
                name: f.name.to_string(),
                selections: context_selection(&f.selection_set),
            }),
            executable::Selection::InlineFragment(fragment) => {
                Some(super::plan::Selection::InlineFragment {
                    type_condition: fragment.type_condition.as_ref().map(|t| t.to_string()),
                    selections: context_selection(&fragment.selection_set),
                })
            }
            executable::Selection::FragmentSpread(_) => None,
        })
        .collect()
}

/// The path without its trailing type conditions.
fn trim_type_conditions(path: &[FetchPathElement]) -> &[FetchPathElement] {
    let mut end = path.len();
    while end > 0 && matches!(path[end - 1], FetchPathElement::TypeCondition(_)) {
        end -= 1;
    }
    &path[..end]
}

fn concat(a: &[VarCondition], b: &[VarCondition]) -> Vec<VarCondition> {
    let mut out = a.to_vec();
    for c in b {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

fn with(path: &[FetchPathElement], element: FetchPathElement) -> Vec<FetchPathElement> {
    let mut out = Vec::with_capacity(path.len() + 1);
    out.extend_from_slice(path);
    out.push(element);
    out
}

/// `@include(if: $v)` / `@skip(if: $v)` for the subgraph operation.
/// The variable condition a `@skip`/`@include` directive stands for.
fn directive_condition(directive: &ast::Directive) -> Option<VarCondition> {
    let include = match directive.name.as_str() {
        "include" => true,
        "skip" => false,
        _ => return None,
    };
    match directive.specified_argument_by_name("if").map(|v| &**v) {
        Some(ast::Value::Variable(variable)) => Some((variable.clone(), include)),
        _ => None,
    }
}

/// Distinct conditions split into those the field itself can carry (the first `@include`
/// and the first `@skip`) and the rest.
fn split_conditions(conditions: &[VarCondition]) -> (Vec<VarCondition>, Vec<VarCondition>) {
    let mut on_field: Vec<VarCondition> = Vec::new();
    let mut rest: Vec<VarCondition> = Vec::new();
    for condition in conditions {
        if on_field.contains(condition) || rest.contains(condition) {
            continue;
        }
        if on_field.iter().any(|(_, include)| *include == condition.1) {
            rest.push(condition.clone());
        } else {
            on_field.push(condition.clone());
        }
    }
    (on_field, rest)
}

pub(crate) fn condition_directives(conditions: &[VarCondition]) -> Vec<Node<ast::Directive>> {
    conditions
        .iter()
        .map(|(variable, include)| {
            Node::new(ast::Directive {
                name: if *include {
                    name!("include")
                } else {
                    name!("skip")
                },
                arguments: vec![Node::new(ast::Argument {
                    name: name!("if"),
                    value: Node::new(ast::Value::Variable(variable.clone())),
                })],
            })
        })
        .collect()
}
