//! Types across subgraphs: enums and input types merged (`@join__enumValue`, input fields per
//! graph) and a field whose nullability differs per subgraph (`@join__field(type:)`).
//!
//! - `a`: `enum Color { RED GREEN BLUE }` (output), `enum Size { S M L }` (input),
//!   `input Filter { tag minPrice sku }`, `Item @key(id) { id color label size: Int! }`,
//!   `Query.items(filter: Filter, size: Size) @shareable`.
//! - `b`: `enum Color { RED GREEN VIOLET }`, `enum Size { S M XL }`,
//!   `input Filter { tag minPrice onlyNew }`, `Item @key(id) { id paint: Color size: Int }`,
//!   `Query.items(filter: Filter, size: Size) @shareable`.
//!
//! Composed: `Color` (output only) is the union, `Size` and `Filter` (input only) the
//! intersection, `Item.size: Int` (the nullable of the two).

use serde_json::{Value, json};

use crate::support::{Gateway, counts};

mod a {
    use async_graphql::{
        EmptyMutation, EmptySubscription, Enum, ID, InputObject, Object, Schema, SimpleObject,
    };

    #[derive(Enum, Clone, Copy, PartialEq, Eq)]
    pub enum Color {
        Red,
        Green,
        Blue,
    }

    #[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
    pub enum Size {
        S,
        M,
        L,
    }

    #[derive(InputObject)]
    pub struct Filter {
        tag: Option<String>,
        min_price: Option<i32>,
        sku: Option<String>,
    }

    #[derive(SimpleObject)]
    pub struct Item {
        id: ID,
        color: Color,
        label: String,
        #[graphql(shareable)]
        size: i32,
    }

    #[derive(SimpleObject)]
    pub struct Shirt {
        id: ID,
        /// `Int!` here, `Int` in `b`: the API type is `Int`.
        #[graphql(shareable)]
        fit: i32,
    }

    #[derive(SimpleObject)]
    pub struct Shoe {
        id: ID,
        fit: Option<i32>,
    }

