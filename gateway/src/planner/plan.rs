//! The query plan: a tree of fetches the executor runs, readable (`Display`) and serialisable.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use apollo_compiler::ast::OperationType;
use serde::Serialize;

use super::shape::ResponseShape;
use crate::supergraph::SubgraphId;

/// A plan for one operation of one document. Plans depend only on the document, the operation
/// name and the supergraph (never on variable values), so they are cached and shared.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryPlan {
    /// `None` when nothing needs fetching (only `__typename` or introspection).
    pub node: Option<PlanNode>,
    /// Number of fetch nodes in the plan.
    pub fetch_count: usize,
    /// How to project the merged subgraph data onto the client's selection.
    #[serde(skip)]
    pub shape: Arc<ResponseShape>,
    #[serde(skip)]
    pub operation_kind: OperationType,
}

/// One node of the plan tree.
// Plans are built once and cached; boxing fetches would only add indirection when walking them.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind")]
pub enum PlanNode {
    /// Children run one after the other.
    Sequence { nodes: Vec<PlanNode> },
    /// Children run concurrently.
    Parallel { nodes: Vec<PlanNode> },
    /// A subgraph request.
    Fetch(FetchNode),
    /// An entity fetch applied at a path of the data fetched so far.
    Flatten(FlattenNode),
    /// A branch on a `@skip`/`@include` variable.
    Condition(ConditionNode),
}

/// A subgraph request.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchNode {
    /// Unique within the plan; used in logs and traces.
    pub id: usize,
    /// Subgraph name.
    #[serde(rename = "serviceName")]
    pub subgraph: String,
    #[serde(skip)]
    pub subgraph_id: SubgraphId,
    /// The GraphQL text sent. Entity fetches select `_entities(representations:)`.
    #[serde(serialize_with = "serialize_str")]
    pub operation: Arc<str>,
    #[serde(serialize_with = "serialize_operation_kind")]
    pub operation_kind: OperationType,
    /// Client variables the operation uses (only these are sent).
    pub variable_usages: Vec<String>,
    /// Name of the variable carrying representations (`representations`, unless the client
    /// uses that name).
    #[serde(skip)]
    pub representations_variable: String,
    /// For entity fetches: the representation selection, per entity type
    /// (`... on User { __typename id }`). Empty for root fetches.
    pub requires: Vec<Selection>,
    /// Rewrites applied to representations before sending (`@interfaceObject` typenames,
    /// `@fromContext` values). None are produced yet.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub input_rewrites: Vec<InputRewrite>,
    /// `@fromContext` values, read per item from enclosing objects.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context_inputs: Vec<ContextInput>,
    /// Data keys of the top-level fields this fetch provides on each entity (or root), so a
    /// failure is reported at the client paths it leaves empty.
    #[serde(skip)]
    pub provides_keys: Vec<String>,
    /// Top-level `@requires` inputs, which may be null in a representation (key fields may not).
    #[serde(skip)]
    pub nullable_inputs: Vec<String>,
    /// The selection, pretty-printed for `Display`.
    #[serde(skip)]
    pub(crate) pretty_selection: String,
}

/// A `@fromContext` argument value: read from the enclosing object `depth` steps down the
/// fetch path (by `selection`) and sent as `$variable`. Items whose values differ are sent in
/// separate batches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextInput {
    pub variable: String,
    pub depth: usize,
    pub selection: Vec<Selection>,
}

/// A rewrite of representation values before an entity fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum InputRewrite {
    /// Set `__typename` to this value on representations of `type_condition`
    /// (`@interfaceObject` graphs expect the interface's name).
    TypenameRewrite {
        type_condition: String,
        value: String,
    },
}

/// An entity fetch at a path.
#[derive(Debug, Clone, Serialize)]
pub struct FlattenNode {
    pub path: Vec<FetchPathElement>,
    pub node: Box<PlanNode>,
}

/// One step of a [`FlattenNode`] path into the data. Serialised as Apollo does: a key, `"@"`,
/// or `"|[Book,Movie]"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FetchPathElement {
    /// An object field, by its data key.
    Key(String),
    /// Every item of a list (`@`).
    List,
    /// Only objects whose `__typename` is one of these (`|[Book]`).
    TypeCondition(Vec<String>),
}

impl Serialize for FetchPathElement {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FetchPathElement::Key(key) => s.serialize_str(key),
            FetchPathElement::List => s.serialize_str("@"),
            FetchPathElement::TypeCondition(types) => {
                s.serialize_str(&format!("|[{}]", types.join(",")))
            }
        }
    }
}

/// `@include(if: $variable)` runs `if_clause`, `@skip(if: $variable)` runs `else_clause`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionNode {
    pub variable: String,
    pub if_clause: Option<Box<PlanNode>>,
    pub else_clause: Option<Box<PlanNode>>,
}

/// A selection in a representation (`requires`): fields are read from the data by their data
/// key (`alias`, or `name`) and written to the representation under `name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind")]
pub enum Selection {
    Field {
        #[serde(skip_serializing_if = "Option::is_none")]
        alias: Option<String>,
        name: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        selections: Vec<Selection>,
    },
    InlineFragment {
        #[serde(rename = "typeCondition", skip_serializing_if = "Option::is_none")]
        type_condition: Option<String>,
        selections: Vec<Selection>,
    },
}

fn serialize_str<S: serde::Serializer>(text: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(text)
}

fn serialize_operation_kind<S: serde::Serializer>(
    kind: &OperationType,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.name())
}

