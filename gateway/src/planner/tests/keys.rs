//! Choosing keys: several keys per type, `resolvable: false`, and a key the source subgraph
//! can actually supply.

use insta::assert_snapshot;

use super::{fixture, plan_error, plan_string};
use crate::planner::PlanOptions;
use crate::supergraph::Supergraph;

/// Products has keys `id` and `sku`; reviews only `id`: the jump from products uses `id`.
#[test]
fn second_key_is_used_when_the_target_only_has_the_first() {
    let s = fixture("tessera.graphql");
    assert_snapshot!(plan_string(&s, r#"{ productBySku(sku: "P-1") { name reviews { rating } } }"#), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "products", id: 0) {
      {
        productBySku(sku: "P-1") {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "productBySku") {
      Fetch(service: "reviews", id: 1) {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            reviews {
              rating
            }
          }
        }
      },
    },
  },
}
"###);
}

/// Orders declares `Product @key(fields: "id", resolvable: false)`: it can supply the key,
/// products resolves the entity.
#[test]
fn unresolvable_key_still_supplies_the_representation() {
    let s = fixture("tessera.graphql");
    assert_snapshot!(plan_string(&s, r#"{ order(id: "1") { status items { quantity product { sku name } } } }"#), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "orders", id: 0) {
      {
        order(id: "1") {
          status
          items {
            quantity
            product {
              __typename
              id
            }
          }
        }
      }
    },
    Flatten(path: "order.items.@.product") {
      Fetch(service: "products", id: 1) {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            sku
            name
          }
        }
      },
    },
  },
}
"###);
}

/// Fields the source subgraph resolves itself never cause a jump, even on entities.
#[test]
fn key_fields_are_resolved_locally() {
    let s = fixture("tessera.graphql");
    assert_snapshot!(plan_string(&s, r#"{ order(id: "1") { id items { product { id } } user { id } } }"#), @r###"
QueryPlan {
  Fetch(service: "orders", id: 0) {
    {
      order(id: "1") {
        id
        items {
          product {
            id
          }
        }
        user {
          id
        }
      }
    }
  },
}
"###);
}

/// Without a resolvable key in the target there is no jump: a clear planning error.
#[test]
fn no_usable_key_is_a_planning_error() {
    let sdl = std::fs::read_to_string(format!(
        "{}/fixtures/nullkey.graphql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let sdl = sdl.replace(
        "@join__type(graph: B, key: \"upc\")",
        "@join__type(graph: B)",
    );
    let s = Supergraph::parse(&sdl).expect("still a valid supergraph");
    let error = plan_error(
        &s,
        "{ items { product { name } } }",
        &PlanOptions::default(),
    );
    assert_snapshot!(error.to_string(), @r###"cannot plan `Product.name`: no subgraph that resolves it can be reached from `a` through a key it can supply"###);
}

/// Composite (`"id sku"`) and nested (`"id org { id }"`) keys are fetched whole.
#[test]
fn composite_and_nested_keys() {
    let s = super::fixture("composite_keys.graphql");
    assert_snapshot!(plan_string(&s, "{ users { name karma } products { stock } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "a", id: 0) {
      {
        users {
          name
          __typename
          id
          org {
            id
          }
        }
        products {
          __typename
          id
          sku
        }
      }
    },
    Parallel {
      Flatten(path: "users.@") {
        Fetch(service: "b", id: 1) {
          {
            ... on User {
              __typename
              id
              org {
                id
              }
            }
          } =>
          {
            ... on User {
              karma
            }
          }
        },
      },
      Flatten(path: "products.@") {
        Fetch(service: "b", id: 2) {
          {
            ... on Product {
              __typename
              id
              sku
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
  },
}
"###);
}

/// `inventory` knows `sku` only; `pricing` needs `"id sku"`: `catalog` (reachable by `sku`) supplies `id` first. Supergraph from `tests/federation/keys.rs`.
#[test]
fn composite_key_through_an_intermediate_subgraph() {
    let s = fixture("federation/keys.graphql");
    assert_snapshot!(plan_string(&s, "{ stockedProducts { stock name price } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "inventory", id: 0) {
      {
        stockedProducts {
          stock
          __typename
          sku
        }
      }
    },
    Flatten(path: "stockedProducts.@") {
      Fetch(service: "catalog", id: 1) {
        {
          ... on Product {
            __typename
            sku
          }
        } =>
        {
          ... on Product {
            name
            __typename
            id
            sku
          }
        }
      },
    },
    Flatten(path: "stockedProducts.@") {
      Fetch(service: "pricing", id: 2) {
        {
          ... on Product {
            __typename
            id
            sku
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

/// A nested key (`"id organization { id }"`) is selected whole for the representation.
#[test]
fn nested_key_representation() {
    let s = fixture("federation/keys.graphql");
    assert_snapshot!(plan_string(&s, "{ accounts { name plan } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "accounts", id: 0) {
      {
        accounts {
          name
          __typename
          id
          organization {
            id
          }
        }
      }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "billing", id: 1) {
        {
          ... on Account {
            __typename
            id
            organization {
              id
            }
          }
        } =>
        {
          ... on Account {
            plan
          }
        }
      },
    },
  },
}
"###);
}
