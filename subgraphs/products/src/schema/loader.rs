//! The DataLoaders of the products subgraph. Every entity lookup and every child list goes
//! through one of these, so N parents cost one statement per field, never N.
//!
//! One [`Loaders`] value serves every key type: async-graphql batches each key type separately,
//! so `ProductId`, [`Sku`], `CategoryId`, [`ChildrenOf`] and [`ProductsOf`] each get their own
//! batch and their own statement.

use std::collections::HashMap;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::DatabaseConnection;
use subgraph_kit::ids::{CategoryId, ProductId};
use subgraph_kit::pagination::Page;
use subgraph_kit::{ApiError, ApiResult};

use crate::entity::{category, product};
use crate::service;

/// Batch loader over the products database.
pub struct Loaders {
    db: DatabaseConnection,
}

impl Loaders {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// The loader in the schema data. Missing only if the schema was built without a database
/// (as for SDL export), which is a server fault, not the client's.
pub fn loader<'a>(ctx: &Context<'a>) -> ApiResult<&'a DataLoader<Loaders>> {
    ctx.data_opt::<DataLoader<Loaders>>()
        .ok_or_else(|| ApiError::internal("the products loader is not in the schema data"))
}

/// A product addressed by its SKU (the second `@key`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sku(pub String);

/// The direct children of a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChildrenOf(pub CategoryId);

/// One page of a category's products. Keys with equal page arguments share one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProductsOf {
    pub category: CategoryId,
    pub page: Page<ProductId>,
}

impl Loader<ProductId> for Loaders {
    type Value = product::Model;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[ProductId],
    ) -> Result<HashMap<ProductId, Self::Value>, Self::Error> {
        let rows = service::products_by_ids(&self.db, keys).await?;
        Ok(rows
            .into_iter()
            .map(|row| (ProductId(row.id), row))
            .collect())
    }
}

impl Loader<Sku> for Loaders {
    type Value = product::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Sku]) -> Result<HashMap<Sku, Self::Value>, Self::Error> {
        let skus: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
        let rows = service::products_by_skus(&self.db, &skus).await?;
        Ok(rows
            .into_iter()
            .map(|row| (Sku(row.sku.clone()), row))
            .collect())
    }
}

impl Loader<CategoryId> for Loaders {
    type Value = category::Model;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[CategoryId],
    ) -> Result<HashMap<CategoryId, Self::Value>, Self::Error> {
        let rows = service::categories_by_ids(&self.db, keys).await?;
        Ok(rows
            .into_iter()
            .map(|row| (CategoryId(row.id), row))
            .collect())
    }
}

impl Loader<ChildrenOf> for Loaders {
    type Value = Vec<category::Model>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[ChildrenOf],
    ) -> Result<HashMap<ChildrenOf, Self::Value>, Self::Error> {
        let parents: Vec<CategoryId> = keys.iter().map(|k| k.0).collect();
        let grouped = service::children_of(&self.db, &parents).await?;
        Ok(grouped
            .into_iter()
            .map(|(parent, rows)| (ChildrenOf(parent), rows))
            .collect())
    }
}

impl Loader<ProductsOf> for Loaders {
    type Value = Vec<product::Model>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[ProductsOf],
    ) -> Result<HashMap<ProductsOf, Self::Value>, Self::Error> {
        // Parents asking with the same `first`/`after` share one windowed statement.
        let mut by_page: HashMap<Page<ProductId>, Vec<CategoryId>> = HashMap::new();
        for key in keys {
            by_page.entry(key.page).or_default().push(key.category);
        }
        let mut out = HashMap::with_capacity(keys.len());
        for (page, categories) in by_page {
            let grouped = service::products_of_categories(&self.db, &categories, page).await?;
            out.extend(
                grouped
                    .into_iter()
                    .map(|(category, rows)| (ProductsOf { category, page }, rows)),
            );
        }
        Ok(out)
    }
}
