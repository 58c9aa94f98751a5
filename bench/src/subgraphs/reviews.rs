//! `reviews`: reviews, and the reviews of users and products.

use async_graphql::{ID, Object};

use super::{SubgraphSchema, federated};
use crate::data::{self, ReviewData};

pub struct Review(&'static ReviewData);

#[Object]
impl Review {
    async fn id(&self) -> ID {
        ID(self.0.id.into())
    }

    async fn body(&self) -> Option<&str> {
        Some(self.0.body)
    }

    /// The subgraph knows its authors' usernames, so it provides them.
    #[graphql(provides = "username")]
    async fn author(&self) -> Option<User> {
        Some(User {
            id: self.0.author.into(),
        })
    }

    async fn product(&self) -> Option<Product> {
        Some(Product {
            upc: self.0.product.into(),
        })
    }
}

pub struct User {
    id: String,
}

#[Object]
impl User {
    async fn id(&self) -> ID {
        ID(self.id.clone())
    }

    #[graphql(external)]
    async fn username(&self) -> Option<&str> {
        data::user(&self.id).map(|u| u.username)
    }

    async fn reviews(&self) -> Vec<Review> {
        data::reviews_by_author(&self.id).map(Review).collect()
    }
}

pub struct Product {
    upc: String,
}

#[Object]
impl Product {
    async fn upc(&self) -> &str {
        &self.upc
    }

    async fn reviews(&self) -> Vec<Review> {
        data::reviews_of_product(&self.upc).map(Review).collect()
    }
}

pub struct Query;

#[Object]
impl Query {
    #[graphql(entity)]
    async fn find_review_by_id(&self, #[graphql(key)] id: ID) -> Option<Review> {
        data::review(&id).map(Review)
    }

    #[graphql(entity)]
    async fn find_user_by_id(&self, #[graphql(key)] id: ID) -> User {
        User { id: id.0 }
    }

    #[graphql(entity)]
    async fn find_product_by_upc(&self, #[graphql(key)] upc: String) -> Product {
        Product { upc }
    }
}

pub fn schema() -> SubgraphSchema<Query> {
    federated(Query)
}