impl QueryPlan {
    /// Every fetch node, in plan order.
    pub fn fetches(&self) -> Vec<&FetchNode> {
        fn walk<'a>(node: &'a PlanNode, out: &mut Vec<&'a FetchNode>) {
            match node {
                PlanNode::Sequence { nodes } | PlanNode::Parallel { nodes } => {
                    nodes.iter().for_each(|n| walk(n, out))
                }
                PlanNode::Fetch(fetch) => out.push(fetch),
                PlanNode::Flatten(flatten) => walk(&flatten.node, out),
                PlanNode::Condition(c) => {
                    c.if_clause
                        .iter()
                        .chain(c.else_clause.iter())
                        .for_each(|n| walk(n, out));
                }
            }
        }
        let mut out = Vec::new();
        if let Some(node) = &self.node {
            walk(node, &mut out);
        }
        out
    }
}

/// `users.@.orders.@|[Book]`.
pub fn display_path(path: &[FetchPathElement]) -> String {
    let mut out = String::new();
    for element in path {
        match element {
            FetchPathElement::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            FetchPathElement::List => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('@');
            }
            FetchPathElement::TypeCondition(types) => {
                let _ = write!(out, "|[{}]", types.join(","));
            }
        }
    }
    out
}

pub(crate) fn write_selections(out: &mut String, selections: &[Selection], indent: usize) {
    out.push_str("{\n");
    for selection in selections {
        push_indent(out, indent + 1);
        match selection {
            Selection::Field {
                alias,
                name,
                selections,
            } => {
                if let Some(alias) = alias {
                    let _ = write!(out, "{alias}: ");
                }
                out.push_str(name);
                if !selections.is_empty() {
                    out.push(' ');
                    write_selections(out, selections, indent + 1);
                }
            }
            Selection::InlineFragment {
                type_condition,
                selections,
            } => {
                out.push_str("...");
                if let Some(t) = type_condition {
                    let _ = write!(out, " on {t}");
                }
                out.push(' ');
                write_selections(out, selections, indent + 1);
            }
        }
        out.push('\n');
    }
    push_indent(out, indent);
    out.push('}');
}

fn push_indent(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

/// Writes `text` (multi-line) with every line after the first indented.
fn write_block(f: &mut fmt::Formatter<'_>, text: &str, indent: usize) -> fmt::Result {
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            f.write_char('\n')?;
            for _ in 0..indent {
                f.write_str("  ")?;
            }
        }
        f.write_str(line)?;
    }
    Ok(())
}

fn fmt_node(f: &mut fmt::Formatter<'_>, node: &PlanNode, indent: usize) -> fmt::Result {
    let pad = |f: &mut fmt::Formatter<'_>, n: usize| -> fmt::Result {
        for _ in 0..n {
            f.write_str("  ")?;
        }
        Ok(())
    };
    match node {
        PlanNode::Sequence { nodes } | PlanNode::Parallel { nodes } => {
            f.write_str(if matches!(node, PlanNode::Sequence { .. }) {
                "Sequence {\n"
            } else {
                "Parallel {\n"
            })?;
            for child in nodes {
                pad(f, indent + 1)?;
                fmt_node(f, child, indent + 1)?;
                f.write_str(",\n")?;
            }
            pad(f, indent)?;
            f.write_str("}")
        }
        PlanNode::Fetch(fetch) => {
            writeln!(
                f,
                "Fetch(service: \"{}\", id: {}) {{",
                fetch.subgraph, fetch.id
            )?;
            if !fetch.requires.is_empty() {
                let mut requires = String::new();
                write_selections(&mut requires, &fetch.requires, 0);
                pad(f, indent + 1)?;
                write_block(f, &requires, indent + 1)?;
                f.write_str(" =>\n")?;
            }
            pad(f, indent + 1)?;
            if fetch.operation_kind == OperationType::Mutation {
                f.write_str("mutation ")?;
            }
            write_block(f, &fetch.pretty_selection, indent + 1)?;
            f.write_char('\n')?;
            pad(f, indent)?;
            f.write_str("}")
        }
        PlanNode::Flatten(flatten) => {
            writeln!(f, "Flatten(path: \"{}\") {{", display_path(&flatten.path))?;
            pad(f, indent + 1)?;
            fmt_node(f, &flatten.node, indent + 1)?;
            f.write_str(",\n")?;
            pad(f, indent)?;
            f.write_str("}")
        }
        PlanNode::Condition(condition) => {
            match (&condition.if_clause, &condition.else_clause) {
                (Some(node), None) => {
                    writeln!(f, "Include(if: ${}) {{", condition.variable)?;
                    pad(f, indent + 1)?;
                    fmt_node(f, node, indent + 1)?;
                    f.write_str(",\n")?;
                }
                (None, Some(node)) => {
                    writeln!(f, "Skip(if: ${}) {{", condition.variable)?;
                    pad(f, indent + 1)?;
                    fmt_node(f, node, indent + 1)?;
                    f.write_str(",\n")?;
                }
                (if_clause, else_clause) => {
                    writeln!(f, "Condition(if: ${}) {{", condition.variable)?;
                    for (label, clause) in [("Then", if_clause), ("Else", else_clause)] {
                        if let Some(node) = clause {
                            pad(f, indent + 1)?;
                            writeln!(f, "{label} {{")?;
                            pad(f, indent + 2)?;
                            fmt_node(f, node, indent + 2)?;
                            f.write_str(",\n")?;
                            pad(f, indent + 1)?;
                            f.write_str("},\n")?;
                        }
                    }
                }
            }
            pad(f, indent)?;
            f.write_str("}")
        }
    }
}

impl fmt::Display for QueryPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueryPlan {")?;
        if let Some(node) = &self.node {
            f.write_str("\n  ")?;
            fmt_node(f, node, 1)?;
            f.write_str(",\n")?;
        }
        f.write_str("}")
    }
}
