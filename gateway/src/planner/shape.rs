//! The response shape: the client's selection, collected per runtime type once at planning
//! time, so the executor projects merged data without re-running CollectFields per object.
//!
//! For every composite position the shape holds the fields the spec's CollectFields yields for
//! each possible runtime type (types that yield the same list share one variant), with
//! response key, data key (where the value sits in the merged data), client type (for null
//! propagation) and the `@skip`/`@include` variable conditions that decide inclusion.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use apollo_compiler::Name;
use apollo_compiler::ast;
use indexmap::IndexMap;

use super::budget::Budget;
use super::error::PlanError;
use super::operation::{NField, NFieldKind, NItem, NSelection, NormalizedOperation, VarCondition};
use crate::supergraph::{Supergraph, TypeId, TypeKind};

/// The projection of one operation.
#[derive(Debug, Clone)]
pub struct ResponseShape {
    pub root: SelectionShape,
}

impl Default for ResponseShape {
    fn default() -> Self {
        Self {
            root: SelectionShape {
                variants: vec![Vec::new()],
                by_type: HashMap::new(),
                static_type: None,
                fallback: 0,
            },
        }
    }
}

/// The fields to project at one composite position.
#[derive(Debug, Clone)]
pub struct SelectionShape {
    /// Distinct collected field lists.
    pub variants: Vec<Vec<FieldShape>>,
    /// Runtime type name → variant (abstract positions).
    pub by_type: HashMap<Name, usize>,
    /// The type at an object position, which the data need not repeat.
    pub static_type: Option<Name>,
    /// Variant for an object whose runtime type is unknown: fields not under type conditions.
    pub fallback: usize,
}

impl SelectionShape {
    /// The fields for an object of this runtime type (`None`: unknown).
    pub fn fields_for(&self, typename: Option<&str>) -> &[FieldShape] {
        let index = match (typename, &self.static_type) {
            (_, Some(_)) => 0,
            (Some(t), None) => self.by_type.get(t).copied().unwrap_or(self.fallback),
            (None, None) => self.fallback,
        };
        self.variants
            .get(index)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// What a projected field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeKind {
    /// A value read from the data by data key.
    Value,
    /// `__typename`: the runtime type's name.
    Typename,
    /// Root `__schema`/`__type`: the pre-computed introspection result.
    Introspection,
}

/// When a field is included: always, or when one of the conjunctions of variable conditions
/// holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inclusion {
    Always,
    When(Vec<Vec<VarCondition>>),
}

impl Inclusion {
    pub fn is_included(&self, variable: impl Fn(&str) -> bool) -> bool {
        match self {
            Inclusion::Always => true,
            Inclusion::When(any) => any.iter().any(|all| {
                all.iter()
                    .all(|(name, expected)| variable(name) == *expected)
            }),
        }
    }
}

/// One field of the response.
#[derive(Debug, Clone)]
pub struct FieldShape {
    pub response_key: Name,
    pub data_key: Name,
    pub kind: ShapeKind,
    /// The client-facing type: non-null and list wrappers drive null propagation.
    pub ty: ast::Type,
    pub include: Inclusion,
    /// For enum leaves: the values clients may see; anything else is a field error.
    pub enum_values: Option<Arc<HashSet<String>>>,
    /// Sub-selection of composite fields.
    pub selection: Option<Box<SelectionShape>>,
    /// `Type.field`, for error messages.
    pub coordinate: Arc<str>,
}

