//! The GraphQL `Order`, its items, its status, and the `Product` stub items point at.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use subgraph_kit::ids::{OrderId, ProductId, UserId};
use subgraph_kit::money::Money;
use subgraph_kit::{ApiError, ApiResult};

use crate::entity::{order, order_item};
use crate::schema::batch::{self, Items, OrderBatch};
use crate::schema::entities;
use crate::schema::loader::OrderLoader;
use crate::schema::user::User;
use crate::schema::{authorize, loader_of};

/// An order placed by a user. Visible to its owner and to the `admin` scope only.
#[derive(Debug, Clone)]
pub struct Order {
    id: OrderId,
    user_id: UserId,
    status: OrderStatus,
    currency: String,
    created_at: DateTime<Utc>,
    /// The orders resolved together with this one, for batched child lists.
    batch: Option<Arc<OrderBatch>>,
}

impl Order {
    pub fn order_id(&self) -> OrderId {
        self.id
    }

    /// Who may see the order (besides admins).
    pub fn owner(&self) -> UserId {
        self.user_id
    }

    /// The same order as a member of `batch`.
    pub(crate) fn in_batch(self, batch: Arc<OrderBatch>) -> Self {
        Self {
            batch: Some(batch),
            ..self
        }
    }
}

impl From<order::Model> for Order {
    fn from(m: order::Model) -> Self {
        Self {
            id: OrderId(m.id),
            user_id: UserId(m.user_id),
            status: m.status.into(),
            currency: m.currency,
            created_at: m.created_at,
            batch: None,
        }
    }
}

#[Object]
impl Order {
    async fn id(&self) -> ID {
        self.id.to_id()
    }

    /// The customer; the users service holds the rest of the user.
    async fn user(&self) -> User {
        User::new(self.user_id, self.batch.as_ref().map(|b| b.users()))
    }

    /// The lines of the order, in the order they were placed.
    async fn items(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrderItem>> {
        let items = self.load_items(ctx).await?;
        Ok(items
            .iter()
            .map(|item| OrderItem::new(item, &self.currency))
            .collect())
    }

    /// The sum of quantity x unit price over the items, in the order's currency.
    async fn total(&self, ctx: &Context<'_>) -> async_graphql::Result<Money> {
        let items = self.load_items(ctx).await?;
        let cents = items.iter().try_fold(0i64, |sum, item| {
            i64::from(item.quantity)
                .checked_mul(item.unit_price_cents)
                .and_then(|line| sum.checked_add(line))
        });
        let cents = cents
            .ok_or_else(|| ApiError::internal(format!("total of order {} overflows", self.id)))?;
        Ok(Money::from_cents(cents, &self.currency))
    }

    async fn status(&self) -> OrderStatus {
        self.status
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
}

impl Order {
    /// The items, loaded for the whole batch at once and shared by `items` and `total`.
    async fn load_items(&self, ctx: &Context<'_>) -> ApiResult<Items> {
        match &self.batch {
            Some(batch) => batch.items_of(ctx, self.id).await,
            None => batch::items_alone(ctx, self.id).await,
        }
    }
}

/// One line of an order.
#[derive(Debug, Clone, SimpleObject)]
pub struct OrderItem {
    pub product: Product,
    pub quantity: i32,
    /// The product's price when the order was placed.
    pub unit_price: Money,
}

impl OrderItem {
    fn new(item: &order_item::Model, currency: &str) -> Self {
        Self {
            product: Product {
                id: ProductId(item.product_id).to_id(),
            },
            quantity: item.quantity,
            unit_price: Money::from_cents(item.unit_price_cents, currency),
        }
    }
}

/// A product of the products service. Orders only refer to it, so it cannot be fetched here.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(unresolvable)]
pub struct Product {
    pub id: ID,
}

/// Where an order is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
    Cancelled,
}

impl From<order::Status> for OrderStatus {
    fn from(s: order::Status) -> Self {
        match s {
            order::Status::Pending => Self::Pending,
            order::Status::Paid => Self::Paid,
            order::Status::Shipped => Self::Shipped,
            order::Status::Cancelled => Self::Cancelled,
        }
    }
}

/// `Query.order`: the order if the caller may see it, `NOT_FOUND` if there is none.
pub(crate) async fn order_by_id(ctx: &Context<'_>, id: &ID) -> ApiResult<Order> {
    let identity = subgraph_kit::auth::require_identity(ctx)?;
    let order_id = OrderId::parse(id)?;
    let order = loader_of::<OrderLoader>(ctx)?
        .load_one(order_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("order {order_id} not found")))?;
    authorize(identity, order.owner(), "order")?;
    Ok(OrderBatch::alone(order))
}

/// The `Order` entity: the order if the caller may see it, `None` if there is none. All
/// `Order` keys of the `_entities` call are loaded together by the first resolver.
pub(crate) async fn order_entity(ctx: &Context<'_>, id: &ID) -> ApiResult<Option<Order>> {
    let identity = subgraph_kit::auth::require_identity(ctx)?;
    let order_id = OrderId::parse(id)?;
    let order = match entities::orders(ctx).await? {
        Some(all) => all.get(&order_id).cloned(),
        None => loader_of::<OrderLoader>(ctx)?.load_one(order_id).await?,
    };
    let Some(order) = order else { return Ok(None) };
    authorize(identity, order.owner(), "order")?;
    Ok(Some(order))
}
