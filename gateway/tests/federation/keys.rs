//! Keys: several keys on one type, composite (`"id sku"`) and nested
//! (`"id organization { id }"`) keys, `resolvable: false`, and choosing a key the source
//! subgraph can actually supply.
//!
//! - `catalog`: `Product @key(id) @key(sku) { id sku name }`, `Query.products`.
//! - `inventory`: `Product @key(sku) { sku stock }`, `Query.stockedProducts` (knows skus only).
//! - `pricing`: `Product @key("id sku") { id sku price }`.
//! - `accounts`/`billing`: `Account @key("id organization { id }")`.
//! - `reviews`: `Review.product` with `Product @key(id, resolvable: false)`.

use serde_json::json;

use crate::support::{Gateway, counts};

const PRODUCTS: [(&str, &str, &str); 3] = [
    ("p1", "S1", "Dune"),
    ("p2", "S2", "Go"),
    ("p3", "S3", "Rust"),
];

mod catalog {
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

    #[derive(SimpleObject)]
    pub struct Product {
        id: ID,
        sku: String,
        name: String,
    }

    fn product(row: &(&str, &str, &str)) -> Product {
        Product {
            id: ID(row.0.into()),
            sku: row.1.into(),
            name: row.2.into(),
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn products(&self) -> Vec<Product> {
            super::PRODUCTS.iter().map(product).collect()
        }
        #[graphql(entity)]
        async fn find_product_by_id(&self, id: ID) -> Option<Product> {
            super::PRODUCTS.iter().find(|p| p.0 == id.0).map(product)
        }
        #[graphql(entity)]
        async fn find_product_by_sku(&self, sku: String) -> Option<Product> {
            super::PRODUCTS.iter().find(|p| p.1 == sku).map(product)
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

mod inventory {
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema, SimpleObject};

    #[derive(SimpleObject)]
    pub struct Product {
        sku: String,
        stock: i32,
    }

    fn stock(sku: &str) -> Product {
        let stock = match sku {
            "S1" => 5,
            "S2" => 0,
            _ => 12,
        };
        Product {
            sku: sku.into(),
            stock,
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn stocked_products(&self) -> Vec<Product> {
            vec![stock("S3"), stock("S1")]
        }
        #[graphql(entity)]
        async fn find_product_by_sku(&self, sku: String) -> Product {
            stock(&sku)
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

mod pricing {
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

    #[derive(SimpleObject)]
    pub struct Product {
        id: ID,
        sku: String,
        price: i32,
    }

    pub struct Query;

    #[Object]
    impl Query {
        /// Answers only for a matching (id, sku) pair, so a wrong composite key shows.
        #[graphql(entity)]
        async fn find_product_by_id_and_sku(&self, id: ID, sku: String) -> Option<Product> {
            let position = super::PRODUCTS
                .iter()
                .position(|p| p.0 == id.0 && p.1 == sku)?;
            Some(Product {
                id,
                sku,
                price: 10 * (position as i32 + 1),
            })
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

mod accounts {
    use async_graphql::{
        EmptyMutation, EmptySubscription, ID, InputObject, Object, Schema, SimpleObject,
    };

    #[derive(InputObject)]
    pub struct OrganizationKey {
        id: ID,
    }

    const ACCOUNTS: [(&str, &str, &str); 3] = [
        ("1", "o1", "Ada"),
        ("1", "o2", "Grace"),
        ("2", "o1", "Alan"),
    ];

    fn account(row: &(&str, &str, &str)) -> Account {
        Account {
            id: ID(row.0.into()),
            organization: Organization {
                id: ID(row.1.into()),
            },
            name: row.2.into(),
        }
    }

    #[derive(SimpleObject)]
    #[graphql(shareable)]
    pub struct Organization {
        pub id: ID,
    }

    #[derive(SimpleObject)]
    pub struct Account {
        id: ID,
        organization: Organization,
        name: String,
    }

    pub struct Query;

    #[Object]
    impl Query {
        /// Account ids repeat across organizations: only the whole key identifies one.
        async fn accounts(&self) -> Vec<Account> {
            ACCOUNTS.iter().map(account).collect()
        }
        #[graphql(entity)]
        async fn find_account(&self, id: ID, organization: OrganizationKey) -> Option<Account> {
            ACCOUNTS
                .iter()
                .find(|a| a.0 == id.0 && a.1 == organization.id.0)
                .map(account)
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

mod billing {
    use async_graphql::{
        EmptyMutation, EmptySubscription, ID, InputObject, Object, Schema, SimpleObject,
    };

    #[derive(SimpleObject)]
    #[graphql(shareable)]
    pub struct Organization {
        id: ID,
    }

    #[derive(InputObject)]
    pub struct OrganizationKey {
        id: ID,
    }

    #[derive(SimpleObject)]
    pub struct Account {
        id: ID,
        organization: Organization,
        plan: String,
    }

    pub struct Query;

    #[Object]
    impl Query {
        #[graphql(entity)]
        async fn find_account(&self, id: ID, organization: OrganizationKey) -> Account {
            let plan = format!("plan-{}-{}", id.0, organization.id.0);
            Account {
                id,
                organization: Organization {
                    id: organization.id,
                },
                plan,
            }
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
    pub struct Product {
        id: ID,
    }

    #[derive(SimpleObject)]
    pub struct Review {
        body: String,
        product: Product,
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn reviews(&self) -> Vec<Review> {
            [("great", "p2"), ("fine", "p1"), ("again", "p2")]
                .into_iter()
                .map(|(body, product)| Review {
                    body: body.into(),
                    product: Product {
                        id: ID(product.into()),
                    },
                })
                .collect()
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

fn gateway() -> Gateway {
    gateway_with_config("")
}

/// The keys subgraphs under a gateway configured by `config` (`gateway.toml` text).
pub(crate) fn gateway_with_config(config: &str) -> Gateway {
    Gateway::builder()
        .config(config)
        .fixture("keys")
        .subgraph("catalog", catalog::schema())
        .subgraph("inventory", inventory::schema())
        .subgraph("pricing", pricing::schema())
        .subgraph("accounts", accounts::schema())
        .subgraph("billing", billing::schema())
        .subgraph("reviews", reviews::schema())
        .build()
}

/// `catalog` has both keys, `inventory` only `sku`: the jump uses the key both share.
#[tokio::test]
async fn multiple_keys_jump_by_the_key_the_target_has() {
    let gateway = gateway();
    let response = gateway
        .query("{ products { name stock } }", json!({}))
        .await;
    assert_eq!(
        response,
        json!({"data": {"products": [
            {"name": "Dune", "stock": 5},
            {"name": "Go", "stock": 0},
            {"name": "Rust", "stock": 12}
        ]}})
    );
    assert_eq!(gateway.calls(), counts(&[("catalog", 1), ("inventory", 1)]));
    let sent = &gateway.log()[1].variables["representations"];
    assert_eq!(
        sent,
        &json!([
            {"__typename": "Product", "sku": "S1"},
            {"__typename": "Product", "sku": "S2"},
            {"__typename": "Product", "sku": "S3"}
        ])
    );
}

/// `inventory` knows only `sku`; `pricing` needs `"id sku"`. The planner goes through
/// `catalog` (reachable by `sku`) for the `id`, then sends the composite key.
#[tokio::test]
async fn composite_key_needs_a_field_the_source_lacks() {
    let gateway = gateway();
    let query = "{ stockedProducts { stock name price } }";
    let response = gateway.query(query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"stockedProducts": [
            {"stock": 12, "name": "Rust", "price": 30},
            {"stock": 5, "name": "Dune", "price": 10}
        ]}}),
        "{}",
        gateway.plan(query).await
    );
    assert_eq!(
        gateway.calls(),
        counts(&[("catalog", 1), ("inventory", 1), ("pricing", 1)])
    );
    let pricing = gateway
        .log()
        .into_iter()
        .find(|c| c.subgraph == "pricing")
        .expect("pricing was called");
    assert_eq!(
        pricing.variables["representations"],
        json!([
            {"__typename": "Product", "id": "p3", "sku": "S3"},
            {"__typename": "Product", "id": "p1", "sku": "S1"}
        ])
    );
}

/// A nested key travels as a nested object in the representation.
#[tokio::test]
async fn nested_key_is_sent_whole() {
    let gateway = gateway();
    let response = gateway
        .query("{ accounts { name plan organization { id } } }", json!({}))
        .await;
    assert_eq!(
        response,
        json!({"data": {"accounts": [
            {"name": "Ada", "plan": "plan-1-o1", "organization": {"id": "o1"}},
            {"name": "Grace", "plan": "plan-1-o2", "organization": {"id": "o2"}},
            {"name": "Alan", "plan": "plan-2-o1", "organization": {"id": "o1"}}
        ]}})
    );
    assert_eq!(gateway.calls(), counts(&[("accounts", 1), ("billing", 1)]));
    assert_eq!(
        gateway.log()[1].variables["representations"],
        json!([
            {"__typename": "Account", "id": "1", "organization": {"id": "o1"}},
            {"__typename": "Account", "id": "1", "organization": {"id": "o2"}},
            {"__typename": "Account", "id": "2", "organization": {"id": "o1"}}
        ])
    );
}

/// `reviews` can name a product (`resolvable: false`) but never resolve one: its key feeds the
/// jump to `catalog`, duplicates are sent once, and `reviews` is never asked for a product.
#[tokio::test]
async fn unresolvable_key_supplies_the_representation_only() {
    let gateway = gateway();
    let response = gateway
        .query("{ reviews { body product { id name } } }", json!({}))
        .await;
    assert_eq!(
        response,
        json!({"data": {"reviews": [
            {"body": "great", "product": {"id": "p2", "name": "Go"}},
            {"body": "fine", "product": {"id": "p1", "name": "Dune"}},
            {"body": "again", "product": {"id": "p2", "name": "Go"}}
        ]}})
    );
    assert_eq!(gateway.calls(), counts(&[("catalog", 1), ("reviews", 1)]));
    assert_eq!(
        gateway.log()[1].variables["representations"],
        json!([
            {"__typename": "Product", "id": "p2"},
            {"__typename": "Product", "id": "p1"}
        ])
    );
    // Key fields resolve locally: no jump at all.
    gateway
        .query("{ reviews { product { id } } }", json!({}))
        .await;
    assert_eq!(gateway.calls(), counts(&[("reviews", 1)]));
}
