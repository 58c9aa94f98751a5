//! Named and inline fragments, aliases, `__typename`, arguments and variables.

use insta::assert_snapshot;

use super::{fixture, plan, plan_string};

#[test]
fn fragments_are_flattened_into_subgraph_selections() {
    let s = fixture("tessera.graphql");
    let query = r#"
        query($id: ID!, $n: Int) {
            me { ...Person }
            user(id: $id) {
                handle: name
                ... on User { orders(first: $n) { ...OrderBits } }
                __typename
            }
        }
        fragment Person on User { id name reviews { rating } }
        fragment OrderBits on Order { status total { amount currency } }
    "#;
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "users", id: 0) {
      {
        me {
          id
          name
          __typename
        }
        user(id: $id) {
          handle: name
          __typename
          id
        }
      }
    },
    Parallel {
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
                rating
              }
            }
          }
        },
      },
      Flatten(path: "user") {
        Fetch(service: "orders", id: 2) {
          {
            ... on User {
              __typename
              id
            }
          } =>
          {
            ... on User {
              orders(first: $n) {
                status
                total {
                  amount
                  currency
                }
              }
            }
          }
        },
      },
    },
  },
}
"###);
    // Each fetch declares only the variables it uses, with the client's types.
    let plan = plan(&s, query);
    let usages: Vec<Vec<String>> = plan
        .fetches()
        .iter()
        .map(|f| f.variable_usages.clone())
        .collect();
    assert_eq!(
        usages,
        [vec!["id".to_string()], vec![], vec!["n".to_string()]]
    );
    assert!(
        plan.fetches()[0].operation.starts_with("query($id:ID!){"),
        "{}",
        plan.fetches()[0].operation
    );
    assert!(
        plan.fetches()[2]
            .operation
            .starts_with("query($representations:[_Any!]!,$n:Int){")
    );
}

/// A client alias that is the name of another field travels under an internal alias.
#[test]
fn aliases_that_shadow_key_fields_are_renamed_internally() {
    let s = fixture("tessera.graphql");
    assert_snapshot!(plan_string(&s, "{ users { id: name orders { id: status } } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "users", id: 0) {
      {
        users {
          _tsr_id: name
          __typename
          id
        }
      }
    },
    Flatten(path: "users.@") {
      Fetch(service: "orders", id: 1) {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            orders {
              _tsr_id: status
            }
          }
        }
      },
    },
  },
}
"###);
}

/// `__typename` alone needs no fetch; introspection root fields are not planned.
#[test]
fn typename_and_introspection_need_no_fetch() {
    let s = fixture("tessera.graphql");
    assert_snapshot!(plan_string(&s, "{ __typename __schema { queryType { name } } }"), @r###"QueryPlan {}"###);
    assert_snapshot!(plan_string(&s, r#"{ __type(name: "User") { name } users { name } }"#), @r###"
QueryPlan {
  Fetch(service: "users", id: 0) {
    {
      users {
        name
      }
    }
  },
}
"###);
}