    #[derive(async_graphql::Union)]
    pub enum Garment {
        Shirt(Shirt),
        Shoe(Shoe),
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn garments(&self) -> Vec<Garment> {
            vec![
                Garment::Shirt(Shirt {
                    id: ID("s1".into()),
                    fit: 3,
                }),
                Garment::Shoe(Shoe {
                    id: ID("f1".into()),
                    fit: None,
                }),
            ]
        }
        #[graphql(entity)]
        async fn find_shirt_by_id(&self, id: ID) -> Shirt {
            Shirt { id, fit: 3 }
        }
        /// Echoes what it was sent in `label`, so the test sees the arguments that arrived.
        #[graphql(shareable)]
        async fn items(&self, filter: Option<Filter>, size: Option<Size>) -> Vec<Item> {
            let label = format!(
                "tag={:?} minPrice={:?} size={:?}",
                filter.as_ref().and_then(|f| f.tag.clone()),
                filter.as_ref().and_then(|f| f.min_price),
                size
            );
            vec![
                Item {
                    id: ID("1".into()),
                    color: Color::Blue,
                    label: label.clone(),
                    size: 40,
                },
                Item {
                    id: ID("2".into()),
                    color: Color::Red,
                    label,
                    size: 42,
                },
            ]
        }
        #[graphql(entity)]
        async fn find_item_by_id(&self, id: ID) -> Item {
            Item {
                color: Color::Green,
                label: String::new(),
                size: if id.0 == "1" { 40 } else { 42 },
                id,
            }
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

mod b {
    use async_graphql::{
        EmptyMutation, EmptySubscription, Enum, ID, InputObject, Object, Schema, SimpleObject,
    };

    #[derive(Enum, Clone, Copy, PartialEq, Eq)]
    pub enum Color {
        Red,
        Green,
        Violet,
    }

    #[derive(Enum, Clone, Copy, PartialEq, Eq)]
    pub enum Size {
        S,
        M,
        Xl,
    }

    #[derive(InputObject)]
    pub struct Filter {
        tag: Option<String>,
        min_price: Option<i32>,
        only_new: Option<bool>,
    }

    #[derive(SimpleObject)]
    pub struct Item {
        id: ID,
        paint: Color,
        /// Unknown for item 2 here: `Int` in this subgraph, `Int!` in `a`.
        #[graphql(shareable)]
        size: Option<i32>,
    }

    fn item(id: ID) -> Item {
        Item {
            paint: if id.0 == "1" {
                Color::Violet
            } else {
                Color::Red
            },
            size: (id.0 == "1").then_some(40),
            id,
        }
    }

    #[derive(SimpleObject)]
    pub struct Shirt {
        id: ID,
        #[graphql(shareable)]
        fit: Option<i32>,
    }

    pub struct Query;

    #[Object]
    impl Query {
        #[graphql(entity)]
        async fn find_shirt_by_id(&self, id: ID) -> Shirt {
            Shirt { id, fit: Some(3) }
        }
        #[graphql(shareable)]
        async fn items(&self, filter: Option<Filter>, size: Option<Size>) -> Vec<Item> {
            let _ = (filter.map(|f| (f.tag, f.min_price, f.only_new)), size);
            vec![item(ID("1".into())), item(ID("2".into()))]
        }
        #[graphql(entity)]
        async fn find_item_by_id(&self, id: ID) -> Item {
            item(id)
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

fn gateway() -> Gateway {
    Gateway::builder()
        .fixture("types")
        .subgraph("a", a::schema())
        .subgraph("b", b::schema())
        .build()
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

/// Output enum values of both subgraphs reach the client, each from the subgraph that has it.
#[tokio::test]
async fn output_enum_values_are_merged() {
    let gateway = gateway();
    let response = gateway.query("{ items { color paint } }", json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"items": [
            {"color": "BLUE", "paint": "VIOLET"},
            {"color": "RED", "paint": "RED"}
        ]}})
    );
    assert_eq!(gateway.calls(), counts(&[("a", 1), ("b", 1)]));
}

/// Input enums and input objects are the intersection: a value or field only one subgraph
/// knows is a client error before any subgraph is called; the shared ones are passed on.
#[tokio::test]
async fn input_enums_and_fields_are_intersected() {
    let gateway = gateway();
    for (query, variables) in [
        ("{ items(size: L) { label } }", json!({})),
        ("{ items(size: XL) { label } }", json!({})),
        ("{ items(filter: {onlyNew: true}) { label } }", json!({})),
        ("{ items(filter: {sku: \"x\"}) { label } }", json!({})),
    ] {
        let response = gateway.query(query, variables).await;
        let codes = codes(&response);
        assert!(
            !codes.is_empty() && codes.iter().all(|c| c == "GRAPHQL_VALIDATION_FAILED"),
            "{query}: {response}"
        );
        assert_eq!(gateway.calls(), counts(&[]), "{query}");
    }
    for variables in [
        json!({"f": {"sku": "x"}, "s": "M"}),
        json!({"f": {"onlyNew": true}, "s": "M"}),
        json!({"f": {}, "s": "XL"}),
    ] {
        let response = gateway
            .query(
                "query($f: Filter, $s: Size) { items(filter: $f, size: $s) { label } }",
                variables.clone(),
            )
            .await;
        assert_eq!(
            codes(&response),
            ["BAD_USER_INPUT"],
            "{variables}: {response}"
        );
        assert_eq!(gateway.calls(), counts(&[]), "{variables}");
    }
    let response = gateway
        .query(
            "query($f: Filter, $s: Size) { items(filter: $f, size: $s) { label } }",
            json!({"f": {"tag": "x", "minPrice": 3}, "s": "M"}),
        )
        .await;
    assert_eq!(
        response,
        json!({"data": {"items": [
            {"label": "tag=Some(\"x\") minPrice=Some(3) size=Some(M)"},
            {"label": "tag=Some(\"x\") minPrice=Some(3) size=Some(M)"}
        ]}})
    );
    assert_eq!(gateway.calls(), counts(&[("a", 1)]));
}

/// `Item.size` is `Int!` in `a` and `Int` in `b`; the API type is `Int`. Resolved from `b`, a
/// null is a plain null (no error, no propagation past the field).
#[tokio::test]
async fn nullability_that_differs_per_subgraph_follows_the_api_type() {
    let gateway = gateway();
    let response = gateway.query("{ items { paint size } }", json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"items": [
            {"paint": "VIOLET", "size": 40},
            {"paint": "RED", "size": null}
        ]}})
    );
    assert_eq!(gateway.calls(), counts(&[("b", 1)]));
    let response = gateway.query("{ items { label size } }", json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"items": [
            {"label": "tag=None minPrice=None size=None", "size": 40},
            {"label": "tag=None minPrice=None size=None", "size": 42}
        ]}})
    );
    assert_eq!(gateway.calls(), counts(&[("a", 1)]));
}

/// `Shirt.fit` is `Int!` in `a` (and `Int` in `b`), `Shoe.fit` is `Int` in `a`: one response
/// key over both members is valid for the client (both `Int` in the API schema) but not in
/// `a`'s own schema (`Int!` against `Int`), so the subgraph query aliases them apart and the
/// client gets its names back. (The harness validates every subgraph request.)
#[tokio::test]
async fn fields_whose_subgraph_types_differ_are_aliased_apart() {
    let gateway = gateway();
    let query = "{ garments { __typename ... on Shirt { fit } ... on Shoe { fit } } }";
    let response = gateway.query(query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"garments": [
            {"__typename": "Shirt", "fit": 3},
            {"__typename": "Shoe", "fit": null}
        ]}}),
        "{}",
        gateway.plan(query).await
    );
    assert_eq!(gateway.calls(), counts(&[("a", 1)]));
}
