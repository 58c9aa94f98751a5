//! Sibling batches: objects resolved together remember each other, so a child list is loaded
//! for all of them with one `load_many` on the shared DataLoader the first time any of them
//! asks.
//!
//! A DataLoader alone batches by time: it collects keys for a short delay and then runs one
//! statement. async-graphql yields to the runtime while it walks a long list (every object
//! with a pending field wakes itself), so on a loaded machine or in a debug build the walk over
//! 1,000 siblings outlasts the delay and the batch splits into dozens of statements. The
//! siblings are known exactly when the parent batch returns, so that is where the child batch
//! is fixed: `Order.items` of 1,000 orders is one statement however slowly they are resolved.
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
use crate::schema::loader::{LoadError, OrderItemsLoader, UserOrdersLoader};
use crate::schema::loader_of;
use crate::schema::order::Order;

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
        let orders: Vec<Order> = orders.into_iter().collect();
        let batch = Self::over(&orders);
        orders
            .into_iter()
            .map(|o| o.in_batch(batch.clone()))
            .collect()
    }

    /// A batch of one.
    pub fn alone(order: Order) -> Order {
        let batch = Self::over(std::slice::from_ref(&order));
        order.in_batch(batch)
    }

    fn over(orders: &[Order]) -> Arc<Self> {
        let mut owners: Vec<UserId> = orders.iter().map(Order::owner).collect();
        owners.sort_unstable();
        owners.dedup();
        Arc::new(OrderBatch {
            ids: orders.iter().map(Order::order_id).collect(),
            owners,
            items: OnceCell::new(),
            users: OnceLock::new(),
        })
    }

    /// The items of `order`, loaded for the whole batch on first use.
    pub async fn items_of(&self, ctx: &Context<'_>, order: OrderId) -> ApiResult<Items> {
        let all = self
            .items
            .get_or_init(|| async {
                let loader = loader_of::<OrderItemsLoader>(ctx)?;
                Ok(Arc::new(loader.load_many(self.ids.iter().copied()).await?))
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
                let loader = loader_of::<UserOrdersLoader>(ctx)?;
                let loaded = loader
                    .load_many(self.ids.iter().map(|u| (*u, page)))
                    .await?;
                let (users, lists): (Vec<UserId>, Vec<Arc<Vec<Order>>>) = loaded
                    .into_iter()
                    .map(|((user, _), list)| (user, list))
                    .unzip();
                let mut batched =
                    OrderBatch::join(lists.iter().flat_map(|list| list.iter().cloned()))
                        .into_iter();
                // `join` keeps the order it is given: deal the batched orders back out per user.
                let per_user: HashMap<UserId, Vec<Order>> = users
                    .into_iter()
                    .zip(&lists)
                    .map(|(user, list)| (user, batched.by_ref().take(list.len()).collect()))
                    .collect();
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
