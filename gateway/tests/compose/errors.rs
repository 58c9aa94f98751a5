//! Every conflict class gives its own error, naming the subgraph, type and field; where Apollo
//! has the same rule, its composer must reject the same subgraphs with the same code.

use gateway::supergraph::compose::{ComposeError, SubgraphSdl, compose};

use crate::support::{apollo_compose, oracle_available, sdl};

const FED: &str = r#"extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@override", "@inaccessible", "@interfaceObject", "@tag"])"#;

fn fed(body: &str) -> String {
    format!("{FED}\n{body}")
}

/// Composes `subgraphs`, expects a conflict with `code` whose message contains every fragment,
/// and, when the oracle runs, that Apollo rejects them with the same code.
fn expect_conflict(subgraphs: &[SubgraphSdl], code: &str, fragments: &[&str]) {
    let error = compose(subgraphs).expect_err("composition must fail");
    let conflicts = error.conflicts();
    let found = conflicts
        .iter()
        .find(|c| c.code.as_str() == code)
        .unwrap_or_else(|| {
            panic!("expected a {code} conflict, got: {error}");
        });
    for fragment in fragments {
        assert!(
            found.message.contains(fragment),
            "{code} message {:?} should contain {fragment:?}",
            found.message
        );
    }
    if oracle_available() {
        let apollo = apollo_compose(subgraphs).expect_err("apollo must reject these subgraphs too");
        assert!(
            apollo.contains(&format!("{code}:")),
            "apollo rejected them with another code:\n{apollo}"
        );
    }
}

#[test]
fn non_shareable_field_resolved_by_two_subgraphs() {
    let a = sdl(
        "a",
        &fed(
            "type Query { a: Int }\ntype Money { amount: Int! }\ntype X @key(fields: \"id\") { id: ID! price: Money }",
        ),
    );
    let b = sdl(
        "b",
        &fed(
            "type Money { amount: Int! }\ntype X @key(fields: \"id\") { id: ID! price: Money @shareable }",
        ),
    );
    expect_conflict(
        &[a, b],
        "INVALID_FIELD_SHARING",
        &[
            "\"Money.amount\"",
            "subgraphs \"a\" and \"b\"",
            "all of them",
        ],
    );
}

#[test]
fn non_shareable_root_field_in_two_subgraphs() {
    let a = sdl("a", &fed("type Query { now: String }"));
    let b = sdl("b", &fed("type Query { now: String @shareable }"));
    expect_conflict(
        &[a, b],
        "INVALID_FIELD_SHARING",
        &["\"Query.now\"", "non-shareable in subgraph \"a\""],
    );
}

#[test]
fn incompatible_field_types() {
    let a = sdl(
        "a",
        &fed("type Query { a: Int }\ntype X @key(fields: \"id\") { id: ID! size: Int @shareable }"),
    );
    let b = sdl(
        "b",
        &fed("type X @key(fields: \"id\") { id: ID! size: String @shareable }"),
    );
    expect_conflict(
        &[a, b],
        "FIELD_TYPE_MISMATCH",
        &[
            "\"X.size\"",
            "type \"Int\" in subgraph \"a\"",
            "type \"String\" in subgraph \"b\"",
        ],
    );
}

#[test]
fn key_on_a_field_that_does_not_exist() {
    let a = sdl(
        "a",
        &fed("type Query { x: X }\ntype X @key(fields: \"uuid\") { id: ID! }"),
    );
    expect_conflict(
        &[a],
        "KEY_INVALID_FIELDS",
        &["[a]", "type \"X\"", "\"uuid\""],
    );
}

#[test]
fn key_with_arguments() {
    let a = sdl(
        "a",
        &fed("type Query { x: X }\ntype X @key(fields: \"id\") { id(format: String): ID! }"),
    );
    expect_conflict(&[a], "KEY_FIELDS_HAS_ARGS", &["[a]", "X.id"]);
}

#[test]
fn key_selecting_an_interface() {
    let a = sdl(
        "a",
        &fed(
            "type Query { x: X }\ninterface Node { id: ID! }\ntype N implements Node { id: ID! }\ntype X @key(fields: \"node { id }\") { node: Node! }",
        ),
    );
    expect_conflict(&[a], "KEY_FIELDS_SELECT_INVALID_TYPE", &["[a]", "X.node"]);
}

