//! In-memory versions of the standard federation benchmark subgraphs (accounts, products,
//! inventory with `@requires`, reviews with `@provides`), matching
//! `fixtures/requires_provides.graphql`, and the benchmark query itself.

use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

use super::InProcess;
use crate::supergraph::{Supergraph, SupergraphError};

/// The standard federation benchmark query (fragments, `@requires`, `@provides`, five levels).
pub const BENCH_QUERY: &str = include_str!("../../fixtures/bench_query.graphql");

/// The supergraph of the four benchmark subgraphs (`fixtures/requires_provides.graphql`).
pub fn supergraph() -> Result<Supergraph, SupergraphError> {
    Supergraph::parse(include_str!("../../fixtures/requires_provides.graphql"))
}

pub struct Account {
    pub id: u32,
    pub name: &'static str,
    pub username: &'static str,
}

pub const ACCOUNTS: [Account; 2] = [
    Account {
        id: 1,
        name: "Ada Lovelace",
        username: "@ada",
    },
    Account {
        id: 2,
        name: "Alan Turing",
        username: "@complete",
    },
];

pub struct ProductData {
    pub upc: &'static str,
    pub name: &'static str,
    pub price: i32,
    pub weight: i32,
    pub in_stock: bool,
}

pub const PRODUCTS: [ProductData; 3] = [
    ProductData {
        upc: "1",
        name: "Table",
        price: 899,
        weight: 100,
        in_stock: true,
    },
    ProductData {
        upc: "2",
        name: "Couch",
        price: 1299,
        weight: 1000,
        in_stock: false,
    },
    ProductData {
        upc: "3",
        name: "Chair",
        price: 54,
        weight: 50,
        in_stock: true,
    },
];

pub struct ReviewData {
    pub id: u32,
    pub body: &'static str,
    pub author: u32,
    pub product: &'static str,
}

pub const REVIEWS: [ReviewData; 4] = [
    ReviewData {
        id: 1,
        body: "Love it!",
        author: 1,
        product: "1",
    },
    ReviewData {
        id: 2,
        body: "Too expensive.",
        author: 1,
        product: "2",
    },
    ReviewData {
        id: 3,
        body: "Could be better.",
        author: 2,
        product: "3",
    },
    ReviewData {
        id: 4,
        body: "Prefer something else.",
        author: 2,
        product: "1",
    },
];

/// The inventory rule: free shipping above 1000, otherwise half the weight.
pub fn shipping_estimate(price: i32, weight: i32) -> i32 {
    if price > 1000 { 0 } else { weight / 2 }
}

// accounts

#[derive(SimpleObject)]
#[graphql(name = "User")]
pub struct AccountUser {
    id: ID,
    name: String,
    username: String,
}

fn account(id: u32) -> Option<AccountUser> {
    ACCOUNTS.iter().find(|a| a.id == id).map(|a| AccountUser {
        id: ID(a.id.to_string()),
        name: a.name.into(),
        username: a.username.into(),
    })
}

pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    async fn me(&self) -> Option<AccountUser> {
        account(1)
    }
    async fn users(&self) -> Vec<AccountUser> {
        ACCOUNTS.iter().filter_map(|a| account(a.id)).collect()
    }
    #[graphql(entity)]
    async fn find_user_by_id(&self, id: ID) -> Option<AccountUser> {
        account(id.0.parse().ok()?)
    }
}

// products

#[derive(SimpleObject)]
#[graphql(name = "Product")]
pub struct CatalogProduct {
    upc: String,
    name: String,
    price: i32,
    weight: i32,
}

fn catalog(upc: &str) -> Option<CatalogProduct> {
    PRODUCTS
        .iter()
        .find(|p| p.upc == upc)
        .map(|p| CatalogProduct {
            upc: p.upc.into(),
            name: p.name.into(),
            price: p.price,
            weight: p.weight,
        })
}

pub struct ProductsQuery;

#[Object]
impl ProductsQuery {
    async fn top_products(&self, #[graphql(default = 5)] first: i32) -> Vec<CatalogProduct> {
        PRODUCTS
            .iter()
            .take(first.max(0) as usize)
            .filter_map(|p| catalog(p.upc))
            .collect()
    }
    #[graphql(entity)]
    async fn find_product_by_upc(&self, upc: String) -> Option<CatalogProduct> {
        catalog(&upc)
    }
}

