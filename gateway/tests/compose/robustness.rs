//! Malformed and half-written subgraphs give errors, never a panic.

use gateway::supergraph::compose::{SubgraphSdl, compose};

use crate::support::{fixtures_dir, load_fixture};

fn fixture_sets() -> Vec<String> {
    let mut sets: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    sets.sort();
    sets
}

/// Every fixture, with one subgraph truncated at many points.
#[test]
fn truncated_subgraphs_never_panic() {
    let mut outcomes = (0, 0);
    for set in fixture_sets() {
        let subgraphs = load_fixture(&set);
        for (i, subgraph) in subgraphs.iter().enumerate() {
            let boundaries: Vec<usize> = subgraph
                .sdl
                .char_indices()
                .map(|(i, _)| i)
                .step_by(23)
                .collect();
            for cut in boundaries {
                let mut broken = subgraphs.clone();
                broken[i] = SubgraphSdl {
                    sdl: subgraph.sdl[..cut].to_owned(),
                    ..subgraph.clone()
                };
                match compose(&broken) {
                    Ok(_) => outcomes.0 += 1,
                    Err(e) => {
                        assert!(!e.to_string().is_empty());
                        outcomes.1 += 1;
                    }
                }
            }
        }
    }
    assert!(
        outcomes.1 > 100,
        "truncations should mostly fail: {outcomes:?}"
    );
}

/// Federation directives with arguments of the wrong shape.
#[test]
fn malformed_federation_arguments_are_errors() {
    let header = r#"extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", import: ["@key", "@requires", "@provides", "@override", "@external", "@context", "@fromContext", "@shareable", "@tag"])"#;
    let bodies = [
        r#"type Query { x: X } type X @key(fields: 1) { id: ID! }"#,
        r#"type Query { x: X } type X @key { id: ID! }"#,
        r#"type Query { x: X } type X @key(fields: "") { id: ID! }"#,
        r#"type Query { x: X } type X @key(fields: "id {") { id: ID! }"#,
        r#"type Query { x: X } type X @key(fields: "id } query { a") { id: ID! }"#,
        r#"type Query { x: X } type X @key(fields: "...F") { id: ID! }"#,
        r#"type Query { x: X } type X @key(fields: "a: id") { id: ID! }"#,
        r#"type Query { x: X } type X @key(fields: "id { a }") { id: ID! }"#,
        r#"type Query { x: X } type X @key(fields: "y") { y: Y } type Y { z: Int }"#,
        r#"type Query { x: X } type X @key(fields: "id") { id: ID! n: Int @requires(fields: 3) }"#,
        r#"type Query { x: X @provides(fields: "... on Nope { a }") } type X @key(fields: "id") { id: ID! }"#,
        r#"type Query { x: X } type X @key(fields: "id") { id: ID! n: Int @override(from: 7) }"#,
        r#"type Query { x: X } type X @key(fields: "id") @context { id: ID! }"#,
        r#"type Query { x: X } type X @key(fields: "id") { id: ID! n(a: Int @fromContext(field: "nope")): Int }"#,
        r#"type Query { x: X } type X @key(fields: "id") { id: ID! } type X { id: ID! }"#,
        r#"type Query { x: X } type X @key(fields: "id") { id: ID! } interface X { id: ID! }"#,
        r#"type Query { x: X } type X @key(fields: "id") { id: ID! } query Q { x { id } }"#,
        r#"type Query { x: Undefined }"#,
    ];
    for body in bodies {
        let subgraph = SubgraphSdl {
            name: "a".into(),
            url: "http://a.example/graphql".into(),
            sdl: format!("{header}\n{body}"),
        };
        let result = compose(&[subgraph]);
        assert!(result.is_err(), "{body} should not compose: {result:?}");
    }
}
