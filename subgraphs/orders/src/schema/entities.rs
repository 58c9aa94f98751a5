//! What the entity resolvers behind `_entities` share within one request.
//!
//! async-graphql calls an entity resolver once per representation and tells it only its key.
//! Two things need the whole list of representations, which each resolver reads from the
//! field's `representations` argument once per request (per `_entities` field):
//!
//! - **Batching.** All `Order` keys of the call are loaded with one statement (and, when the
//!   selection asks for `items` or `total`, their items with a second one running alongside),
//!   and all `User` keys form one [`UserBatch`], so 1,000 representations cost one statement per
//!   table however the runtime schedules the 1,000 resolvers (see [`crate::schema::batch`]).
//! - **Per-item errors.** The federation contract wants a refused representation to come back
//!   as `null` *at its index*, with its error pathed to that index, while the other items still
//!   resolve. async-graphql 7.2 resolves `_entities` with `try_join_all`: a resolver returning
//!   `Err` fails the whole list, with the path `["_entities"]` and no index. So our entity
//!   resolvers never return `Err`: [`resolve`] reports the error at the item's index and yields
//!   `None`. A key that occurs several times gets one error per occurrence: each failing call
//!   claims the next unclaimed index of its key.
//!
//! [`crate::schema::OrdersExecutor`] puts a fresh [`EntitiesScope`] into every request.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::futures_util::future::join;
use async_graphql::{Context, ID, Name, PathSegment, ServerError, Value};
use subgraph_kit::ids::{OrderId, UserId};
use subgraph_kit::{ApiError, ApiResult};
use tokio::sync::OnceCell;

use crate::schema::batch::{OrderBatch, UserBatch};
use crate::schema::loader::{LoadError, items_per_order};
use crate::schema::order::Order;
use crate::schema::service_of;

/// Turns the outcome of an entity lookup into the item of `_entities`: the entity, `null` for an
/// unknown key, or `null` plus an error at this representation's index.
pub fn resolve<T>(
    ctx: &Context<'_>,
    typename: &str,
    id: &ID,
    outcome: ApiResult<Option<T>>,
) -> Option<T> {
    match outcome {
        Ok(found) => found,
        Err(err) => {
            report(ctx, typename, id, err);
            None
        }
    }
}

/// Every `Order` of this `_entities` call that exists, loaded together on first use; `None`
/// when the request has no [`EntitiesScope`].
pub async fn orders(ctx: &Context<'_>) -> ApiResult<Option<Arc<HashMap<OrderId, Order>>>> {
    let Some(field) = field_scope(ctx) else {
        return Ok(None);
    };
    let loaded = field
        .orders
        .get_or_init(|| async {
            let ids: Vec<OrderId> = field
                .ids_of("Order")
                .filter_map(|id| OrderId::parse(&ID::from(id)).ok())
                .collect();
            let service = service_of(ctx)?;
            let selection = ctx.look_ahead();
            let (found, items) =
                if selection.field("items").exists() || selection.field("total").exists() {
                    // The items need only the keys, so both statements run at once. Items of an
                    // order the caller may not see are read but never returned: the resolver
                    // refuses the order itself.
                    let (found, items) =
                        join(service.orders_by_ids(&ids), service.items_of_orders(&ids)).await;
                    (found?, Some(Arc::new(items_per_order(&ids, items?))))
                } else {
                    (service.orders_by_ids(&ids).await?, None)
                };
            let batched = OrderBatch::join_loaded(found.into_iter().map(Order::from), items);
            Ok(Arc::new(
                batched.into_iter().map(|o| (o.order_id(), o)).collect(),
            ))
        })
        .await
        .clone()?;
    Ok(Some(loaded))
}

/// The `User`s of this `_entities` call whose orders the caller may list, as one batch;
/// `None` without a request scope.
pub fn users(ctx: &Context<'_>, may_list: impl Fn(UserId) -> bool) -> Option<Arc<UserBatch>> {
    let field = field_scope(ctx)?;
    let batch = field.users.get_or_init(|| {
        let ids = field
            .ids_of("User")
            .filter_map(|id| UserId::parse(&ID::from(id)).ok())
            .filter(|id| may_list(*id))
            .collect();
        UserBatch::new(ids)
    });
    Some(batch.clone())
}

