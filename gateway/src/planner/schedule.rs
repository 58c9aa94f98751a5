//! Turning fetch groups into the plan tree.
//!
//! Every entity group hangs under the group it must wait for last (its *anchor*: the key
//! source, or the deepest group producing its `@requires` inputs). A group's node is its fetch
//! followed by its children in parallel, so independent branches never wait for each other.
//! If dependencies do not form such a chain (inputs from two unrelated branches), the whole
//! plan falls back to levels: a sequence of parallel stages, still correct, less concurrent.

use apollo_compiler::ast::{self, OperationType};
use apollo_compiler::{Name, Node};

use super::error::PlanError;
use super::groups::{GroupId, GroupKind, Groups, SelKind};
use super::operation::VarCondition;
use super::plan::{ConditionNode, FetchNode, FlattenNode, InputRewrite, PlanNode};
use super::print;
use crate::supergraph::Supergraph;

pub(crate) struct Scheduled {
    pub node: Option<PlanNode>,
    pub fetch_count: usize,
}

pub(crate) fn schedule(
    supergraph: &Supergraph,
    groups: &Groups,
    roots: &[GroupId],
    kind: OperationType,
    variables: &[Node<ast::VariableDefinition>],
) -> Result<Scheduled, PlanError> {
    let count = groups.groups.len();
    let order = topological_order(groups)?;
    // Anchors, in dependency order.
    let mut anchor: Vec<Option<GroupId>> = vec![None; count];
    let mut tree = true;
    for &g in &order {
        let deps = &groups.groups[g].deps;
        if deps.is_empty() {
            continue;
        }
        let candidate = deps
            .iter()
            .copied()
            .find(|&d| deps.iter().all(|&other| is_ancestor(&anchor, other, d)));
        match candidate {
            Some(d) => anchor[g] = Some(d),
            None => {
                tree = false;
                anchor[g] = deps.first().copied();
            }
        }
    }
    let representations = print::representations_variable(variables);
    let mut fetches: Vec<Option<PlanNode>> = Vec::with_capacity(count);
    for (id, group) in groups.groups.iter().enumerate() {
        fetches.push(Some(fetch_node(
            supergraph,
            groups,
            id,
            group.kind,
            variables,
            &representations,
        )));
    }
    let fetch_count = count;

    let node = if tree {
        let mut children: Vec<Vec<GroupId>> = vec![Vec::new(); count];
        for (g, a) in anchor.iter().enumerate() {
            if let Some(a) = *a {
                children[a].push(g);
            }
        }
        let mut nodes: Vec<PlanNode> = Vec::new();
        for &root in roots {
            nodes.push(subtree(groups, &children, &mut fetches, root, &[]));
        }
        combine(nodes, kind == OperationType::Mutation)
    } else {
        // Levels: longest dependency chain from a root.
        let mut level = vec![0usize; count];
        for &g in &order {
            level[g] = groups.groups[g]
                .deps
                .iter()
                .map(|&d| level[d] + 1)
                .max()
                .unwrap_or(0);
        }
        let max = level.iter().copied().max().unwrap_or(0);
        let mut stages = Vec::new();
        for l in 0..=max {
            let mut stage = Vec::new();
            for g in 0..count {
                if level[g] == l
                    && let Some(fetch) = fetches[g].take()
                {
                    let conditions = groups.groups[g].conditions.clone().unwrap_or_default();
                    stage.push(wrap_conditions(fetch, &conditions));
                }
            }
            if let Some(node) = combine(stage, false) {
                stages.push(node);
            }
        }
        combine(stages, true)
    };
    Ok(Scheduled { node, fetch_count })
}

fn is_ancestor(anchor: &[Option<GroupId>], ancestor: GroupId, mut of: GroupId) -> bool {
    loop {
        if of == ancestor {
            return true;
        }
        match anchor[of] {
            Some(parent) => of = parent,
            None => return false,
        }
    }
}

fn topological_order(groups: &Groups) -> Result<Vec<GroupId>, PlanError> {
    let count = groups.groups.len();
    let mut state = vec![0u8; count];
    let mut order = Vec::with_capacity(count);
    fn visit(
        groups: &Groups,
        g: GroupId,
        state: &mut [u8],
        order: &mut Vec<GroupId>,
    ) -> Result<(), PlanError> {
        match state[g] {
            2 => return Ok(()),
            1 => {
                return Err(PlanError::Unsatisfiable {
                    field: "@requires".into(),
                    reason: "the required fields depend on the field that requires them".into(),
                });
            }
            _ => {}
        }
        state[g] = 1;
        for &d in &groups.groups[g].deps {
            visit(groups, d, state, order)?;
        }
        state[g] = 2;
        order.push(g);
        Ok(())
    }
    for g in 0..count {
        visit(groups, g, &mut state, &mut order)?;
    }
    Ok(order)
}

