//! The planning budget: pathological operations fail cleanly and fast.

use std::time::{Duration, Instant};

use super::{fixture, plan_error, plan_with_options};
use crate::planner::{PlanBudget, PlanError, PlanOptions};

#[test]
fn size_budget_is_enforced() {
    let s = fixture("tessera.graphql");
    let options = PlanOptions {
        budget: PlanBudget {
            max_nodes: 10,
            ..PlanBudget::default()
        },
        ..PlanOptions::default()
    };
    let error = plan_error(
        &s,
        "{ users { name email orders { id status total { amount currency } } } }",
        &options,
    );
    assert_eq!(error, PlanError::BudgetExceeded("size"));
    assert_eq!(
        error.to_graphql_error().code(),
        Some("QUERY_PLANNING_FAILED")
    );
}

/// 200 fragments nested 10 deep, each spreading two fragments of the next level: 20 × 2^10
/// expansions of each root spread. It must plan or fail cleanly, fast.
#[test]
fn two_hundred_fragments_nested_ten_deep() {
    let s = fixture("tessera.graphql");
    let spreads: String = (0..20).map(|c| format!("...F{c}_0 ")).collect();
    let mut query = format!("{{ users {{ {spreads} }} }}\n");
    for c in 0..20 {
        for d in 0..10 {
            let next = if d == 9 {
                "orders { id }".to_string()
            } else {
                format!("...F{c}_{} ...F{}_{}", d + 1, (c + 1) % 20, d + 1)
            };
            query.push_str(&format!("fragment F{c}_{d} on User {{ name {next} }}\n"));
        }
    }
    let document = match apollo_compiler::ExecutableDocument::parse_and_validate(
        s.api_schema(),
        &query,
        "op.graphql",
    ) {
        Ok(d) => d,
        Err(e) => panic!("{}", e.errors),
    };
    // Default budget: plans (inside 100 ms) or fails cleanly on the budget.
    let started = Instant::now();
    let result = crate::planner::plan(&s, &document, None);
    assert!(
        started.elapsed() < HANG_GUARD,
        "took {:?}",
        started.elapsed()
    );
    match result {
        Ok(plan) => assert_eq!(plan.fetch_count, 2),
        Err(e) => assert!(matches!(e, PlanError::BudgetExceeded(_)), "{e}"),
    }
    // A node budget below the expansion fails on size, whatever the machine's speed.
    let small = PlanOptions {
        budget: PlanBudget {
            max_nodes: 5_000,
            max_time: Duration::from_secs(60),
        },
        ..PlanOptions::default()
    };
    let error = crate::planner::plan_with(&s, &document, None, &small).expect_err("too big");
    assert_eq!(error, PlanError::BudgetExceeded("size"));
    assert_eq!(
        error.to_graphql_error().code(),
        Some("QUERY_PLANNING_FAILED")
    );
}

/// Far above any plan these tests need: only a hang (a bug) takes this long.
const HANG_GUARD: Duration = Duration::from_secs(10);

/// An operation inside the budget plans normally with a small budget too.
#[test]
fn ordinary_operations_fit_a_small_budget() {
    let s = fixture("tessera.graphql");
    let options = PlanOptions {
        budget: PlanBudget {
            max_nodes: 200,
            max_time: Duration::from_millis(50),
        },
        ..PlanOptions::default()
    };
    let plan = plan_with_options(&s, "{ users { name orders { id } } }", &options);
    assert_eq!(plan.fetch_count, 2);
}

