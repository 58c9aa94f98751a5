//! `@interfaceObject`: a graph that sees an interface as an object type. Fields it adds reach
//! every implementation through the interface's key (representations carry the interface's
//! name); the concrete type comes from a graph that knows the implementations.

use insta::assert_snapshot;

use super::{fixture, plan, plan_string};
use crate::planner::InputRewrite;

/// From a concrete implementation to the interface object: `__typename` is rewritten.
#[test]
fn object_field_added_by_an_interface_object() {
    let s = fixture("interface_object.graphql");
    assert_snapshot!(plan_string(&s, "{ book { title reviews } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "a", id: 0) {
      {
        book {
          title
          __typename
          id
        }
      }
    },
    Flatten(path: "book") {
      Fetch(service: "b", id: 1) {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Media {
            reviews
          }
        }
      },
    },
  },
}
"###);
    let plan = plan(&s, "{ book { title reviews } }");
    assert_eq!(
        plan.fetches()[1].input_rewrites,
        [InputRewrite::TypenameRewrite {
            type_condition: "Book".into(),
            value: "Media".into()
        }]
    );
}

/// At an interface position every implementation's items share one fetch to the
/// interface-object graph.
#[test]
fn interface_field_added_by_an_interface_object() {
    let s = fixture("interface_object.graphql");
    assert_snapshot!(plan_string(&s, "{ media { __typename title reviews } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "a", id: 0) {
      {
        media {
          __typename
          ... on Book {
            title
            __typename
            id
          }
          ... on Movie {
            title
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "media.@") {
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
          ... on Media {
            reviews
          }
        }
      },
    },
  },
}
"###);
}

/// From the interface-object graph: the concrete type and the owner's fields come from the
/// owner through the interface's key.
#[test]
fn concrete_type_from_the_interface_owner() {
    let s = fixture("interface_object.graphql");
    assert_snapshot!(plan_string(&s, "{ topMedia { id reviews __typename title ... on Book { author } } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "b", id: 0) {
      {
        topMedia {
          id
          reviews
          __typename
        }
      }
    },
    Flatten(path: "topMedia.@") {
      Fetch(service: "a", id: 1) {
        {
          ... on Media {
            __typename
            id
          }
        } =>
        {
          ... on Media {
            __typename
            title
            ... on Book {
              author
            }
          }
        }
      },
    },
  },
}
"###);
}

/// Only interface-object fields: no jump needed.
#[test]
fn interface_object_fields_alone_stay_local() {
    let s = fixture("interface_object.graphql");
    assert_snapshot!(plan_string(&s, "{ topMedia { id reviews } }"), @r###"
QueryPlan {
  Fetch(service: "b", id: 0) {
    {
      topMedia {
        id
        reviews
      }
    }
  },
}
"###);
}

/// From the `@interfaceObject` subgraph, the owner tells the concrete type, then `extras` answers the type-conditioned fields. Supergraph from `tests/federation/abstract_types.rs`.
#[test]
fn interface_object_across_two_hops() {
    let s = fixture("federation/abstract_types.graphql");
    assert_snapshot!(plan_string(&s, "{ topMedia { reviews ... on Book { pages stock } ... on Movie { rating } } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "reviews", id: 0) {
      {
        topMedia {
          reviews
          __typename
          id
        }
      }
    },
    Flatten(path: "topMedia.@") {
      Fetch(service: "media", id: 1) {
        {
          ... on Media {
            __typename
            id
          }
        } =>
        {
          ... on Media {
            __typename
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
    },
    Flatten(path: "topMedia.@") {
      Fetch(service: "extras", id: 2) {
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
            stock
          }
          ... on Movie {
            rating
          }
        }
      },
    },
  },
}
"###);
}
