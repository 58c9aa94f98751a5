//! A printed, order-independent form of a schema's types, so the monolith's SDL and the
//! gateway's API schema can be compared for equality (descriptions and directive
//! applications do not change which operations are valid, so they are left out).

use apollo_compiler::Schema;
use apollo_compiler::schema::ExtendedType;

/// One line per type (kind, name, interfaces/members) and one per field, argument, input
/// field and enum value, sorted.
pub fn normalize(schema: &Schema) -> String {
    let mut lines = Vec::new();
    for (name, ty) in &schema.types {
        if ty.is_built_in() {
            continue;
        }
        match ty {
            ExtendedType::Scalar(_) => lines.push(format!("scalar {name}")),
            ExtendedType::Object(object) => {
                let mut interfaces: Vec<_> = object
                    .implements_interfaces
                    .iter()
                    .map(|i| i.to_string())
                    .collect();
                interfaces.sort();
                lines.push(format!(
                    "type {name} implements [{}]",
                    interfaces.join(", ")
                ));
                for (field_name, field) in &object.fields {
                    push_field(&mut lines, name, field_name, field);
                }
            }
            ExtendedType::Interface(interface) => {
                let mut interfaces: Vec<_> = interface
                    .implements_interfaces
                    .iter()
                    .map(|i| i.to_string())
                    .collect();
                interfaces.sort();
                lines.push(format!(
                    "interface {name} implements [{}]",
                    interfaces.join(", ")
                ));
                for (field_name, field) in &interface.fields {
                    push_field(&mut lines, name, field_name, field);
                }
            }
            ExtendedType::Union(union) => {
                let mut members: Vec<_> = union.members.iter().map(|m| m.to_string()).collect();
                members.sort();
                lines.push(format!("union {name} = {}", members.join(" | ")));
            }
            ExtendedType::Enum(enumeration) => {
                lines.push(format!("enum {name}"));
                for value in enumeration.values.keys() {
                    lines.push(format!("enum {name}.{value}"));
                }
            }
            ExtendedType::InputObject(input) => {
                lines.push(format!("input {name}"));
                for (field_name, field) in &input.fields {
                    lines.push(format!(
                        "input {name}.{field_name}: {}{}",
                        field.ty,
                        default(field.default_value.as_deref())
                    ));
                }
            }
        }
    }
    for (kind, root) in [
        ("query", &schema.schema_definition.query),
        ("mutation", &schema.schema_definition.mutation),
        ("subscription", &schema.schema_definition.subscription),
    ] {
        if let Some(root) = root {
            lines.push(format!("schema {kind}: {}", root.name));
        }
    }
    lines.sort();
    lines.join("\n")
}

fn push_field(
    lines: &mut Vec<String>,
    parent: &apollo_compiler::Name,
    name: &apollo_compiler::Name,
    field: &apollo_compiler::schema::FieldDefinition,
) {
    lines.push(format!("field {parent}.{name}: {}", field.ty));
    for argument in &field.arguments {
        lines.push(format!(
            "arg {parent}.{name}({}: {}{})",
            argument.name,
            argument.ty,
            default(argument.default_value.as_deref())
        ));
    }
}

fn default(value: Option<&apollo_compiler::ast::Value>) -> String {
    value.map(|v| format!(" = {v}")).unwrap_or_default()
}
