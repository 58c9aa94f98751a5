//! `@shareable` root fields and fields: the subgraph that needs the fewest fetches wins.

use insta::assert_snapshot;

use super::{fixture, plan, plan_string};

/// `products` and `name` resolve in `a` and `b`; only `b` also has `price`: one fetch.
#[test]
fn root_field_goes_where_the_selection_resolves() {
    let s = fixture("shareable.graphql");
    assert_snapshot!(plan_string(&s, "{ products { name price } }"), @r###"
QueryPlan {
  Fetch(service: "b", id: 0) {
    {
      products {
        name
        price
      }
    }
  },
}
"###);
}

/// A tie goes to the first graph; the non-shared field then costs one jump.
#[test]
fn tie_and_jump() {
    let s = fixture("shareable.graphql");
    let plan = plan(&s, "{ products { name stock } }");
    assert_eq!(plan.fetch_count, 2);
    assert_snapshot!(plan.to_string(), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "a", id: 0) {
      {
        products {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "c", id: 1) {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            stock
          }
        }
      },
    },
  },
}
"###);
}
