//! DataLoaders: every entity lookup and every child list goes through one of these, so the keys
//! of a whole `_entities` call (or of all parents of a list) are fetched with one statement.
//!
//! The loaders live in the schema data, shared by concurrent requests, so they never cache:
//! a cached order would outlive its request and skip the access check of the next caller's
//! resolver. Access checks happen in the resolvers, after loading.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use subgraph_kit::ApiError;
use subgraph_kit::ids::{OrderId, UserId};
use subgraph_kit::pagination::Page;

use crate::entity::order_item;
use crate::schema::order::Order;
use crate::service::OrderService;

/// Why a batch failed, handed to every waiter of the batch (DataLoader errors must be `Clone`,
/// [`ApiError`] is not). Deliberately not `Display`, like `ApiError`: it reaches a client only
/// through `ApiError`, which carries the error code.
#[derive(Debug, Clone)]
pub struct LoadError(Arc<ApiError>);

impl From<ApiError> for LoadError {
    fn from(err: ApiError) -> Self {
        Self(Arc::new(err))
    }
}

impl From<LoadError> for ApiError {
    fn from(err: LoadError) -> Self {
        match Arc::try_unwrap(err.0) {
            Ok(inner) => inner,
            // Shared with other waiters: rebuild it. `Internal` keeps its (already logged)
            // detail and is not logged again.
            Err(shared) => match &*shared {
                ApiError::BadUserInput(m) => ApiError::BadUserInput(m.clone()),
                ApiError::NotFound(m) => ApiError::NotFound(m.clone()),
                ApiError::Unauthenticated(m) => ApiError::Unauthenticated(m.clone()),
                ApiError::Forbidden(m) => ApiError::Forbidden(m.clone()),
                ApiError::Conflict(m) => ApiError::Conflict(m.clone()),
                ApiError::Internal(m) => ApiError::Internal(m.clone()),
            },
        }
    }
}

impl From<LoadError> for async_graphql::Error {
    fn from(err: LoadError) -> Self {
        ApiError::from(err).into()
    }
}

/// `Order` by id: the `_entities` resolver and `Query.order`.
pub struct OrderLoader {
    service: OrderService,
}

impl OrderLoader {
    pub fn new(service: OrderService) -> Self {
        Self { service }
    }
}

impl Loader<OrderId> for OrderLoader {
    type Value = Order;
    type Error = LoadError;

    async fn load(&self, keys: &[OrderId]) -> Result<HashMap<OrderId, Order>, LoadError> {
        let rows = self.service.orders_by_ids(keys).await?;
        Ok(rows
            .into_iter()
            .map(Order::from)
            .map(|o| (o.order_id(), o))
            .collect())
    }
}

/// `Order.items` (and `Order.total`, which sums them) for every order of a response at once.
pub struct OrderItemsLoader {
    service: OrderService,
}

impl OrderItemsLoader {
    pub fn new(service: OrderService) -> Self {
        Self { service }
    }
}

impl Loader<OrderId> for OrderItemsLoader {
    type Value = Arc<Vec<order_item::Model>>;
    type Error = LoadError;

    async fn load(&self, keys: &[OrderId]) -> Result<HashMap<OrderId, Self::Value>, LoadError> {
        let rows = self.service.items_of_orders(keys).await?;
        Ok(items_per_order(keys, rows))
    }
}

/// The item rows of `orders` grouped per order, in row order. Every order gets an answer: one
/// without items has an empty list, not "unknown".
pub(crate) fn items_per_order(
    orders: &[OrderId],
    rows: Vec<order_item::Model>,
) -> HashMap<OrderId, Arc<Vec<order_item::Model>>> {
    let mut groups = group_by(rows, |item| OrderId(item.order_id));
    orders
        .iter()
        .map(|key| (*key, Arc::new(groups.remove(key).unwrap_or_default())))
        .collect()
}

/// `User.orders(first, after)` for every user of a response at once. Keys carry the page
/// arguments; keys sharing them (the usual case: one field in one query) cost one statement.
pub struct UserOrdersLoader {
    service: OrderService,
}

impl UserOrdersLoader {
    pub fn new(service: OrderService) -> Self {
        Self { service }
    }
}

/// A user and the page of their orders asked for.
pub type UserOrdersKey = (UserId, Page<OrderId>);

impl Loader<UserOrdersKey> for UserOrdersLoader {
    type Value = Arc<Vec<Order>>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[UserOrdersKey],
    ) -> Result<HashMap<UserOrdersKey, Self::Value>, LoadError> {
        let mut out = HashMap::with_capacity(keys.len());
        for (page, users) in group_by(keys.iter().copied(), |(_, page)| *page) {
            let users: Vec<UserId> = users.into_iter().map(|(user, _)| user).collect();
            let rows = self.service.orders_of_users(&users, page).await?;
            let mut groups = group_by(rows.into_iter().map(Order::from), Order::owner);
            for user in users {
                out.insert(
                    (user, page),
                    Arc::new(groups.remove(&user).unwrap_or_default()),
                );
            }
        }
        Ok(out)
    }
}

/// Groups rows by a key, keeping their order inside each group.
fn group_by<K, V>(rows: impl IntoIterator<Item = V>, key: impl Fn(&V) -> K) -> HashMap<K, Vec<V>>
where
    K: Hash + Eq,
{
    let mut groups: HashMap<K, Vec<V>> = HashMap::new();
    for row in rows {
        groups.entry(key(&row)).or_default().push(row);
    }
    groups
}
