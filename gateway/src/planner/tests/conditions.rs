//! `@skip`/`@include`: constants are applied at planning time, variables become condition
//! nodes around the fetches they gate (plans never depend on variable values).

use insta::assert_snapshot;

use super::{fixture, plan, plan_string};

#[test]
fn include_on_a_jump_wraps_the_entity_fetch() {
    let s = fixture("tessera.graphql");
    let query = r#"query($withOrders: Boolean!) { user(id: "1") { name orders @include(if: $withOrders) { id } } }"#;
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "users", id: 0) {
      {
        user(id: "1") {
          name
          __typename
          id
        }
      }
    },
    Include(if: $withOrders) {
      Flatten(path: "user") {
        Fetch(service: "orders", id: 1) {
          {
            ... on User {
              __typename
              id
            }
          } =>
          {
            ... on User {
              orders @include(if: $withOrders) {
                id
              }
            }
          }
        },
      },
    },
  },
}
"###);
}

#[test]
fn skip_on_a_fragment_and_on_root_fields() {
    let s = fixture("tessera.graphql");
    let query = r#"query($brief: Boolean!, $noReview: Boolean!) {
        user(id: "1") { name ... @skip(if: $brief) { reviews { rating } } }
        review(id: "1") @skip(if: $noReview) { body }
    }"#;
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Parallel {
    Sequence {
      Fetch(service: "users", id: 0) {
        {
          user(id: "1") {
            name
            __typename
            id
          }
        }
      },
      Skip(if: $brief) {
        Flatten(path: "user") {
          Fetch(service: "reviews", id: 1) {
            {
              ... on User {
                __typename
                id
              }
            } =>
            {
              ... on User {
                reviews @skip(if: $brief) {
                  rating
                }
              }
            }
          },
        },
      },
    },
    Skip(if: $noReview) {
      Fetch(service: "reviews", id: 2) {
        {
          review(id: "1") @skip(if: $noReview) {
            body
          }
        }
      },
    },
  },
}
"###);
}

#[test]
fn constant_conditions_are_applied_when_planning() {
    let s = fixture("tessera.graphql");
    let query = r#"{ user(id: "1") { name orders @skip(if: true) { id } reviews @include(if: true) { rating } email @include(if: false) } }"#;
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "users", id: 0) {
      {
        user(id: "1") {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "user") {
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

/// A field both conditional and unconditional is always fetched.
#[test]
fn unconditional_use_wins() {
    let s = fixture("tessera.graphql");
    let query = r#"query($c: Boolean!) { user(id: "1") { orders @include(if: $c) { id } orders { status } } }"#;
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "users", id: 0) {
      {
        user(id: "1") {
          __typename
          id
        }
      }
    },
    Flatten(path: "user") {
      Fetch(service: "orders", id: 1) {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            orders @include(if: $c) {
              id
            }
            orders {
              status
            }
          }
        }
      },
    },
  },
}
"###);
}

/// Two `@include`s on one field (one from an enclosing fragment): the subgraph operation
/// must stay valid, so the second wraps the field in a condition-only fragment (found by the
/// differential test: "Duplicate directive include" from the subgraph).
#[test]
fn two_includes_on_one_field_nest() {
    let s = fixture("tessera.graphql");
    let query = r#"query($a: Boolean!, $b: Boolean!) {
        user(id: "1") { ... @include(if: $a) { name @include(if: $b) name @include(if: $b) } }
    }"#;
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Fetch(service: "users", id: 0) {
    {
      user(id: "1") {
        ... @include(if: $b) {
          name @include(if: $a)
        }
        __typename
      }
    }
  },
}
"###);
    // Both conditions' variables reach the subgraph.
    let mut usages = plan(&s, query).fetches()[0].variable_usages.clone();
    usages.sort();
    assert_eq!(usages, ["a", "b"]);
}

/// Every field of an object is conditional: the subgraph is also asked for `__typename`, so
/// the object is never empty when all conditions exclude (async-graphql answers an empty
/// object with `null`; found by the differential test).
#[test]
fn conditional_fields_alone_get_a_typename() {
    let s = fixture("tessera.graphql");
    let query = r#"query($a: Boolean!) { user(id: "1") { name @include(if: $a) } }"#;
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Fetch(service: "users", id: 0) {
    {
      user(id: "1") {
        name @include(if: $a)
        __typename
      }
    }
  },
}
"###);
}

/// Two selections reach one entity fetch, one of them under `@include`: the fetch is not
/// gated (the other needs it), so the conditional field carries the condition itself, and a
/// skipped branch fetches nothing (found by the differential test).
#[test]
fn a_shared_entity_fetch_keeps_each_selections_condition() {
    let s = fixture("tessera.graphql");
    let query = r#"query($x: Boolean!) {
        user(id: "1") {
            orders @skip(if: $x) { items { product { name } } }
            orders @include(if: $x) { items { product { sku } } }
        }
    }"#;
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "users", id: 0) {
      {
        user(id: "1") {
          __typename
          id
        }
      }
    },
    Flatten(path: "user") {
      Fetch(service: "orders", id: 1) {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            orders @skip(if: $x) {
              items {
                product {
                  __typename
                  id
                }
              }
            }
            orders @include(if: $x) {
              items {
                product {
                  __typename
                  id
                }
              }
            }
          }
        }
      },
    },
    Flatten(path: "user.orders.@.items.@.product") {
      Fetch(service: "products", id: 2) {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            name @skip(if: $x)
            sku @include(if: $x)
          }
        }
      },
    },
  },
}
"###);
}

/// Every root field of a fetch is under a different condition, so the fetch is not gated and
/// all of them may be excluded: the root selection also asks for `__typename` (an empty one
/// comes back from async-graphql as `data: null`; found by the differential test).
#[test]
fn a_root_fetch_of_conditional_fields_gets_a_typename() {
    let s = fixture("tessera.graphql");
    let query = r#"query($a: Boolean!, $b: Boolean!) {
        one: user(id: "1") @include(if: $a) { name }
        two: user(id: "2") @include(if: $b) { name }
    }"#;
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Fetch(service: "users", id: 0) {
    {
      one: user(id: "1") @include(if: $a) {
        name
      }
      two: user(id: "2") @include(if: $b) {
        name
      }
      __typename
    }
  },
}
"###);
}
