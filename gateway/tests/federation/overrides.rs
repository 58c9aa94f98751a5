//! Overrides and visibility: `@override(from:)`, progressive `@override(label: "percent(N)")`
//! (labels pinned or rolled with a seed through `[override_labels]`), and `@inaccessible` on
//! types, fields, enum values and arguments (usable internally, invisible and unqueryable for
//! clients).
//!
//! - `old`: `Product @key(id) { id name price inStock tier internalCode @inaccessible
//!   secret: Secret @inaccessible }`, `enum Tier { FREE PRO LEGACY @inaccessible }`,
//!   `Query.products(includeHidden: Boolean @inaccessible)`.
//! - `new` (hand-written SDL, for the label): `price @override(from: "old")`,
//!   `inStock @override(from: "old", label: "percent(50)")`,
//!   `code @requires(fields: "internalCode")`.

use serde_json::{Value, json};

use crate::support::{Gateway, counts};

mod old {
    use async_graphql::{EmptyMutation, EmptySubscription, Enum, ID, Object, Schema, SimpleObject};

    #[derive(Enum, Clone, Copy, PartialEq, Eq)]
    pub enum Tier {
        Free,
        Pro,
        #[graphql(inaccessible)]
        Legacy,
    }

    #[derive(SimpleObject, Clone)]
    #[graphql(inaccessible)]
    pub struct Secret {
        value: String,
    }

    #[derive(SimpleObject, Clone)]
    pub struct Product {
        id: ID,
        name: String,
        /// Stale: `new` took it over.
        price: i32,
        in_stock: bool,
        tier: Tier,
        #[graphql(inaccessible)]
        internal_code: String,
        #[graphql(inaccessible)]
        secret: Secret,
    }

