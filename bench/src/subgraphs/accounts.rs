//! `accounts`: the users.

use async_graphql::{ID, Object, SimpleObject};

use super::{SubgraphSchema, federated};
use crate::data::{self, UserData};

#[derive(SimpleObject)]
pub struct User {
    id: ID,
    name: Option<String>,
    /// Shareable: reviews provides it (`Review.author @provides(fields: "username")`).
    #[graphql(shareable)]
    username: Option<String>,
}

impl From<&UserData> for User {
    fn from(u: &UserData) -> Self {
        Self {
            id: ID(u.id.into()),
            name: Some(u.name.into()),
            username: Some(u.username.into()),
        }
    }
}

pub struct Query;

#[Object]
impl Query {
    async fn users(&self) -> Vec<User> {
        data::USERS.iter().map(User::from).collect()
    }

    #[graphql(entity)]
    async fn find_user_by_id(&self, #[graphql(key)] id: ID) -> Option<User> {
        data::user(&id).map(User::from)
    }
}

pub fn schema() -> SubgraphSchema<Query> {
    federated(Query)
}
