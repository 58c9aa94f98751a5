//! Every database access of the products service. Loaders, resolvers and the seed call these
//! functions; nothing else runs a query. The rules on input (lengths, SKU alphabet, money) are
//! checked here too, so they hold whichever API calls in.
//!
//! Batched reads take a slice of keys and run exactly one statement, so a DataLoader batch of
//! any size costs one round trip.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Order, Query, WindowStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    Iterable, QueryFilter, QueryOrder, QuerySelect, SqlErr, TransactionTrait,
};
use subgraph_kit::ids::{CategoryId, ProductId};
use subgraph_kit::money::parse_cents;
use subgraph_kit::pagination::Page;
use subgraph_kit::{ApiError, ApiResult};

use crate::entity::{category, product};

/// Longest SKU. SKUs are identifiers printed on labels, not prose.
pub const SKU_MAX: usize = 64;
/// Longest product name.
pub const NAME_MAX: usize = 200;
/// Longest product description.
pub const DESCRIPTION_MAX: usize = 2_000;
/// Longest search string: a substring search over names never needs more, and a bound keeps
/// a client from sending megabytes into a `LIKE` pattern.
pub const SEARCH_MAX: usize = 200;

/// The character that escapes `%`, `_` and itself in `LIKE` patterns.
const LIKE_ESCAPE: char = '\\';

// ---------------------------------------------------------------------------------------------
// Batched reads (one statement per call)
// ---------------------------------------------------------------------------------------------

/// The products with these ids; unknown ids are simply absent.
pub async fn products_by_ids(
    db: &DatabaseConnection,
    ids: &[ProductId],
) -> ApiResult<Vec<product::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = ids.iter().map(|id| id.0);
    Ok(product::Entity::find()
        .filter(product::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// The products with these SKUs; unknown SKUs are simply absent.
pub async fn products_by_skus(
    db: &DatabaseConnection,
    skus: &[String],
) -> ApiResult<Vec<product::Model>> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    let skus = skus.iter().map(String::as_str);
    Ok(product::Entity::find()
        .filter(product::Column::Sku.is_in(skus))
        .all(db)
        .await?)
}

/// The categories with these ids; unknown ids are simply absent.
pub async fn categories_by_ids(
    db: &DatabaseConnection,
    ids: &[CategoryId],
) -> ApiResult<Vec<category::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = ids.iter().map(|id| id.0);
    Ok(category::Entity::find()
        .filter(category::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// The direct children of these categories, grouped by parent, each group ordered by id.
pub async fn children_of(
    db: &DatabaseConnection,
    parents: &[CategoryId],
) -> ApiResult<HashMap<CategoryId, Vec<category::Model>>> {
    if parents.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = category::Entity::find()
        .filter(category::Column::ParentId.is_in(parents.iter().map(|id| id.0)))
        .order_by_asc(category::Column::Id)
        .all(db)
        .await?;
    let mut grouped: HashMap<CategoryId, Vec<category::Model>> = HashMap::new();
    for row in rows {
        if let Some(parent) = row.parent_id {
            grouped.entry(CategoryId(parent)).or_default().push(row);
        }
    }
    Ok(grouped)
}

/// One page of products for each of these categories, all in one statement: the rows are
/// numbered per category (`ROW_NUMBER() OVER (PARTITION BY category_id ORDER BY id)`) past the
/// cursor, and only the first `page.first` of each category are kept. Grouped by category,
/// each group ordered by id.
pub async fn products_of_categories(
    db: &DatabaseConnection,
    categories: &[CategoryId],
    page: Page<ProductId>,
) -> ApiResult<HashMap<CategoryId, Vec<product::Model>>> {
    if categories.is_empty() || page.first == 0 {
        return Ok(HashMap::new());
    }
    let mut ranked = Query::select();
    ranked
        .columns(product::Column::iter())
        .expr_window_as(
            Func::cust("ROW_NUMBER"),
            WindowStatement::partition_by(product::Column::CategoryId)
                .order_by(product::Column::Id, Order::Asc)
                .to_owned(),
            "rn",
        )
        .from(product::Entity)
        .and_where(product::Column::CategoryId.is_in(categories.iter().map(|id| id.0)));
    if let Some(after) = page.after {
        ranked.and_where(product::Column::Id.gt(after.0));
    }
    let first = i64::try_from(page.first).unwrap_or(i64::MAX);
    let outer = Query::select()
        .columns(product::Column::iter())
        .from_subquery(ranked.to_owned(), "ranked")
        .and_where(Expr::col("rn").lte(first))
        .order_by(product::Column::CategoryId, Order::Asc)
        .order_by(product::Column::Id, Order::Asc)
        .to_owned();
    let statement = db.get_database_backend().build(&outer);
    let rows = product::Entity::find()
        .from_raw_sql(statement)
        .all(db)
        .await?;
    let mut grouped: HashMap<CategoryId, Vec<product::Model>> = HashMap::new();
    for row in rows {
        grouped
            .entry(CategoryId(row.category_id))
            .or_default()
            .push(row);
    }
    Ok(grouped)
}

// ---------------------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------------------

/// A validated product filter: every field is optional and they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductQuery {
    /// Only products directly in this category.
    pub category: Option<CategoryId>,
    /// Case-insensitive substring of the name, already folded to lowercase.
    pub search: Option<String>,
    /// Inclusive lower bound on the price, in cents.
    pub min_cents: Option<i64>,
    /// Inclusive upper bound on the price, in cents.
    pub max_cents: Option<i64>,
}

impl ProductQuery {
    /// Checks and normalises the raw filter values: the search length, the decimal prices
    /// (`"12.30"`, never negative, at most two fraction digits) and their order.
    pub fn new(
        category: Option<CategoryId>,
        search: Option<&str>,
        min_price: Option<&str>,
        max_price: Option<&str>,
    ) -> ApiResult<Self> {
        let search = match search {
            Some(s) if s.chars().count() > SEARCH_MAX => {
                return Err(ApiError::bad_input(format!(
                    "`search` must be at most {SEARCH_MAX} characters"
                )));
            }
            Some(s) => Some(s.to_lowercase()),
            None => None,
        };
        let min_cents = min_price.map(|p| price_bound("minPrice", p)).transpose()?;
        let max_cents = max_price.map(|p| price_bound("maxPrice", p)).transpose()?;
        if let (Some(min), Some(max)) = (min_cents, max_cents)
            && min > max
        {
            return Err(ApiError::bad_input(
                "`minPrice` must not be greater than `maxPrice`",
            ));
        }
        Ok(Self {
            category,
            search,
            min_cents,
            max_cents,
        })
    }
}

fn price_bound(field: &str, raw: &str) -> ApiResult<i64> {
    parse_cents(raw).ok_or_else(|| {
        ApiError::bad_input(format!(
            "`{field}` must be a non-negative decimal amount with at most two fraction digits"
        ))
    })
}

/// Escapes `LIKE` wildcards so a search for `50%` or `a_b` matches those characters literally.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if c == '%' || c == '_' || c == LIKE_ESCAPE {
            out.push(LIKE_ESCAPE);
        }
        out.push(c);
    }
    out
}