#[test]
fn input_type_with_no_common_field() {
    let a = sdl(
        "a",
        &fed("type Query { a(f: Filter): Int }\ninput Filter { name: String }"),
    );
    let b = sdl(
        "b",
        &fed("type Query { b(f: Filter): Int }\ninput Filter { age: Int }"),
    );
    expect_conflict(&[a, b], "EMPTY_MERGED_INPUT_TYPE", &["\"Filter\""]);
}

#[test]
fn required_input_field_missing_in_a_subgraph() {
    let a = sdl(
        "a",
        &fed("type Query { a(f: Filter): Int }\ninput Filter { name: String! age: Int }"),
    );
    let b = sdl(
        "b",
        &fed("type Query { b(f: Filter): Int }\ninput Filter { age: Int }"),
    );
    expect_conflict(
        &[a, b],
        "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
        &[
            "\"Filter.name\"",
            "required in subgraph \"a\"",
            "not appear in subgraph \"b\"",
        ],
    );
}

#[test]
fn required_argument_missing_in_a_subgraph() {
    let a = sdl(
        "a",
        &fed(
            "type Query { a: Int }\ntype X @key(fields: \"id\") { id: ID! f(x: Int!): Int @shareable }",
        ),
    );
    let b = sdl(
        "b",
        &fed("type X @key(fields: \"id\") { id: ID! f: Int @shareable }"),
    );
    expect_conflict(
        &[a, b],
        "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
        &["\"X.f(x:)\"", "subgraph \"b\""],
    );
}

#[test]
fn incompatible_argument_types() {
    let a = sdl(
        "a",
        &fed(
            "type Query { a: Int }\ntype X @key(fields: \"id\") { id: ID! f(x: Int): Int @shareable }",
        ),
    );
    let b = sdl(
        "b",
        &fed("type X @key(fields: \"id\") { id: ID! f(x: String): Int @shareable }"),
    );
    expect_conflict(&[a, b], "ARGUMENT_TYPE_MISMATCH", &["\"X.f(x:)\""]);
}

#[test]
fn incompatible_argument_defaults() {
    let a = sdl(
        "a",
        &fed(
            "type Query { a: Int }\ntype X @key(fields: \"id\") { id: ID! f(x: Int = 1): Int @shareable }",
        ),
    );
    let b = sdl(
        "b",
        &fed("type X @key(fields: \"id\") { id: ID! f(x: Int = 2): Int @shareable }"),
    );
    expect_conflict(
        &[a, b],
        "ARGUMENT_DEFAULT_MISMATCH",
        &["\"X.f(x:)\"", "default value 1", "default value 2"],
    );
}

#[test]
fn enum_used_as_input_and_output_with_different_values() {
    let a = sdl(
        "a",
        &fed("type Query { a(c: Color): Color }\nenum Color { RED GREEN }"),
    );
    let b = sdl(
        "b",
        &fed("type Query { b: Color }\nenum Color { RED BLUE }"),
    );
    expect_conflict(&[a, b], "ENUM_VALUE_MISMATCH", &["\"Color\"", "\"GREEN\""]);
}

#[test]
fn input_enum_with_no_common_value() {
    let a = sdl(
        "a",
        &fed("type Query { a(c: Color): Int }\nenum Color { RED }"),
    );
    let b = sdl(
        "b",
        &fed("type Query { b(c: Color): Int }\nenum Color { BLUE }"),
    );
    expect_conflict(&[a, b], "EMPTY_MERGED_ENUM_TYPE", &["\"Color\""]);
}

#[test]
fn type_kind_mismatch() {
    let a = sdl("a", &fed("type Query { a: Thing }\ntype Thing { id: ID }"));
    let b = sdl(
        "b",
        &fed("type Query { b: Thing }\ninterface Thing { id: ID }"),
    );
    expect_conflict(
        &[a, b],
        "TYPE_KIND_MISMATCH",
        &[
            "\"Thing\"",
            "Object Type in subgraph \"a\"",
            "Interface Type in subgraph \"b\"",
        ],
    );
}

