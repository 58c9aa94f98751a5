//! Field ownership: `@requires` (simple, nested, several at once, required fields null),
//! `@provides`, `@external`, `@shareable` fields and root fields.
//!
//! - `products`: `Product @key(id) { id name weight price dimensions { width height }
//!   category @shareable }`, `Query.products`, `Query.product(id) @shareable`.
//! - `shipping`: `Product @key(id)` with `weight price dimensions` `@external`,
//!   `shippingCost @requires("weight price")`, `boxSize @requires("dimensions { width height }")`,
//!   `category @shareable`, `zone`, and `Query.product(id) @shareable`.
//! - `users`: `User @key(id) { id name email }`.
//! - `reviews`: `Review.author: User @provides("name")`, `User.name @external`.

use serde_json::json;

use crate::support::{Gateway, counts};

mod products {
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

    #[derive(SimpleObject, Clone)]
    #[graphql(shareable)]
    pub struct Dimensions {
        width: i32,
        height: i32,
    }

    #[derive(SimpleObject, Clone)]
    pub struct Product {
        id: ID,
        name: String,
        weight: Option<i32>,
        price: i32,
        dimensions: Dimensions,
        #[graphql(shareable)]
        category: String,
    }

    fn all() -> Vec<Product> {
        vec![
            Product {
                id: ID("p1".into()),
                name: "Anvil".into(),
                weight: Some(100),
                price: 50,
                dimensions: Dimensions {
                    width: 2,
                    height: 3,
                },
                category: "tools".into(),
            },
            Product {
                id: ID("p2".into()),
                name: "Feather".into(),
                weight: None,
                price: 5,
                dimensions: Dimensions {
                    width: 1,
                    height: 1,
                },
                category: "misc".into(),
            },
        ]
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn products(&self) -> Vec<Product> {
            all()
        }
        #[graphql(shareable)]
        async fn product(&self, id: ID) -> Option<Product> {
            all().into_iter().find(|p| p.id == id)
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

mod shipping {
    use async_graphql::{
        EmptyMutation, EmptySubscription, ID, InputObject, Object, Schema, SimpleObject,
    };

    #[derive(SimpleObject, InputObject, Clone)]
    #[graphql(shareable, input_name = "DimensionsInput")]
    pub struct Dimensions {
        width: i32,
        height: i32,
    }

    pub struct Product {
        id: ID,
        weight: Option<i32>,
        price: Option<i32>,
        dimensions: Option<Dimensions>,
    }

    #[Object]
    impl Product {
        async fn id(&self) -> &ID {
            &self.id
        }
        #[graphql(external)]
        async fn weight(&self) -> Option<i32> {
            self.weight
        }
        #[graphql(external)]
        async fn price(&self) -> async_graphql::Result<i32> {
            Ok(self.price.ok_or("external")?)
        }
        #[graphql(external)]
        async fn dimensions(&self) -> async_graphql::Result<&Dimensions> {
            Ok(self.dimensions.as_ref().ok_or("external")?)
        }
        /// Weight (when known) plus price: a null weight is a valid input.
        #[graphql(requires = "weight price")]
        async fn shipping_cost(&self) -> async_graphql::Result<i32> {
            let price = self.price.ok_or("price was not sent")?;
            Ok(self.weight.unwrap_or(0) + price)
        }
        #[graphql(requires = "dimensions { width height }")]
        async fn box_size(&self) -> async_graphql::Result<String> {
            let d = self.dimensions.as_ref().ok_or("dimensions were not sent")?;
            Ok(format!("{}x{}", d.width, d.height))
        }
        #[graphql(shareable)]
        async fn category(&self) -> &str {
            if self.id.0 == "p1" { "tools" } else { "misc" }
        }
        async fn zone(&self) -> String {
            format!("zone-{}", self.id.0)
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        #[graphql(shareable)]
        async fn product(&self, id: ID) -> Option<Product> {
            (id.0 == "p1" || id.0 == "p2").then_some(Product {
                id,
                weight: None,
                price: None,
                dimensions: None,
            })
        }
        #[graphql(entity)]
        async fn find_product_by_id(
            &self,
            #[graphql(key)] id: ID,
            weight: Option<i32>,
            price: Option<i32>,
            dimensions: Option<Dimensions>,
        ) -> Product {
            Product {
                id,
                weight,
                price,
                dimensions,
            }
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

mod users {
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

    #[derive(SimpleObject)]
    pub struct User {
        id: ID,
        #[graphql(shareable)]
        name: String,
        email: String,
    }

    fn user(id: ID) -> User {
        User {
            name: format!("name-{}", id.0),
            email: format!("{}@example.com", id.0),
            id,
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn users(&self) -> Vec<User> {
            vec![user(ID("u1".into()))]
        }
        #[graphql(entity)]
        async fn find_user_by_id(&self, id: ID) -> User {
            user(id)
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

mod reviews {
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

    #[derive(SimpleObject)]
    #[graphql(unresolvable = "id")]
    pub struct User {
        id: ID,
        /// Known here because `Review.author` provides it.
        #[graphql(external)]
        name: String,
    }

    pub struct Review {
        body: &'static str,
        author: &'static str,
    }

    #[Object]
    impl Review {
        async fn body(&self) -> &str {
            self.body
        }
        #[graphql(provides = "name")]
        async fn author(&self) -> User {
            User {
                id: ID(self.author.into()),
                name: format!("name-{}", self.author),
            }
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn reviews(&self) -> Vec<Review> {
            vec![
                Review {
                    body: "solid",
                    author: "u1",
                },
                Review {
                    body: "light",
                    author: "u2",
                },
            ]
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
        .fixture("ownership")
        .subgraph("products", products::schema())
        .subgraph("shipping", shipping::schema())
        .subgraph("users", users::schema())
        .subgraph("reviews", reviews::schema())
        .build()
}

/// Several required fields at once, one of them null for `p2`: fetched first, sent in the
/// representation exactly, null included.
#[tokio::test]
async fn requires_sends_several_fields_and_nulls() {
    let gateway = gateway();
    let response = gateway
        .query("{ products { name shippingCost } }", json!({}))
        .await;
    assert_eq!(
        response,
        json!({"data": {"products": [
            {"name": "Anvil", "shippingCost": 150},
            {"name": "Feather", "shippingCost": 5}
        ]}})
    );
    assert_eq!(gateway.calls(), counts(&[("products", 1), ("shipping", 1)]));
    assert_eq!(
        gateway.log()[1].variables["representations"],
        json!([
            {"__typename": "Product", "id": "p1", "weight": 100, "price": 50},
            {"__typename": "Product", "id": "p2", "weight": null, "price": 5}
        ])
    );
}

/// A nested `@requires` selection travels as a nested object.
#[tokio::test]
async fn requires_nested_selection() {
    let gateway = gateway();
    let response = gateway
        .query(
            "{ products { boxSize shippingCost dimensions { width } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        response,
        json!({"data": {"products": [
            {"boxSize": "2x3", "shippingCost": 150, "dimensions": {"width": 2}},
            {"boxSize": "1x1", "shippingCost": 5, "dimensions": {"width": 1}}
        ]}})
    );
    assert_eq!(gateway.calls(), counts(&[("products", 1), ("shipping", 1)]));
    let representations = &gateway.log()[1].variables["representations"];
    assert_eq!(
        representations[0],
        json!({"__typename": "Product", "id": "p1", "weight": 100, "price": 50,
               "dimensions": {"width": 2, "height": 3}})
    );
}

/// The shareable root field goes to `products`, which holds the `@requires` inputs: two
/// fetches (products, then shipping for both fields) instead of three (shipping, products for
/// the inputs, shipping again).
#[tokio::test]
async fn shareable_root_field_goes_where_requires_inputs_are() {
    let gateway = gateway();
    let query = r#"{ product(id: "p1") { zone shippingCost } }"#;
    let response = gateway.query(query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"product": {"zone": "zone-p1", "shippingCost": 150}}}),
        "{}",
        gateway.plan(query).await
    );
    assert_eq!(
        gateway.calls(),
        counts(&[("products", 1), ("shipping", 1)]),
        "{}",
        gateway.plan(query).await
    );
}

/// `@provides`: along `Review.author`, `reviews` returns `User.name` itself; only fields it
/// does not provide jump to `users`.
#[tokio::test]
async fn provides_skips_the_jump() {
    let gateway = gateway();
    let response = gateway
        .query("{ reviews { body author { name } } }", json!({}))
        .await;
    assert_eq!(
        response,
        json!({"data": {"reviews": [
            {"body": "solid", "author": {"name": "name-u1"}},
            {"body": "light", "author": {"name": "name-u2"}}
        ]}})
    );
    assert_eq!(gateway.calls(), counts(&[("reviews", 1)]));

    let response = gateway
        .query("{ reviews { author { name email } } }", json!({}))
        .await;
    assert_eq!(
        response,
        json!({"data": {"reviews": [
            {"author": {"name": "name-u1", "email": "u1@example.com"}},
            {"author": {"name": "name-u2", "email": "u2@example.com"}}
        ]}})
    );
    assert_eq!(gateway.calls(), counts(&[("reviews", 1), ("users", 1)]));
}

/// `@external` fields are never resolved by the subgraph that declares them external: the
/// owner answers.
#[tokio::test]
async fn external_fields_come_from_the_owner() {
    let gateway = gateway();
    let response = gateway
        .query(r#"{ product(id: "p2") { zone weight price } }"#, json!({}))
        .await;
    assert_eq!(
        response,
        json!({"data": {"product": {"zone": "zone-p2", "weight": null, "price": 5}}})
    );
    assert_eq!(gateway.calls(), counts(&[("products", 1), ("shipping", 1)]));
}

/// A `@shareable` root field and a `@shareable` field go to the subgraph that answers the whole
/// selection in one fetch.
#[tokio::test]
async fn shareable_picks_the_subgraph_with_fewest_fetches() {
    let gateway = gateway();
    let response = gateway
        .query(r#"{ product(id: "p1") { zone category } }"#, json!({}))
        .await;
    assert_eq!(
        response,
        json!({"data": {"product": {"zone": "zone-p1", "category": "tools"}}})
    );
    assert_eq!(gateway.calls(), counts(&[("shipping", 1)]));

    let response = gateway
        .query(r#"{ product(id: "p1") { name category } }"#, json!({}))
        .await;
    assert_eq!(
        response,
        json!({"data": {"product": {"name": "Anvil", "category": "tools"}}})
    );
    assert_eq!(gateway.calls(), counts(&[("products", 1)]));

    // Reached from `products`, the shareable field stays there.
    let response = gateway.query("{ products { category } }", json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"products": [{"category": "tools"}, {"category": "misc"}]}})
    );
    assert_eq!(gateway.calls(), counts(&[("products", 1)]));
}
