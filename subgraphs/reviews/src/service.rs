//! The reviews domain: the only module that runs queries.
//!
//! Every function returns [`ApiResult`], so a database failure is logged here and reaches the
//! client as a bare `INTERNAL_SERVER_ERROR`, and the one database error a client may cause (a
//! second review of the same product) becomes `CONFLICT` without its text.
//!
//! The batched reads take many parents at once and run one statement each; the DataLoaders in
//! [`crate::schema::loader`] are their only callers.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Func, Order, Query, SelectStatement, WindowStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend,
    DatabaseConnection, DbErr, EntityTrait, ExprTrait, FromQueryResult, Iterable, PaginatorTrait,
    QueryFilter, SqlErr, Statement, TransactionTrait,
};
use subgraph_kit::auth::Identity;
use subgraph_kit::ids::{ProductId, ReviewId, UserId};
use subgraph_kit::pagination::Page;
use subgraph_kit::{ApiError, ApiResult};

use crate::entity::review;

/// The lowest rating a review can give.
pub const MIN_RATING: i32 = 1;
/// The highest rating a review can give.
pub const MAX_RATING: i32 = 5;
/// The longest body, in characters (Unicode scalar values), not bytes: a limit a writer can
/// reason about, whatever their script.
pub const MAX_BODY_CHARS: usize = 5_000;

/// Rows per seed `INSERT`: 6 bind parameters each stays far below SQLite's 32,766 and
/// PostgreSQL's 65,535 parameter limits.
const SEED_CHUNK: usize = 1_000;

/// What `addReview` asks for; the author comes from the verified token, never from input.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub author: UserId,
    pub product: ProductId,
    pub rating: i32,
    pub body: String,
}

/// The review count and rating sum of one product, from which its average is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatingTotals {
    pub product: ProductId,
    pub sum: i64,
    pub count: i64,
}

impl RatingTotals {
    /// The mean rating; `None` without reviews (a product nobody rated has no average, not 0).
    pub fn average(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum as f64 / self.count as f64)
    }
}

/// The reviews with these ids, in no particular order; unknown ids are simply absent.
pub async fn reviews_by_ids(
    db: &impl ConnectionTrait,
    ids: &[ReviewId],
) -> ApiResult<Vec<review::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = review::Entity::find()
        .filter(review::Column::Id.is_in(ids.iter().map(|id| id.0)))
        .all(db)
        .await?;
    Ok(rows)
}

/// The page of reviews of each product: the first `page.first` reviews per product with an id
/// past `page.after`, ordered by id. One statement for all products.
pub async fn reviews_by_products(
    db: &impl ConnectionTrait,
    products: &[ProductId],
    page: Page<ReviewId>,
) -> ApiResult<Vec<review::Model>> {
    let parents = products.iter().map(|p| p.0).collect();
    first_per_parent(db, review::Column::ProductId, parents, page).await
}

/// The page of reviews written by each user; as [`reviews_by_products`].
pub async fn reviews_by_authors(
    db: &impl ConnectionTrait,
    authors: &[UserId],
    page: Page<ReviewId>,
) -> ApiResult<Vec<review::Model>> {
    let parents = authors.iter().map(|u| u.0).collect();
    first_per_parent(db, review::Column::AuthorId, parents, page).await
}

