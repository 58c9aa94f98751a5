//! Projecting the merged data onto exactly the client's selection, with the spec's null
//! propagation: a `null` in a non-null position nulls the nearest nullable ancestor, and an
//! error is recorded unless one already explains it.

use serde_json::{Map, Value};

use crate::error::{ErrorCode, GraphqlError, PathSegment};
use crate::planner::ResponseShape;
use crate::planner::shape::{FieldShape, SelectionShape, ShapeKind};

/// The path being projected, borrowed from the shape (owned only when an error needs it).
#[derive(Clone, Copy)]
enum Step<'s> {
    Key(&'s str),
    Index(usize),
}

/// A non-null position got a null: the nearest nullable ancestor becomes null.
struct Bubble;

struct Projector<'a, 's> {
    introspection: Option<&'a Map<String, Value>>,
    variable: &'a dyn Fn(&str) -> bool,
    errors: &'a mut Vec<GraphqlError>,
    path: Vec<Step<'s>>,
}

/// The client's `data`: `null` if a null propagated to the root.
pub(crate) fn project(
    shape: &ResponseShape,
    data: &mut Value,
    introspection: Option<&Map<String, Value>>,
    variable: &dyn Fn(&str) -> bool,
    errors: &mut Vec<GraphqlError>,
) -> Value {
    let mut empty = Map::new();
    let object = match data {
        Value::Object(object) => object,
        _ => &mut empty,
    };
    let mut projector = Projector {
        introspection,
        variable,
        errors,
        path: Vec::with_capacity(16),
    };
    match projector.selection(&shape.root, object) {
        Ok(out) => Value::Object(out),
        Err(Bubble) => Value::Null,
    }
}

impl<'s> Projector<'_, 's> {
    fn selection(
        &mut self,
        shape: &'s SelectionShape,
        object: &mut Map<String, Value>,
    ) -> Result<Map<String, Value>, Bubble> {
        let fields = match &shape.static_type {
            Some(_) => shape.fields_for(None),
            None => shape.fields_for(object.get("__typename").and_then(Value::as_str)),
        };
        let mut out = Map::with_capacity(fields.len());
        for field in fields {
            // A key listed again for a later conditional occurrence is already placed.
            if out.contains_key(field.response_key.as_str())
                || !field.include.is_included(self.variable)
            {
                continue;
            }
            let value = match field.kind {
                ShapeKind::Typename => match &shape.static_type {
                    Some(t) => Value::String(t.as_str().to_owned()),
                    None => object.get("__typename").cloned().unwrap_or(Value::Null),
                },
                ShapeKind::Introspection => self
                    .introspection
                    .and_then(|i| i.get(field.response_key.as_str()))
                    .cloned()
                    .unwrap_or(Value::Null),
                ShapeKind::Value => {
                    self.path.push(Step::Key(field.response_key.as_str()));
                    let result =
                        self.complete(field, &field.ty, object.get_mut(field.data_key.as_str()));
                    self.path.pop();
                    result?
                }
            };
            // `as_str().to_owned()`, not `to_string()`: no formatting machinery per field.
            out.insert(field.response_key.as_str().to_owned(), value);
        }
        Ok(out)
    }

    /// CompleteValue for `ty`; `Err` when a null reached a non-null type.
    fn complete(
        &mut self,
        field: &'s FieldShape,
        ty: &apollo_compiler::ast::Type,
        value: Option<&mut Value>,
    ) -> Result<Value, Bubble> {
        use apollo_compiler::ast::Type;
        let non_null = ty.is_non_null();
        let result = match value {
            None | Some(Value::Null) => Err(()),
            Some(value) => match ty {
                Type::List(inner) | Type::NonNullList(inner) => match value {
                    Value::Array(items) => {
                        let mut out = Vec::with_capacity(items.len());
                        let mut failed = false;
                        for (i, item) in items.iter_mut().enumerate() {
                            self.path.push(Step::Index(i));
                            let completed = self.complete(field, inner, Some(item));
                            self.path.pop();
                            match completed {
                                Ok(v) => out.push(v),
                                Err(Bubble) => {
                                    failed = true;
                                    break;
                                }
                            }
                        }
                        if failed {
                            Err(())
                        } else {
                            Ok(Value::Array(out))
                        }
                    }
                    _ => {
                        self.error(
                            ErrorCode::SubgraphError,
                            format!("expected a list for `{}`", field.coordinate),
                        );
                        Err(())
                    }
                },
                Type::Named(_) | Type::NonNullNamed(_) => match (&field.selection, value) {
                    (Some(selection), Value::Object(object)) => self
                        .selection(selection, object)
                        .map(Value::Object)
                        .map_err(|_| ()),
                    (Some(_), _) => {
                        self.error(
                            ErrorCode::SubgraphError,
                            format!("expected an object for `{}`", field.coordinate),
                        );
                        Err(())
                    }
                    (None, value) => match (&field.enum_values, &*value) {
                        (Some(allowed), Value::String(s)) if !allowed.contains(s.as_str()) => {
                            self.error(
                                ErrorCode::SubgraphError,
                                format!(
                                    "`{}` returned a value its enum does not have",
                                    field.coordinate
                                ),
                            );
                            Err(())
                        }
                        // Each data leaf is projected once: move it, do not copy it.
                        _ => Ok(value.take()),
                    },
                },
            },
        };
        match result {
            Ok(v) => Ok(v),
            Err(()) if non_null => {
                if !self.has_error_here() {
                    self.error(
                        ErrorCode::SubgraphError,
                        format!(
                            "cannot return null for non-nullable field `{}`",
                            field.coordinate
                        ),
                    );
                }
                Err(Bubble)
            }
            Err(()) => Ok(Value::Null),
        }
    }

    fn owned_path(&self) -> Vec<PathSegment> {
        self.path
            .iter()
            .map(|step| match step {
                Step::Key(k) => PathSegment::Key((*k).to_owned()),
                Step::Index(i) => PathSegment::Index(*i),
            })
            .collect()
    }

    /// Whether an error already explains a null at this path (at it, or below it).
    fn has_error_here(&self) -> bool {
        self.errors.iter().any(|e| {
            e.path.as_ref().is_some_and(|p| {
                p.len() >= self.path.len()
                    && self
                        .path
                        .iter()
                        .zip(p)
                        .all(|(step, segment)| match (step, segment) {
                            (Step::Key(a), PathSegment::Key(b)) => *a == b.as_str(),
                            (Step::Index(a), PathSegment::Index(b)) => a == b,
                            _ => false,
                        })
            })
        })
    }

    fn error(&mut self, code: ErrorCode, message: String) {
        let path = self.owned_path();
        self.errors
            .push(GraphqlError::new(code, message).with_path(path));
    }
}
