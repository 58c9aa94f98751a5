//! Mutations: every top-level field is its own fetch, in document order, followed by its
//! dependent entity fetches before the next one starts.

use insta::assert_snapshot;

use super::{fixture, plan_string};

#[test]
fn mutation_fields_run_in_document_order() {
    let s = fixture("tessera.graphql");
    let query = r#"mutation {
        a: addReview(productId: "1", rating: 5, body: "x") { id product { name } }
        login(email: "a@b.c", password: "p") { token }
        b: deleteReview(id: "1")
    }"#;
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "reviews", id: 0) {
      mutation {
        a: addReview(productId: "1", rating: 5, body: "x") {
          id
          product {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "a.product") {
      Fetch(service: "products", id: 1) {
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
    Fetch(service: "users", id: 2) {
      mutation {
        login(email: "a@b.c", password: "p") {
          token
        }
      }
    },
    Fetch(service: "reviews", id: 3) {
      mutation {
        b: deleteReview(id: "1")
      }
    },
  },
}
"###);
}
