//! The same API as the federated graph, answered by one async-graphql server over the same
//! data, with no gateway: the physical limit gateway-plus-subgraphs is compared against.

use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema};

use crate::data::{self, ProductData, ReviewData, UserData};

pub struct User(&'static UserData);

#[Object]
impl User {
    async fn id(&self) -> ID {
        ID(self.0.id.into())
    }
    async fn name(&self) -> Option<&str> {
        Some(self.0.name)
    }
    async fn username(&self) -> Option<&str> {
        Some(self.0.username)
    }
    async fn reviews(&self) -> Vec<Review> {
        data::reviews_by_author(self.0.id).map(Review).collect()
    }
}

pub struct Product(&'static ProductData);

#[Object]
impl Product {
    async fn upc(&self) -> &str {
        self.0.upc
    }
    async fn name(&self) -> Option<&str> {
        Some(self.0.name)
    }
    async fn price(&self) -> Option<i32> {
        Some(self.0.price)
    }
    async fn weight(&self) -> Option<i32> {
        Some(self.0.weight)
    }
    async fn in_stock(&self) -> Option<bool> {
        Some(self.0.in_stock)
    }
    async fn shipping_estimate(&self) -> Option<i32> {
        Some(data::shipping_estimate(self.0.price, self.0.weight))
    }
    async fn reviews(&self) -> Vec<Review> {
        data::reviews_of_product(self.0.upc).map(Review).collect()
    }
}

pub struct Review(&'static ReviewData);

#[Object]
impl Review {
    async fn id(&self) -> ID {
        ID(self.0.id.into())
    }
    async fn body(&self) -> Option<&str> {
        Some(self.0.body)
    }
    async fn author(&self) -> Option<User> {
        data::user(self.0.author).map(User)
    }
    async fn product(&self) -> Option<Product> {
        data::product(self.0.product).map(Product)
    }
}

pub struct Query;

#[Object]
impl Query {
    async fn users(&self) -> Vec<User> {
        data::USERS.iter().map(User).collect()
    }
    async fn top_products(&self, #[graphql(default = 5)] first: i32) -> Vec<Product> {
        data::top_products(first).map(Product).collect()
    }
}

pub type MonolithSchema = Schema<Query, EmptyMutation, EmptySubscription>;

pub fn schema() -> MonolithSchema {
    Schema::new(Query, EmptyMutation, EmptySubscription)
}