/// One page of the products matching `query`, ordered by id.
pub async fn list_products(
    db: &DatabaseConnection,
    query: &ProductQuery,
    page: Page<ProductId>,
) -> ApiResult<Vec<product::Model>> {
    if page.first == 0 {
        return Ok(Vec::new());
    }
    let mut select = product::Entity::find();
    if let Some(category) = query.category {
        select = select.filter(product::Column::CategoryId.eq(category.0));
    }
    if let Some(search) = &query.search {
        let pattern = format!("%{}%", escape_like(search));
        select = select
            .filter(product::Column::NameFolded.like(LikeExpr::new(pattern).escape(LIKE_ESCAPE)));
    }
    if let Some(min) = query.min_cents {
        select = select.filter(product::Column::PriceCents.gte(min));
    }
    if let Some(max) = query.max_cents {
        select = select.filter(product::Column::PriceCents.lte(max));
    }
    if let Some(after) = page.after {
        select = select.filter(product::Column::Id.gt(after.0));
    }
    Ok(select
        .order_by_asc(product::Column::Id)
        .limit(page.first)
        .all(db)
        .await?)
}

/// Every category, ordered by id. The category tree is small by nature (tens, not millions).
pub async fn list_categories(db: &DatabaseConnection) -> ApiResult<Vec<category::Model>> {
    Ok(category::Entity::find()
        .order_by_asc(category::Column::Id)
        .all(db)
        .await?)
}

// ---------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------

/// A product as a client submits it, not yet checked.
#[derive(Debug, Clone)]
pub struct NewProduct {
    pub sku: String,
    pub name: String,
    pub description: String,
    /// Decimal string, e.g. `"12.30"`.
    pub amount: String,
    pub currency: String,
    pub category: CategoryId,
    pub stock: i32,
}

/// A product that passed every input rule, ready to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ValidProduct {
    sku: String,
    name: String,
    description: String,
    price_cents: i64,
    currency: String,
    category: CategoryId,
    stock: i32,
}

