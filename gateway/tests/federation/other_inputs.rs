//! Other inputs: `@context`/`@fromContext` (through `@join__field(contextArguments:)`) and a
//! Federation 1 supergraph (join v0.1, `@join__owner`).
//!
//! Context (`fixtures/subgraphs/context/*.graphql`, hand-written SDL since async-graphql cannot
//! export `@context`): `a` knows each shop's currency; `b` has shops, products, and
//! `Product.price(currency: String @fromContext(field: "$shop { currency }"))`.
//!
//! Federation 1 (`fixtures/fed1.graphql`): the classic accounts / products / inventory /
//! reviews demo, with `@requires` and `@provides`.

use serde_json::json;

use crate::support::{Gateway, counts};

mod shops_a {
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

    pub const SDL: &str = include_str!("../../fixtures/subgraphs/context/a.graphql");

    #[derive(SimpleObject)]
    pub struct Shop {
        id: ID,
        currency: String,
    }

    pub struct Query;

    #[Object]
    impl Query {
        #[graphql(entity)]
        async fn find_shop_by_id(&self, id: ID) -> Shop {
            let currency = if id.0 == "2" { "EUR" } else { "USD" };
            Shop {
                id,
                currency: currency.into(),
            }
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

mod shops_b {
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema};

    pub const SDL: &str = include_str!("../../fixtures/subgraphs/context/b.graphql");

    pub struct Product {
        id: u32,
    }

    #[Object]
    impl Product {
        async fn id(&self) -> ID {
            ID(self.id.to_string())
        }
        async fn name(&self) -> &str {
            if self.id == 1 { "Lamp" } else { "Desk" }
        }
        /// The price in the enclosing shop's currency, which only `a` knows.
        async fn price(&self, currency: Option<String>) -> async_graphql::Result<i32> {
            let base = 100 * self.id as i32;
            match currency.as_deref() {
                Some("USD") => Ok(base),
                Some("EUR") => Ok(base * 9 / 10),
                _ => Err("unknown currency".into()),
            }
        }
    }

    pub struct Shop {
        id: u32,
    }

    #[Object]
    impl Shop {
        async fn id(&self) -> ID {
            ID(self.id.to_string())
        }
        async fn products(&self) -> Vec<Product> {
            match self.id {
                1 => vec![Product { id: 1 }, Product { id: 2 }],
                2 => vec![Product { id: 1 }],
                _ => vec![Product { id: 2 }],
            }
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn shops(&self) -> Vec<Shop> {
            vec![Shop { id: 1 }, Shop { id: 2 }, Shop { id: 3 }]
        }
        #[graphql(entity)]
        async fn find_product_by_id(&self, id: ID) -> async_graphql::Result<Product> {
            Ok(Product { id: id.0.parse()? })
        }
        #[graphql(entity)]
        async fn find_shop_by_id(&self, id: ID) -> async_graphql::Result<Shop> {
            Ok(Shop { id: id.0.parse()? })
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

/// `price` takes the currency of the enclosing shop: read where the shop is (after `a`
/// supplied it), sent as the contextual argument with each batch of representations. Shops 1
/// and 3 share `USD`; shop 2 is `EUR`: one request, one batch per distinct value, each with its
/// products deduplicated.
#[tokio::test]
async fn from_context_values_come_from_the_enclosing_object() {
    let gateway = Gateway::builder()
        .fixture("context")
        .subgraph_with_sdl("a", shops_a::schema(), shops_a::SDL)
        .subgraph_with_sdl("b", shops_b::schema(), shops_b::SDL)
        .build();
    let query = "{ shops { id products { name price } } }";
    let response = gateway.query(query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"shops": [
            {"id": "1", "products": [{"name": "Lamp", "price": 100}, {"name": "Desk", "price": 200}]},
            {"id": "2", "products": [{"name": "Lamp", "price": 90}]},
            {"id": "3", "products": [{"name": "Desk", "price": 200}]}
        ]}}),
        "{}",
        gateway.plan(query).await
    );
    // `b`: the root fetch, then one request whose aliased `_entities` fields carry one batch
    // per distinct currency, each with its own representations and contextual argument.
    assert_eq!(gateway.calls(), counts(&[("a", 1), ("b", 2)]));
    let priced = gateway
        .log()
        .into_iter()
        .find(|c| c.subgraph == "b" && c.query.contains("_entities"))
        .expect("b was asked for prices");
    let batches: Vec<_> = (0..2)
        .map(|i| {
            (
                priced.variables[&format!("contextualArgument_0_0_{i}")].clone(),
                priced.variables[&format!("representations_{i}")].clone(),
            )
        })
        .collect();
    assert_eq!(
        batches,
        [
            (
                json!("USD"),
                json!([{"__typename": "Product", "id": "1"}, {"__typename": "Product", "id": "2"}])
            ),
            (json!("EUR"), json!([{"__typename": "Product", "id": "1"}])),
        ]
    );
}

mod fed1 {
    //! The Federation 1 demo subgraphs, served under a hand-written join v0.1 supergraph.
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

    type Plain<Q> = Schema<Q, EmptyMutation, EmptySubscription>;

    fn build<Q: async_graphql::ObjectType + 'static>(query: Q) -> Plain<Q> {
        Schema::build(query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }

    #[derive(SimpleObject)]
    pub struct User {
        id: ID,
        name: Option<String>,
        username: Option<String>,
    }

    pub struct Accounts;

    #[Object(name = "Query")]
    impl Accounts {
        async fn me(&self) -> User {
            user(ID("1".into()))
        }
        #[graphql(entity)]
        async fn find_user_by_id(&self, id: ID) -> User {
            user(id)
        }
    }

    fn user(id: ID) -> User {
        let (name, username) = if id.0 == "1" {
            ("Ada Lovelace", "@ada")
        } else {
            ("Alan Turing", "@complete")
        };
        User {
            id,
            name: Some(name.into()),
            username: Some(username.into()),
        }
    }

    pub fn accounts() -> Plain<Accounts> {
        build(Accounts)
    }

    #[derive(SimpleObject, Clone)]
    pub struct Product {
        upc: String,
        name: Option<String>,
        price: Option<i32>,
        weight: Option<i32>,
    }

    fn products_data() -> Vec<Product> {
        vec![
            Product {
                upc: "1".into(),
                name: Some("Table".into()),
                price: Some(899),
                weight: Some(100),
            },
            Product {
                upc: "2".into(),
                name: Some("Couch".into()),
                price: Some(1299),
                weight: None,
            },
        ]
    }

    pub struct Products;

    #[Object(name = "Query")]
    impl Products {
        async fn top_products(&self, #[graphql(default = 5)] first: i32) -> Vec<Product> {
            products_data()
                .into_iter()
                .take(usize::try_from(first).unwrap_or(0))
                .collect()
        }
        #[graphql(entity)]
        async fn find_product_by_upc(&self, upc: String) -> Option<Product> {
            products_data().into_iter().find(|p| p.upc == upc)
        }
    }

    pub fn products() -> Plain<Products> {
        build(Products)
    }

    pub struct InventoryProduct {
        upc: String,
        price: Option<i32>,
        weight: Option<i32>,
    }

    #[Object(name = "Product")]
    impl InventoryProduct {
        async fn upc(&self) -> &str {
            &self.upc
        }
        async fn in_stock(&self) -> bool {
            self.upc == "1"
        }
        /// Free for light items; a null weight is an unknown, heavy one.
        async fn shipping_estimate(&self) -> Option<i32> {
            let price = self.price?;
            match self.weight {
                Some(w) if price > 1000 => Some(w / 2),
                Some(w) => Some(w),
                None => Some(0),
            }
        }
    }

    pub struct Inventory;

    #[Object(name = "Query")]
    impl Inventory {
        #[graphql(entity)]
        async fn find_product_by_upc(
            &self,
            #[graphql(key)] upc: String,
            price: Option<i32>,
            weight: Option<i32>,
        ) -> InventoryProduct {
            InventoryProduct { upc, price, weight }
        }
    }

    pub fn inventory() -> Plain<Inventory> {
        build(Inventory)
    }

    #[derive(SimpleObject)]
    #[graphql(name = "User")]
    pub struct ReviewsUser {
        id: ID,
        username: Option<String>,
    }

    pub struct Review {
        id: u32,
        author: &'static str,
    }

    #[Object]
    impl Review {
        async fn id(&self) -> ID {
            ID(self.id.to_string())
        }
        async fn body(&self) -> String {
            format!("review {}", self.id)
        }
        async fn author(&self) -> ReviewsUser {
            let username = if self.author == "1" {
                "@ada"
            } else {
                "@complete"
            };
            ReviewsUser {
                id: ID(self.author.into()),
                username: Some(username.into()),
            }
        }
    }

    fn reviews_of(upc: &str) -> Vec<Review> {
        let all = [(1, "1", "1"), (2, "1", "2"), (3, "2", "2")];
        all.into_iter()
            .filter(|r| r.1 == upc)
            .map(|(id, _, author)| Review { id, author })
            .collect()
    }

    pub struct ReviewsProduct {
        upc: String,
    }

    #[Object(name = "Product")]
    impl ReviewsProduct {
        async fn upc(&self) -> &str {
            &self.upc
        }
        async fn reviews(&self) -> Vec<Review> {
            reviews_of(&self.upc)
        }
    }

    pub struct Reviews;

    #[Object(name = "Query")]
    impl Reviews {
        #[graphql(entity)]
        async fn find_product_by_upc(&self, upc: String) -> ReviewsProduct {
            ReviewsProduct { upc }
        }
    }

    pub fn reviews() -> Plain<Reviews> {
        build(Reviews)
    }
}

/// A join v0.1 supergraph with `@join__owner`: `@requires` (with a null input), `@provides`
/// and entity jumps through four subgraphs, one fetch per subgraph per level.
#[tokio::test]
async fn federation_1_supergraph_loads_and_executes() {
    let gateway = Gateway::builder()
        .supergraph(include_str!("../../fixtures/fed1.graphql"))
        .subgraph("accounts", fed1::accounts())
        .subgraph("products", fed1::products())
        .subgraph("inventory", fed1::inventory())
        .subgraph("reviews", fed1::reviews())
        .build();
    let query = "{ me { name } topProducts { upc name shippingEstimate inStock reviews { body author { username name } } } }";
    let response = gateway.query(query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {
            "me": {"name": "Ada Lovelace"},
            "topProducts": [
                {"upc": "1", "name": "Table", "shippingEstimate": 100, "inStock": true, "reviews": [
                    {"body": "review 1", "author": {"username": "@ada", "name": "Ada Lovelace"}},
                    {"body": "review 2", "author": {"username": "@complete", "name": "Alan Turing"}}
                ]},
                {"upc": "2", "name": "Couch", "shippingEstimate": 0, "inStock": false, "reviews": [
                    {"body": "review 3", "author": {"username": "@complete", "name": "Alan Turing"}}
                ]}
            ]
        }}),
        "{}",
        gateway.plan(query).await
    );
    assert_eq!(
        gateway.calls(),
        counts(&[
            ("accounts", 2),
            ("inventory", 1),
            ("products", 1),
            ("reviews", 1)
        ])
    );
    let inventory = gateway
        .log()
        .into_iter()
        .find(|c| c.subgraph == "inventory")
        .expect("inventory called");
    assert_eq!(
        inventory.variables["representations"],
        json!([
            {"__typename": "Product", "upc": "1", "price": 899, "weight": 100},
            {"__typename": "Product", "upc": "2", "price": 1299, "weight": null}
        ])
    );
}
