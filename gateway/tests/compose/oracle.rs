//! Every fixture set composes, and composes to the same supergraph as Apollo's composer.

use gateway::supergraph::Supergraph;
use gateway::supergraph::compose::compose;

use crate::support::{
    apollo_compose, assert_same_api_schema, assert_same_supergraph, load_fixture, oracle_available,
};

/// Composes a fixture set, checks the gateway loads the result, and compares it (and its API
/// schema) with Apollo's composition of the same subgraphs.
fn check(set: &str) -> String {
    let subgraphs = load_fixture(set);
    let ours = compose(&subgraphs).unwrap_or_else(|e| panic!("{set}: tessera failed: {e}"));
    let loaded = Supergraph::parse(&ours)
        .unwrap_or_else(|e| panic!("{set}: the gateway refuses the composed supergraph: {e}"));
    assert_eq!(
        loaded.subgraphs().len(),
        subgraphs.len(),
        "{set}: subgraph count"
    );
    if oracle_available() {
        let theirs =
            apollo_compose(&subgraphs).unwrap_or_else(|e| panic!("{set}: apollo failed: {e}"));
        assert_same_supergraph(set, &ours, &theirs);
        let apollo_loaded = Supergraph::parse(&theirs)
            .unwrap_or_else(|e| panic!("{set}: the gateway refuses apollo's supergraph: {e}"));
        assert_same_api_schema(
            set,
            &loaded.api_schema().to_string(),
            &apollo_loaded.api_schema().to_string(),
        );
    }
    ours
}

#[test]
fn tessera_subgraphs() {
    let supergraph = check("tessera");
    insta::assert_snapshot!("tessera_supergraph", supergraph);
}

#[test]
fn keys_multiple_composite_nested_and_unresolvable() {
    check("keys");
}

#[test]
fn requires_provides_and_external() {
    check("requires_provides");
}

#[test]
fn shareable_value_types_and_root_fields() {
    check("shareable");
}

#[test]
fn override_with_and_without_label() {
    check("override");
}

#[test]
fn inaccessible_and_tag_propagate() {
    check("inaccessible");
}

#[test]
fn interfaces_and_unions_across_subgraphs() {
    check("abstract");
}

#[test]
fn entity_interfaces_and_interface_objects() {
    check("interface_object");
}

#[test]
fn enums_and_inputs_merge_by_union_or_intersection() {
    check("enums_inputs");
}

#[test]
fn differing_nullability_keeps_each_subgraph_type() {
    check("nullability");
}

#[test]
fn context_and_from_context() {
    check("context");
}

#[test]
fn import_renames_and_namespaced_directives() {
    check("renames");
}

#[test]
fn federation_1_subgraphs() {
    check("fed1");
}

#[test]
fn security_and_cost_directives() {
    check("security");
}

#[test]
fn root_renames_descriptions_deprecation_and_field_subtypes() {
    check("misc");
}

#[test]
fn async_graphql_extends_and_external_keys() {
    check("extensions");
}

#[test]
fn federation_plumbing_in_subgraph_sdls_is_stripped() {
    let supergraph = check("plumbing");
    for plumbing in [
        "_Any",
        "_Entity",
        "_Service",
        "_entities",
        "scalar FieldSet",
        "federation__",
        "directive @key",
    ] {
        assert!(
            !supergraph.contains(plumbing),
            "{plumbing} leaked into\n{supergraph}"
        );
    }
}

#[test]
fn interfaces_provides_on_fragments_subscriptions_and_deprecations() {
    check("edge");
}

#[test]
fn output_is_deterministic_whatever_the_input_order() {
    let mut subgraphs = load_fixture("tessera");
    let first = compose(&subgraphs).expect("composes");
    subgraphs.reverse();
    assert_eq!(compose(&subgraphs).expect("composes"), first);
}

/// The comparison is not vacuous: dropping one join directive or changing one type is seen.
#[test]
fn semantic_comparison_detects_differences() {
    use crate::support::summary;
    let supergraph = compose(&load_fixture("tessera")).expect("composes");
    let original = summary(&supergraph);
    for (from, to) in [
        (
            "email: String! @join__field(graph: USERS)",
            "email: String!",
        ),
        (
            "@join__type(graph: ORDERS, key: \"id\", resolvable: false)",
            "@join__type(graph: ORDERS, key: \"id\")",
        ),
        ("averageRating: Float", "averageRating: Float!"),
        ("  PAID @join__enumValue(graph: ORDERS)\n", ""),
    ] {
        assert!(supergraph.contains(from), "{from}");
        let changed = supergraph.replacen(from, to, 1);
        assert_ne!(
            summary(&changed),
            original,
            "changing {from:?} went unnoticed"
        );
    }
}

/// Tessera's own rule (FEDERATION.md §6): async-graphql 7.2 cannot import `@authenticated`,
/// `@policy`, `@cost`, `@context`..., so a subgraph that defines one of them itself and applies
/// it gets it composed as the federation directive. Apollo would drop such a directive, so
/// this is checked without the oracle.
#[test]
fn locally_defined_security_directives_of_async_graphql_subgraphs_compose() {
    use gateway::supergraph::compose::SubgraphSdl;
    let sdl = r#"type Query {
	me: User @authenticated
	admin: String @policy(policies: [["admin"]])
}

type User @key(fields: "id") {
	id: ID!
	name: String! @cost(weight: 3)
}

directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @cost(weight: Int!) on FIELD_DEFINITION
directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION
directive @custom on FIELD_DEFINITION
extend schema @link(
	url: "https://specs.apollo.dev/federation/v2.5",
	import: ["@key", "@tag", "@shareable", "@inaccessible", "@override", "@external", "@provides", "@requires", "@composeDirective", "@interfaceObject", "@requiresScopes"]
)
"#;
    let supergraph = compose(&[SubgraphSdl {
        name: "users".into(),
        url: "http://127.0.0.1:4001/graphql".into(),
        sdl: sdl.into(),
    }])
    .expect("composes");
    for expected in [
        "@link(url: \"https://specs.apollo.dev/authenticated/v0.1\", for: SECURITY)",
        "@link(url: \"https://specs.apollo.dev/policy/v0.1\", for: SECURITY)",
        "@link(url: \"https://specs.apollo.dev/cost/v0.1\")",
        "me: User @authenticated",
        "admin: String @policy(policies: [[\"admin\"]])",
        "name: String! @cost(weight: 3)",
    ] {
        assert!(
            supergraph.contains(expected),
            "missing {expected:?} in\n{supergraph}"
        );
    }
    assert!(
        !supergraph.contains("@custom"),
        "custom directives are not composed"
    );
    Supergraph::parse(&supergraph).expect("the gateway loads it");
}
