//! Printing the merged model as a supergraph SDL in Apollo's layout: the `schema` with its
//! `@link`s, then directive definitions and types, each sorted by name the way Apollo sorts
//! (case-insensitively, `_` first), so the output is deterministic and diffs cleanly against
//! Apollo's.

use std::cmp::Ordering;
use std::fmt::Write;

use apollo_compiler::ast;

use super::merge::{JoinField, MInput, MType, Supergraph};
use super::subgraph::{Applied, Kind};

const LINK_URL: &str = "https://specs.apollo.dev/link/v1.0";
const JOIN_URL: &str = "https://specs.apollo.dev/join/v0.5";

/// The `join` v0.5 and `link` v1.0 definitions every supergraph carries.
const CORE_DEFINITIONS: &[(&str, &str)] = &[
    (
        "join__directive",
        "directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION",
    ),
    (
        "join__enumValue",
        "directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
    ),
    (
        "join__field",
        "directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, contextArguments: [join__ContextArgument!]) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION",
    ),
    (
        "join__graph",
        "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
    ),
    (
        "join__implements",
        "directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE",
    ),
    (
        "join__type",
        "directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR",
    ),
    (
        "join__unionMember",
        "directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION",
    ),
    (
        "link",
        "directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA",
    ),
];

const CORE_TYPES: &[(&str, &str)] = &[
    (
        "join__ContextArgument",
        "input join__ContextArgument {\n  name: String!\n  type: String!\n  context: String!\n  selection: join__FieldValue!\n}",
    ),
    (
        "join__DirectiveArguments",
        "scalar join__DirectiveArguments",
    ),
    ("join__FieldSet", "scalar join__FieldSet"),
    ("join__FieldValue", "scalar join__FieldValue"),
    ("link__Import", "scalar link__Import"),
    (
        "link__Purpose",
        "enum link__Purpose {\n  \"\"\"\n  `SECURITY` features provide metadata necessary to securely resolve fields.\n  \"\"\"\n  SECURITY\n\n  \"\"\"\n  `EXECUTION` features provide metadata necessary for operation execution.\n  \"\"\"\n  EXECUTION\n}",
    ),
];

/// A spec whose directives the supergraph keeps, linked only when used.
struct Feature {
    /// Applied directive names that pull the feature in.
    directives: &'static [&'static str],
    /// The `@link` arguments after `url`, given which of `directives` are used.
    link: fn(&[bool]) -> String,
    /// `(name, definition, needed when directives[i] is used)`.
    definitions: &'static [(&'static str, &'static str, Option<usize>)],
}

const FEATURES: &[Feature] = &[
    Feature {
        directives: &["tag"],
        link: |_| "url: \"https://specs.apollo.dev/tag/v0.3\"".to_owned(),
        definitions: &[(
            "tag",
            "directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA",
            None,
        )],
    },
    Feature {
        directives: &["inaccessible"],
        link: |_| "url: \"https://specs.apollo.dev/inaccessible/v0.2\", for: SECURITY".to_owned(),
        definitions: &[(
            "inaccessible",
            "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION",
            None,
        )],
    },
    Feature {
        directives: &["authenticated"],
        link: |_| "url: \"https://specs.apollo.dev/authenticated/v0.1\", for: SECURITY".to_owned(),
        definitions: &[(
            "authenticated",
            "directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
            None,
        )],
    },
    Feature {
        directives: &["requiresScopes"],
        link: |_| "url: \"https://specs.apollo.dev/requiresScopes/v0.1\", for: SECURITY".to_owned(),
        definitions: &[
            (
                "requiresScopes",
                "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
                None,
            ),
            (
                "requiresScopes__Scope",
                "scalar requiresScopes__Scope",
                None,
            ),
        ],
    },
    Feature {
        directives: &["policy"],
        link: |_| "url: \"https://specs.apollo.dev/policy/v0.1\", for: SECURITY".to_owned(),
        definitions: &[
            (
                "policy",
                "directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
                None,
            ),
            ("policy__Policy", "scalar policy__Policy", None),
        ],
    },
    Feature {
        directives: &["cost", "listSize"],
        link: |used| {
            let mut link = "url: \"https://specs.apollo.dev/cost/v0.1\"".to_owned();
            if used.get(1).copied().unwrap_or(false) {
                link.push_str(", import: [\"@listSize\"]");
            }
            link
        },
        definitions: &[
            (
                "cost",
                "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR",
                Some(0),
            ),
            (
                "listSize",
                "directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION",
                Some(1),
            ),
        ],
    },
    Feature {
        directives: &["context"],
        link: |_| "url: \"https://specs.apollo.dev/context/v0.1\", for: SECURITY".to_owned(),
        definitions: &[
            (
                "context",
                "directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION",
                None,
            ),
            (
                "context__fromContext",
                "directive @context__fromContext(field: context__ContextFieldValue) on ARGUMENT_DEFINITION",
                None,
            ),
            (
                "context__ContextFieldValue",
                "scalar context__ContextFieldValue",
                None,
            ),
        ],
    },
];

