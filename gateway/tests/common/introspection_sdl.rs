//! Test helpers for the introspection round trip: rebuild SDL from an introspection result,
//! and print any schema in a canonical form (types and directives sorted, only what
//! introspection can show) so the two can be compared with `assert_eq!`.

use std::fmt::Write;

use apollo_compiler::Schema;
use apollo_compiler::ast::{DirectiveList, InputValueDefinition, Type};
use apollo_compiler::schema::ExtendedType;
use serde_json::Value;

const BUILT_IN_DIRECTIVES: [&str; 5] = ["skip", "include", "deprecated", "specifiedBy", "oneOf"];
const BUILT_IN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];
const DEFAULT_DEPRECATION: &str = "No longer supported";

/// SDL for the `__schema` object of an introspection result (`data.__schema`).
pub fn sdl_from_introspection(schema: &Value) -> String {
    let mut sdl = String::new();
    if let Some(description) = schema["description"].as_str() {
        writeln!(sdl, "{}", string(description)).unwrap();
    }
    sdl.push_str("schema {\n");
    for (op, key) in [
        ("query", "queryType"),
        ("mutation", "mutationType"),
        ("subscription", "subscriptionType"),
    ] {
        if let Some(name) = schema[key]["name"].as_str() {
            writeln!(sdl, "  {op}: {name}").unwrap();
        }
    }
    sdl.push_str("}\n\n");

    for directive in schema["directives"].as_array().expect("directives") {
        let name = directive["name"].as_str().expect("directive name");
        if BUILT_IN_DIRECTIVES.contains(&name) {
            continue;
        }
        description(&mut sdl, &directive["description"], "");
        write!(sdl, "directive @{name}{}", arguments(&directive["args"])).unwrap();
        if directive["isRepeatable"].as_bool() == Some(true) {
            sdl.push_str(" repeatable");
        }
        let locations: Vec<&str> = directive["locations"]
            .as_array()
            .expect("locations")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        writeln!(sdl, " on {}\n", locations.join(" | ")).unwrap();
    }

    for ty in schema["types"].as_array().expect("types") {
        let name = ty["name"].as_str().expect("type name");
        if name.starts_with("__") || BUILT_IN_SCALARS.contains(&name) {
            continue;
        }
        description(&mut sdl, &ty["description"], "");
        match ty["kind"].as_str().expect("kind") {
            "SCALAR" => {
                write!(sdl, "scalar {name}").unwrap();
                if let Some(url) = ty["specifiedByURL"].as_str() {
                    write!(sdl, " @specifiedBy(url: {})", string(url)).unwrap();
                }
                sdl.push('\n');
            }
            kind @ ("OBJECT" | "INTERFACE") => {
                let keyword = if kind == "OBJECT" {
                    "type"
                } else {
                    "interface"
                };
                writeln!(sdl, "{keyword} {name}{} {{", implements(&ty["interfaces"])).unwrap();
                for field in ty["fields"].as_array().expect("fields") {
                    description(&mut sdl, &field["description"], "  ");
                    writeln!(
                        sdl,
                        "  {}{}: {}{}",
                        field["name"].as_str().expect("field name"),
                        arguments(&field["args"]),
                        type_ref(&field["type"]),
                        deprecated(field),
                    )
                    .unwrap();
                }
                sdl.push_str("}\n");
            }
            "UNION" => {
                let members: Vec<&str> = ty["possibleTypes"]
                    .as_array()
                    .expect("possibleTypes")
                    .iter()
                    .filter_map(|t| t["name"].as_str())
                    .collect();
                writeln!(sdl, "union {name} = {}", members.join(" | ")).unwrap();
            }
            "ENUM" => {
                writeln!(sdl, "enum {name} {{").unwrap();
                for value in ty["enumValues"].as_array().expect("enumValues") {
                    description(&mut sdl, &value["description"], "  ");
                    writeln!(
                        sdl,
                        "  {}{}",
                        value["name"].as_str().expect("value"),
                        deprecated(value)
                    )
                    .unwrap();
                }
                sdl.push_str("}\n");
            }
            "INPUT_OBJECT" => {
                writeln!(sdl, "input {name} {{").unwrap();
                for field in ty["inputFields"].as_array().expect("inputFields") {
                    writeln!(sdl, "  {}", input_value(field)).unwrap();
                }
                sdl.push_str("}\n");
            }
            other => panic!("unexpected type kind {other}"),
        }
        sdl.push('\n');
    }
    sdl
}

fn string(text: &str) -> String {
    // GraphQL string escapes are JSON's.
    serde_json::to_string(text).expect("string")
}

fn description(sdl: &mut String, description: &Value, indent: &str) {
    if let Some(text) = description.as_str() {
        writeln!(sdl, "{indent}{}", string(text)).unwrap();
    }
}

fn implements(interfaces: &Value) -> String {
    let names: Vec<&str> = interfaces
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str())
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" implements {}", names.join(" & "))
    }
}

fn arguments(args: &Value) -> String {
    let args: Vec<String> = args
        .as_array()
        .into_iter()
        .flatten()
        .map(input_value)
        .collect();
    if args.is_empty() {
        String::new()
    } else {
        format!("({})", args.join(", "))
    }
}

fn input_value(value: &Value) -> String {
    let mut out = String::new();
    if let Some(text) = value["description"].as_str() {
        write!(out, "{} ", string(text)).unwrap();
    }
    write!(
        out,
        "{}: {}",
        value["name"].as_str().expect("name"),
        type_ref(&value["type"])
    )
    .unwrap();
    if let Some(default) = value["defaultValue"].as_str() {
        write!(out, " = {default}").unwrap();
    }
    out.push_str(&deprecated(value));
    out
}

