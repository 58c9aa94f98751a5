//! `Mutation`: catalogue changes, for the `admin` scope only.

use async_graphql::{Context, ID, Object, Result};
use subgraph_kit::auth::require_identity;
use subgraph_kit::ids::{CategoryId, ProductId};
use subgraph_kit::{ApiError, ApiResult};

use crate::schema::db;
use crate::schema::product::{CreateProductInput, Product};
use crate::service::{self, NewProduct};

/// Root mutations of the products subgraph.
#[derive(Debug, Default)]
pub struct Mutation;

/// No token or a bad one is `UNAUTHENTICATED`; a valid token without the admin scope is
/// `FORBIDDEN`. Checked before the input, so anonymous callers learn nothing about it.
fn require_admin(ctx: &Context<'_>) -> ApiResult<()> {
    if require_identity(ctx)?.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden("this operation needs the admin scope"))
    }
}

#[Object]
impl Mutation {
    /// Adds a product to the catalogue (admin only).
    async fn create_product(
        &self,
        ctx: &Context<'_>,
        input: CreateProductInput,
    ) -> Result<Product> {
        require_admin(ctx)?;
        let category = CategoryId::parse(&input.category_id)?;
        let new = NewProduct {
            sku: input.sku,
            name: input.name,
            description: input.description,
            amount: input.price.amount,
            currency: input.price.currency,
            category,
            stock: input.stock,
        };
        Ok(service::create_product(db(ctx)?, new).await?.into())
    }

    /// Adds `delta` (negative to remove) to a product's stock, atomically (admin only). A
    /// change that would take the stock below zero is refused and changes nothing.
    async fn adjust_stock(&self, ctx: &Context<'_>, product_id: ID, delta: i32) -> Result<Product> {
        require_admin(ctx)?;
        let id = ProductId::parse(&product_id)?;
        Ok(service::adjust_stock(db(ctx)?, id, delta).await?.into())
    }
}
