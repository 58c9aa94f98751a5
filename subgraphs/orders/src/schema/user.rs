//! `User` as the orders service sees it: an entity it can name by id and extend with
//! `orders`, without knowing anything else about it.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use subgraph_kit::ApiResult;
use subgraph_kit::auth::{AuthContext, require_identity};
use subgraph_kit::ids::{OrderId, UserId};
use subgraph_kit::pagination::Page;

use crate::schema::batch::{self, UserBatch};
use crate::schema::entities;
use crate::schema::order::Order;
use crate::schema::{authorize, may_see};

/// A user of the users service. This service only adds their orders.
#[derive(Debug, Clone)]
pub struct User {
    id: UserId,
    /// The users resolved together with this one, so `orders` is loaded for all at once.
    batch: Option<Arc<UserBatch>>,
}

impl User {
    pub fn new(id: UserId, batch: Option<Arc<UserBatch>>) -> Self {
        Self { id, batch }
    }
}

#[Object]
impl User {
    async fn id(&self) -> ID {
        self.id.to_id()
    }

    /// The user's orders by id, `first` (default 20, at most 100) after the order `after`.
    /// Only the user themselves and the `admin` scope may list them.
    async fn orders(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<ID>,
    ) -> async_graphql::Result<Vec<Order>> {
        Ok(self.visible_orders(ctx, first, after.as_ref()).await?)
    }
}

impl User {
    async fn visible_orders(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<&ID>,
    ) -> ApiResult<Vec<Order>> {
        authorize(require_identity(ctx)?, self.id, "orders of this user")?;
        let page = Page::new(first, after, OrderId::parse)?;
        match &self.batch {
            Some(batch) => batch.orders_of(ctx, self.id, page).await,
            None => batch::orders_alone(ctx, self.id, page).await,
        }
    }
}

/// The `User` entity: no query, the id is all this service needs. When the selection asks
/// for `orders`, access is checked here already, so a refusal nulls this item of `_entities`
/// with its error at the item's index (a field error inside the item would carry no index).
pub(crate) fn user_entity(ctx: &Context<'_>, id: &ID) -> ApiResult<Option<User>> {
    let user_id = UserId::parse(id)?;
    if ctx.look_ahead().field("orders").exists() {
        authorize(require_identity(ctx)?, user_id, "orders of this user")?;
    }
    // The batch holds only the users whose orders the caller may list: nobody else's orders
    // are read.
    let identity = ctx
        .data_opt::<AuthContext>()
        .and_then(AuthContext::identity);
    let may_list = |user: UserId| identity.is_some_and(|i| may_see(i, user));
    Ok(Some(User::new(user_id, entities::users(ctx, may_list))))
}
