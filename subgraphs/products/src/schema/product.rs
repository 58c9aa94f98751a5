//! The `Product` entity and its input types.

use async_graphql::{Context, ID, InputObject, Object, Result};
use subgraph_kit::ids::{CategoryId, ProductId};
use subgraph_kit::money::Money;

use crate::entity::product;
use crate::schema::category::Category;
use crate::schema::loader::loader;

/// A product of the catalogue. An entity with two keys: other subgraphs may refer to it by `id`
/// (orders, reviews) or by `sku` (systems that only know the label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    id: ProductId,
    sku: String,
    name: String,
    description: String,
    price_cents: i64,
    currency: String,
    category: CategoryId,
    stock: i32,
}

impl From<product::Model> for Product {
    fn from(m: product::Model) -> Self {
        Self {
            id: ProductId(m.id),
            sku: m.sku,
            name: m.name,
            description: m.description,
            price_cents: m.price_cents,
            currency: m.currency,
            category: CategoryId(m.category_id),
            stock: m.stock,
        }
    }
}

/// A product of the catalogue, addressable by `id` or by `sku`.
#[Object]
impl Product {
    async fn id(&self) -> ID {
        self.id.to_id()
    }

    /// Stock-keeping unit: unique, ASCII letters, digits, `-`, `_` and `.`.
    async fn sku(&self) -> &str {
        &self.sku
    }

    async fn name(&self) -> &str {
        &self.name
    }

    async fn description(&self) -> &str {
        &self.description
    }

    /// The unit price.
    async fn price(&self) -> Money {
        Money::from_cents(self.price_cents, &self.currency)
    }

    /// The category the product is filed under (batched across products).
    async fn category(&self, ctx: &Context<'_>) -> Result<Option<Category>> {
        Ok(loader(ctx)?
            .load_one(self.category)
            .await?
            .map(Category::from))
    }

    /// Units on hand; never negative.
    async fn stock(&self) -> i32 {
        self.stock
    }

    /// Whether at least one unit is on hand.
    async fn in_stock(&self) -> bool {
        self.stock > 0
    }
}

/// Narrows `Query.products`; every field is optional and they combine with AND.
#[derive(Debug, Clone, Default, InputObject)]
pub struct ProductFilter {
    /// Only products filed directly under this category.
    pub category_id: Option<ID>,
    /// Case-insensitive substring of the name (at most 200 characters; `%` and `_` match
    /// literally).
    pub search: Option<String>,
    /// Inclusive lower price bound, a decimal string such as `"10"` or `"9.99"`.
    pub min_price: Option<String>,
    /// Inclusive upper price bound, a decimal string such as `"10"` or `"9.99"`.
    pub max_price: Option<String>,
}

/// An amount of money as a client sends it.
#[derive(Debug, Clone, InputObject)]
pub struct MoneyInput {
    /// Non-negative decimal string with at most two fraction digits, e.g. `"12.30"`.
    pub amount: String,
    /// ISO 4217 code: three uppercase letters.
    pub currency: String,
}

/// A new product (admin only).
#[derive(Debug, Clone, InputObject)]
pub struct CreateProductInput {
    /// Unique; 1–64 ASCII letters, digits, `-`, `_` or `.`.
    pub sku: String,
    /// 1–200 characters (surrounding whitespace is trimmed).
    pub name: String,
    /// 1–2000 characters (surrounding whitespace is trimmed).
    pub description: String,
    pub price: MoneyInput,
    /// An existing category.
    pub category_id: ID,
    /// Units on hand; not negative.
    pub stock: i32,
}
