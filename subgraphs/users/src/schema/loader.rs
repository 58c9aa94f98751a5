//! DataLoaders: every lookup by key in a request joins one batch, and each batch is one SQL
//! statement, so `_entities` with 1,000 `User` representations costs one `WHERE id IN (...)`.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use subgraph_kit::ids::UserId;

use crate::schema::types::User;
use crate::service::UserService;

/// Loads users by id.
#[derive(Debug, Clone)]
pub struct UserLoader {
    service: UserService,
}

impl UserLoader {
    pub fn new(service: UserService) -> Self {
        Self { service }
    }
}

impl Loader<UserId> for UserLoader {
    type Value = User;
    /// `async_graphql::Error` is `Clone` (a failed batch is handed to every waiter) and keeps
    /// the `extensions.code` of the `ApiError` it came from.
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, User>, Self::Error> {
        let rows = self.service.by_ids(keys).await?;
        Ok(rows
            .into_iter()
            .map(|row| (UserId(row.id), User::from(row)))
            .collect())
    }
}
