//! Interfaces and unions whose members live in different subgraphs.

use insta::assert_snapshot;

use super::{fixture, plan_string};

/// Interface fields resolvable in the owner stay abstract; type-conditioned fields going to
/// the same subgraph at the same path share one fetch.
#[test]
fn type_conditions_on_an_interface() {
    let s = fixture("abstract.graphql");
    assert_snapshot!(plan_string(&s, "{ search { __typename title ... on Book { pages author } ... on Movie { duration } } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "a", id: 0) {
      {
        search {
          __typename
          title
          ... on Book {
            pages
            __typename
            id
          }
          ... on Movie {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "search.@") {
      Fetch(service: "b", id: 1) {
        {
          ... on Book {
            __typename
            id
          }
          ... on Movie {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            author
          }
          ... on Movie {
            duration
          }
        }
      },
    },
  },
}
"###);
}

/// Each subgraph is only asked about the union members it knows.
#[test]
fn union_members_per_subgraph() {
    let s = fixture("abstract.graphql");
    assert_snapshot!(plan_string(&s, "{ results { ... on Book { author } ... on Movie { title } } recommended { ... on Book { pages } ... on Song { title } } }"), @r###"
QueryPlan {
  Parallel {
    Sequence {
      Fetch(service: "a", id: 0) {
        {
          results {
            __typename
            ... on Book {
              __typename
              id
            }
            ... on Movie {
              title
            }
          }
        }
      },
      Flatten(path: "results.@") {
        Fetch(service: "b", id: 1) {
          {
            ... on Book {
              __typename
              id
            }
          } =>
          {
            ... on Book {
              author
            }
          }
        },
      },
    },
    Sequence {
      Fetch(service: "b", id: 2) {
        {
          recommended {
            __typename
            ... on Book {
              __typename
              id
            }
            ... on Song {
              title
            }
          }
        }
      },
      Flatten(path: "recommended.@") {
        Fetch(service: "a", id: 3) {
          {
            ... on Book {
              __typename
              id
            }
          } =>
          {
            ... on Book {
              pages
            }
          }
        },
      },
    },
  },
}
"###);
}

/// Only `__typename` below a composite field: the subgraph is still sent a selection set
/// (found by the differential test: `userByEmail(..)` alone is invalid on the subgraph).
#[test]
fn typename_alone_below_a_composite_field() {
    let s = fixture("abstract.graphql");
    assert_snapshot!(plan_string(&s, "{ search { __typename } results { ... on Book { __typename } } }"), @r###"
QueryPlan {
  Fetch(service: "a", id: 0) {
    {
      search {
        __typename
      }
      results {
        __typename
        ... on Book
      }
    }
  },
}
"###);
}