/// The merged fields in response order. A response key sits where its first *included*
/// occurrence is (CollectFields skips excluded ones), so a key whose first occurrence is
/// conditional appears once per distinct condition, in occurrence order, each gated by its
/// own condition; the projector keeps the first that is included. Keys whose first
/// occurrence is unconditional appear once, as before.
fn in_response_order(
    mut merged: HashMap<Name, FieldShape>,
    order: &[(Name, Vec<VarCondition>)],
) -> Vec<FieldShape> {
    let mut placed: HashMap<&Name, Vec<&Vec<VarCondition>>> = HashMap::new();
    let mut plan: Vec<(&Name, &Vec<VarCondition>)> = Vec::new();
    for (key, conjunction) in order {
        let seen = placed.entry(key).or_default();
        if seen.iter().any(|c| c.is_empty()) || seen.contains(&conjunction) {
            continue;
        }
        seen.push(conjunction);
        plan.push((key, conjunction));
    }
    let mut remaining: HashMap<&Name, usize> = HashMap::new();
    for (key, _) in &plan {
        *remaining.entry(*key).or_default() += 1;
    }
    let mut out = Vec::with_capacity(plan.len());
    for (key, conjunction) in plan {
        let left = remaining.get_mut(key).map(|n| {
            *n -= 1;
            *n
        });
        let Some(mut field) = (if left == Some(0) {
            merged.remove(key)
        } else {
            merged.get(key).cloned()
        }) else {
            continue;
        };
        if placed.get(key).is_some_and(|all| all.len() > 1) {
            field.include = if conjunction.is_empty() {
                Inclusion::Always
            } else {
                Inclusion::When(vec![conjunction.clone()])
            };
        }
        out.push(field);
    }
    out
}

pub(crate) fn build(
    supergraph: &Supergraph,
    operation: &NormalizedOperation,
    budget: &mut Budget,
) -> Result<ResponseShape, PlanError> {
    let mut builder = ShapeBuilder {
        supergraph,
        budget,
        enums: HashMap::new(),
    };
    let root = builder.selection(operation.root_type, &[(&operation.selection, Vec::new())])?;
    Ok(ResponseShape { root })
}

struct ShapeBuilder<'a> {
    supergraph: &'a Supergraph,
    budget: &'a mut Budget,
    enums: HashMap<TypeId, Arc<HashSet<String>>>,
}

type Occurrence<'n> = (&'n NSelection, Vec<VarCondition>);
/// Per response key: the first field, its sub-selections, and the conditions of each occurrence.
type Entries<'n> = IndexMap<Name, (&'n NField, Vec<Occurrence<'n>>, Vec<Vec<VarCondition>>)>;

