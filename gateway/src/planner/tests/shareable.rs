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

/// The shareable root field goes to `products`, which also holds the `@requires` inputs of `shippingCost`: two fetches, not three (e2e: tests/federation/ownership.rs).
#[test]
fn shareable_root_field_goes_where_requires_inputs_are() {
    let s = fixture("federation/ownership.graphql");
    assert_snapshot!(plan_string(&s, "{ product(id: \"p1\") { zone shippingCost } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "products", id: 0) {
      {
        product(id: "p1") {
          __typename
          id
          weight
          price
        }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "shipping", id: 1) {
        {
          ... on Product {
            __typename
            id
            weight
            price
          }
        } =>
        {
          ... on Product {
            zone
            shippingCost
          }
        }
      },
    },
  },
}
"###);
}
