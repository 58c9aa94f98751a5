//! The only place that talks to the users database. Every method returns [`ApiResult`], so a
//! database failure reaches the client as a bare `INTERNAL_SERVER_ERROR` (details logged) and
//! never as database text.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};
use subgraph_kit::ids::UserId;
use subgraph_kit::pagination::Page;
use subgraph_kit::{ApiError, ApiResult};

use crate::credentials::{self, DisplayName, Email, Password};
use crate::entity::user;

/// Sent for both an unknown email and a wrong password, so a login attempt cannot tell which
/// emails have accounts.
pub const BAD_CREDENTIALS: &str = "invalid email or password";

/// Account queries and the register/login flows.
#[derive(Debug, Clone)]
pub struct UserService {
    db: DatabaseConnection,
}

/// A validated registration.
#[derive(Debug)]
pub struct NewAccount {
    pub email: Email,
    pub name: DisplayName,
    pub password: Password,
}

impl NewAccount {
    /// Validates raw registration input; the first rule broken is a `BAD_USER_INPUT`.
    pub fn parse(email: &str, name: &str, password: Password) -> ApiResult<Self> {
        let email = Email::parse(email)?;
        let name = DisplayName::parse(name)?;
        password.check_policy()?;
        Ok(Self {
            email,
            name,
            password,
        })
    }
}

impl UserService {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// The users with these ids, in one `WHERE id IN (...)` statement; unknown ids are absent.
    pub async fn by_ids(&self, ids: &[UserId]) -> ApiResult<Vec<user::Model>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = user::Entity::find()
            .filter(user::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(&self.db)
            .await?;
        Ok(rows)
    }

    /// One keyset page: users with an id past `after`, ordered by id, at most `first`.
    pub async fn page(&self, page: Page<UserId>) -> ApiResult<Vec<user::Model>> {
        if page.first == 0 {
            return Ok(Vec::new());
        }
        let mut query = user::Entity::find()
            .order_by_asc(user::Column::Id)
            .limit(page.first);
        if let Some(after) = page.after {
            query = query.filter(user::Column::Id.gt(after.0));
        }
        Ok(query.all(&self.db).await?)
    }

    async fn by_email(&self, email: &Email) -> ApiResult<Option<user::Model>> {
        Ok(user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(&self.db)
            .await?)
    }

    /// Creates an account. The unique index on the normalised email decides duplicates, so two
    /// concurrent registrations of one address give one account and one `CONFLICT`.
    pub async fn register(&self, account: NewAccount) -> ApiResult<user::Model> {
        let password_hash = credentials::hash(account.password).await?;
        let row = user::ActiveModel {
            id: NotSet,
            email: Set(account.email.into_inner()),
            name: Set(account.name.into_inner()),
            password_hash: Set(password_hash),
            is_admin: Set(false),
            created_at: Set(Utc::now()),
        };
        match row.insert(&self.db).await {
            Ok(model) => Ok(model),
            Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Err(
                ApiError::conflict("an account with this email already exists"),
            ),
            Err(err) => Err(err.into()),
        }
    }

    /// Checks a login. Unknown email and wrong password fail identically (same code, same
    /// message, same argon2 work), so the answer does not reveal who has an account.
    pub async fn authenticate(&self, email: &str, password: Password) -> ApiResult<user::Model> {
        let email = Email::for_lookup(email);
        if email.as_str().chars().count() > credentials::EMAIL_MAX_CHARS || password.exceeds_max() {
            return Err(ApiError::bad_input(format!(
                "email must be at most {} characters and password at most {} characters",
                credentials::EMAIL_MAX_CHARS,
                credentials::PASSWORD_MAX_CHARS
            )));
        }
        let account = self.by_email(&email).await?;
        let stored = account.as_ref().map(|a| a.password_hash.clone());
        if credentials::verify(password, stored).await? {
            account.ok_or_else(|| ApiError::unauthenticated(BAD_CREDENTIALS))
        } else {
            Err(ApiError::unauthenticated(BAD_CREDENTIALS))
        }
    }
}