/// Prints the supergraph SDL.
pub(super) fn print(supergraph: &Supergraph) -> String {
    let used = used_directives(supergraph);
    let mut links = vec![
        format!("url: \"{LINK_URL}\""),
        format!("url: \"{JOIN_URL}\", for: EXECUTION"),
    ];
    let mut directive_definitions: Vec<(String, String)> = CORE_DEFINITIONS
        .iter()
        .map(|(n, d)| ((*n).to_owned(), (*d).to_owned()))
        .collect();
    let mut blocks: Vec<(String, String)> = CORE_TYPES
        .iter()
        .map(|(n, d)| ((*n).to_owned(), (*d).to_owned()))
        .collect();
    for feature in FEATURES {
        let flags: Vec<bool> = feature
            .directives
            .iter()
            .map(|d| used.iter().any(|u| u == d))
            .collect();
        if !flags.iter().any(|f| *f) {
            continue;
        }
        links.push((feature.link)(&flags));
        for (name, definition, needed_when) in feature.definitions {
            if needed_when.is_some_and(|i| !flags.get(i).copied().unwrap_or(false)) {
                continue;
            }
            let target = if definition.starts_with("directive") {
                &mut directive_definitions
            } else {
                &mut blocks
            };
            target.push(((*name).to_owned(), (*definition).to_owned()));
        }
    }
    for directive in &supergraph.directives {
        let mut definition = String::new();
        description(&mut definition, directive.description.as_deref(), "");
        let _ = write!(definition, "directive @{}", directive.name);
        print_arguments(&mut definition, &directive.args, "");
        if directive.repeatable {
            definition.push_str(" repeatable");
        }
        let _ = write!(definition, " on {}", directive.locations.join(" | "));
        directive_definitions.push((directive.name.clone(), definition));
    }
    blocks.push(("join__Graph".to_owned(), graph_enum(supergraph)));
    for ty in supergraph.types.values() {
        blocks.push((ty.name.clone(), print_type(ty)));
    }
    directive_definitions.sort_by(|a, b| collate(&a.0, &b.0));
    blocks.sort_by(|a, b| collate(&a.0, &b.0));

    let mut out = String::from("schema\n");
    for link in &links {
        let _ = writeln!(out, "  @link({link})");
    }
    out.push_str("{\n  query: Query\n");
    for (root, field) in [("Mutation", "mutation"), ("Subscription", "subscription")] {
        if supergraph.types.contains_key(root) {
            let _ = writeln!(out, "  {field}: {root}");
        }
    }
    out.push_str("}\n");
    for (_, definition) in directive_definitions {
        let _ = write!(out, "\n{definition}\n");
    }
    for (_, block) in blocks {
        let _ = write!(out, "\n{block}\n");
    }
    out
}

fn used_directives(supergraph: &Supergraph) -> Vec<String> {
    let mut used: Vec<String> = Vec::new();
    let mut add = |directives: &[Applied]| {
        for d in directives {
            if !used.contains(&d.name) {
                used.push(d.name.clone());
            }
        }
    };
    for ty in supergraph.types.values() {
        add(&ty.directives);
        for field in ty.fields.values() {
            add(&field.directives);
            for arg in field.args.values() {
                add(&arg.directives);
            }
        }
        for field in ty.input_fields.values() {
            add(&field.directives);
        }
        for value in ty.values.values() {
            add(&value.directives);
        }
    }
    used
}

fn graph_enum(supergraph: &Supergraph) -> String {
    let mut graphs: Vec<&(String, String, String)> = supergraph.graphs.iter().collect();
    graphs.sort_by(|a, b| collate(&a.0, &b.0));
    let mut out = String::from("enum join__Graph {\n");
    for (value, name, url) in graphs {
        let _ = writeln!(
            out,
            "  {value} @join__graph(name: {}, url: {})",
            string(name),
            string(url)
        );
    }
    out.push('}');
    out
}

