//! Deriving the API schema: what clients see, validate against and introspect.
//!
//! The supergraph minus the definitions and applications of the format specs (`join`, `link`,
//! `core`, `inaccessible`, `tag`, `context`, ...: anything under `https://specs.apollo.dev/`)
//! and minus every `@inaccessible` element. The result is validated again, so a supergraph
//! whose accessible parts refer to hidden ones is refused instead of served half-broken.

use std::collections::HashSet;

use apollo_compiler::schema::{DirectiveList, ExtendedType};
use apollo_compiler::validation::Valid;
use apollo_compiler::{Name, Schema, ast};

use super::build::first_diagnostic;
use super::error::SupergraphError;
use super::link::Links;

pub(crate) fn derive(
    supergraph: &Valid<Schema>,
    links: &Links,
    inaccessible: Option<&str>,
) -> Result<Valid<Schema>, SupergraphError> {
    let mut schema: Schema = supergraph.as_ref().clone();
    let hidden_type =
        |directives: &DirectiveList| inaccessible.is_some_and(|name| directives.has(name));
    let hidden =
        |directives: &ast::DirectiveList| inaccessible.is_some_and(|name| directives.has(name));

    // Types: format specs' own, and inaccessible ones.
    let removed_types: HashSet<Name> = schema
        .types
        .iter()
        .filter(|(name, ty)| links.is_format_type(name) || hidden_type(ty.directives()))
        .map(|(name, _)| name.clone())
        .collect();
    schema.types.retain(|name, _| !removed_types.contains(name));
    schema
        .directive_definitions
        .retain(|name, _| !links.is_format_directive(name));

    let strip_type = |directives: &mut DirectiveList| {
        directives.0.retain(|d| !links.is_format_directive(&d.name))
    };
    let strip = |directives: &mut ast::DirectiveList| {
        directives.0.retain(|d| !links.is_format_directive(&d.name))
    };

    let definition = schema.schema_definition.make_mut();
    strip_type(&mut definition.directives);
    for root in [
        &mut definition.query,
        &mut definition.mutation,
        &mut definition.subscription,
    ] {
        if root
            .as_ref()
            .is_some_and(|name| removed_types.contains(&name.name))
        {
            *root = None;
        }
    }

    for ty in schema.types.values_mut() {
        match ty {
            ExtendedType::Object(object) => {
                let object = object.make_mut();
                strip_type(&mut object.directives);
                object
                    .implements_interfaces
                    .retain(|i| !removed_types.contains(&i.name));
                object.fields.retain(|_, field| !hidden(&field.directives));
                for field in object.fields.values_mut() {
                    let field = field.make_mut();
                    strip(&mut field.directives);
                    field.arguments.retain(|a| !hidden(&a.directives));
                    for argument in &mut field.arguments {
                        strip(&mut argument.make_mut().directives);
                    }
                }
            }
            ExtendedType::Interface(interface) => {
                let interface = interface.make_mut();
                strip_type(&mut interface.directives);
                interface
                    .implements_interfaces
                    .retain(|i| !removed_types.contains(&i.name));
                interface
                    .fields
                    .retain(|_, field| !hidden(&field.directives));
                for field in interface.fields.values_mut() {
                    let field = field.make_mut();
                    strip(&mut field.directives);
                    field.arguments.retain(|a| !hidden(&a.directives));
                    for argument in &mut field.arguments {
                        strip(&mut argument.make_mut().directives);
                    }
                }
            }
            ExtendedType::Union(union_) => {
                let union_ = union_.make_mut();
                strip_type(&mut union_.directives);
                union_.members.retain(|m| !removed_types.contains(&m.name));
            }
            ExtendedType::Enum(enum_) => {
                let enum_ = enum_.make_mut();
                strip_type(&mut enum_.directives);
                enum_.values.retain(|_, value| !hidden(&value.directives));
                for value in enum_.values.values_mut() {
                    strip(&mut value.make_mut().directives);
                }
            }
            ExtendedType::InputObject(input) => {
                let input = input.make_mut();
                strip_type(&mut input.directives);
                input.fields.retain(|_, field| !hidden(&field.directives));
                for field in input.fields.values_mut() {
                    strip(&mut field.make_mut().directives);
                }
            }
            ExtendedType::Scalar(scalar) => strip_type(&mut scalar.make_mut().directives),
        }
    }
    // Directive definitions may take hidden types or be marked hidden themselves.
    schema.directive_definitions.retain(|_, definition| {
        definition
            .arguments
            .iter()
            .all(|a| !removed_types.contains(a.ty.inner_named_type()))
    });

    schema.validate().map_err(|with_errors| {
        SupergraphError::InvalidApiSchema(first_diagnostic(&with_errors.errors))
    })
}
