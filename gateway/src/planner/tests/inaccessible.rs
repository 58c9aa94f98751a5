//! `@inaccessible`: hidden from clients, still used internally. Supergraph:
//! `fixtures/federation/overrides.graphql` (from `tests/federation/overrides.rs`).

use insta::assert_snapshot;

use super::{fixture, plan_string};

/// The `@inaccessible` `internalCode` is fetched from `old` and sent to `new` as the `@requires` input of `code`.
#[test]
fn inaccessible_field_feeds_requires() {
    let s = fixture("federation/overrides.graphql");
    assert_snapshot!(plan_string(&s, "{ products { code } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "old", id: 0) {
      {
        products {
          __typename
          id
          internalCode
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "new", id: 1) {
        {
          ... on Product {
            __typename
            id
            internalCode
          }
        } =>
        {
          ... on Product {
            code
          }
        }
      },
    },
  },
}
"###);
}

/// `price` was taken over by `new` (`@override(from: "old")`): fetched there although `old` holds the products.
#[test]
fn override_from_moves_the_field() {
    let s = fixture("federation/overrides.graphql");
    assert_snapshot!(plan_string(&s, "{ products { name price } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "old", id: 0) {
      {
        products {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "new", id: 1) {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            price
          }
        }
      },
    },
  },
}
"###);
}