/// `SELECT … FROM (SELECT …, ROW_NUMBER() OVER (PARTITION BY parent ORDER BY id) AS rn FROM
/// reviews WHERE parent IN (…) AND id > after) t WHERE rn <= first ORDER BY id`.
///
/// A plain `LIMIT` would bound the whole batch, not each parent; the window function bounds
/// each parent's page in one statement on both SQLite (≥ 3.25) and PostgreSQL.
async fn first_per_parent(
    db: &impl ConnectionTrait,
    parent: review::Column,
    parents: Vec<i64>,
    page: Page<ReviewId>,
) -> ApiResult<Vec<review::Model>> {
    if parents.is_empty() || page.first == 0 {
        return Ok(Vec::new());
    }
    let row_number = Alias::new("rn");
    let mut inner = Query::select();
    inner
        .columns(review::Column::iter())
        .expr_window_as(
            Func::cust("ROW_NUMBER"),
            WindowStatement::partition_by(parent)
                .order_by(review::Column::Id, Order::Asc)
                .to_owned(),
            row_number.clone(),
        )
        .from(review::Entity)
        .and_where(Expr::col(parent).is_in(parents));
    if let Some(after) = page.after {
        inner.and_where(Expr::col(review::Column::Id).gt(after.0));
    }
    let first = i64::try_from(page.first).unwrap_or(i64::MAX);
    let mut outer = Query::select();
    outer
        .columns(review::Column::iter())
        .from_subquery(inner, Alias::new("page"))
        .and_where(Expr::col(row_number).lte(first))
        .order_by(review::Column::Id, Order::Asc);
    Ok(query_models(db, &outer).await?)
}

async fn query_models(
    db: &impl ConnectionTrait,
    select: &SelectStatement,
) -> Result<Vec<review::Model>, DbErr> {
    let stmt = db.get_database_backend().build(select);
    review::Model::find_by_statement(stmt).all(db).await
}

#[derive(Debug, FromQueryResult)]
struct RatingRow {
    product_id: i64,
    rating_sum: i64,
    rating_count: i64,
}

/// Rating totals of each product that has reviews, in one `GROUP BY` statement. Products
/// without reviews are absent.
///
/// Sum and count are integers on both backends (PostgreSQL's `AVG` of an integer is `numeric`,
/// which would need a decimal type to decode); the division happens in [`RatingTotals::average`].
pub async fn rating_totals(
    db: &impl ConnectionTrait,
    products: &[ProductId],
) -> ApiResult<Vec<RatingTotals>> {
    if products.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = Query::select();
    select
        .column(review::Column::ProductId)
        .expr_as(
            Expr::col(review::Column::Rating).sum(),
            Alias::new("rating_sum"),
        )
        .expr_as(
            Expr::col(review::Column::Id).count(),
            Alias::new("rating_count"),
        )
        .from(review::Entity)
        .and_where(Expr::col(review::Column::ProductId).is_in(products.iter().map(|p| p.0)))
        .group_by_col(review::Column::ProductId);
    let stmt = db.get_database_backend().build(&select);
    let rows = RatingRow::find_by_statement(stmt).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| RatingTotals {
            product: ProductId(r.product_id),
            sum: r.rating_sum,
            count: r.rating_count,
        })
        .collect())
}

/// Checks a rating and a body, and returns the body to store (trimmed).
///
/// The length limit applies to the body as sent, so whitespace padding cannot smuggle in
/// more than [`MAX_BODY_CHARS`] characters; emptiness is judged after trimming, so a body of
/// blanks is empty.
pub fn validate_review(rating: i32, body: &str) -> ApiResult<String> {
    if !(MIN_RATING..=MAX_RATING).contains(&rating) {
        return Err(ApiError::bad_input(format!(
            "rating must be between {MIN_RATING} and {MAX_RATING}, got {rating}"
        )));
    }
    let chars = body.chars().count();
    if chars > MAX_BODY_CHARS {
        return Err(ApiError::bad_input(format!(
            "body must be at most {MAX_BODY_CHARS} characters, got {chars}"
        )));
    }
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return Err(ApiError::bad_input("body must not be empty"));
    }
    Ok(trimmed.to_owned())
}

/// Writes a review. A second review of the same product by the same author is `CONFLICT`:
/// the unique index decides, so two concurrent requests cannot both succeed.
pub async fn add_review(db: &impl ConnectionTrait, new: NewReview) -> ApiResult<review::Model> {
    let body = validate_review(new.rating, &new.body)?;
    let row = review::ActiveModel {
        author_id: Set(new.author.0),
        product_id: Set(new.product.0),
        rating: Set(new.rating),
        body: Set(body),
        created_at: Set(now()),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(model) => Ok(model),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            tracing::debug!(author = %new.author, product = %new.product, "duplicate review refused");
            Err(ApiError::conflict(format!(
                "you have already reviewed product {}",
                new.product
            )))
        }
        Err(err) => Err(err.into()),
    }
}