    fn all() -> Vec<Product> {
        [
            ("p1", "Anvil", Tier::Pro),
            ("p2", "Feather", Tier::Legacy),
            ("p3", "Hidden", Tier::Free),
        ]
        .into_iter()
        .map(|(id, name, tier)| Product {
            id: ID(id.into()),
            name: name.into(),
            price: 1,
            in_stock: false,
            tier,
            internal_code: format!("code-{id}"),
            secret: Secret { value: "s".into() },
        })
        .collect()
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn products(
            &self,
            #[graphql(inaccessible)] include_hidden: Option<bool>,
        ) -> Vec<Product> {
            let mut all = all();
            if include_hidden != Some(true) {
                all.retain(|p| p.id.0 != "p3");
            }
            all
        }
        async fn products_by_tier(&self, tier: Tier) -> Vec<Product> {
            all().into_iter().filter(|p| p.tier == tier).collect()
        }
        #[graphql(entity)]
        async fn find_product_by_id(&self, id: ID) -> Option<Product> {
            all().into_iter().find(|p| p.id == id)
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

mod new {
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema};

    pub const SDL: &str = r#"
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@override", "@external", "@requires"])

type Product @key(fields: "id") {
  id: ID!
  price: Int! @override(from: "old")
  inStock: Boolean! @override(from: "old", label: "percent(50)")
  internalCode: String! @external
  code: String! @requires(fields: "internalCode")
}

type Query {
  _placeholder: Boolean
}
"#;

    pub struct Product {
        id: ID,
        internal_code: Option<String>,
    }

    #[Object]
    impl Product {
        async fn id(&self) -> &ID {
            &self.id
        }
        async fn price(&self) -> i32 {
            100
        }
        async fn in_stock(&self) -> bool {
            true
        }
        async fn code(&self) -> async_graphql::Result<String> {
            let code = self
                .internal_code
                .as_deref()
                .ok_or("internalCode was not sent")?;
            Ok(code.to_uppercase())
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn placeholder(&self) -> Option<bool> {
            None
        }
        #[graphql(entity)]
        async fn find_product_by_id(
            &self,
            #[graphql(key)] id: ID,
            internal_code: Option<String>,
        ) -> Product {
            Product { id, internal_code }
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

fn gateway(config: &str) -> Gateway {
    Gateway::builder()
        .fixture("overrides")
        .subgraph("old", old::schema())
        .subgraph_with_sdl("new", new::schema(), new::SDL)
        .config(config)
        .build()
}

/// `@override(from: "old")`: `new` resolves `price` although `old` holds the product already.
#[tokio::test]
async fn overridden_field_comes_from_the_new_owner() {
    let gateway = gateway("");
    let response = gateway
        .query("{ products { name price } }", json!({}))
        .await;
    assert_eq!(
        response,
        json!({"data": {"products": [{"name": "Anvil", "price": 100}, {"name": "Feather", "price": 100}]}})
    );
    assert_eq!(gateway.calls(), counts(&[("new", 1), ("old", 1)]));
}

/// A `percent(50)` label pinned on or off in the config decides where `inStock` resolves.
#[tokio::test]
async fn progressive_override_follows_pinned_labels() {
    let query = "{ products { inStock } }";
    let on = gateway("[override_labels]\nenabled = [\"percent(50)\"]\n");
    assert_eq!(
        on.query(query, json!({})).await,
        json!({"data": {"products": [{"inStock": true}, {"inStock": true}]}})
    );
    assert_eq!(on.calls(), counts(&[("new", 1), ("old", 1)]));

    let off = gateway("[override_labels]\ndisabled = [\"percent(50)\"]\n");
    assert_eq!(
        off.query(query, json!({})).await,
        json!({"data": {"products": [{"inStock": false}, {"inStock": false}]}})
    );
    assert_eq!(off.calls(), counts(&[("old", 1)]));
}

/// Rolled per request with a seed: both outcomes occur, the sequence is the same for the same
/// seed, and the plans of the two label sets never mix (each response matches the calls made).
#[tokio::test]
async fn progressive_override_rolls_are_seeded_and_never_mix_plans() {
    async fn run() -> Vec<bool> {
        let gateway = gateway("[override_labels]\nseed = 7\n");
        let mut outcomes = Vec::new();
        for _ in 0..40 {
            let response = gateway.query("{ products { inStock } }", json!({})).await;
            let moved = response["data"]["products"][0]["inStock"] == json!(true);
            let expected_calls = if moved {
                counts(&[("new", 1), ("old", 1)])
            } else {
                counts(&[("old", 1)])
            };
            assert_eq!(gateway.calls(), expected_calls, "{response}");
            assert_eq!(
                response["data"]["products"][1]["inStock"],
                json!(moved),
                "one plan per request"
            );
            outcomes.push(moved);
        }
        outcomes
    }
    let first = run().await;
    let moved = first.iter().filter(|m| **m).count();
    assert!((8..=32).contains(&moved), "{moved} of 40 moved at 50%");
    assert_eq!(run().await, first, "the same seed gives the same sequence");
}

fn codes(response: &Value) -> Vec<String> {
    response["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `@inaccessible` fields, types and arguments are validation errors for clients, and no
/// subgraph is called; an inaccessible field still feeds `@requires` internally.
#[tokio::test]
async fn inaccessible_elements_are_unqueryable_but_used_internally() {
    let gateway = gateway("");
    for query in [
        "{ products { internalCode } }",
        "{ products { secret { value } } }",
        "{ products(includeHidden: true) { name } }",
        "{ __type(name: \"Secret\") { name } products { ... on Secret { value } } }",
    ] {
        let response = gateway.query(query, json!({})).await;
        let codes = codes(&response);
        assert!(
            !codes.is_empty() && codes.iter().all(|c| c == "GRAPHQL_VALIDATION_FAILED"),
            "{query}: {response}"
        );
        assert!(response.get("data").is_none(), "{response}");
        assert_eq!(gateway.calls(), counts(&[]), "{query}");
    }
    // Internally, `old` sends the inaccessible `internalCode` to `new`.
    let response = gateway.query("{ products { code } }", json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"products": [{"code": "CODE-P1"}, {"code": "CODE-P2"}]}})
    );
    assert_eq!(
        gateway.log()[1].variables["representations"],
        json!([
            {"__typename": "Product", "id": "p1", "internalCode": "code-p1"},
            {"__typename": "Product", "id": "p2", "internalCode": "code-p2"}
        ])
    );
    // Introspection shows none of them.
    let response = gateway
        .query(
            r#"{ secret: __type(name: "Secret") { name }
                 tier: __type(name: "Tier") { enumValues { name } }
                 product: __type(name: "Product") { fields { name } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        response,
        json!({"data": {
            "secret": null,
            "tier": {"enumValues": [{"name": "FREE"}, {"name": "PRO"}]},
            "product": {"fields": [
                {"name": "id"}, {"name": "price"}, {"name": "inStock"}, {"name": "code"},
                {"name": "name"}, {"name": "tier"}
            ]}
        }})
    );
}

/// An `@inaccessible` enum value cannot be sent by a client, and one returned by a subgraph is
/// a field error at its path (the API schema does not have it).
#[tokio::test]
async fn inaccessible_enum_values() {
    let gateway = gateway("");
    let response = gateway
        .query(
            "query($t: Tier!) { productsByTier(tier: $t) { name } }",
            json!({"t": "LEGACY"}),
        )
        .await;
    assert_eq!(codes(&response), ["BAD_USER_INPUT"], "{response}");
    assert_eq!(gateway.calls(), counts(&[]));
    let response = gateway
        .query("{ productsByTier(tier: LEGACY) { name } }", json!({}))
        .await;
    assert_eq!(
        codes(&response),
        ["GRAPHQL_VALIDATION_FAILED"],
        "{response}"
    );
    assert_eq!(gateway.calls(), counts(&[]));
    // Accessible values pass.
    let response = gateway
        .query(
            "query($t: Tier!) { productsByTier(tier: $t) { name } }",
            json!({"t": "PRO"}),
        )
        .await;
    assert_eq!(
        response,
        json!({"data": {"productsByTier": [{"name": "Anvil"}]}})
    );

    let response = gateway.query("{ products { name tier } }", json!({})).await;
    // `tier: Tier!` in `[Product!]!`: the null propagates to the root.
    assert_eq!(
        response,
        json!({"data": null, "errors": [{
            "message": "`Product.tier` returned a value its enum does not have",
            "path": ["products", 1, "tier"],
            "extensions": {"code": "SUBGRAPH_ERROR"}
        }]})
    );
    assert_eq!(gateway.calls(), counts(&[("old", 1)]));
}
