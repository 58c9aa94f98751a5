//! `@requires`: the required fields are fetched first and sent in the representation.

use insta::assert_snapshot;

use super::{fixture, plan, plan_string};

#[test]
fn required_fields_come_from_the_owner_before_the_requiring_fetch() {
    let s = fixture("requires_provides.graphql");
    assert_snapshot!(plan_string(&s, "{ topProducts { name shippingEstimate inStock } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "products", id: 0) {
      {
        topProducts {
          name
          __typename
          upc
          price
          weight
        }
      }
    },
    Flatten(path: "topProducts.@") {
      Fetch(service: "inventory", id: 1) {
        {
          ... on Product {
            __typename
            upc
            price
            weight
          }
        } =>
        {
          ... on Product {
            shippingEstimate
            inStock
          }
        }
      },
    },
  },
}
"###);
    let plan = plan(&s, "{ topProducts { name shippingEstimate inStock } }");
    let inventory = plan
        .fetches()
        .into_iter()
        .filter(|f| f.subgraph == "inventory")
        .collect::<Vec<_>>();
    assert_eq!(
        inventory.len(),
        1,
        "inStock rides along with the requiring fetch"
    );
}

/// Required fields reached through another jump: the requiring fetch waits for it.
#[test]
fn requires_from_an_entity_position() {
    let s = fixture("requires_provides.graphql");
    assert_snapshot!(plan_string(&s, "{ me { reviews { product { shippingEstimate } } } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "accounts", id: 0) {
      {
        me {
          __typename
          id
        }
      }
    },
    Flatten(path: "me") {
      Fetch(service: "reviews", id: 1) {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            reviews {
              product {
                __typename
                upc
              }
            }
          }
        }
      },
    },
    Flatten(path: "me.reviews.@.product") {
      Fetch(service: "products", id: 3) {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            price
            weight
          }
        }
      },
    },
    Flatten(path: "me.reviews.@.product") {
      Fetch(service: "inventory", id: 2) {
        {
          ... on Product {
            __typename
            upc
            price
            weight
          }
        } =>
        {
          ... on Product {
            shippingEstimate
          }
        }
      },
    },
  },
}
"###);
}

/// Federation 1 supergraph (join v0.1): the same shape.
#[test]
fn federation_1_requires() {
    let s = fixture("fed1.graphql");
    assert_snapshot!(plan_string(&s, "{ topProducts { upc shippingEstimate } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "products", id: 0) {
      {
        topProducts {
          upc
          __typename
          price
          weight
        }
      }
    },
    Flatten(path: "topProducts.@") {
      Fetch(service: "inventory", id: 1) {
        {
          ... on Product {
            __typename
            upc
            price
            weight
          }
        } =>
        {
          ... on Product {
            shippingEstimate
          }
        }
      },
    },
  },
}
"###);
}

/// A required field with arguments travels under an internal alias, so the client's own
/// selection of the same field with other arguments cannot clash with it.
#[test]
fn required_field_with_arguments_is_aliased() {
    let s = fixture("requires_arguments.graphql");
    assert_snapshot!(plan_string(&s, "{ products { weight(unit: LB) shipping } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "a", id: 0) {
      {
        products {
          weight(unit: LB)
          __typename
          id
          _tsr_weight_a4e0b859: weight(unit: KG)
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "b", id: 1) {
        {
          ... on Product {
            __typename
            id
            _tsr_weight_a4e0b859: weight
          }
        } =>
        {
          ... on Product {
            shipping
          }
        }
      },
    },
  },
}
"###);
}

/// Two `@requires` (several fields, and a nested selection) on one subgraph: the inputs come with the root fetch, then one entity fetch. Supergraph from `tests/federation/ownership.rs`.
#[test]
fn several_and_nested_requires_share_one_fetch() {
    let s = fixture("federation/ownership.graphql");
    assert_snapshot!(plan_string(&s, "{ products { shippingCost boxSize } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "products", id: 0) {
      {
        products {
          __typename
          id
          weight
          price
          dimensions {
            width
            height
          }
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "shipping", id: 1) {
        {
          ... on Product {
            __typename
            id
            weight
            price
            dimensions {
              width
              height
            }
          }
        } =>
        {
          ... on Product {
            shippingCost
            boxSize
          }
        }
      },
    },
  },
}
"###);
}
