//! `@provides`: provided fields are used along that path only.

use insta::assert_snapshot;

use super::{fixture, plan_string};

#[test]
fn provided_fields_need_no_jump() {
    let s = fixture("requires_provides.graphql");
    assert_snapshot!(plan_string(&s, "{ topProducts { reviews { author { username } } } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "products", id: 0) {
      {
        topProducts {
          __typename
          upc
        }
      }
    },
    Flatten(path: "topProducts.@") {
      Fetch(service: "reviews", id: 1) {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            reviews {
              author {
                username
              }
            }
          }
        }
      },
    },
  },
}
"###);
}

#[test]
fn fields_not_provided_still_jump() {
    let s = fixture("requires_provides.graphql");
    assert_snapshot!(plan_string(&s, "{ topProducts { reviews { author { username name } } } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "products", id: 0) {
      {
        topProducts {
          __typename
          upc
        }
      }
    },
    Flatten(path: "topProducts.@") {
      Fetch(service: "reviews", id: 1) {
        {
          ... on Product {
            __typename
            upc
          }
        } =>
        {
          ... on Product {
            reviews {
              author {
                username
                __typename
                id
              }
            }
          }
        }
      },
    },
    Flatten(path: "topProducts.@.reviews.@.author") {
      Fetch(service: "accounts", id: 2) {
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
}
"###);
}

/// The same type elsewhere (not under the providing field) is not provided.
#[test]
fn provides_counts_only_along_its_path() {
    let s = fixture("requires_provides.graphql");
    assert_snapshot!(plan_string(&s, "{ me { reviews { author { username } } } }"), @r###"
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
              author {
                username
              }
            }
          }
        }
      },
    },
  },
}
"###);
}
