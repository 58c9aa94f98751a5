//! The GraphQL API of the orders subgraph.
//!
//! # Layout
//! - [`order`]: `Order`, `OrderItem`, `OrderStatus` and the unresolvable `Product` stub.
//! - [`user`]: the `User` entity and its `orders` list.
//! - [`loader`]: the DataLoaders every entity and child list goes through.
//! - [`batch`]: sibling batches, so a child list costs one statement for all parents.
//! - [`entities`]: what the resolvers of one `_entities` call share: their keys (loaded
//!   together) and per-item errors.
//!
//! Access rule, the same on every path (`Query.order`, `User.orders`, `_entities`): a verified
//! caller sees their own orders, the `admin` scope sees all; no token or a bad one is
//! `UNAUTHENTICATED`, someone else's is `FORBIDDEN`.

pub mod batch;
pub mod entities;
pub mod loader;
pub mod order;
pub mod user;

use std::future::Future;
use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::{
    Context, Data, EmptyMutation, EmptySubscription, Executor, ID, Object, Request, Response,
    Schema, SchemaBuilder,
};
use subgraph_kit::auth::Identity;
use subgraph_kit::ids::UserId;
use subgraph_kit::{ApiError, ApiResult, LOADER_MAX_BATCH};

use crate::service::OrderService;
use entities::EntitiesScope;
use loader::{OrderItemsLoader, OrderLoader, UserOrdersLoader};
use order::Order;
use user::User;

/// The orders subgraph's schema.
pub type OrdersSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Root query fields, and the entity resolvers behind `_entities`.
#[derive(Debug, Default)]
pub struct Query;

#[Object]
impl Query {
    /// An order by id: the caller's own, or any with the `admin` scope.
    async fn order(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Order>> {
        Ok(Some(order::order_by_id(ctx, &id).await?))
    }

    /// `Order` representations. Refused ones are `null` with their error at their index.
    #[graphql(entity)]
    async fn find_order_by_id(&self, ctx: &Context<'_>, id: ID) -> Option<Order> {
        let outcome = order::order_entity(ctx, &id).await;
        entities::resolve(ctx, "Order", &id, outcome)
    }

    /// `User` representations: every id names a user here (its orders may be empty).
    #[graphql(entity)]
    async fn find_user_by_id(&self, ctx: &Context<'_>, id: ID) -> Option<User> {
        let outcome = user::user_entity(ctx, &id);
        entities::resolve(ctx, "User", &id, outcome)
    }
}

/// The schema without its data: what the SDL is exported from.
fn builder() -> SchemaBuilder<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query, EmptyMutation, EmptySubscription).enable_federation()
}

/// The executable schema, with its DataLoaders over `service`.
pub fn build(service: OrderService) -> OrdersSchema {
    builder()
        .data(service.clone())
        .data(batched(OrderLoader::new(service.clone())))
        .data(batched(OrderItemsLoader::new(service.clone())))
        .data(batched(UserOrdersLoader::new(service)))
        .finish()
}

/// The federation SDL; needs no database.
pub fn sdl() -> String {
    builder().finish().sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .federation()
            .compose_directive(),
    )
}

/// Runs requests on the schema, each with a fresh [`EntitiesScope`] in its data: the HTTP
/// router serves this, and callers executing the schema themselves should too.
///
/// A wrapper rather than an async-graphql extension, because any registered extension puts
/// every field of every response on async-graphql's slow resolve path (a registry lookup and
/// a boxed future per field), which doubled the time of a 1,000-entity `_entities` call.
/// Without the scope everything still resolves correctly, only `_entities` batches by timing
/// instead of by representation list.
#[derive(Clone)]
pub struct OrdersExecutor {
    schema: OrdersSchema,
}

impl OrdersExecutor {
    pub fn new(schema: OrdersSchema) -> Self {
        Self { schema }
    }

    fn scoped(request: Request) -> Request {
        request.data(EntitiesScope::default())
    }
}

impl Executor for OrdersExecutor {
    fn execute(&self, request: Request) -> impl Future<Output = Response> + Send {
        self.schema.execute(Self::scoped(request))
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        self.schema.execute_stream_with_session_data(
            Self::scoped(request),
            session_data.unwrap_or_default(),
        )
    }
}

fn batched<L: Send + Sync + 'static>(loader: L) -> DataLoader<L> {
    DataLoader::new(loader, tokio::spawn).max_batch_size(LOADER_MAX_BATCH)
}

/// The DataLoader of type `L` from the schema data.
pub(crate) fn loader_of<'a, L: Send + Sync + 'static>(
    ctx: &'a Context<'_>,
) -> ApiResult<&'a DataLoader<L>> {
    ctx.data_opt::<DataLoader<L>>().ok_or_else(|| {
        ApiError::internal(format!(
            "loader {} missing from the schema",
            std::any::type_name::<L>()
        ))
    })
}

/// The service itself, for batches whose keys are all known up front (the representations of
/// an `_entities` call, the siblings of a batch). They call it directly: through a DataLoader
/// every such batch would first wait out the loader's collection delay (1 ms) for keys that
/// can never come, once per level of the response.
pub(crate) fn service_of<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a OrderService> {
    ctx.data_opt::<OrderService>()
        .ok_or_else(|| ApiError::internal("order service missing from the schema".to_owned()))
}

/// The access rule: the owner or the `admin` scope.
pub(crate) fn may_see(identity: &Identity, owner: UserId) -> bool {
    identity.is_admin() || identity.user_id == owner
}

/// [`may_see`], or `FORBIDDEN` naming `what` was refused.
pub(crate) fn authorize(identity: &Identity, owner: UserId, what: &str) -> ApiResult<()> {
    if may_see(identity, owner) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "not allowed to see the {what}"
        )))
    }
}