/// Records `err` at the index of the representation (`typename`, `id`) in the `_entities`
/// field being resolved.
fn report(ctx: &Context<'_>, typename: &str, id: &ID, err: ApiError) {
    let mut path = vec![PathSegment::Field(response_key(ctx))];
    let key = (typename.to_owned(), id.to_string());
    let index = match field_scope(ctx) {
        Some(field) => field.claim(&key),
        // Without a scope, the first position is the best guess.
        None => Representations::read(ctx)
            .positions
            .get(&key)
            .and_then(|p| p.first().copied()),
    };
    if let Some(index) = index {
        path.push(PathSegment::Index(index));
    }
    let err: async_graphql::Error = err.into();
    ctx.add_error(ServerError {
        message: err.message,
        source: None,
        locations: Vec::new(),
        path,
        extensions: err.extensions,
    });
}

fn response_key(ctx: &Context<'_>) -> String {
    let field = ctx.field();
    field.alias().unwrap_or(field.name()).to_owned()
}

/// The state of one `_entities` field of the request, created by its first resolver.
fn field_scope(ctx: &Context<'_>) -> Option<Arc<EntitiesField>> {
    let scope = ctx.data_opt::<EntitiesScope>()?;
    let key = response_key(ctx);
    let mut fields = scope
        .fields
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let field = fields.entry(key).or_insert_with(|| {
        Arc::new(EntitiesField {
            representations: Representations::read(ctx),
            claimed: Mutex::new(HashSet::new()),
            orders: OnceCell::new(),
            users: OnceLock::new(),
        })
    });
    Some(field.clone())
}

/// Per-request state of the `_entities` fields, by response key (a request may alias several).
#[derive(Debug, Default)]
pub struct EntitiesScope {
    fields: Mutex<HashMap<String, Arc<EntitiesField>>>,
}

#[derive(Debug)]
struct EntitiesField {
    representations: Representations,
    /// Indexes that already carry an error.
    claimed: Mutex<HashSet<usize>>,
    orders: OnceCell<Result<Arc<HashMap<OrderId, Order>>, LoadError>>,
    users: OnceLock<Arc<UserBatch>>,
}

impl EntitiesField {
    /// The ids of `typename`, each once, in order of first appearance.
    fn ids_of<'a>(&'a self, typename: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.representations
            .ids
            .iter()
            .filter(move |(t, _)| t == typename)
            .map(|(_, id)| id.as_str())
    }

    /// The first index of `key` not claimed by an earlier error.
    fn claim(&self, key: &(String, String)) -> Option<usize> {
        let candidates = self.representations.positions.get(key)?;
        let mut claimed = self
            .claimed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let index = candidates.iter().copied().find(|i| !claimed.contains(i))?;
        claimed.insert(index);
        Some(index)
    }
}

/// The keys of an `_entities` call.
#[derive(Debug, Default)]
struct Representations {
    /// Where each (`__typename`, `id`) occurs.
    positions: HashMap<(String, String), Vec<usize>>,
    /// Each (`__typename`, `id`) once, in order of first appearance.
    ids: Vec<(String, String)>,
}

impl Representations {
    /// Reads the current field's `representations` argument. Anything malformed is skipped
    /// here: the resolver of that item reports it.
    fn read(ctx: &Context<'_>) -> Self {
        let mut reps = Self::default();
        let Ok(arguments) = ctx.field().arguments() else {
            return reps;
        };
        let name = Name::new("representations");
        let Some((_, Value::List(items))) = arguments.into_iter().find(|(n, _)| *n == name) else {
            return reps;
        };
        for (index, item) in items.iter().enumerate() {
            let Value::Object(fields) = item else {
                continue;
            };
            let Some(Value::String(typename)) = fields.get("__typename") else {
                continue;
            };
            let id = match fields.get("id") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => continue,
            };
            let key = (typename.clone(), id);
            let positions = reps.positions.entry(key.clone()).or_default();
            if positions.is_empty() {
                reps.ids.push(key);
            }
            positions.push(index);
        }
        reps
    }
}
