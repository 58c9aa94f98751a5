//! `@override`, including progressive override labels.

use insta::assert_snapshot;

use super::{fixture, plan_string, plan_with_options};
use crate::planner::PlanOptions;

#[test]
fn progressive_override_follows_the_enabled_labels() {
    let s = fixture("override_context.graphql");
    let query = "{ b { inStock } }";
    // Label off: the overridden subgraph `b` still resolves the field.
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Fetch(service: "b", id: 0) {
    {
      b {
        inStock
      }
    }
  },
}
"###);
    let options = PlanOptions {
        enabled_override_labels: vec!["percent(50)".to_owned()].into(),
        ..PlanOptions::default()
    };
    assert_snapshot!(plan_with_options(&s, query, &options).to_string(), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "b", id: 0) {
      {
        b {
          __typename
          id
        }
      }
    },
    Flatten(path: "b") {
      Fetch(service: "a", id: 1) {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            inStock
          }
        }
      },
    },
  },
}
"###);
}

/// `@override(from: "b")`: `b`'s copy is `usedOverridden` and no longer resolves the field,
/// even though `b` holds the entity already.
#[test]
fn overridden_field_is_fetched_from_the_new_owner() {
    let s = fixture("override.graphql");
    assert_snapshot!(plan_string(&s, "{ products { name price } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "b", id: 0) {
      {
        products {
          __typename
          id
          price
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "a", id: 1) {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            name
          }
        }
      },
    },
  },
}
"###);
}