#[test]
fn requires_on_a_field_that_is_not_external() {
    let a = sdl(
        "a",
        &fed(
            "type Query { x: X }\ntype X @key(fields: \"id\") { id: ID! w: Int s: Int @requires(fields: \"w\") }",
        ),
    );
    expect_conflict(
        &[a],
        "REQUIRES_FIELDS_MISSING_EXTERNAL",
        &["[a]", "\"X.s\"", "\"X.w\""],
    );
}

#[test]
fn requires_an_unknown_field() {
    let a = sdl(
        "a",
        &fed(
            "type Query { x: X }\ntype X @key(fields: \"id\") { id: ID! s: Int @requires(fields: \"weight\") }",
        ),
    );
    expect_conflict(
        &[a],
        "REQUIRES_INVALID_FIELDS",
        &["[a]", "\"X.s\"", "\"weight\""],
    );
}

#[test]
fn provides_on_a_scalar_field() {
    let a = sdl("a", &fed("type Query { n: Int @provides(fields: \"x\") }"));
    expect_conflict(
        &[a],
        "PROVIDES_ON_NON_OBJECT_FIELD",
        &["[a]", "\"Query.n\""],
    );
}

#[test]
fn provides_a_field_that_is_not_external() {
    let a = sdl(
        "a",
        &fed(
            "type Query { u: U @provides(fields: \"name\") }\ntype U @key(fields: \"id\") { id: ID! name: String }",
        ),
    );
    expect_conflict(
        &[a],
        "PROVIDES_FIELDS_MISSING_EXTERNAL",
        &["[a]", "\"U.name\""],
    );
}

#[test]
fn unused_external_field() {
    let a = sdl(
        "a",
        &fed("type Query { x: X }\ntype X @key(fields: \"id\") { id: ID! name: String }"),
    );
    let b = sdl(
        "b",
        &fed("type X @key(fields: \"id\") { id: ID! name: String @external }"),
    );
    expect_conflict(&[a, b], "EXTERNAL_UNUSED", &["[b]", "\"X.name\""]);
}

#[test]
fn field_external_everywhere() {
    let a = sdl(
        "a",
        &fed(
            "type Query { x: X }\ntype X @key(fields: \"id\") { id: ID! w: Int @external s: Int @requires(fields: \"w\") }",
        ),
    );
    let b = sdl(
        "b",
        &fed(
            "type X @key(fields: \"id\") { id: ID! w: Int @external t: Int @requires(fields: \"w\") }",
        ),
    );
    expect_conflict(
        &[a, b],
        "EXTERNAL_MISSING_ON_BASE",
        &["\"X.w\"", "subgraphs \"a\" and \"b\""],
    );
}

#[test]
fn external_field_with_another_type() {
    let a = sdl(
        "a",
        &fed("type Query { x: X }\ntype X @key(fields: \"id\") { id: ID! w: Int }"),
    );
    let b = sdl(
        "b",
        &fed(
            "type X @key(fields: \"id\") { id: ID! w: String @external s: Int @requires(fields: \"w\") }",
        ),
    );
    expect_conflict(
        &[a, b],
        "EXTERNAL_TYPE_MISMATCH",
        &["\"X.w\"", "subgraph \"b\""],
    );
}

#[test]
fn external_on_an_interface_field() {
    let a = sdl(
        "a",
        &fed(
            "type Query { i: I }\ninterface I { id: ID! @external }\ntype T implements I { id: ID! }",
        ),
    );
    expect_conflict(&[a], "EXTERNAL_ON_INTERFACE", &["[a]", "\"I.id\""]);
}

#[test]
fn override_from_itself() {
    let a = sdl(
        "a",
        &fed(
            "type Query { x: X }\ntype X @key(fields: \"id\") { id: ID! n: Int @override(from: \"a\") }",
        ),
    );
    expect_conflict(&[a], "OVERRIDE_FROM_SELF_ERROR", &["\"X.n\"", "\"a\""]);
}

#[test]
fn override_in_both_directions() {
    let a = sdl(
        "a",
        &fed(
            "type Query { x: X }\ntype X @key(fields: \"id\") { id: ID! n: Int @override(from: \"b\") }",
        ),
    );
    let b = sdl(
        "b",
        &fed("type X @key(fields: \"id\") { id: ID! n: Int @override(from: \"a\") }"),
    );
    expect_conflict(&[a, b], "OVERRIDE_SOURCE_HAS_OVERRIDE", &["\"X.n\""]);
}