impl ShapeBuilder<'_> {
    fn selection(
        &mut self,
        ty: TypeId,
        occurrences: &[Occurrence<'_>],
    ) -> Result<SelectionShape, PlanError> {
        let info = self.supergraph.type_info(ty);
        if !info.kind.is_abstract() {
            let fields = self.collect(occurrences, Some(ty))?;
            return Ok(SelectionShape {
                variants: vec![fields],
                by_type: HashMap::new(),
                static_type: Some(info.name.clone()),
                fallback: 0,
            });
        }
        let api = self.supergraph.api_schema();
        let mut variants = Vec::new();
        let mut by_signature: HashMap<Vec<bool>, usize> = HashMap::new();
        let mut by_type = HashMap::new();
        for &object in self.supergraph.possible_types(ty) {
            let name = &self.supergraph.type_info(object).name;
            if !api.types.contains_key(name) {
                continue;
            }
            let mut signature = Vec::new();
            for (selection, _) in occurrences {
                self.signature(selection, object, &mut signature)?;
            }
            let index = match by_signature.get(&signature) {
                Some(&index) => index,
                None => {
                    let fields = self.collect(occurrences, Some(object))?;
                    variants.push(fields);
                    by_signature.insert(signature, variants.len() - 1);
                    variants.len() - 1
                }
            };
            by_type.insert(name.clone(), index);
        }
        variants.push(self.collect(occurrences, None)?);
        let fallback = variants.len() - 1;
        Ok(SelectionShape {
            variants,
            by_type,
            static_type: None,
            fallback,
        })
    }

    /// Which fragments apply to `object`, in visit order.
    fn signature(
        &mut self,
        selection: &NSelection,
        object: TypeId,
        out: &mut Vec<bool>,
    ) -> Result<(), PlanError> {
        for item in &selection.items {
            self.budget.tick()?;
            if let NItem::Fragment(fragment) = item {
                let applies = fragment
                    .type_condition
                    .is_none_or(|c| self.supergraph.is_possible_type(c, object));
                out.push(applies);
                if applies {
                    self.signature(&fragment.selection, object, out)?;
                }
            }
        }
        Ok(())
    }

    /// CollectFields for `object` (`None`: only unconditioned fragments).
    fn collect(
        &mut self,
        occurrences: &[Occurrence<'_>],
        object: Option<TypeId>,
    ) -> Result<Vec<FieldShape>, PlanError> {
        let mut entries: Entries<'_> = IndexMap::new();
        let mut order = Vec::new();
        for (selection, conditions) in occurrences {
            self.visit(selection, conditions, object, &mut entries, &mut order)?;
        }
        let mut merged: HashMap<Name, FieldShape> = HashMap::with_capacity(entries.len());
        for (_, (field, children, conjunctions)) in entries {
            let include = if conjunctions.iter().any(Vec::is_empty) {
                Inclusion::Always
            } else {
                Inclusion::When(conjunctions)
            };
            let (kind, coordinate, enum_values, selection) = match field.kind {
                NFieldKind::Typename => (ShapeKind::Typename, Arc::from("__typename"), None, None),
                NFieldKind::Introspection => (
                    ShapeKind::Introspection,
                    Arc::from(field.name.as_str()),
                    None,
                    None,
                ),
                NFieldKind::Field(id) => {
                    let info = self.supergraph.field(id);
                    let named = info.named_type;
                    let named_info = self.supergraph.type_info(named);
                    let coordinate: Arc<str> = Arc::from(format!(
                        "{}.{}",
                        self.supergraph.type_info(field.parent).name,
                        field.name
                    ));
                    let enum_values =
                        (named_info.kind == TypeKind::Enum).then(|| self.enum_values(named));
                    let selection = if named_info.kind.is_composite() {
                        Some(Box::new(self.selection(named, &children)?))
                    } else {
                        None
                    };
                    (ShapeKind::Value, coordinate, enum_values, selection)
                }
            };
            merged.insert(
                field.response_key.clone(),
                FieldShape {
                    response_key: field.response_key.clone(),
                    data_key: field.data_key.clone(),
                    kind,
                    ty: field.ty.clone(),
                    include,
                    enum_values,
                    selection,
                    coordinate,
                },
            );
        }
        Ok(in_response_order(merged, &order))
    }

    fn visit<'n>(
        &mut self,
        selection: &'n NSelection,
        conditions: &[VarCondition],
        object: Option<TypeId>,
        entries: &mut Entries<'n>,
        order: &mut Vec<(Name, Vec<VarCondition>)>,
    ) -> Result<(), PlanError> {
        for item in &selection.items {
            self.budget.tick()?;
            match item {
                NItem::Field(field) => {
                    let mut all = conditions.to_vec();
                    for c in &field.conditions {
                        if !all.contains(c) {
                            all.push(c.clone());
                        }
                    }
                    let entry = entries
                        .entry(field.response_key.clone())
                        .or_insert_with(|| (field, Vec::new(), Vec::new()));
                    if let Some(sub) = &field.selection {
                        entry.1.push((sub, all.clone()));
                    }
                    if !entry.2.contains(&all) {
                        entry.2.push(all.clone());
                    }
                    order.push((field.response_key.clone(), all));
                }
                NItem::Fragment(fragment) => {
                    let applies = match (fragment.type_condition, object) {
                        (None, _) => true,
                        (Some(c), Some(o)) => self.supergraph.is_possible_type(c, o),
                        (Some(_), None) => false,
                    };
                    if applies {
                        let mut all = conditions.to_vec();
                        for c in &fragment.conditions {
                            if !all.contains(c) {
                                all.push(c.clone());
                            }
                        }
                        self.visit(&fragment.selection, &all, object, entries, order)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn enum_values(&mut self, ty: TypeId) -> Arc<HashSet<String>> {
        if let Some(values) = self.enums.get(&ty) {
            return values.clone();
        }
        let name = &self.supergraph.type_info(ty).name;
        let values: HashSet<String> = self
            .supergraph
            .api_schema()
            .get_enum(name)
            .map(|e| e.values.keys().map(|v| v.to_string()).collect())
            .unwrap_or_default();
        let values = Arc::new(values);
        self.enums.insert(ty, values.clone());
        values
    }
}