/// The node for a group and everything anchored under it.
fn subtree(
    groups: &Groups,
    children: &[Vec<GroupId>],
    fetches: &mut [Option<PlanNode>],
    g: GroupId,
    outer_conditions: &[VarCondition],
) -> PlanNode {
    let conditions = groups.groups[g].conditions.clone().unwrap_or_default();
    let own: Vec<VarCondition> = conditions
        .iter()
        .filter(|c| !outer_conditions.contains(c))
        .cloned()
        .collect();
    let fetch = fetches[g]
        .take()
        .unwrap_or(PlanNode::Sequence { nodes: Vec::new() });
    let mut inner = outer_conditions.to_vec();
    inner.extend(own.iter().cloned());
    let child_nodes: Vec<PlanNode> = children[g]
        .iter()
        .map(|&c| subtree(groups, children, fetches, c, &inner))
        .collect();
    let mut nodes = vec![fetch];
    if let Some(rest) = combine(child_nodes, false) {
        nodes.push(rest);
    }
    let node = combine(nodes, true).unwrap_or(PlanNode::Sequence { nodes: Vec::new() });
    wrap_conditions(node, &own)
}

/// One node for several: `Sequence`/`Parallel`, flattening nested sequences.
fn combine(nodes: Vec<PlanNode>, sequence: bool) -> Option<PlanNode> {
    match nodes.len() {
        0 => None,
        1 => nodes.into_iter().next(),
        _ => {
            let mut flat = Vec::with_capacity(nodes.len());
            for node in nodes {
                match node {
                    PlanNode::Sequence { nodes: inner } if sequence => flat.extend(inner),
                    PlanNode::Parallel { nodes: inner } if !sequence => flat.extend(inner),
                    other => flat.push(other),
                }
            }
            Some(if sequence {
                PlanNode::Sequence { nodes: flat }
            } else {
                PlanNode::Parallel { nodes: flat }
            })
        }
    }
}

fn wrap_conditions(mut node: PlanNode, conditions: &[VarCondition]) -> PlanNode {
    for (variable, include) in conditions.iter().rev() {
        let boxed = Some(Box::new(node));
        node = PlanNode::Condition(ConditionNode {
            variable: variable.to_string(),
            if_clause: if *include { boxed.clone() } else { None },
            else_clause: if *include { None } else { boxed },
        });
    }
    node
}

fn fetch_node(
    supergraph: &Supergraph,
    groups: &Groups,
    id: GroupId,
    kind: GroupKind,
    variables: &[Node<ast::VariableDefinition>],
    representations: &str,
) -> PlanNode {
    let group = &groups.groups[id];
    let arena = &groups.arena;
    let used: Vec<&Node<ast::VariableDefinition>> = variables
        .iter()
        .filter(|v| group.variables.contains(&v.name))
        .collect();
    let declared: Vec<&Node<ast::VariableDefinition>> = used
        .iter()
        .copied()
        .chain(group.context_variables.iter())
        .collect();
    let operation = print::operation_text(arena, kind, group.selection, &declared, representations);
    let pretty_selection = print::pretty(arena, group.selection);
    let requires = if kind == GroupKind::Entity {
        print::selections(arena, group.requires)
    } else {
        Vec::new()
    };
    let top_level = |sel: usize| -> Vec<String> {
        arena.nodes[sel]
            .children
            .iter()
            .filter_map(|&c| match &arena.nodes[c].kind {
                SelKind::Field { alias, name, .. } => {
                    Some(alias.as_ref().map_or(name, |a| a).to_string())
                }
                _ => None,
            })
            .collect()
    };
    let provides_keys = match kind {
        GroupKind::Entity => {
            let mut keys = Vec::new();
            for &(_, _, sel, _) in &group.entity_fragments {
                for key in top_level(sel) {
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
            keys
        }
        GroupKind::Root(_) => top_level(group.selection),
    };
    let fetch = FetchNode {
        id,
        subgraph: supergraph.subgraph(group.subgraph).name.clone(),
        subgraph_id: group.subgraph,
        operation: operation.into(),
        operation_kind: match kind {
            GroupKind::Root(k) => k,
            GroupKind::Entity => OperationType::Query,
        },
        variable_usages: used.iter().map(|v| v.name.to_string()).collect(),
        representations_variable: Name::new(representations)
            .map(|n| n.to_string())
            .unwrap_or_default(),
        requires,
        input_rewrites: group
            .typename_rewrites
            .iter()
            .map(|(from, to)| InputRewrite::TypenameRewrite {
                type_condition: from.clone(),
                value: to.clone(),
            })
            .collect(),
        context_inputs: group.context_inputs.clone(),
        provides_keys,
        nullable_inputs: group.nullable_inputs.clone(),
        pretty_selection,
    };
    match kind {
        GroupKind::Entity => PlanNode::Flatten(FlattenNode {
            path: group.path.clone(),
            node: Box::new(PlanNode::Fetch(fetch)),
        }),
        GroupKind::Root(_) => PlanNode::Fetch(fetch),
    }
}
