//! The GraphQL API of the reviews subgraph: root types, entity resolvers and the schema
//! builder.
//!
//! # Layout
//! - [`types`]: `Review` (owned here) and the `Product` and `User` entities reviews extends.
//! - [`loader`]: the DataLoaders every entity and per-parent list goes through.
//! - this module: `Query` (with the `_entities` resolvers), `Mutation`, and the schema.

pub mod loader;
pub mod types;

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, EmptySubscription, ID, Object, Result, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;
use subgraph_kit::auth::require_identity;
use subgraph_kit::ids::{ProductId, ReviewId, UserId};
use subgraph_kit::{ApiError, ApiResult};

use crate::service::{self, NewReview};
use loader::ReviewsLoader;
use types::{Product, Review, User};

/// The reviews subgraph's schema.
pub type ReviewsSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema shape without runtime data: enough to export the SDL without a database.
pub(crate) fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query, Mutation, EmptySubscription).enable_federation()
}

/// The schema over `db`, with its DataLoader in the schema data. Serve it through
/// [`loader::IdleBatching`] (as [`crate::router`] does) so batches start when a request idles.
pub fn build(db: DatabaseConnection) -> ReviewsSchema {
    let loader = loader::data_loader(db.clone());
    builder().data(db).data(loader).finish()
}

/// The shared loader; missing only if the schema was built without [`build`], a bug that
/// must not show its Rust type name to clients.
pub(crate) fn loader_from<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a DataLoader<ReviewsLoader>> {
    ctx.data::<DataLoader<ReviewsLoader>>()
        .map_err(|_| ApiError::internal("reviews loader missing from schema data"))
}

fn db_from<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| ApiError::internal("database connection missing from schema data"))
}

async fn review_by_id(ctx: &Context<'_>, id: &ID) -> Result<Option<Review>> {
    let id = ReviewId::parse(id)?;
    Ok(loader_from(ctx)?.load_one(id).await?)
}

/// Root queries, and the entity resolvers behind `_entities`.
pub struct Query;

#[Object]
impl Query {
    /// A review by id, or `null` when there is none.
    async fn review(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Review>> {
        review_by_id(ctx, &id).await
    }

    /// `Review` representations; unknown ids resolve to `null`.
    #[graphql(entity)]
    async fn find_review_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Review>> {
        review_by_id(ctx, &id).await
    }

    /// `Product` representations. Reviews cannot tell whether a product exists (the products
    /// service owns them), so any well-formed id resolves, without a query; an unknown product
    /// simply has no reviews.
    #[graphql(entity)]
    async fn find_product_by_id(&self, id: ID) -> Result<Product> {
        Ok(Product {
            id: ProductId::parse(&id)?,
        })
    }

    /// `User` representations, as for products.
    #[graphql(entity)]
    async fn find_user_by_id(&self, id: ID) -> Result<User> {
        Ok(User {
            id: UserId::parse(&id)?,
        })
    }
}

/// Root mutations. Both need a verified token: the caller is the author.
pub struct Mutation;

#[Object]
impl Mutation {
    /// Reviews a product as the caller. One review per user and product (`CONFLICT` on a
    /// second); `rating` is 1 to 5 and `body` 1 to 5,000 characters (`BAD_USER_INPUT`).
    async fn add_review(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
        rating: i32,
        body: String,
    ) -> Result<Review> {
        let caller = require_identity(ctx)?;
        let new = NewReview {
            author: caller.user_id,
            product: ProductId::parse(&product_id)?,
            rating,
            body,
        };
        let created = service::add_review(db_from(ctx)?, new).await?;
        Ok(created.into())
    }

    /// Deletes one of the caller's reviews (any review with the `admin` scope); returns its id.
    async fn delete_review(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let caller = require_identity(ctx)?;
        let id = ReviewId::parse(&id)?;
        service::delete_review(db_from(ctx)?, caller, id).await?;
        Ok(id.to_id())
    }
}
