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
    let started = Instant::now();
    let result = crate::planner::plan(&s, &document, None);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "took {:?}",
        started.elapsed()
    );
    match result {
        Ok(plan) => assert_eq!(plan.fetch_count, 2),
        Err(e) => assert!(matches!(e, PlanError::BudgetExceeded(_)), "{e}"),
    }
}

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
