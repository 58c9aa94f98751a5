//! Types across subgraphs: enums and input types merged, and fields whose type differs per
//! subgraph (`@join__field(type:)`). Supergraph: `fixtures/federation/types.graphql`, composed
//! from the subgraphs of `tests/federation/types.rs`.

use insta::assert_snapshot;

use super::{fixture, plan_string};

/// `Shirt.fit` is `Int!` in `a`, `Shoe.fit` is `Int`: the narrowed `Shirt.fit` travels under its own data key, so `a` never sees one response key with two types.
#[test]
fn fields_whose_subgraph_types_differ_are_aliased_apart() {
    let s = fixture("federation/types.graphql");
    assert_snapshot!(plan_string(&s, "{ garments { __typename ... on Shirt { fit } ... on Shoe { fit } } }"), @r###"
QueryPlan {
  Fetch(service: "a", id: 0) {
    {
      garments {
        __typename
        ... on Shirt {
          _tsr_Shirt_fit: fit
        }
        ... on Shoe {
          fit
        }
      }
    }
  },
}
"###);
}

/// Arguments of merged input types and enums are sent as the client wrote them (validation already kept out what a subgraph lacks).
#[test]
fn merged_input_types_and_enums_pass_through() {
    let s = fixture("federation/types.graphql");
    assert_snapshot!(plan_string(&s, "query($f: Filter, $s: Size) { items(filter: $f, size: $s) { label paint } }"), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "a", id: 0) {
      {
        items(filter: $f, size: $s) {
          label
          __typename
          id
        }
      }
    },
    Flatten(path: "items.@") {
      Fetch(service: "b", id: 1) {
        {
          ... on Item {
            __typename
            id
          }
        } =>
        {
          ... on Item {
            paint
          }
        }
      },
    },
  },
}
"###);
}

/// `Item.size` resolves in both subgraphs (with different nullability): it stays where the walk is.
#[test]
fn nullability_per_subgraph_needs_no_jump() {
    let s = fixture("federation/types.graphql");
    assert_snapshot!(plan_string(&s, "{ items { paint size } }"), @r###"
QueryPlan {
  Fetch(service: "b", id: 0) {
    {
      items {
        paint
        size
      }
    }
  },
}
"###);
}
