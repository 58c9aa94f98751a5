//! Writing a group's selection as the GraphQL text sent to the subgraph (compact) and as the
//! readable form shown in plans (indented).

use std::fmt::Write as _;

use apollo_compiler::ast::{self, OperationType};
use apollo_compiler::{Name, Node};

use super::groups::{Arena, GroupKind, SelId, SelKind};
use super::plan::Selection;

/// The variable that carries representations, unless the client already uses that name.
pub(crate) fn representations_variable(
    client_variables: &[Node<ast::VariableDefinition>],
) -> String {
    let mut name = String::from("representations");
    while client_variables.iter().any(|v| v.name == name.as_str()) {
        name.insert(0, '_');
    }
    name
}

/// The full operation text for a group.
pub(crate) fn operation_text(
    arena: &Arena,
    kind: GroupKind,
    selection: SelId,
    variables: &[&Node<ast::VariableDefinition>],
    representations: &str,
) -> String {
    let mut out = String::with_capacity(256);
    let operation_type = match kind {
        GroupKind::Root(OperationType::Mutation) => "mutation",
        GroupKind::Root(OperationType::Subscription) => "subscription",
        _ => "query",
    };
    out.push_str(operation_type);
    let entity = kind == GroupKind::Entity;
    if entity || !variables.is_empty() {
        out.push('(');
        let mut first = true;
        if entity {
            let _ = write!(out, "${representations}:[_Any!]!");
            first = false;
        }
        for variable in variables {
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(out, "${}:{}", variable.name, variable.ty);
            if let Some(default) = &variable.default_value {
                let _ = write!(out, "={default}");
            }
        }
        out.push(')');
    }
    if entity {
        let _ = write!(out, "{{_entities(representations:${representations})");
        write_compact(&mut out, arena, selection);
        out.push('}');
    } else {
        write_compact(&mut out, arena, selection);
    }
    out
}

fn write_head(out: &mut String, kind: &SelKind, pretty: bool) {
    let (colon, comma) = if pretty { (": ", ", ") } else { (":", ",") };
    match kind {
        SelKind::Root => {}
        SelKind::Field {
            alias,
            name,
            arguments,
            directives,
        } => {
            if let Some(alias) = alias {
                let _ = write!(out, "{alias}{colon}");
            }
            out.push_str(name);
            if !arguments.is_empty() {
                out.push('(');
                for (i, argument) in arguments.iter().enumerate() {
                    if i > 0 {
                        out.push_str(comma);
                    }
                    let _ = write!(out, "{}{colon}{}", argument.name, argument.value);
                }
                out.push(')');
            }
            for directive in directives {
                let _ = write!(out, " {directive}");
            }
        }
        SelKind::Fragment {
            type_condition,
            directives,
        } => {
            out.push_str("...");
            if let Some(t) = type_condition {
                let _ = write!(out, " on {t}");
            }
            for directive in directives {
                let _ = write!(out, " {directive}");
            }
        }
    }
}

fn write_compact(out: &mut String, arena: &Arena, id: SelId) {
    let node = &arena.nodes[id];
    out.push('{');
    for (i, &child) in node.children.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let child_node = &arena.nodes[child];
        write_head(out, &child_node.kind, false);
        if !child_node.children.is_empty() {
            write_compact(out, arena, child);
        } else if matches!(child_node.kind, SelKind::Fragment { .. }) {
            // An empty fragment would be invalid; ask for the typename instead.
            out.push_str("{__typename}");
        }
    }
    out.push('}');
}

/// The readable form of a selection (`{` ... `}`), indented by two spaces per level.
pub(crate) fn pretty(arena: &Arena, id: SelId) -> String {
    let mut out = String::new();
    write_pretty(&mut out, arena, id, 0);
    out
}

fn write_pretty(out: &mut String, arena: &Arena, id: SelId, indent: usize) {
    out.push_str("{\n");
    for &child in &arena.nodes[id].children {
        for _ in 0..=indent {
            out.push_str("  ");
        }
        let node = &arena.nodes[child];
        write_head(out, &node.kind, true);
        if !node.children.is_empty() {
            out.push(' ');
            write_pretty(out, arena, child, indent + 1);
        }
        out.push('\n');
    }
    for _ in 0..indent {
        out.push_str("  ");
    }
    out.push('}');
}

/// A representation selection as plan [`Selection`]s.
pub(crate) fn selections(arena: &Arena, id: SelId) -> Vec<Selection> {
    arena.nodes[id]
        .children
        .iter()
        .filter_map(|&child| {
            let node = &arena.nodes[child];
            match &node.kind {
                SelKind::Field { alias, name, .. } => Some(Selection::Field {
                    alias: alias.as_ref().map(Name::to_string),
                    name: name.to_string(),
                    selections: selections(arena, child),
                }),
                SelKind::Fragment { type_condition, .. } => Some(Selection::InlineFragment {
                    type_condition: type_condition.as_ref().map(Name::to_string),
                    selections: selections(arena, child),
                }),
                SelKind::Root => None,
            }
        })
        .collect()
}
