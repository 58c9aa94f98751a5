//! Jumping between subgraphs by `@key`: one fetch per subgraph per level, merged by path.

use insta::assert_snapshot;

use super::{fixture, plan, plan_string};

/// The headline query: users → orders → (products ‖ reviews) → users, five fetches whatever
/// the number of users.
#[test]
fn users_orders_products_reviews_authors() {
    let s = fixture("tessera.graphql");
    let query = "{ users(first: 50) { name orders { total { amount } items { quantity product { name reviews { rating author { name } } } } } } }";
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "users", id: 0) {
      {
        users(first: 50) {
          name
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
              total {
                amount
              }
              items {
                quantity
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
    Parallel {
      Flatten(path: "users.@.orders.@.items.@.product") {
        Fetch(service: "products", id: 2) {
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
      Sequence {
        Flatten(path: "users.@.orders.@.items.@.product") {
          Fetch(service: "reviews", id: 3) {
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
                  author {
                    __typename
                    id
                  }
                }
              }
            }
          },
        },
        Flatten(path: "users.@.orders.@.items.@.product.reviews.@.author") {
          Fetch(service: "users", id: 4) {
            {
              ... on User {
                __typename
                id
              }
            } =>
            {
              ... on User {
                name
              }
            }
          },
        },
      },
    },
  },
}
"###);
    assert_eq!(plan(&s, query).fetch_count, 5);
}
