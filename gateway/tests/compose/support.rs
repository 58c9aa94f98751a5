//! Fixture loading, the Apollo oracle runner and the semantic summary of a supergraph.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use apollo_compiler::Schema;
use apollo_compiler::ast;
use apollo_compiler::schema::ExtendedType;
use gateway::supergraph::compose::SubgraphSdl;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/compose")
}

/// Loads a fixture set, in the order of its `subgraphs.txt`.
pub fn load_fixture(set: &str) -> Vec<SubgraphSdl> {
    let dir = fixtures_dir().join(set);
    let manifest = std::fs::read_to_string(dir.join("subgraphs.txt")).expect("subgraphs.txt");
    manifest
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (name, url) = line.split_once(' ').expect("name url");
            let sdl = std::fs::read_to_string(dir.join(format!("{name}.graphql"))).expect("sdl");
            SubgraphSdl {
                name: name.to_owned(),
                url: url.trim().to_owned(),
                sdl,
            }
        })
        .collect()
}

pub fn sdl(name: &str, sdl: &str) -> SubgraphSdl {
    SubgraphSdl {
        name: name.to_owned(),
        url: format!("http://{name}.example/graphql"),
        sdl: sdl.to_owned(),
    }
}

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle")
}

/// Whether Apollo's composer can run here. Under CI its absence is a failure, not a skip:
/// `.ci/run` installs it with `npm ci`.
pub fn oracle_available() -> bool {
    let installed = oracle_dir()
        .join("node_modules/@apollo/composition/package.json")
        .exists();
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if installed && node {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the composition oracle is missing (node: {node}, @apollo/composition installed: {installed}); run `npm ci` in gateway/tests/oracle"
    );
    eprintln!("skipping the oracle comparison: node or @apollo/composition is not installed");
    false
}