#[test]
fn override_of_a_field_with_requires() {
    let a = sdl(
        "a",
        &fed(
            "type Query { x: X }\ntype X @key(fields: \"id\") { id: ID! w: Int @external n: Int @requires(fields: \"w\") }",
        ),
    );
    let b = sdl(
        "b",
        &fed("type X @key(fields: \"id\") { id: ID! w: Int n: Int @override(from: \"a\") }"),
    );
    expect_conflict(
        &[a, b],
        "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
        &["\"X.n\"", "@requires"],
    );
}

#[test]
fn override_with_an_invalid_label() {
    let a = sdl(
        "a",
        &fed("type Query { x: X }\ntype X @key(fields: \"id\") { id: ID! n: Int }"),
    );
    let b = sdl(
        "b",
        &fed(
            "type X @key(fields: \"id\") { id: ID! n: Int @override(from: \"a\", label: \"percent(250)\") }",
        ),
    );
    expect_conflict(
        &[a, b],
        "OVERRIDE_LABEL_INVALID",
        &["\"percent(250)\"", "\"X.n\""],
    );
}

#[test]
fn interface_object_without_an_interface() {
    let a = sdl(
        "a",
        &fed("type Query { m: M }\ntype M @key(fields: \"id\") @interfaceObject { id: ID! }"),
    );
    expect_conflict(
        &[a],
        "INTERFACE_OBJECT_USAGE_ERROR",
        &["\"M\"", "subgraph \"a\""],
    );
}

#[test]
fn entity_interface_missing_an_implementation() {
    let a = sdl(
        "a",
        &fed(
            "type Query { m: M }\ninterface M @key(fields: \"id\") { id: ID! }\ntype A implements M @key(fields: \"id\") { id: ID! }",
        ),
    );
    let b = sdl(
        "b",
        &fed("interface M { id: ID! }\ntype B implements M @key(fields: \"id\") { id: ID! }"),
    );
    expect_conflict(
        &[a, b],
        "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
        &["[a]", "\"M\"", "\"B\""],
    );
}

#[test]
fn extension_without_a_definition() {
    let a = sdl("a", &fed("type Query { a: Int }"));
    let b = sdl(
        "b",
        &fed("extend type X @key(fields: \"id\") { id: ID! n: Int }"),
    );
    expect_conflict(&[a, b], "EXTENSION_WITH_NO_BASE", &["[b]", "\"X\""]);
}

#[test]
fn no_query_anywhere() {
    let a = sdl("a", &fed("type X @key(fields: \"id\") { id: ID! }"));
    expect_conflict(&[a], "NO_QUERIES", &["no queries"]);
}

#[test]
fn visible_field_of_an_inaccessible_type() {
    let a = sdl(
        "a",
        &fed("type Query { s: Secret }\ntype Secret @inaccessible { code: String }"),
    );
    expect_conflict(
        &[a],
        "REFERENCED_INACCESSIBLE",
        &["\"Secret\"", "\"Query.s\""],
    );
}

#[test]
fn type_with_only_inaccessible_fields() {
    let a = sdl(
        "a",
        &fed("type Query { s: Thing }\ntype Thing { code: String @inaccessible }"),
    );
    expect_conflict(&[a], "ONLY_INACCESSIBLE_CHILDREN", &["\"Thing\""]);
}

#[test]
fn importing_an_unknown_federation_directive() {
    let a = sdl(
        "a",
        "extend schema @link(url: \"https://specs.apollo.dev/federation/v2.5\", import: [\"@key\", \"@frobnicate\"])\ntype Query { a: Int }",
    );
    let error = compose(&[a]).expect_err("must fail");
    let conflict = error.conflicts().first().expect("a conflict");
    assert_eq!(conflict.code.as_str(), "INVALID_LINK_DIRECTIVE_USAGE");
    assert!(
        conflict.message.contains("@frobnicate") && conflict.message.contains("[a]"),
        "{conflict}"
    );
}

