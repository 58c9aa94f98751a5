//! The GraphQL API of the products subgraph: API types (built `From` the entities), the roots,
//! and the DataLoaders.
//!
//! # Layout
//! - [`product`]: `Product` (entity, keys `id` and `sku`) and the input types.
//! - [`category`]: `Category` with batched `parent`, `children` and `products`.
//! - [`query`], [`mutation`]: the roots; entity resolvers live on `Query`.
//! - [`loader`]: the batch loaders every lookup goes through.

pub mod category;
pub mod loader;
pub mod mutation;
pub mod product;
pub mod query;

use async_graphql::{Context, EmptySubscription, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;
use subgraph_kit::{ApiError, ApiResult};

pub use category::Category;
pub use mutation::Mutation;
pub use product::Product;
pub use query::Query;

/// The products subgraph schema.
pub type ProductsSchema = Schema<Query, Mutation, EmptySubscription>;

/// Deepest selection accepted. `Category.parent`/`children` recurse, so without a bound one
/// small document could ask for an arbitrarily deep tree walk.
pub const MAX_DEPTH: usize = 24;

/// The schema with federation on, before any data is attached (enough for the SDL).
pub fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query, Mutation, EmptySubscription)
        .enable_federation()
        .limit_depth(MAX_DEPTH)
}

/// The database in the schema data; see [`loader::loader`] for why absence is internal.
pub(crate) fn db<'a>(ctx: &Context<'a>) -> ApiResult<&'a DatabaseConnection> {
    ctx.data_opt::<DatabaseConnection>()
        .ok_or_else(|| ApiError::internal("the database is not in the schema data"))
}
