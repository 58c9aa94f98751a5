//! The one client error vocabulary of the subgraphs.
//!
//! Every error a client can see carries `extensions.code` from [`ErrorCode`]. Internal details
//! (database text, key material, stack traces) are logged and replaced by a generic message.

/// Codes sent in `extensions.code`, SCREAMING_SNAKE_CASE on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The input is malformed or out of range (bad ID, `first` > 100, over-long string...).
    BadUserInput,
    /// The addressed object does not exist.
    NotFound,
    /// The field needs an identity and the request has none, or an invalid one.
    Unauthenticated,
    /// The identity is known but not allowed to do this.
    Forbidden,
    /// The write collides with existing data (duplicate email, second review...).
    Conflict,
    /// Something failed on our side; details are in the logs only.
    InternalServerError,
}

impl ErrorCode {
    /// The wire form of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }
}

/// An error that is safe to show to a client.
///
/// Deliberately not `Display`: async-graphql converts every `Display` type into an error
/// *without* extensions, so a `?` would silently drop `extensions.code`. Without `Display`, the
/// only conversion is ours, which always sets the code.
#[derive(Debug)]
pub enum ApiError {
    BadUserInput(String),
    NotFound(String),
    Unauthenticated(String),
    Forbidden(String),
    Conflict(String),
    /// The detail is logged, never sent.
    Internal(String),
}

impl ApiError {
    pub fn bad_input(msg: impl Into<String>) -> Self {
        Self::BadUserInput(msg.into())
    }
    pub fn not_found(msg: impl Into<String>) -> Self {
        Self::NotFound(msg.into())
    }
    pub fn unauthenticated(msg: impl Into<String>) -> Self {
        Self::Unauthenticated(msg.into())
    }
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Self::Forbidden(msg.into())
    }
    pub fn conflict(msg: impl Into<String>) -> Self {
        Self::Conflict(msg.into())
    }
    /// Wraps an internal failure: logged here with its details, sent as a bare message.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        let detail = err.to_string();
        tracing::error!(error = %detail, "internal error");
        Self::Internal(detail)
    }

    /// The message a client sees.
    pub fn message(&self) -> &str {
        match self {
            ApiError::BadUserInput(m)
            | ApiError::NotFound(m)
            | ApiError::Unauthenticated(m)
            | ApiError::Forbidden(m)
            | ApiError::Conflict(m) => m,
            ApiError::Internal(_) => "internal error",
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::BadUserInput(_) => ErrorCode::BadUserInput,
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::Internal(_) => ErrorCode::InternalServerError,
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        ApiError::internal(err)
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        let mut e = async_graphql::Error::new(err.message());
        let mut ext = async_graphql::ErrorExtensionValues::default();
        ext.set("code", err.code().as_str());
        e.extensions = Some(ext);
        e
    }
}

/// Result type of resolvers and services.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_keeps_code_and_hides_internals() {
        let e: async_graphql::Error = ApiError::Internal("password=hunter2 at db".into()).into();
        assert_eq!(e.message, "internal error");
        let json = serde_json::to_value(e.extensions.expect("ext")).expect("json");
        assert_eq!(json["code"], "INTERNAL_SERVER_ERROR");
        fn resolver() -> async_graphql::Result<()> {
            Err(ApiError::conflict("dup"))?;
            Ok(())
        }
        let e = resolver().expect_err("err");
        assert_eq!(e.message, "dup");
        assert!(e.extensions.is_some());
    }
}
