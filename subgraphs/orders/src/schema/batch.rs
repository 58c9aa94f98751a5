//! Sibling batches: objects resolved together remember each other, so a child list is loaded
//! for all of them with one statement the first time any of them asks.
//!
//! A DataLoader alone batches by time: it collects keys for a short delay and then runs one
//! statement. async-graphql yields to the runtime while it walks a long list (every object
//! with a pending field wakes itself), so on a loaded machine or in a debug build the walk over
//! 1,000 siblings outlasts the delay and the batch splits into dozens of statements. The
//! siblings are known exactly when the parent batch returns, so that is where the child batch
//! is fixed: `Order.items` of 1,000 orders is one statement however slowly they are resolved.
//! Knowing every key, a batch calls the service directly rather than a DataLoader, which would
//! add its collection delay to every level of the response.
//! Objects reached without siblings fall back to a plain `load_one`.
//!
//! Batches live only as long as the objects of one response; nothing is cached across
//! requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::Context;
use subgraph_kit::ApiResult;
use subgraph_kit::ids::{OrderId, UserId};
use subgraph_kit::pagination::Page;
use tokio::sync::OnceCell;

use crate::entity::order_item;
use crate::schema::loader::{LoadError, OrderItemsLoader, UserOrdersLoader, items_per_order};
use crate::schema::order::Order;
use crate::schema::{loader_of, service_of};

/// The items of an order, shared by `items` and `total`.
pub type Items = Arc<Vec<order_item::Model>>;

/// Answers shared by all members of a batch; a failure is shared too, so a broken database
/// costs one failed statement per batch, not one per member.
type Shared<K, V> = OnceCell<Result<Arc<HashMap<K, V>>, LoadError>>;

/// Orders resolved together: one `_entities` call, one `User.orders` batch, or one
/// `Query.order`.
pub struct OrderBatch {
    ids: Vec<OrderId>,
    owners: Vec<UserId>,
    items: Shared<OrderId, Items>,
    users: OnceLock<Arc<UserBatch>>,
}

impl std::fmt::Debug for OrderBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrderBatch")
            .field("orders", &self.ids.len())
            .finish_non_exhaustive()
    }
}

impl OrderBatch {
    /// Makes `orders` one batch.
    pub fn join(orders: impl IntoIterator<Item = Order>) -> Vec<Order> {
        Self::join_loaded(orders, None)
    }

    /// Makes `orders` one batch; `items`, when given, were loaded already and hold at least
    /// every order of the batch.
    pub fn join_loaded(
        orders: impl IntoIterator<Item = Order>,
        items: Option<Arc<HashMap<OrderId, Items>>>,
    ) -> Vec<Order> {
        let orders: Vec<Order> = orders.into_iter().collect();
        let batch = Self::over(&orders, items);
        orders
            .into_iter()
            .map(|o| o.in_batch(batch.clone()))
            .collect()
    }

    /// A batch of one.
    pub fn alone(order: Order) -> Order {
        let batch = Self::over(std::slice::from_ref(&order), None);
        order.in_batch(batch)
    }

    fn over(orders: &[Order], items: Option<Arc<HashMap<OrderId, Items>>>) -> Arc<Self> {
        let mut owners: Vec<UserId> = orders.iter().map(Order::owner).collect();
        owners.sort_unstable();
        owners.dedup();
        Arc::new(OrderBatch {
            ids: orders.iter().map(Order::order_id).collect(),
            owners,
            items: OnceCell::new_with(items.map(Ok)),
            users: OnceLock::new(),
        })
    }

    /// The items of `order`, loaded for the whole batch on first use.
    pub async fn items_of(&self, ctx: &Context<'_>, order: OrderId) -> ApiResult<Items> {
        let all = self
            .items
            .get_or_init(|| async {
                let rows = service_of(ctx)?.items_of_orders(&self.ids).await?;
                Ok(Arc::new(items_per_order(&self.ids, rows)))
            })
            .await
            .clone()?;
        match all.get(&order) {
            Some(items) => Ok(items.clone()),
            None => items_alone(ctx, order).await,
        }
    }

    /// The owners of the batch's orders, as one batch of users.
    pub fn users(&self) -> Arc<UserBatch> {
        self.users
            .get_or_init(|| UserBatch::new(self.owners.clone()))
            .clone()
    }
}

/// The items of an order without siblings.
pub async fn items_alone(ctx: &Context<'_>, order: OrderId) -> ApiResult<Items> {
    let loader = loader_of::<OrderItemsLoader>(ctx)?;
    Ok(loader.load_one(order).await?.unwrap_or_default())
}

/// Users resolved together: one `_entities` call, or the owners of one batch of orders.
pub struct UserBatch {
    ids: Vec<UserId>,
    /// Per page arguments: fields with different arguments are different lists.
    orders: Mutex<HashMap<Page<OrderId>, Arc<OrdersPerUser>>>,
}

/// One page of orders for each user of a batch.
type OrdersPerUser = Shared<UserId, Vec<Order>>;

impl std::fmt::Debug for UserBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserBatch")
            .field("users", &self.ids.len())
            .finish_non_exhaustive()
    }
}

impl UserBatch {
    pub fn new(ids: Vec<UserId>) -> Arc<Self> {
        Arc::new(Self {
            ids,
            orders: Mutex::new(HashMap::new()),
        })
    }

    /// One page of `user`'s orders, loaded for every user of the batch on first use (one
    /// windowed statement), the orders of all of them forming the next batch.
    pub async fn orders_of(
        &self,
        ctx: &Context<'_>,
        user: UserId,
        page: Page<OrderId>,
    ) -> ApiResult<Vec<Order>> {
        let cell = {
            let mut pages = self
                .orders
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            pages.entry(page).or_default().clone()
        };
        let all = cell
            .get_or_init(|| async {
                let rows = service_of(ctx)?.orders_of_users(&self.ids, page).await?;
                // Every user of the batch gets an answer, an empty page included; the rows come
                // ordered by user then id, and `join` keeps that order.
                let mut per_user: HashMap<UserId, Vec<Order>> =
                    self.ids.iter().map(|user| (*user, Vec::new())).collect();
                for order in OrderBatch::join(rows.into_iter().map(Order::from)) {
                    per_user.entry(order.owner()).or_default().push(order);
                }
                Ok(Arc::new(per_user))
            })
            .await
            .clone()?;
        match all.get(&user) {
            Some(orders) => Ok(orders.clone()),
            None => orders_alone(ctx, user, page).await,
        }
    }
}

/// One page of a user's orders without siblings.
pub async fn orders_alone(
    ctx: &Context<'_>,
    user: UserId,
    page: Page<OrderId>,
) -> ApiResult<Vec<Order>> {
    let loader = loader_of::<UserOrdersLoader>(ctx)?;
    let orders = loader.load_one((user, page)).await?.unwrap_or_default();
    Ok(OrderBatch::join(orders.iter().cloned()))
}
