//! The GraphQL types of the users subgraph, built from the entities with `From` so the
//! database shape and the API can change independently.

use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use subgraph_kit::ids::UserId;

use crate::entity::user;

/// An account. Other subgraphs refer to it by `id` and extend it (`User.orders`, `User.reviews`).
#[derive(Debug, Clone, SimpleObject)]
pub struct User {
    pub id: ID,
    /// Normalised (trimmed, lowercased) and unique.
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> Self {
        Self {
            id: UserId(m.id).to_id(),
            email: m.email,
            name: m.name,
            created_at: m.created_at,
        }
    }
}

/// What `register` and `login` return: a bearer token and the account it is for.
#[derive(Debug, Clone, SimpleObject)]
pub struct AuthPayload {
    /// An EdDSA-signed JWT; send it as `Authorization: Bearer <token>` to any subgraph.
    pub token: String,
    pub user: User,
}

/// A new account.
#[derive(Clone, InputObject)]
pub struct RegisterInput {
    /// Must look like an address, at most 254 characters; stored trimmed and lowercased.
    pub email: String,
    /// 1 to 100 characters after trimming.
    pub name: String,
    /// 8 to 128 characters; stored only as an argon2id hash.
    pub password: String,
}

/// Written by hand so the password can never reach a log through `{:?}`.
impl std::fmt::Debug for RegisterInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterInput")
            .field("email", &self.email)
            .field("name", &self.name)
            .field("password", &"<redacted>")
            .finish()
    }
}
