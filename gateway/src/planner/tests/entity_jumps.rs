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

/// The JSON form (sent in `extensions.queryPlan`) carries the same tree.
#[test]
fn json_form() {
    let s = fixture("tessera.graphql");
    let plan = plan(&s, r#"{ user(id: "1") { name orders { id } } }"#);
    let json = serde_json::to_string_pretty(&plan).expect("serializes");
    assert_snapshot!(json, @r###"
{
  "node": {
    "kind": "Sequence",
    "nodes": [
      {
        "kind": "Fetch",
        "id": 0,
        "serviceName": "users",
        "operation": "query{user(id:\"1\"){name __typename id}}",
        "operationKind": "query",
        "variableUsages": [],
        "requires": []
      },
      {
        "kind": "Flatten",
        "path": [
          "user"
        ],
        "node": {
          "kind": "Fetch",
          "id": 1,
          "serviceName": "orders",
          "operation": "query($representations:[_Any!]!){_entities(representations:$representations){... on User{orders{id}}}}",
          "operationKind": "query",
          "variableUsages": [],
          "requires": [
            {
              "kind": "InlineFragment",
              "typeCondition": "User",
              "selections": [
                {
                  "kind": "Field",
                  "name": "__typename"
                },
                {
                  "kind": "Field",
                  "name": "id"
                }
              ]
            }
          ]
        }
      }
    ]
  },
  "fetchCount": 2
}
"###);
}

/// The helper behind `tessera-gateway plan`.
#[test]
fn plan_text_helper() {
    let sdl = std::fs::read_to_string(format!(
        "{}/fixtures/tessera.graphql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let text = crate::planner::plan_text(
        &sdl,
        "query A { me { name } } query B { me { email } }",
        Some("B"),
    )
    .expect("plans");
    assert!(text.contains("email") && !text.contains("name"), "{text}");
    let error = crate::planner::plan_text(&sdl, "{ nope }", None).expect_err("invalid");
    assert!(
        error.to_string().starts_with("the operation is invalid"),
        "{error}"
    );
    let error = crate::planner::plan_text(
        &sdl,
        "query A { me { name } } query B { me { email } }",
        None,
    )
    .expect_err("ambiguous");
    assert_eq!(
        error.to_string(),
        "the document has several operations: `operationName` is required"
    );
}

/// The standard federation benchmark query.
#[test]
fn benchmark_query() {
    let s = fixture("requires_provides.graphql");
    let query = std::fs::read_to_string(format!(
        "{}/fixtures/bench_query.graphql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("query");
    assert_snapshot!(plan_string(&s, &query), @r###"
QueryPlan {
  Parallel {
    Sequence {
      Fetch(service: "accounts", id: 0) {
        {
          users {
            id
            username
            name
            __typename
          }
        }
      },
      Flatten(path: "users.@") {
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
                id
                body
                product {
                  __typename
                  upc
                  reviews {
                    id
                    body
                    author {
                      id
                      username
                      __typename
                      reviews {
                        id
                        body
                        product {
                          __typename
                          upc
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        },
      },
      Parallel {
        Sequence {
          Flatten(path: "users.@.reviews.@.product") {
            Fetch(service: "products", id: 3) {
              {
                ... on Product {
                  __typename
                  upc
                }
              } =>
              {
                ... on Product {
                  name
                  price
                  weight
                }
              }
            },
          },
          Flatten(path: "users.@.reviews.@.product") {
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
                  inStock
                  shippingEstimate
                }
              }
            },
          },
        },
        Flatten(path: "users.@.reviews.@.product.reviews.@.author") {
          Fetch(service: "accounts", id: 4) {
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
        Sequence {
          Flatten(path: "users.@.reviews.@.product.reviews.@.author.reviews.@.product") {
            Fetch(service: "products", id: 6) {
              {
                ... on Product {
                  __typename
                  upc
                }
              } =>
              {
                ... on Product {
                  name
                  price
                  weight
                }
              }
            },
          },
          Flatten(path: "users.@.reviews.@.product.reviews.@.author.reviews.@.product") {
            Fetch(service: "inventory", id: 5) {
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
                  inStock
                  shippingEstimate
                }
              }
            },
          },
        },
      },
    },
    Sequence {
      Fetch(service: "products", id: 7) {
        {
          topProducts {
            __typename
            upc
            name
            price
            weight
          }
        }
      },
      Parallel {
        Flatten(path: "topProducts.@") {
          Fetch(service: "inventory", id: 8) {
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
                inStock
                shippingEstimate
              }
            }
          },
        },
        Sequence {
          Flatten(path: "topProducts.@") {
            Fetch(service: "reviews", id: 9) {
              {
                ... on Product {
                  __typename
                  upc
                }
              } =>
              {
                ... on Product {
                  reviews {
                    id
                    body
                    author {
                      id
                      username
                      __typename
                      reviews {
                        id
                        body
                        product {
                          __typename
                          upc
                        }
                      }
                    }
                  }
                }
              }
            },
          },
          Parallel {
            Flatten(path: "topProducts.@.reviews.@.author") {
              Fetch(service: "accounts", id: 10) {
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
            Sequence {
              Flatten(path: "topProducts.@.reviews.@.author.reviews.@.product") {
                Fetch(service: "products", id: 12) {
                  {
                    ... on Product {
                      __typename
                      upc
                    }
                  } =>
                  {
                    ... on Product {
                      name
                      price
                      weight
                    }
                  }
                },
              },
              Flatten(path: "topProducts.@.reviews.@.author.reviews.@.product") {
                Fetch(service: "inventory", id: 11) {
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
                      inStock
                      shippingEstimate
                    }
                  }
                },
              },
            },
          },
        },
      },
    },
  },
}
"###);
}

/// An entity fetch below `[[Product]]`: the flatten path has one `@` per list level. Supergraph from `tests/federation/execution.rs`.
#[test]
fn entities_inside_lists_of_lists() {
    let s = fixture("federation/execution.graphql");
    assert_snapshot!(plan_string(&s, "{ shelves { name stock } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "catalog", id: 0) {
      {
        shelves {
          name
          __typename
          upc
        }
      }
    },
    Flatten(path: "shelves.@.@") {
      Fetch(service: "inventory", id: 1) {
        {
          ... on Product {
            __typename
            upc
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
