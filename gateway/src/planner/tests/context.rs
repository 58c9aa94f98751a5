//! `@context`/`@fromContext` (`@join__field(contextArguments:)`): the value is fetched at the
//! enclosing object that sets the context, and passed as a variable to an entity fetch.

use insta::assert_snapshot;

use super::{fixture, plan, plan_string};

/// `currency` is external in `b`: it is fetched from `a` at the shop, and the price fetch
/// waits for it.
#[test]
fn context_value_from_an_enclosing_object() {
    let s = fixture("context.graphql");
    let query = "{ shops { id products { name price } } }";
    assert_snapshot!(plan_string(&s, query), @r###"
QueryPlan {
  Sequence {
    Fetch(service: "b", id: 0) {
      {
        shops {
          id
          products {
            name
            __typename
            id
          }
          __typename
        }
      }
    },
    Flatten(path: "shops.@") {
      Fetch(service: "a", id: 2) {
        {
          ... on Shop {
            __typename
            id
          }
        } =>
        {
          ... on Shop {
            currency
          }
        }
      },
    },
    Flatten(path: "shops.@.products.@") {
      Fetch(service: "b", id: 1) {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            price(currency: $contextualArgument_0_0)
          }
        }
      },
    },
  },
}
"###);
    let plan = plan(&s, query);
    let price_fetch = plan
        .fetches()
        .into_iter()
        .find(|f| !f.context_inputs.is_empty())
        .expect("context fetch");
    assert_eq!(
        price_fetch.context_inputs[0].variable,
        "contextualArgument_0_0"
    );
    assert_eq!(
        price_fetch.context_inputs[0].depth, 2,
        "the shop sits after `shops.@`"
    );
    assert!(
        price_fetch
            .operation
            .contains("$contextualArgument_0_0:String")
            && price_fetch
                .operation
                .contains("price(currency:$contextualArgument_0_0)"),
        "{}",
        price_fetch.operation
    );
}