// inventory

pub struct StockProduct {
    upc: String,
    price: Option<i32>,
    weight: Option<i32>,
}

#[Object(name = "Product")]
impl StockProduct {
    async fn upc(&self) -> &str {
        &self.upc
    }
    async fn in_stock(&self) -> Option<bool> {
        PRODUCTS
            .iter()
            .find(|p| p.upc == self.upc)
            .map(|p| p.in_stock)
    }
    /// Computed from the required `price` and `weight`, which only arrive in the
    /// representation.
    async fn shipping_estimate(&self) -> async_graphql::Result<i32> {
        match (self.price, self.weight) {
            (Some(price), Some(weight)) => Ok(shipping_estimate(price, weight)),
            _ => Err("price and weight are required".into()),
        }
    }
}

pub struct InventoryQuery;

#[Object]
impl InventoryQuery {
    #[graphql(entity)]
    async fn find_product_by_upc(
        &self,
        upc: String,
        #[graphql(key)] price: Option<i32>,
        #[graphql(key)] weight: Option<i32>,
    ) -> StockProduct {
        StockProduct { upc, price, weight }
    }
}

// reviews

pub struct ReviewObject {
    id: u32,
}

#[Object(name = "Review")]
impl ReviewObject {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }
    async fn body(&self) -> Option<&'static str> {
        REVIEWS.iter().find(|r| r.id == self.id).map(|r| r.body)
    }
    /// Provides `username`: returned here without a jump to accounts.
    async fn author(&self) -> Option<ReviewAuthor> {
        let review = REVIEWS.iter().find(|r| r.id == self.id)?;
        Some(ReviewAuthor { id: review.author })
    }
    async fn product(&self) -> Option<ReviewedProduct> {
        let review = REVIEWS.iter().find(|r| r.id == self.id)?;
        Some(ReviewedProduct {
            upc: review.product.into(),
        })
    }
}

pub struct ReviewAuthor {
    id: u32,
}

#[Object(name = "User")]
impl ReviewAuthor {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }
    async fn username(&self) -> Option<&'static str> {
        ACCOUNTS
            .iter()
            .find(|a| a.id == self.id)
            .map(|a| a.username)
    }
    async fn reviews(&self) -> Vec<ReviewObject> {
        REVIEWS
            .iter()
            .filter(|r| r.author == self.id)
            .map(|r| ReviewObject { id: r.id })
            .collect()
    }
}

pub struct ReviewedProduct {
    upc: String,
}

#[Object(name = "Product")]
impl ReviewedProduct {
    async fn upc(&self) -> &str {
        &self.upc
    }
    async fn reviews(&self) -> Vec<ReviewObject> {
        REVIEWS
            .iter()
            .filter(|r| r.product == self.upc)
            .map(|r| ReviewObject { id: r.id })
            .collect()
    }
}

pub struct ReviewsQuery;

#[Object]
impl ReviewsQuery {
    #[graphql(entity)]
    async fn find_user_by_id(&self, id: ID) -> Option<ReviewAuthor> {
        Some(ReviewAuthor {
            id: id.0.parse().ok()?,
        })
    }
    #[graphql(entity)]
    async fn find_product_by_upc(&self, upc: String) -> ReviewedProduct {
        ReviewedProduct { upc }
    }
    #[graphql(entity)]
    async fn find_review_by_id(&self, id: ID) -> Option<ReviewObject> {
        Some(ReviewObject {
            id: id.0.parse().ok()?,
        })
    }
}

/// The four benchmark subgraphs, in process.
pub fn client() -> InProcess {
    InProcess::default()
        .with(
            "accounts",
            Schema::build(AccountsQuery, EmptyMutation, EmptySubscription)
                .enable_federation()
                .finish(),
        )
        .with(
            "products",
            Schema::build(ProductsQuery, EmptyMutation, EmptySubscription)
                .enable_federation()
                .finish(),
        )
        .with(
            "inventory",
            Schema::build(InventoryQuery, EmptyMutation, EmptySubscription)
                .enable_federation()
                .finish(),
        )
        .with(
            "reviews",
            Schema::build(ReviewsQuery, EmptyMutation, EmptySubscription)
                .enable_federation()
                .finish(),
        )
}
