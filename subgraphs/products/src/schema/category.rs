//! `Category`: a node of the category tree.

use async_graphql::{Context, ID, Object, Result};
use subgraph_kit::ids::{CategoryId, ProductId};
use subgraph_kit::pagination::Page;

use crate::entity::category;
use crate::schema::loader::{ChildrenOf, ProductsOf, loader};
use crate::schema::product::Product;

/// A product category. Categories form a tree; every relation below is batched, so a list of
/// categories costs one statement per field whatever its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    id: CategoryId,
    name: String,
    parent: Option<CategoryId>,
}

impl From<category::Model> for Category {
    fn from(m: category::Model) -> Self {
        Self {
            id: CategoryId(m.id),
            name: m.name,
            parent: m.parent_id.map(CategoryId),
        }
    }
}

/// A node of the product category tree.
#[Object]
impl Category {
    async fn id(&self) -> ID {
        self.id.to_id()
    }

    async fn name(&self) -> &str {
        &self.name
    }

    /// The enclosing category; `null` for a root.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Category>> {
        let Some(parent) = self.parent else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(parent).await?.map(Category::from))
    }

    /// The direct subcategories, ordered by id.
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<Category>> {
        let rows = loader(ctx)?
            .load_one(ChildrenOf(self.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Category::from).collect())
    }

    /// Products filed directly under this category, ordered by id. `first` is 0–100
    /// (default 20); `after` is the id of the last product already seen.
    async fn products(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<ID>,
    ) -> Result<Vec<Product>> {
        let page = Page::new(first, after.as_ref(), ProductId::parse)?;
        let rows = loader(ctx)?
            .load_one(ProductsOf {
                category: self.id,
                page,
            })
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Product::from).collect())
    }
}
