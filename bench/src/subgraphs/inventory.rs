//! `inventory`: stock and shipping, which needs the product's `price` and `weight` from the
//! products subgraph (`@requires`): they arrive in the entity representation.

use async_graphql::Object;

use super::{SubgraphSchema, federated};
use crate::data;

pub struct Product {
    upc: String,
    price: Option<i32>,
    weight: Option<i32>,
}

#[Object]
impl Product {
    async fn upc(&self) -> &str {
        &self.upc
    }

    #[graphql(external)]
    async fn price(&self) -> Option<i32> {
        self.price
    }

    #[graphql(external)]
    async fn weight(&self) -> Option<i32> {
        self.weight
    }

    async fn in_stock(&self) -> Option<bool> {
        data::product(&self.upc).map(|p| p.in_stock)
    }

    #[graphql(requires = "price weight")]
    async fn shipping_estimate(&self) -> Option<i32> {
        Some(data::shipping_estimate(self.price?, self.weight?))
    }
}

pub struct Query;

#[Object]
impl Query {
    /// `price` and `weight` are not key fields: they are the `@requires` inputs.
    #[graphql(entity)]
    async fn find_product_by_upc(
        &self,
        #[graphql(key)] upc: String,
        price: Option<i32>,
        weight: Option<i32>,
    ) -> Product {
        Product { upc, price, weight }
    }
}

pub fn schema() -> SubgraphSchema<Query> {
    federated(Query)
}
