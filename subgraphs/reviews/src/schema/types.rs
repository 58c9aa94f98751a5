//! The GraphQL object types of the reviews subgraph.
//!
//! `Review` is owned here. `Product` and `User` are entities owned elsewhere: this subgraph
//! knows only their ids and contributes fields to them, so they are built from the key alone.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use subgraph_kit::ids::{ProductId, ReviewId, UserId};
use subgraph_kit::pagination::Page;

use crate::entity::review;
use crate::schema::loader::{AverageRatingKey, ProductReviewsKey, UserReviewsKey};
use crate::schema::loader_from;

/// A user's rating of and opinion on a product.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub id: ReviewId,
    pub rating: i32,
    pub body: String,
    pub author: UserId,
    pub product: ProductId,
    pub created_at: DateTime<Utc>,
}

impl From<review::Model> for Review {
    fn from(m: review::Model) -> Self {
        Self {
            id: ReviewId(m.id),
            rating: m.rating,
            body: m.body,
            author: UserId(m.author_id),
            product: ProductId(m.product_id),
            created_at: m.created_at,
        }
    }
}

/// A user's rating of and opinion on a product. One per user and product.
#[Object]
impl Review {
    async fn id(&self) -> ID {
        self.id.to_id()
    }

    /// From 1 (worst) to 5 (best).
    async fn rating(&self) -> i32 {
        self.rating
    }

    /// The text of the review, 1 to 5,000 characters.
    async fn body(&self) -> &str {
        &self.body
    }

    /// Who wrote it.
    async fn author(&self) -> User {
        User { id: self.author }
    }

    /// What it is about.
    async fn product(&self) -> Product {
        Product { id: self.product }
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
}

/// A product, owned by the products subgraph; reviews adds its reviews and average rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Product {
    pub id: ProductId,
}

#[Object]
impl Product {
    async fn id(&self) -> ID {
        self.id.to_id()
    }

    /// The product's reviews, oldest first; `after` is the id of the last review seen.
    async fn reviews(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<ID>,
    ) -> Result<Vec<Review>> {
        let page = Page::new(first, after.as_ref(), ReviewId::parse)?;
        let key = ProductReviewsKey {
            product: self.id,
            page,
        };
        Ok(loader_from(ctx)?.load_one(key).await?.unwrap_or_default())
    }

    /// The mean rating, or `null` when nobody has reviewed the product.
    async fn average_rating(&self, ctx: &Context<'_>) -> Result<Option<f64>> {
        Ok(loader_from(ctx)?
            .load_one(AverageRatingKey(self.id))
            .await?)
    }
}

/// A user, owned by the users subgraph; reviews adds the reviews they wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
}

#[Object]
impl User {
    async fn id(&self) -> ID {
        self.id.to_id()
    }

    /// The reviews this user wrote, oldest first; `after` is the id of the last review seen.
    async fn reviews(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<ID>,
    ) -> Result<Vec<Review>> {
        let page = Page::new(first, after.as_ref(), ReviewId::parse)?;
        let key = UserReviewsKey {
            author: self.id,
            page,
        };
        Ok(loader_from(ctx)?.load_one(key).await?.unwrap_or_default())
    }
}
