//! Failures at the HTTP level: the request is not a GraphQL request the gateway can take.
//!
//! These never reach the pipeline. Each has one status, decided in [`HttpError::status`];
//! the body is a GraphQL error list so clients parse it like any other error.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::csrf::CsrfRejection;
use super::negotiate::ResponseFormat;
use crate::error::{ErrorCode, GraphqlError};
use crate::pipeline::decode::DecodeError;

/// Why the HTTP layer refused a request.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(
        "cannot produce any media type in Accept: ask for application/graphql-response+json or application/json"
    )]
    NotAcceptable,
    #[error("request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("cannot read the request body")]
    BodyRead,
    #[error("the gateway has no supergraph loaded yet")]
    NotReady,
    #[error(transparent)]
    Csrf(#[from] CsrfRejection),
}

impl HttpError {
    /// The HTTP status of this error, whatever the negotiated format.
    pub fn status(&self) -> StatusCode {
        match self {
            HttpError::Decode(e) => {
                StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST)
            }
            HttpError::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            HttpError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            HttpError::BodyRead => StatusCode::BAD_REQUEST,
            HttpError::NotReady => StatusCode::SERVICE_UNAVAILABLE,
            HttpError::Csrf(_) => StatusCode::BAD_REQUEST,
        }
    }

    fn code(&self) -> ErrorCode {
        match self {
            HttpError::NotReady => ErrorCode::ServiceUnavailable,
            HttpError::Csrf(_) => ErrorCode::CsrfPrevented,
            _ => ErrorCode::BadRequest,
        }
    }

    /// The response, with a body in `format`.
    pub fn respond(self, format: ResponseFormat) -> Response {
        let error = GraphqlError::new(self.code(), self.to_string());
        let body = serde_json::json!({ "errors": [error] }).to_string();
        let mut response = (self.status(), body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        response
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        self.respond(ResponseFormat::Json)
    }
}