impl NewProduct {
    fn validate(self) -> ApiResult<ValidProduct> {
        let sku = self.sku;
        if sku.is_empty() {
            return Err(ApiError::bad_input("`sku` must not be empty"));
        }
        if sku.chars().count() > SKU_MAX {
            return Err(ApiError::bad_input(format!(
                "`sku` must be at most {SKU_MAX} characters"
            )));
        }
        if !sku
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            return Err(ApiError::bad_input(
                "`sku` may only hold ASCII letters, digits, '-', '_' and '.'",
            ));
        }
        let name = required_text("name", &self.name, NAME_MAX)?;
        let description = required_text("description", &self.description, DESCRIPTION_MAX)?;
        let price_cents = parse_cents(&self.amount).ok_or_else(|| {
            ApiError::bad_input(
                "`price.amount` must be a non-negative decimal amount with at most two fraction digits",
            )
        })?;
        let currency = self.currency;
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ApiError::bad_input(
                "`price.currency` must be three uppercase letters (ISO 4217)",
            ));
        }
        if self.stock < 0 {
            return Err(ApiError::bad_input("`stock` must not be negative"));
        }
        Ok(ValidProduct {
            sku,
            name,
            description,
            price_cents,
            currency,
            category: self.category,
            stock: self.stock,
        })
    }
}

/// Trims `value` and checks it is neither empty nor longer than `max` characters.
fn required_text(field: &str, value: &str, max: usize) -> ApiResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::bad_input(format!("`{field}` must not be empty")));
    }
    if value.chars().count() > max {
        return Err(ApiError::bad_input(format!(
            "`{field}` must be at most {max} characters"
        )));
    }
    Ok(value.to_owned())
}

/// Creates a product. Bad input is `BAD_USER_INPUT`, an unknown category `NOT_FOUND`, a SKU
/// already taken `CONFLICT` (decided by the unique index, so two racing creates cannot both win).
pub async fn create_product(
    db: &DatabaseConnection,
    input: NewProduct,
) -> ApiResult<product::Model> {
    let p = input.validate()?;
    let category_missing =
        || ApiError::not_found(format!("category {} does not exist", p.category));
    if category::Entity::find_by_id(p.category.0)
        .one(db)
        .await?
        .is_none()
    {
        return Err(category_missing());
    }
    let row = product::ActiveModel {
        sku: Set(p.sku.clone()),
        name_folded: Set(p.name.to_lowercase()),
        name: Set(p.name.clone()),
        description: Set(p.description.clone()),
        price_cents: Set(p.price_cents),
        currency: Set(p.currency.clone()),
        category_id: Set(p.category.0),
        stock: Set(p.stock),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(model) => Ok(model),
        Err(err) => Err(match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                ApiError::conflict(format!("a product with sku {} already exists", p.sku))
            }
            // The category was deleted between the check and the insert.
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => category_missing(),
            _ => ApiError::internal(err),
        }),
    }
}

