//! Normalising the client's operation: named fragments inlined, constant `@skip`/`@include`
//! applied, every field tied to the supergraph model, and a *data key* chosen for it.
//!
//! The data key is the name a field's value has in the merged subgraph data. It is the
//! response key, except when the client's alias is also the name of a field of the parent
//! type (`{ id: name }`): the planner may need the real `id` there (as an entity key or a
//! `@requires` input), so the client's field travels under an internal alias instead, and the
//! projection restores the client's name.

use apollo_compiler::ast::{self, OperationType};
use apollo_compiler::executable::{ExecutableDocument, Operation, Selection, SelectionSet};
use apollo_compiler::{Name, Node};

use super::budget::Budget;
use super::error::PlanError;
use crate::supergraph::{FieldId, Supergraph, TypeId};

/// A `@skip`/`@include` that depends on a variable: `(variable, value that includes)`.
/// `@include(if: $v)` is `(v, true)`, `@skip(if: $v)` is `(v, false)`.
pub type VarCondition = (Name, bool);

/// The normalised selection of one operation.
#[derive(Debug, Clone)]
pub(crate) struct NormalizedOperation {
    pub kind: OperationType,
    pub root_type: TypeId,
    pub variables: Vec<Node<ast::VariableDefinition>>,
    pub selection: NSelection,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct NSelection {
    pub items: Vec<NItem>,
}

#[derive(Debug, Clone)]
pub(crate) enum NItem {
    Field(NField),
    Fragment(NFragment),
}

/// What a selected field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NFieldKind {
    /// A field of the supergraph.
    Field(FieldId),
    /// `__typename`.
    Typename,
    /// Root `__schema`/`__type`: answered by introspection, never planned.
    Introspection,
}

#[derive(Debug, Clone)]
pub(crate) struct NField {
    pub kind: NFieldKind,
    pub name: Name,
    pub response_key: Name,
    pub data_key: Name,
    pub arguments: Vec<Node<ast::Argument>>,
    /// Variable conditions of this field's own `@skip`/`@include`.
    pub conditions: Vec<VarCondition>,
    /// The type the field was selected on (may be an interface).
    pub parent: TypeId,
    /// The client-facing type.
    pub ty: ast::Type,
    /// Sub-selection of composite fields.
    pub selection: Option<NSelection>,
}

#[derive(Debug, Clone)]
pub(crate) struct NFragment {
    pub type_condition: Option<TypeId>,
    pub conditions: Vec<VarCondition>,
    pub selection: NSelection,
}

/// Picks the operation to plan, as GraphQL's GetOperation does.
pub(crate) fn select_operation<'d>(
    document: &'d ExecutableDocument,
    operation_name: Option<&str>,
) -> Result<&'d Node<Operation>, PlanError> {
    match operation_name {
        Some(name) => document
            .operations
            .named
            .get(name)
            .ok_or_else(|| PlanError::OperationNotFound(name.to_owned())),
        None => match (
            &document.operations.anonymous,
            document.operations.named.len(),
        ) {
            (Some(operation), 0) => Ok(operation),
            (None, 1) => document
                .operations
                .named
                .values()
                .next()
                .ok_or(PlanError::NoOperation),
            (None, 0) => Err(PlanError::NoOperation),
            _ => Err(PlanError::OperationNameRequired),
        },
    }
}

pub(crate) fn normalize(
    supergraph: &Supergraph,
    document: &ExecutableDocument,
    operation: &Operation,
    budget: &mut Budget,
) -> Result<NormalizedOperation, PlanError> {
    let kind = operation.operation_type;
    if kind == OperationType::Subscription {
        return Err(PlanError::SubscriptionsUnsupported);
    }
    let root_type = supergraph
        .root_type(kind)
        .ok_or(PlanError::NoRootType(kind.name()))?;
    let normalizer = Normalizer {
        supergraph,
        document,
    };
    let selection = normalizer.selection(&operation.selection_set, root_type, false, budget, 0)?;
    Ok(NormalizedOperation {
        kind,
        root_type,
        variables: operation.variables.clone(),
        selection,
    })
}

struct Normalizer<'a> {
    supergraph: &'a Supergraph,
    document: &'a ExecutableDocument,
}

/// Recursion guard on top of the size budget: validated documents have no fragment cycles,
/// but a pathological nesting must not exhaust the stack.
const MAX_DEPTH: usize = 256;

/// Evaluates `@skip`/`@include`: `None` when the selection is statically excluded, otherwise the
/// variable conditions that remain.
fn conditions(directives: &ast::DirectiveList) -> Option<Vec<VarCondition>> {
    let mut out = Vec::new();
    for directive in directives.iter() {
        let included_when = match directive.name.as_str() {
            "include" => true,
            "skip" => false,
            _ => continue,
        };
        match directive
            .specified_argument_by_name("if")
            .map(|v| v.as_ref())
        {
            Some(ast::Value::Boolean(value)) if *value != included_when => return None,
            Some(ast::Value::Variable(name)) => out.push((name.clone(), included_when)),
            _ => {}
        }
    }
    Some(out)
}