fn print_type(ty: &MType) -> String {
    let mut out = String::new();
    description(&mut out, ty.description.as_deref(), "");
    let keyword = match ty.kind {
        Kind::Scalar => "scalar",
        Kind::Object => "type",
        Kind::Interface => "interface",
        Kind::Union => "union",
        Kind::Enum => "enum",
        Kind::Input => "input",
    };
    out.push_str(keyword);
    out.push(' ');
    out.push_str(&ty.name);
    if !ty.implements.is_empty() {
        let _ = write!(out, " implements {}", ty.implements.join(" & "));
    }
    for (graph, interface) in &ty.join_implements {
        let _ = write!(
            out,
            "\n  @join__implements(graph: {graph}, interface: {})",
            string(interface)
        );
    }
    for join in &ty.join_types {
        let mut args = format!("graph: {}", join.graph);
        if let Some(key) = &join.key {
            let _ = write!(args, ", key: {}", string(key));
        }
        if join.extension {
            args.push_str(", extension: true");
        }
        if !join.resolvable {
            args.push_str(", resolvable: false");
        }
        if join.interface_object {
            args.push_str(", isInterfaceObject: true");
        }
        let _ = write!(out, "\n  @join__type({args})");
    }
    for (graph, member) in &ty.join_members {
        let _ = write!(
            out,
            "\n  @join__unionMember(graph: {graph}, member: {})",
            string(member)
        );
    }
    for applied in &ty.directives {
        let _ = write!(out, "\n  {}", print_applied(applied));
    }
    match ty.kind {
        Kind::Scalar => {}
        Kind::Union => {
            let _ = write!(out, "\n = {}", ty.members.join(" | "));
        }
        Kind::Object | Kind::Interface => {
            out.push_str("\n{\n");
            for field in ty.fields.values() {
                description(&mut out, field.description.as_deref(), "  ");
                let _ = write!(out, "  {}", field.name);
                print_arguments(&mut out, &field.args, "  ");
                let _ = write!(out, ": {}", field.ty);
                print_join_fields(&mut out, &field.join_fields);
                for applied in &field.directives {
                    let _ = write!(out, " {}", print_applied(applied));
                }
                out.push('\n');
            }
            out.push('}');
        }
        Kind::Enum => {
            out.push_str("\n{\n");
            for value in ty.values.values() {
                description(&mut out, value.description.as_deref(), "  ");
                let _ = write!(out, "  {}", value.name);
                for graph in &value.graphs {
                    let _ = write!(out, " @join__enumValue(graph: {graph})");
                }
                for applied in &value.directives {
                    let _ = write!(out, " {}", print_applied(applied));
                }
                out.push('\n');
            }
            out.push('}');
        }
        Kind::Input => {
            out.push_str("\n{\n");
            for field in ty.input_fields.values() {
                description(&mut out, field.description.as_deref(), "  ");
                out.push_str("  ");
                print_input_value(&mut out, field);
                print_join_fields(&mut out, &field.join_fields);
                out.push('\n');
            }
            out.push('}');
        }
    }
    out
}

/// Arguments, one per line under `indent` when any has a description.
fn print_arguments(out: &mut String, args: &indexmap::IndexMap<String, MInput>, indent: &str) {
    if args.is_empty() {
        return;
    }
    if args.values().any(|a| a.description.is_some()) {
        let inner = format!("{indent}  ");
        out.push_str("(\n");
        for arg in args.values() {
            description(out, arg.description.as_deref(), &inner);
            out.push_str(&inner);
            print_input_value(out, arg);
            out.push('\n');
        }
        out.push_str(indent);
        out.push(')');
    } else {
        out.push('(');
        for (i, arg) in args.values().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            print_input_value(out, arg);
        }
        out.push(')');
    }
}

fn print_input_value(out: &mut String, value: &MInput) {
    let _ = write!(out, "{}: {}", value.name, value.ty);
    if let Some(default) = &value.default {
        let _ = write!(out, " = {}", print_value(default));
    }
    for applied in &value.directives {
        let _ = write!(out, " {}", print_applied(applied));
    }
}