/// Composes with Apollo: `Ok(supergraph)` or `Err(stderr with one "CODE: message" per line)`.
pub fn apollo_compose(subgraphs: &[SubgraphSdl]) -> Result<String, String> {
    let dir = tempdir();
    let args: Vec<String> = subgraphs
        .iter()
        .map(|s| {
            let file = dir.join(format!("{}.graphql", s.name));
            std::fs::write(&file, &s.sdl).expect("write sdl");
            format!("{}={}={}", s.name, s.url, file.display())
        })
        .collect();
    let output = Command::new("node")
        .arg(oracle_dir().join("compose.mjs"))
        .args(&args)
        .output()
        .expect("run node");
    let _ = std::fs::remove_dir_all(&dir);
    if output.status.success() {
        Ok(String::from_utf8(output.stdout).expect("utf8"))
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

fn tempdir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tessera-compose-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("tempdir");
    dir
}

/// A supergraph reduced to a set of facts that do not depend on printing: types and kinds,
/// fields with arguments and types, enum values, union members, every directive application
/// with arguments normalised (defaults dropped, field sets re-spaced, object keys sorted), and
/// the linked specs. Join/link plumbing definitions are left out (Apollo picks the lowest join
/// version that fits, Tessera always writes v0.5) but the join directive *applications* are in.
pub fn summary(supergraph: &str) -> BTreeSet<String> {
    let schema = Schema::parse(supergraph, "supergraph.graphql")
        .unwrap_or_else(|e| panic!("supergraph does not parse: {}\n{supergraph}", e.errors));
    let mut facts = BTreeSet::new();
    for link in schema.schema_definition.directives.get_all("link") {
        let mut args: Vec<String> = link
            .arguments
            .iter()
            .map(|a| {
                let mut value = normalise_value(&a.value);
                if a.name == "url" && value.contains("specs.apollo.dev/join/") {
                    value = "\"https://specs.apollo.dev/join\"".to_owned();
                }
                format!("{}: {value}", a.name)
            })
            .collect();
        args.sort();
        facts.insert(format!("schema @link({})", args.join(", ")));
    }
    for (name, definition) in &schema.directive_definitions {
        if definition.is_built_in() || name.starts_with("join__") || name.as_str() == "link" {
            continue;
        }
        facts.insert(format!("directive {}", collapse(&definition.to_string())));
    }
    for (name, ty) in &schema.types {
        if ty.is_built_in()
            || (name.starts_with("join__") && name != "join__Graph")
            || name.starts_with("link__")
        {
            continue;
        }
        let kind = match ty {
            ExtendedType::Scalar(_) => "scalar",
            ExtendedType::Object(_) => "type",
            ExtendedType::Interface(_) => "interface",
            ExtendedType::Union(_) => "union",
            ExtendedType::Enum(_) => "enum",
            ExtendedType::InputObject(_) => "input",
        };
        facts.insert(format!("{kind} {name}"));
        if let Some(description) = ty.description() {
            facts.insert(format!("{name} \"{}\"", collapse(description)));
        }
        for directive in ty.directives().iter() {
            facts.insert(format!("{name} {}", normalise_directive(directive)));
        }
        let fields = match ty {
            ExtendedType::Object(o) => Some((&o.fields, &o.implements_interfaces)),
            ExtendedType::Interface(i) => Some((&i.fields, &i.implements_interfaces)),
            _ => None,
        };
        if let Some((fields, implements)) = fields {
            for i in implements {
                facts.insert(format!("{name} implements {i}"));
            }
            for (field_name, field) in fields {
                let args: Vec<String> = field.arguments.iter().map(|a| input_value(a)).collect();
                facts.insert(format!(
                    "{name}.{field_name}({}): {}",
                    args.join(", "),
                    field.ty
                ));
                if let Some(description) = &field.description {
                    facts.insert(format!("{name}.{field_name} \"{}\"", collapse(description)));
                }
                for directive in field.directives.iter() {
                    facts.insert(format!(
                        "{name}.{field_name} {}",
                        normalise_directive(directive)
                    ));
                }
            }
        }
        match ty {
            ExtendedType::Union(u) => {
                for member in &u.members {
                    facts.insert(format!("{name} member {member}"));
                }
            }
            ExtendedType::Enum(e) => {
                for (value_name, value) in &e.values {
                    facts.insert(format!("{name}.{value_name}"));
                    for directive in value.directives.iter() {
                        facts.insert(format!(
                            "{name}.{value_name} {}",
                            normalise_directive(directive)
                        ));
                    }
                }
            }
            ExtendedType::InputObject(i) => {
                for (field_name, field) in &i.fields {
                    facts.insert(format!("{name}.{}", input_value(field)));
                    for directive in field.directives.iter() {
                        facts.insert(format!(
                            "{name}.{field_name} {}",
                            normalise_directive(directive)
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    facts
}

fn input_value(v: &ast::InputValueDefinition) -> String {
    let mut out = format!("{}: {}", v.name, v.ty);
    if let Some(default) = &v.default_value {
        out.push_str(&format!(" = {}", normalise_value(default)));
    }
    for d in v.directives.iter() {
        out.push_str(&format!(" {}", normalise_directive(d)));
    }
    out
}

fn normalise_directive(d: &ast::Directive) -> String {
    let defaults: &[(&str, &str)] = match d.name.as_str() {
        "join__type" => &[
            ("extension", "false"),
            ("resolvable", "true"),
            ("isInterfaceObject", "false"),
        ],
        "join__field" => &[("external", "false"), ("usedOverridden", "false")],
        _ => &[],
    };
    let mut args: Vec<String> = d
        .arguments
        .iter()
        .map(|a| (a.name.as_str(), normalise_value(&a.value)))
        .filter(|(n, v)| !defaults.iter().any(|(dn, dv)| dn == n && dv == v))
        .map(|(n, v)| format!("{n}: {v}"))
        .collect();
    args.sort();
    if args.is_empty() {
        format!("@{}", d.name)
    } else {
        format!("@{}({})", d.name, args.join(", "))
    }
}

fn normalise_value(v: &ast::Value) -> String {
    match v {
        ast::Value::String(s) => format!(
            "\"{}\"",
            collapse(&s.replace('{', " { ").replace('}', " } "))
        ),
        ast::Value::List(items) => {
            let items: Vec<String> = items.iter().map(|i| normalise_value(i)).collect();
            format!("[{}]", items.join(", "))
        }
        ast::Value::Object(fields) => {
            let mut fields: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", normalise_value(v)))
                .collect();
            fields.sort();
            format!("{{{}}}", fields.join(", "))
        }
        other => other.to_string(),
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts two supergraphs are semantically equal, listing the differing facts.
pub fn assert_same_supergraph(set: &str, tessera: &str, apollo: &str) {
    let ours = summary(tessera);
    let theirs = summary(apollo);
    if ours != theirs {
        let only_ours: Vec<&String> = ours.difference(&theirs).collect();
        let only_theirs: Vec<&String> = theirs.difference(&ours).collect();
        panic!(
            "{set}: supergraphs differ\n--- only in Tessera's:\n{}\n--- only in Apollo's:\n{}\n\n=== Tessera's supergraph:\n{tessera}",
            only_ours
                .iter()
                .map(|s| format!("  {s}"))
                .collect::<Vec<_>>()
                .join("\n"),
            only_theirs
                .iter()
                .map(|s| format!("  {s}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
}

/// Asserts two API schemas (as printed by the gateway) define the same elements.
pub fn assert_same_api_schema(set: &str, tessera: &str, apollo: &str) {
    let ours = summary(tessera);
    let theirs = summary(apollo);
    assert!(!ours.is_empty(), "{set}: empty API schema");
    if ours != theirs {
        panic!(
            "{set}: API schemas differ\n--- only in Tessera's:\n{:#?}\n--- only in Apollo's:\n{:#?}",
            ours.difference(&theirs).collect::<Vec<_>>(),
            theirs.difference(&ours).collect::<Vec<_>>()
        );
    }
}