/// A generated supergraph header: join v0.3 with `graphs` subgraphs named g0, g1, ...
fn header(graphs: usize) -> String {
    let mut sdl = String::from(
        r#"schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query }
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph {
"#,
    );
    for g in 0..graphs {
        sdl.push_str(&format!(
            "  G{g} @join__graph(name: \"g{g}\", url: \"http://127.0.0.1:{}/graphql\")\n",
            5000 + g
        ));
    }
    sdl.push_str("}\n");
    sdl
}

/// Plans `query` over `sdl` three ways: with the default budget (100 ms), where it must plan
/// to `fetches` fetches or fail cleanly on time; with a generous time budget, where it must plan
/// (the size bound alone holds it); and with a tiny node budget, where it must fail on size.
fn plans_within_budget(sdl: &str, query: &str, fetches: usize) {
    let s = crate::supergraph::Supergraph::parse(sdl)
        .unwrap_or_else(|e| panic!("generated supergraph: {e}"));
    let document = match apollo_compiler::ExecutableDocument::parse_and_validate(
        s.api_schema(),
        query,
        "op.graphql",
    ) {
        Ok(d) => d,
        Err(e) => panic!("{}", e.errors),
    };
    let run = |budget: PlanBudget| {
        let options = PlanOptions {
            budget,
            ..PlanOptions::default()
        };
        let started = Instant::now();
        let result = crate::planner::plan_with(&s, &document, None, &options);
        assert!(
            started.elapsed() < HANG_GUARD,
            "took {:?}",
            started.elapsed()
        );
        result
    };
    match run(PlanBudget::default()) {
        Ok(plan) => assert_eq!(plan.fetch_count, fetches),
        Err(e) => assert_eq!(e, PlanError::BudgetExceeded("time")),
    }
    let generous = PlanBudget {
        max_time: Duration::from_secs(5),
        ..PlanBudget::default()
    };
    assert_eq!(run(generous).expect("plans").fetch_count, fetches);
    let tiny = PlanBudget {
        max_nodes: 50,
        ..PlanBudget::default()
    };
    assert_eq!(
        run(tiny).expect_err("over budget"),
        PlanError::BudgetExceeded("size")
    );
}

/// Ten subgraphs that all resolve every field of an entity (`@shareable` everywhere): the
/// planner must not explore the combinations.
#[test]
fn ten_subgraphs_sharing_every_field() {
    let mut sdl = header(10);
    let joins: String = (0..10)
        .map(|g| format!(" @join__type(graph: G{g}, key: \"id\")"))
        .collect();
    let roots: String = (0..10)
        .map(|g| format!(" @join__type(graph: G{g})"))
        .collect();
    let fields: String = (0..40).map(|f| format!("  f{f}: Int\n")).collect();
    sdl.push_str(&format!(
        "type T{joins} {{\n  id: ID!\n{fields}  next: T\n}}\ntype Query{roots} {{\n  t: T\n}}\n"
    ));
    let level: String = (0..40).map(|f| format!("f{f} ")).collect();
    let mut query = String::from("{ t { ");
    for _ in 0..8 {
        query.push_str(&format!("{level} next {{ "));
    }
    query.push_str("id ");
    query.push_str(&"} ".repeat(9));
    query.push('}');
    // Everything resolves in one subgraph.
    plans_within_budget(&sdl, &query, 1);
}

/// An interface with 100 implementations, one field of each owned by another subgraph: the
/// split per concrete type stays within budget and merges into one entity fetch.
#[test]
fn interface_with_a_hundred_implementations() {
    let mut sdl = header(2);
    sdl.push_str("interface I @join__type(graph: G0) { id: ID! name: String }\n");
    for i in 0..100 {
        sdl.push_str(&format!(
            "type T{i} implements I @join__implements(graph: G0, interface: \"I\") @join__type(graph: G0, key: \"id\") @join__type(graph: G1, key: \"id\") {{ id: ID! name: String @join__field(graph: G0) extra: Int @join__field(graph: G1) }}\n"
        ));
    }
    sdl.push_str("type Query @join__type(graph: G0) @join__type(graph: G1) { all: [I!]! @join__field(graph: G0) }\n");
    let fragments: String = (0..100)
        .map(|i| format!("... on T{i} {{ extra }} "))
        .collect();
    let query = format!("{{ all {{ id name {fragments} }} }}");
    plans_within_budget(&sdl, &query, 2);
}

/// A recursive type whose fields alternate between two subgraphs, selected 30 levels deep:
/// one jump per level, no blow-up.
#[test]
fn deeply_recursive_types() {
    let mut sdl = header(2);
    sdl.push_str("type Node @join__type(graph: G0, key: \"id\") @join__type(graph: G1, key: \"id\") { id: ID! a: Node @join__field(graph: G0) b: Node @join__field(graph: G1) }\n");
    sdl.push_str("type Query @join__type(graph: G0) @join__type(graph: G1) { root: Node @join__field(graph: G0) }\n");
    let mut query = String::from("{ root { ");
    for level in 0..30 {
        query.push_str(if level % 2 == 0 { "id b { " } else { "id a { " });
    }
    query.push_str("id ");
    query.push_str(&"} ".repeat(31));
    query.push('}');
    plans_within_budget(&sdl, &query, 31);
}