#[test]
fn from_context_with_an_unknown_context() {
    let a = sdl(
        "a",
        "extend schema @link(url: \"https://specs.apollo.dev/federation/v2.8\", import: [\"@key\", \"@context\", \"@fromContext\"])\ntype Query { p: P }\ntype P @key(fields: \"id\") { id: ID! price(c: String @fromContext(field: \"$nowhere { currency }\")): Int }",
    );
    expect_conflict(&[a], "CONTEXT_NOT_SET", &["\"nowhere\"", "P.price"]);
}

#[test]
fn compose_directive_is_refused_clearly() {
    let a = sdl(
        "a",
        "extend schema @link(url: \"https://specs.apollo.dev/federation/v2.5\", import: [\"@key\", \"@composeDirective\"]) @link(url: \"https://custom.dev/x/v1.0\", import: [\"@x\"]) @composeDirective(name: \"@x\")\ndirective @x on FIELD_DEFINITION\ntype Query { a: Int @x }",
    );
    let error = compose(&[a]).expect_err("must fail");
    assert_eq!(
        error.conflicts()[0].code.as_str(),
        "UNSUPPORTED_FEATURE",
        "{error}"
    );
}

#[test]
fn syntax_errors_name_the_subgraph() {
    let error = compose(&[sdl("broken", "type Query { a: }")]).expect_err("must fail");
    match error {
        ComposeError::Syntax { subgraph, .. } => assert_eq!(subgraph, "broken"),
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn subgraph_names_must_be_unique_and_present() {
    let q = fed("type Query { a: Int }");
    assert!(matches!(compose(&[]), Err(ComposeError::NoSubgraphs)));
    assert!(matches!(
        compose(&[sdl("a", &q), sdl("a", &q)]),
        Err(ComposeError::InvalidSubgraphName { .. })
    ));
    assert!(matches!(
        compose(&[sdl(" ", &q)]),
        Err(ComposeError::InvalidSubgraphName { .. })
    ));
}

#[test]
fn all_conflicts_are_reported_together() {
    let a = sdl(
        "a",
        &fed(
            "type Query { now: String }\ntype X @key(fields: \"id\") { id: ID! size: Int @shareable }",
        ),
    );
    let b = sdl(
        "b",
        &fed(
            "type Query { now: String }\ntype X @key(fields: \"id\") { id: ID! size: String @shareable }",
        ),
    );
    let error = compose(&[a, b]).expect_err("must fail");
    let codes: Vec<&str> = error.conflicts().iter().map(|c| c.code.as_str()).collect();
    assert!(
        codes.contains(&"INVALID_FIELD_SHARING") && codes.contains(&"FIELD_TYPE_MISMATCH"),
        "{codes:?}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with("composition failed with 2 error(s)"),
        "{text}"
    );
}

#[test]
fn value_type_field_unreachable_from_another_subgraph() {
    let a = sdl(
        "a",
        &fed("type Query { position: Position }\ntype Position @shareable { x: Int! }"),
    );
    let b = sdl("b", &fed("type Position @shareable { x: Int! z: Int }"));
    expect_conflict(
        &[a, b],
        "SATISFIABILITY_ERROR",
        &["\"Position.z\"", "subgraph \"a\"", "\"b\""],
    );
}

#[test]
fn entity_field_only_behind_an_unresolvable_key() {
    let a = sdl(
        "a",
        &fed("type Query { p: P }\ntype P @key(fields: \"id\") { id: ID! }"),
    );
    let b = sdl(
        "b",
        &fed("type P @key(fields: \"id\", resolvable: false) { id: ID! name: String }"),
    );
    expect_conflict(
        &[a, b],
        "SATISFIABILITY_ERROR",
        &["\"P.name\"", "subgraph \"a\""],
    );
}

#[test]
fn entity_key_the_reaching_subgraph_cannot_provide() {
    let a = sdl(
        "a",
        &fed("type Query { p: P }\ntype P @key(fields: \"id\") { id: ID! }"),
    );
    let b = sdl(
        "b",
        &fed("type P @key(fields: \"sku\") { sku: String! name: String }"),
    );
    expect_conflict(
        &[a, b],
        "SATISFIABILITY_ERROR",
        &[
            "\"P.sku\"",
            "subgraph \"a\"",
            "only resolved in subgraph \"b\"",
        ],
    );
}
