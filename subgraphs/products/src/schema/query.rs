//! `Query`: the public lookups and the federation entity resolvers.

use async_graphql::{Context, ID, Object, Result};
use subgraph_kit::ids::{CategoryId, ProductId};
use subgraph_kit::pagination::Page;
use subgraph_kit::{ApiError, ApiResult};

use crate::schema::category::Category;
use crate::schema::db;
use crate::schema::loader::{Sku, loader};
use crate::schema::product::{Product, ProductFilter};
use crate::service::{self, ProductQuery, SKU_MAX};

/// Root queries of the products subgraph.
#[derive(Debug, Default)]
pub struct Query;

/// An over-long SKU cannot exist; saying so beats a silent `null`.
fn check_sku(sku: &str) -> ApiResult<()> {
    if sku.chars().count() > SKU_MAX {
        return Err(ApiError::bad_input(format!(
            "`sku` must be at most {SKU_MAX} characters"
        )));
    }
    Ok(())
}

async fn by_id(ctx: &Context<'_>, id: &ID) -> Result<Option<Product>> {
    let id = ProductId::parse(id)?;
    Ok(loader(ctx)?.load_one(id).await?.map(Product::from))
}

async fn by_sku(ctx: &Context<'_>, sku: String) -> Result<Option<Product>> {
    check_sku(&sku)?;
    Ok(loader(ctx)?.load_one(Sku(sku)).await?.map(Product::from))
}

#[Object]
impl Query {
    /// A product by id; `null` when there is none.
    async fn product(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Product>> {
        by_id(ctx, &id).await
    }

    /// A product by SKU; `null` when there is none.
    async fn product_by_sku(&self, ctx: &Context<'_>, sku: String) -> Result<Option<Product>> {
        by_sku(ctx, sku).await
    }

    /// Products ordered by id, optionally filtered. `first` is 0–100 (default 20); `after` is
    /// the id of the last product already seen.
    async fn products(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProductFilter>,
        first: Option<i32>,
        after: Option<ID>,
    ) -> Result<Vec<Product>> {
        let page = Page::new(first, after.as_ref(), ProductId::parse)?;
        let filter = filter.unwrap_or_default();
        let category = filter
            .category_id
            .as_ref()
            .map(CategoryId::parse)
            .transpose()?;
        let query = ProductQuery::new(
            category,
            filter.search.as_deref(),
            filter.min_price.as_deref(),
            filter.max_price.as_deref(),
        )?;
        let rows = service::list_products(db(ctx)?, &query, page).await?;
        Ok(rows.into_iter().map(Product::from).collect())
    }

    /// Every category, ordered by id.
    async fn categories(&self, ctx: &Context<'_>) -> Result<Vec<Category>> {
        let rows = service::list_categories(db(ctx)?).await?;
        Ok(rows.into_iter().map(Category::from).collect())
    }

    /// `_entities` for `Product @key(fields: "id")`: batched, `null` for an unknown id.
    ///
    /// A malformed id is just an id no product has, so it is `null` too, not an error:
    /// async-graphql fails the whole `_entities` list on any item's error, and one bad key
    /// among a gateway's thousand must not blank the other 999.
    #[graphql(entity)]
    async fn find_product_by_id(
        &self,
        ctx: &Context<'_>,
        #[graphql(key)] id: ID,
    ) -> Result<Option<Product>> {
        let Ok(id) = ProductId::parse(&id) else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(id).await?.map(Product::from))
    }

    /// `_entities` for `Product @key(fields: "sku")`: batched, `null` for an unknown SKU
    /// (including one too long to exist, for the reason given on the `id` key).
    #[graphql(entity)]
    async fn find_product_by_sku(
        &self,
        ctx: &Context<'_>,
        #[graphql(key)] sku: String,
    ) -> Result<Option<Product>> {
        if check_sku(&sku).is_err() {
            return Ok(None);
        }
        Ok(loader(ctx)?.load_one(Sku(sku)).await?.map(Product::from))
    }
}