/// Adds `delta` to a product's stock in one guarded statement
/// (`UPDATE … SET stock = stock + Δ WHERE id = ? AND stock + Δ >= 0 … RETURNING *`), so
/// concurrent adjustments serialise on the row and can never take the stock below zero.
/// The arithmetic runs on 64-bit values, so a huge `delta` is refused instead of overflowing.
pub async fn adjust_stock(
    db: &DatabaseConnection,
    id: ProductId,
    delta: i32,
) -> ApiResult<product::Model> {
    let delta = i64::from(delta);
    let new_stock = || Expr::col(product::Column::Stock).add(delta);
    let update = Query::update()
        .table(product::Entity)
        .value(product::Column::Stock, new_stock())
        .and_where(product::Column::Id.eq(id.0))
        .and_where(new_stock().gte(0))
        .and_where(new_stock().lte(i64::from(i32::MAX)))
        .returning_all()
        .to_owned();
    let statement = db.get_database_backend().build(&update);
    if let Some(model) = product::Entity::find()
        .from_raw_sql(statement)
        .one(db)
        .await?
    {
        return Ok(model);
    }
    // Nothing was updated: either there is no such product or the guard refused the change.
    match product::Entity::find_by_id(id.0).one(db).await? {
        None => Err(ApiError::not_found(format!("product {id} does not exist"))),
        Some(_) if delta < 0 => Err(ApiError::bad_input("stock cannot go below zero")),
        Some(_) => Err(ApiError::bad_input(format!(
            "stock cannot exceed {}",
            i32::MAX
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// Seed
// ---------------------------------------------------------------------------------------------

/// How many rows one multi-row `INSERT` carries: well under SQLite's 32,766 and PostgreSQL's
/// 65,535 bind parameters for our widest table (9 columns).
const SEED_CHUNK: usize = 1_000;

/// Inserts the given rows, in order, in one transaction, but only into empty tables: a second
/// start (or a second call) inserts nothing. Returns the rows inserted.
pub async fn seed_if_empty(
    db: &DatabaseConnection,
    categories: Vec<category::ActiveModel>,
    products: Vec<product::ActiveModel>,
) -> Result<u64, DbErr> {
    let txn = db.begin().await?;
    let has_categories = category::Entity::find().limit(1).one(&txn).await?.is_some();
    let has_products = product::Entity::find().limit(1).one(&txn).await?.is_some();
    if has_categories || has_products {
        txn.rollback().await?;
        return Ok(0);
    }
    let mut inserted = 0;
    let mut categories = categories.into_iter().peekable();
    while categories.peek().is_some() {
        let chunk: Vec<_> = categories.by_ref().take(SEED_CHUNK).collect();
        inserted += category::Entity::insert_many(chunk)
            .exec_without_returning(&txn)
            .await?;
    }
    let mut products = products.into_iter().peekable();
    while products.peek().is_some() {
        let chunk: Vec<_> = products.by_ref().take(SEED_CHUNK).collect();
        inserted += product::Entity::insert_many(chunk)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> NewProduct {
        NewProduct {
            sku: "LAMP-1".into(),
            name: "  Desk Lamp ".into(),
            description: "A lamp.".into(),
            amount: "12.5".into(),
            currency: "EUR".into(),
            category: CategoryId(1),
            stock: 3,
        }
    }

    #[test]
    fn validation_normalises_good_input() {
        let p = valid().validate().expect("valid");
        assert_eq!(p.name, "Desk Lamp");
        assert_eq!(p.price_cents, 1250);
        assert_eq!(p.currency, "EUR");
    }

    #[test]
    fn validation_refuses_each_bad_field() {
        let cases: Vec<(&str, NewProduct)> = vec![
            (
                "empty sku",
                NewProduct {
                    sku: String::new(),
                    ..valid()
                },
            ),
            (
                "long sku",
                NewProduct {
                    sku: "A".repeat(SKU_MAX + 1),
                    ..valid()
                },
            ),
            (
                "sku with space",
                NewProduct {
                    sku: "A 1".into(),
                    ..valid()
                },
            ),
            (
                "blank name",
                NewProduct {
                    name: "   ".into(),
                    ..valid()
                },
            ),
            (
                "long name",
                NewProduct {
                    name: "n".repeat(NAME_MAX + 1),
                    ..valid()
                },
            ),
            (
                "empty description",
                NewProduct {
                    description: String::new(),
                    ..valid()
                },
            ),
            (
                "long description",
                NewProduct {
                    description: "d".repeat(DESCRIPTION_MAX + 1),
                    ..valid()
                },
            ),
            (
                "negative price",
                NewProduct {
                    amount: "-1.00".into(),
                    ..valid()
                },
            ),
            (
                "three decimals",
                NewProduct {
                    amount: "1.005".into(),
                    ..valid()
                },
            ),
            (
                "lowercase currency",
                NewProduct {
                    currency: "usd".into(),
                    ..valid()
                },
            ),
            (
                "short currency",
                NewProduct {
                    currency: "US".into(),
                    ..valid()
                },
            ),
            (
                "non-ascii currency",
                NewProduct {
                    currency: "ÜSD".into(),
                    ..valid()
                },
            ),
            (
                "negative stock",
                NewProduct {
                    stock: -1,
                    ..valid()
                },
            ),
        ];
        for (label, input) in cases {
            let err = input.validate().expect_err(label);
            assert_eq!(err.code().as_str(), "BAD_USER_INPUT", "{label}");
        }
    }

    #[test]
    fn filter_rules() {
        let q = ProductQuery::new(None, Some("ÜBER"), Some("1"), Some("2.5")).expect("valid");
        assert_eq!(q.search.as_deref(), Some("über"));
        assert_eq!((q.min_cents, q.max_cents), (Some(100), Some(250)));
        assert!(ProductQuery::new(None, None, Some("3"), Some("3")).is_ok());
        for (min, max) in [
            (Some("3"), Some("2.99")),
            (Some("x"), None),
            (None, Some("-1")),
            (Some("1.001"), None),
        ] {
            let err = ProductQuery::new(None, None, min, max).expect_err("bad prices");
            assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
        }
        let long = "s".repeat(SEARCH_MAX + 1);
        assert!(ProductQuery::new(None, Some(&long), None, None).is_err());
        assert!(ProductQuery::new(None, Some(&"s".repeat(SEARCH_MAX)), None, None).is_ok());
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like(r"50%_off\"), r"50\%\_off\\");
        assert_eq!(escape_like("plain"), "plain");
    }
}
