//! The only place that talks to the orders database.
//!
//! Every read takes a whole batch of keys and runs exactly one statement, because every caller
//! is a DataLoader collecting the keys of one `_entities` call or one list of parents. Reads
//! return [`ApiResult`]: a database failure becomes an `INTERNAL_SERVER_ERROR` whose details are
//! logged, never sent. The seed writes return [`DbErr`], since they never face a client.

use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, Order as SortOrder, Query, WindowStatement,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Statement, TransactionTrait,
};
use subgraph_kit::ApiResult;
use subgraph_kit::ids::{OrderId, ProductId, UserId};
use subgraph_kit::pagination::Page;

use crate::entity::{order, order_item};

/// Rows per multi-row `INSERT` of the seed: 5 columns x 1,000 rows = 5,000 bind parameters,
/// far below SQLite's 32,766 and PostgreSQL's 65,535.
const SEED_CHUNK: usize = 1_000;

/// Reads and writes of orders and their items.
#[derive(Debug, Clone)]
pub struct OrderService {
    db: DatabaseConnection,
}

impl OrderService {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// The orders with these ids, in no particular order; unknown ids are simply absent.
    /// One `WHERE id IN (...)`.
    pub async fn orders_by_ids(&self, ids: &[OrderId]) -> ApiResult<Vec<order::Model>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(order::Entity::find()
            .filter(order::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(&self.db)
            .await?)
    }

    /// The items of these orders, ordered by order then item id. One `WHERE order_id IN (...)`.
    pub async fn items_of_orders(&self, ids: &[OrderId]) -> ApiResult<Vec<order_item::Model>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(order_item::Entity::find()
            .filter(order_item::Column::OrderId.is_in(ids.iter().map(|id| id.0)))
            .order_by_asc(order_item::Column::OrderId)
            .order_by_asc(order_item::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// One page of orders for each of these users, all in one statement: the orders past the
    /// cursor are numbered per user by id (`ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY
    /// id)`, SQLite >= 3.25 and PostgreSQL alike), and only the first `page.first` of each user
    /// are kept. A `LIMIT` could not do this: it bounds the whole result, not each user's share.
    pub async fn orders_of_users(
        &self,
        users: &[UserId],
        page: Page<OrderId>,
    ) -> ApiResult<Vec<order::Model>> {
        if users.is_empty() || page.first == 0 {
            return Ok(Vec::new());
        }
        let row_number = Alias::new("row_number");
        let columns = [
            order::Column::Id,
            order::Column::UserId,
            order::Column::Status,
            order::Column::Currency,
            order::Column::CreatedAt,
        ];
        let mut numbered = Query::select();
        numbered
            .columns(columns)
            .expr_window_as(
                Func::cust("ROW_NUMBER"),
                WindowStatement::partition_by(order::Column::UserId)
                    .order_by(order::Column::Id, SortOrder::Asc)
                    .to_owned(),
                row_number.clone(),
            )
            .from(order::Entity)
            .and_where(order::Column::UserId.is_in(users.iter().map(|u| u.0)));
        if let Some(after) = page.after {
            numbered.and_where(order::Column::Id.gt(after.0));
        }
        let first = i64::try_from(page.first).unwrap_or(i64::MAX);
        let numbered_alias = Alias::new("numbered");
        let query = Query::select()
            .columns(columns)
            .from_subquery(numbered, numbered_alias)
            .and_where(Expr::col(row_number).lte(first))
            .order_by(order::Column::UserId, SortOrder::Asc)
            .order_by(order::Column::Id, SortOrder::Asc)
            .to_owned();
        let statement = self.db.get_database_backend().build(&query);
        Ok(order::Entity::find()
            .from_raw_sql(statement)
            .all(&self.db)
            .await?)
    }

    /// Whether the database holds no order yet (items cannot exist without one).
    pub async fn is_empty(&self) -> Result<bool, DbErr> {
        Ok(order::Entity::find().count(&self.db).await? == 0)
    }

    /// Writes seed orders with their items in one transaction, in multi-row inserts of
    /// [`SEED_CHUNK`] rows, unless the database already holds orders. Ids are written
    /// explicitly (row `i` of the plan is order `i` on every backend, which other services rely
    /// on), so PostgreSQL's identity sequences are moved past them afterwards. Returns the
    /// number of rows written (orders plus items), 0 when already seeded.
    pub async fn insert_seed(&self, orders: Vec<SeedOrderRow>) -> Result<u64, DbErr> {
        let txn = self.db.begin().await?;
        if order::Entity::find().count(&txn).await? > 0 {
            txn.rollback().await?;
            return Ok(0);
        }
        let mut written = 0u64;
        let mut next_item_id = 1i64;
        for chunk in orders.chunks(SEED_CHUNK) {
            let order_rows = chunk.iter().map(|o| order::ActiveModel {
                id: Set(o.id.0),
                user_id: Set(o.user.0),
                status: Set(o.status),
                currency: Set(o.currency.clone()),
                created_at: Set(o.created_at),
            });
            written += order::Entity::insert_many(order_rows)
                .exec_without_returning(&txn)
                .await?;
        }
        let items: Vec<order_item::ActiveModel> = orders
            .iter()
            .flat_map(|o| o.items.iter().map(move |item| (o.id, item)))
            .map(|(order_id, item)| {
                let id = next_item_id;
                next_item_id += 1;
                order_item::ActiveModel {
                    id: Set(id),
                    order_id: Set(order_id.0),
                    product_id: Set(item.product.0),
                    quantity: Set(item.quantity),
                    unit_price_cents: Set(item.unit_price_cents),
                }
            })
            .collect();
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            let chunk: Vec<_> = items.by_ref().take(SEED_CHUNK).collect();
            written += order_item::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        if txn.get_database_backend() == DbBackend::Postgres {
            for table in ["orders", "order_items"] {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
                );
                txn.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
                    .await?;
            }
        }
        txn.commit().await?;
        Ok(written)
    }
}

/// One order of the seed plan, ready to be written.
#[derive(Debug, Clone)]
pub struct SeedOrderRow {
    pub id: OrderId,
    pub user: UserId,
    pub status: order::Status,
    pub currency: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub items: Vec<SeedItemRow>,
}

/// One line of a seed order.
#[derive(Debug, Clone)]
pub struct SeedItemRow {
    pub product: ProductId,
    pub quantity: i32,
    pub unit_price_cents: i64,
}