fn deprecated(element: &Value) -> String {
    if element["isDeprecated"].as_bool() != Some(true) {
        return String::new();
    }
    match element["deprecationReason"].as_str() {
        Some(reason) => format!(" @deprecated(reason: {})", string(reason)),
        None => " @deprecated".to_owned(),
    }
}

fn type_ref(ty: &Value) -> String {
    match ty["kind"].as_str().expect("kind") {
        "NON_NULL" => format!("{}!", type_ref(&ty["ofType"])),
        "LIST" => format!("[{}]", type_ref(&ty["ofType"])),
        _ => ty["name"].as_str().expect("named type").to_owned(),
    }
}

/// Everything introspection can show about `schema`, in a canonical order: types and
/// directive definitions sorted by name; fields, arguments and enum values in declared order.
pub fn canonical(schema: &Schema) -> String {
    let mut out = String::new();
    let def = &schema.schema_definition;
    writeln!(
        out,
        "schema {:?} query={:?} mutation={:?} subscription={:?}",
        def.description.as_deref(),
        def.query.as_ref().map(|n| n.name.as_str()),
        def.mutation.as_ref().map(|n| n.name.as_str()),
        def.subscription.as_ref().map(|n| n.name.as_str()),
    )
    .unwrap();

    let mut directives: Vec<_> = schema
        .directive_definitions
        .values()
        .filter(|d| !BUILT_IN_DIRECTIVES.contains(&d.name.as_str()))
        .collect();
    directives.sort_by(|a, b| a.name.cmp(&b.name));
    for d in directives {
        let mut locations: Vec<String> = d.locations.iter().map(|l| l.to_string()).collect();
        locations.sort();
        writeln!(
            out,
            "directive @{} {:?} repeatable={} on {}",
            d.name,
            d.description.as_deref(),
            d.repeatable,
            locations.join("|")
        )
        .unwrap();
        for arg in &d.arguments {
            writeln!(out, "  arg {}", canonical_input_value(arg)).unwrap();
        }
    }

    let mut types: Vec<(&_, &ExtendedType)> = schema
        .types
        .iter()
        .filter(|(_, t)| !t.is_built_in())
        .collect();
    types.sort_by(|a, b| a.0.cmp(b.0));
    for (name, ty) in types {
        match ty {
            ExtendedType::Scalar(s) => {
                let url = s
                    .directives
                    .get("specifiedBy")
                    .and_then(|d| d.specified_argument_by_name("url"))
                    .map(|v| v.to_string());
                writeln!(
                    out,
                    "scalar {name} {:?} specifiedBy={url:?}",
                    s.description.as_deref()
                )
                .unwrap();
            }
            ExtendedType::Object(o) => {
                let mut interfaces: Vec<&str> = o
                    .implements_interfaces
                    .iter()
                    .map(|i| i.name.as_str())
                    .collect();
                interfaces.sort();
                writeln!(
                    out,
                    "type {name} {:?} implements={interfaces:?}",
                    o.description.as_deref()
                )
                .unwrap();
                for field in o.fields.values() {
                    canonical_field(&mut out, field);
                }
            }
            ExtendedType::Interface(i) => {
                let mut interfaces: Vec<&str> = i
                    .implements_interfaces
                    .iter()
                    .map(|i| i.name.as_str())
                    .collect();
                interfaces.sort();
                writeln!(
                    out,
                    "interface {name} {:?} implements={interfaces:?}",
                    i.description.as_deref()
                )
                .unwrap();
                for field in i.fields.values() {
                    canonical_field(&mut out, field);
                }
            }
            ExtendedType::Union(u) => {
                let mut members: Vec<&str> = u.members.iter().map(|m| m.name.as_str()).collect();
                members.sort();
                writeln!(
                    out,
                    "union {name} {:?} = {members:?}",
                    u.description.as_deref()
                )
                .unwrap();
            }
            ExtendedType::Enum(e) => {
                writeln!(out, "enum {name} {:?}", e.description.as_deref()).unwrap();
                for value in e.values.values() {
                    writeln!(
                        out,
                        "  {} {:?}{}",
                        value.value,
                        value.description.as_deref(),
                        deprecation(&value.directives)
                    )
                    .unwrap();
                }
            }
            ExtendedType::InputObject(i) => {
                writeln!(out, "input {name} {:?}", i.description.as_deref()).unwrap();
                for field in i.fields.values() {
                    writeln!(out, "  {}", canonical_input_value(field)).unwrap();
                }
            }
        }
    }
    out
}

fn canonical_field(out: &mut String, field: &apollo_compiler::ast::FieldDefinition) {
    writeln!(
        out,
        "  {}: {} {:?}{}",
        field.name,
        canonical_type(&field.ty),
        field.description.as_deref(),
        deprecation(&field.directives)
    )
    .unwrap();
    for arg in &field.arguments {
        writeln!(out, "    arg {}", canonical_input_value(arg)).unwrap();
    }
}

fn canonical_input_value(value: &InputValueDefinition) -> String {
    format!(
        "{}: {} {:?} default={:?}{}",
        value.name,
        canonical_type(&value.ty),
        value.description.as_deref(),
        value.default_value.as_ref().map(|v| v.to_string()),
        deprecation(&value.directives)
    )
}

fn canonical_type(ty: &Type) -> String {
    ty.to_string()
}

fn deprecation(directives: &DirectiveList) -> String {
    match directives.get("deprecated") {
        Some(d) => format!(
            " deprecated={:?}",
            d.specified_argument_by_name("reason")
                .and_then(|v| v.as_str())
                .unwrap_or(DEFAULT_DEPRECATION)
        ),
        None => String::new(),
    }
}