impl Normalizer<'_> {
    /// `narrowed`: `set` is under a type condition that narrowed an abstract type to `parent`,
    /// so sibling selections on other types may share its response keys.
    fn selection(
        &self,
        set: &SelectionSet,
        parent: TypeId,
        narrowed: bool,
        budget: &mut Budget,
        depth: usize,
    ) -> Result<NSelection, PlanError> {
        if depth > MAX_DEPTH {
            return Err(PlanError::BudgetExceeded("selection depth"));
        }
        let mut items = Vec::with_capacity(set.selections.len());
        for selection in &set.selections {
            budget.tick()?;
            match selection {
                Selection::Field(field) => {
                    let Some(conditions) = conditions(&field.directives) else {
                        continue;
                    };
                    let response_key = field.response_key().clone();
                    let name = field.name.clone();
                    let kind = match name.as_str() {
                        "__typename" => NFieldKind::Typename,
                        "__schema" | "__type" => NFieldKind::Introspection,
                        _ => NFieldKind::Field(
                            self.supergraph.field_id(parent, &name).ok_or_else(|| {
                                PlanError::UnknownField(format!(
                                    "{}.{name}",
                                    self.type_name(parent)
                                ))
                            })?,
                        ),
                    };
                    let data_key = match &field.alias {
                        Some(alias)
                            if alias.as_str() == "__typename"
                                || alias.starts_with("_tsr_")
                                || (alias != &name
                                    && self
                                        .supergraph
                                        .type_info(parent)
                                        .fields
                                        .contains_key(alias)) =>
                        {
                            Name::new(&format!("_tsr_{alias}"))
                                .map_err(|_| PlanError::UnknownField(alias.to_string()))?
                        }
                        // A field whose type differs per subgraph (`@join__field(type:)`), under
                        // a type condition: a sibling on another type may use the same response
                        // key with another subgraph type (`Int!` against `Int`), which the
                        // subgraph would refuse in one selection set. Its own data key keeps
                        // them apart.
                        _ if narrowed && self.type_differs_per_graph(kind) => {
                            Name::new(&format!("_tsr_{}_{response_key}", self.type_name(parent)))
                                .map_err(|_| PlanError::UnknownField(response_key.to_string()))?
                        }
                        _ => response_key.clone(),
                    };
                    let selection = match kind {
                        NFieldKind::Field(id) if !field.selection_set.selections.is_empty() => {
                            let named = self.supergraph.field(id).named_type;
                            Some(self.selection(
                                &field.selection_set,
                                named,
                                false,
                                budget,
                                depth + 1,
                            )?)
                        }
                        _ => None,
                    };
                    items.push(NItem::Field(NField {
                        kind,
                        name,
                        response_key,
                        data_key,
                        arguments: field.arguments.clone(),
                        conditions,
                        parent,
                        ty: field.definition.ty.clone(),
                        selection,
                    }));
                }
                Selection::InlineFragment(fragment) => {
                    let Some(conditions) = conditions(&fragment.directives) else {
                        continue;
                    };
                    let type_condition = match &fragment.type_condition {
                        Some(name) => Some(self.type_id(name)?),
                        None => None,
                    };
                    let inner = type_condition.unwrap_or(parent);
                    let selection = self.selection(
                        &fragment.selection_set,
                        inner,
                        narrowed || inner != parent,
                        budget,
                        depth + 1,
                    )?;
                    items.push(NItem::Fragment(NFragment {
                        type_condition,
                        conditions,
                        selection,
                    }));
                }
                Selection::FragmentSpread(spread) => {
                    let Some(conditions) = conditions(&spread.directives) else {
                        continue;
                    };
                    let fragment = self
                        .document
                        .fragments
                        .get(&spread.fragment_name)
                        .ok_or_else(|| {
                            PlanError::UnknownFragment(spread.fragment_name.to_string())
                        })?;
                    let type_condition = self.type_id(fragment.type_condition())?;
                    let selection = self.selection(
                        &fragment.selection_set,
                        type_condition,
                        narrowed || type_condition != parent,
                        budget,
                        depth + 1,
                    )?;
                    items.push(NItem::Fragment(NFragment {
                        type_condition: Some(type_condition),
                        conditions,
                        selection,
                    }));
                }
            }
        }
        Ok(NSelection { items })
    }

    /// Whether some subgraph declares the field with another type than the supergraph's.
    fn type_differs_per_graph(&self, kind: NFieldKind) -> bool {
        let NFieldKind::Field(id) = kind else {
            return false;
        };
        let field = self.supergraph.field(id);
        field
            .graphs
            .iter()
            .any(|g| g.ty.as_ref().is_some_and(|ty| *ty != field.ty))
    }

    fn type_id(&self, name: &str) -> Result<TypeId, PlanError> {
        self.supergraph
            .type_id(name)
            .ok_or_else(|| PlanError::UnknownType(name.to_owned()))
    }

    fn type_name(&self, id: TypeId) -> &str {
        self.supergraph.type_info(id).name.as_str()
    }
}