/// Deletes a review: its author may, and so may an admin; anyone else gets `FORBIDDEN`.
pub async fn delete_review(
    db: &impl ConnectionTrait,
    caller: &Identity,
    id: ReviewId,
) -> ApiResult<()> {
    let not_found = || ApiError::not_found(format!("review {id} not found"));
    let Some(found) = review::Entity::find_by_id(id.0).one(db).await? else {
        return Err(not_found());
    };
    if found.author_id != caller.user_id.0 && !caller.is_admin() {
        return Err(ApiError::forbidden(
            "only the author or an admin may delete a review",
        ));
    }
    let deleted = review::Entity::delete_by_id(id.0).exec(db).await?;
    if deleted.rows_affected == 0 {
        // Someone else deleted it between our read and our delete.
        return Err(not_found());
    }
    Ok(())
}

/// One seed row: its 1-based index becomes its id.
#[derive(Debug, Clone)]
pub(crate) struct SeedRow {
    pub id: i64,
    pub author: i64,
    pub product: i64,
    pub rating: i32,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Inserts `rows` in one transaction if the table is empty; returns the rows inserted (0 when
/// the table already had data, so a restart with `--seed` is harmless).
///
/// Ids are written explicitly so row `i` is review `i` on every backend, even in a table whose
/// sequence already moved; PostgreSQL's sequence is then advanced past them so later
/// `addReview` calls do not collide with seeded ids (SQLite's `AUTOINCREMENT` follows by
/// itself).
pub(crate) async fn insert_seed(db: &DatabaseConnection, rows: Vec<SeedRow>) -> Result<u64, DbErr> {
    let txn = db.begin().await?;
    if review::Entity::find().count(&txn).await? > 0 {
        txn.rollback().await?;
        return Ok(0);
    }
    let mut inserted = 0;
    for chunk in rows.chunks(SEED_CHUNK) {
        let models = chunk.iter().map(|r| review::ActiveModel {
            id: Set(r.id),
            author_id: Set(r.author),
            product_id: Set(r.product),
            rating: Set(r.rating),
            body: Set(r.body.clone()),
            created_at: Set(r.created_at),
        });
        inserted += review::Entity::insert_many(models)
            .exec_without_returning(&txn)
            .await?;
    }
    if txn.get_database_backend() == DatabaseBackend::Postgres && inserted > 0 {
        txn.execute_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT setval(pg_get_serial_sequence('reviews', 'id'), (SELECT MAX(id) FROM reviews))",
        ))
        .await?;
    }
    txn.commit().await?;
    Ok(inserted)
}

/// The current time at the precision both backends keep (microseconds), so a review read back
/// equals the one returned by `addReview`.
fn now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert_eq!(validate_review(5, "  fine  ").ok().as_deref(), Some("fine"));
        for rating in [0, 6, -1, i32::MAX] {
            let err = validate_review(rating, "fine").expect_err("bad rating");
            assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
        }
        for body in ["", "   ", "\n\t"] {
            assert!(validate_review(3, body).is_err(), "{body:?} is empty");
        }
        assert!(validate_review(3, &"é".repeat(MAX_BODY_CHARS)).is_ok());
        assert!(validate_review(3, &"é".repeat(MAX_BODY_CHARS + 1)).is_err());
    }

    #[test]
    fn averages() {
        let t = RatingTotals {
            product: ProductId(1),
            sum: 7,
            count: 2,
        };
        assert_eq!(t.average(), Some(3.5));
        let none = RatingTotals {
            product: ProductId(1),
            sum: 0,
            count: 0,
        };
        assert_eq!(none.average(), None);
    }
}
