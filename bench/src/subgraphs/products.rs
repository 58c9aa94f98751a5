//! `products`: the catalogue.

use async_graphql::{Object, SimpleObject};

use super::{SubgraphSchema, federated};
use crate::data::{self, ProductData};

#[derive(SimpleObject)]
pub struct Product {
    upc: String,
    name: Option<String>,
    price: Option<i32>,
    weight: Option<i32>,
}

impl From<&ProductData> for Product {
    fn from(p: &ProductData) -> Self {
        Self {
            upc: p.upc.into(),
            name: Some(p.name.into()),
            price: Some(p.price),
            weight: Some(p.weight),
        }
    }
}

pub struct Query;

#[Object]
impl Query {
    async fn top_products(&self, #[graphql(default = 5)] first: i32) -> Vec<Product> {
        data::top_products(first).map(Product::from).collect()
    }

    #[graphql(entity)]
    async fn find_product_by_upc(&self, #[graphql(key)] upc: String) -> Option<Product> {
        data::product(&upc).map(Product::from)
    }
}

pub fn schema() -> SubgraphSchema<Query> {
    federated(Query)
}
