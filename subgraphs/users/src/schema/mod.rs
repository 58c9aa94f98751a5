//! The GraphQL API of the users subgraph: root types, the `User` entity resolver and the
//! schema builder.

pub mod loader;
pub mod types;

use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, EmptySubscription, ID, Object, Schema, SchemaBuilder};
use subgraph_kit::auth::{ADMIN_SCOPE, JwtSigner, require_identity};
use subgraph_kit::ids::UserId;
use subgraph_kit::pagination::Page;
use subgraph_kit::{ApiError, LOADER_MAX_BATCH};

use crate::credentials::Password;
use crate::entity::user;
use crate::service::{NewAccount, UserService};
use loader::UserLoader;
use types::{AuthPayload, RegisterInput, User};

/// The users subgraph's schema.
pub type UsersSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema's types with federation on and no data attached; [`build`] adds the data, and
/// the SDL export needs nothing more, so it works without a database.
pub(crate) fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query, Mutation, EmptySubscription).enable_federation()
}

/// The schema with its service, DataLoader and token signer.
pub(crate) fn build(service: UserService, signer: Arc<JwtSigner>) -> UsersSchema {
    let loader = DataLoader::new(
        UserLoader::new(service.clone()),
        subgraph_kit::telemetry::spawn_in_current_span,
    )
    .max_batch_size(LOADER_MAX_BATCH);
    builder().data(service).data(loader).data(signer).finish()
}

/// Schema data set by [`build`]; missing data is our bug, reported as an internal error.
fn data<'a, T: std::any::Any + Send + Sync>(ctx: &'a Context<'_>) -> Result<&'a T, ApiError> {
    ctx.data_opt::<T>().ok_or_else(|| {
        ApiError::internal(format!(
            "schema data {} is missing",
            std::any::type_name::<T>()
        ))
    })
}

fn loader<'a>(ctx: &'a Context<'_>) -> Result<&'a DataLoader<UserLoader>, ApiError> {
    data::<DataLoader<UserLoader>>(ctx)
}

/// Root queries.
#[derive(Debug, Default)]
pub struct Query;

#[Object]
impl Query {
    /// The caller, from the bearer token; `UNAUTHENTICATED` without a valid one, `null` if the
    /// account no longer exists.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let identity = require_identity(ctx)?;
        loader(ctx)?.load_one(identity.user_id).await
    }

    /// One user, or `null` if there is none with this id.
    async fn user(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<User>> {
        let id = UserId::parse(&id)?;
        loader(ctx)?.load_one(id).await
    }

    /// Users ordered by id: at most `first` (default 20, at most 100) after the user `after`.
    async fn users(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<ID>,
    ) -> async_graphql::Result<Vec<User>> {
        let page = Page::new(first, after.as_ref(), UserId::parse)?;
        let rows = data::<UserService>(ctx)?.page(page).await?;
        Ok(rows.into_iter().map(User::from).collect())
    }

    /// Federation entry point for `User` representations; batched through the DataLoader, so
    /// one `_entities` call is one statement. Unknown ids resolve to `null`; a malformed id is
    /// a `BAD_USER_INPUT` (async-graphql then fails the whole `_entities` field, which is right:
    /// only a broken caller sends one).
    #[graphql(entity)]
    async fn find_user_by_id(
        &self,
        ctx: &Context<'_>,
        #[graphql(key)] id: ID,
    ) -> async_graphql::Result<Option<User>> {
        let id = UserId::parse(&id)?;
        loader(ctx)?.load_one(id).await
    }
}

/// Root mutations.
#[derive(Debug, Default)]
pub struct Mutation;

#[Object]
impl Mutation {
    /// Creates an account and signs the caller in. Duplicate email (in any letter case):
    /// `CONFLICT`; invalid email, name or password: `BAD_USER_INPUT`.
    async fn register(
        &self,
        ctx: &Context<'_>,
        input: RegisterInput,
    ) -> async_graphql::Result<AuthPayload> {
        let RegisterInput {
            email,
            name,
            password,
        } = input;
        let account = NewAccount::parse(&email, &name, Password::new(password))?;
        let row = data::<UserService>(ctx)?.register(account).await?;
        sign_in(ctx, row)
    }

    /// Exchanges an email and password for a token. Wrong email and wrong password give the
    /// same `UNAUTHENTICATED` error.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> async_graphql::Result<AuthPayload> {
        let row = data::<UserService>(ctx)?
            .authenticate(&email, Password::new(password))
            .await?;
        sign_in(ctx, row)
    }
}

/// Signs a token for an account; admins get the `admin` scope.
fn sign_in(ctx: &Context<'_>, row: user::Model) -> async_graphql::Result<AuthPayload> {
    let scopes = if row.is_admin {
        vec![ADMIN_SCOPE.to_owned()]
    } else {
        Vec::new()
    };
    let token = data::<Arc<JwtSigner>>(ctx)?
        .sign(UserId(row.id), &scopes)
        .map_err(ApiError::internal)?;
    Ok(AuthPayload {
        token,
        user: row.into(),
    })
}