fn print_join_fields(out: &mut String, join_fields: &[JoinField]) {
    for join in join_fields {
        let mut args: Vec<String> = Vec::new();
        if let Some(graph) = &join.graph {
            args.push(format!("graph: {graph}"));
        }
        if let Some(requires) = &join.requires {
            args.push(format!("requires: {}", string(requires)));
        }
        if let Some(provides) = &join.provides {
            args.push(format!("provides: {}", string(provides)));
        }
        if let Some(ty) = &join.ty {
            args.push(format!("type: {}", string(ty)));
        }
        if join.external {
            args.push("external: true".to_owned());
        }
        if let Some(from) = &join.override_from {
            args.push(format!("override: {}", string(from)));
        }
        if join.used_overridden {
            args.push("usedOverridden: true".to_owned());
        }
        if let Some(label) = &join.override_label {
            args.push(format!("overrideLabel: {}", string(label)));
        }
        if !join.context_arguments.is_empty() {
            let items: Vec<String> = join
                .context_arguments
                .iter()
                .map(|c| {
                    format!(
                        "{{context: {}, name: {}, type: {}, selection: {}}}",
                        string(&c.context),
                        string(&c.name),
                        string(&c.ty),
                        string(&c.selection)
                    )
                })
                .collect();
            args.push(format!("contextArguments: [{}]", items.join(", ")));
        }
        if args.is_empty() {
            out.push_str(" @join__field");
        } else {
            let _ = write!(out, " @join__field({})", args.join(", "));
        }
    }
}

fn print_applied(applied: &Applied) -> String {
    if applied.args.is_empty() {
        return format!("@{}", applied.name);
    }
    let args: Vec<String> = applied
        .args
        .iter()
        .map(|(n, v)| format!("{n}: {}", print_value(v)))
        .collect();
    format!("@{}({})", applied.name, args.join(", "))
}

/// A value on one line (apollo-compiler's `Display` breaks lists over several lines).
fn print_value(v: &ast::Value) -> String {
    match v {
        ast::Value::Null => "null".to_owned(),
        ast::Value::Enum(name) => name.to_string(),
        ast::Value::Variable(name) => format!("${name}"),
        ast::Value::String(s) => string(s),
        ast::Value::Float(f) => f.as_str().to_owned(),
        ast::Value::Int(i) => i.as_str().to_owned(),
        ast::Value::Boolean(b) => b.to_string(),
        ast::Value::List(items) => {
            let items: Vec<String> = items.iter().map(|i| print_value(i)).collect();
            format!("[{}]", items.join(", "))
        }
        ast::Value::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", print_value(v)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
    }
}

/// A GraphQL string literal.
fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A description as a block string, on one line when it fits (Apollo's style).
fn description(out: &mut String, text: Option<&str>, indent: &str) {
    let Some(text) = text else { return };
    let escaped = text.replace("\"\"\"", "\\\"\"\"");
    if !escaped.contains('\n') && !escaped.ends_with('"') && !escaped.ends_with('\\') {
        let _ = writeln!(out, "{indent}\"\"\"{escaped}\"\"\"");
        return;
    }
    let _ = writeln!(out, "{indent}\"\"\"");
    for line in escaped.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{indent}{line}");
        }
    }
    let _ = writeln!(out, "{indent}\"\"\"");
}

/// Orders names like JavaScript's `localeCompare` does for ASCII identifiers: `_` before digits
/// before letters, letters case-insensitively, lowercase first on a tie.
pub(super) fn collate(a: &str, b: &str) -> Ordering {
    fn primary(c: char) -> (u8, char) {
        match c {
            '_' => (0, c),
            c if c.is_ascii_digit() => (2, c),
            c if c.is_ascii_alphabetic() => (3, c.to_ascii_lowercase()),
            c => (1, c),
        }
    }
    let pa = a.chars().map(primary);
    let pb = b.chars().map(primary);
    pa.cmp(pb).then_with(|| {
        let ta = a.chars().map(|c| c.is_ascii_uppercase());
        let tb = b.chars().map(|c| c.is_ascii_uppercase());
        ta.cmp(tb)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collates_like_apollo() {
        let mut names = vec![
            "Query",
            "join__Graph",
            "DateTime",
            "link__Purpose",
            "join__FieldSet",
            "Money",
            "AddReviewInput",
        ];
        names.sort_by(|a, b| collate(a, b));
        assert_eq!(
            names,
            vec![
                "AddReviewInput",
                "DateTime",
                "join__FieldSet",
                "join__Graph",
                "link__Purpose",
                "Money",
                "Query"
            ]
        );
    }

    #[test]
    fn escapes_strings() {
        assert_eq!(string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }
}
