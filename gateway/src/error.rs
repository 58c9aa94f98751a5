//! The gateway's one client error vocabulary.
//!
//! Every error a client sees has an [`ErrorCode`] in `extensions.code`; the HTTP status a
//! request-level error maps to is decided in exactly one place, [`ErrorCode::http_status`].
//! Internal details (subgraph URLs, DNS errors, stack traces) are logged, never returned.

use serde::Serialize;
use serde_json::{Map, Value};

/// Codes sent in `extensions.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request could not be decoded (bad JSON, missing query, wrong method...).
    BadRequest,
    /// The document does not parse.
    GraphqlParseFailed,
    /// The document does not validate against the API schema.
    GraphqlValidationFailed,
    /// Variables do not coerce to their declared types.
    BadUserInput,
    /// `operationName` names no operation, or is required and missing.
    OperationNotFound,
    /// The document has more tokens than the parser accepts.
    MaxTokensLimit,
    /// The document nests deeper than the parser accepts.
    MaxParserRecursionLimit,
    /// An operation's fields nest deeper than allowed.
    MaxDepthLimit,
    /// An operation has more aliased fields than allowed.
    MaxAliasesLimit,
    /// An operation has more root fields than allowed.
    MaxRootFieldsLimit,
    /// An operation has more directive applications than allowed.
    MaxDirectivesLimit,
    /// An operation selects more fields, once fragments are expanded, than allowed.
    MaxFragmentExpansionLimit,
    /// A mutation was sent over GET.
    MethodNotAllowed,
    /// A request a browser could have sent cross-site without a preflight.
    CsrfPrevented,
    /// The planner could not plan the operation (or ran out of budget).
    QueryPlanningFailed,
    /// A subgraph request failed (transport, status, malformed response).
    SubgraphRequestFailure,
    /// A subgraph returned an error for a field.
    SubgraphError,
    /// The caller is not authenticated.
    Unauthenticated,
    /// The caller may not do this.
    Forbidden,
    /// Something failed inside the gateway.
    InternalServerError,
    /// The gateway is up but cannot serve yet (no supergraph loaded).
    ServiceUnavailable,
}

impl ErrorCode {
    /// The HTTP status of a request error with this code, for
    /// `application/graphql-response+json` responses.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest
            | ErrorCode::GraphqlParseFailed
            | ErrorCode::GraphqlValidationFailed
            | ErrorCode::BadUserInput
            | ErrorCode::OperationNotFound
            | ErrorCode::CsrfPrevented
            | ErrorCode::MaxTokensLimit
            | ErrorCode::MaxParserRecursionLimit
            | ErrorCode::MaxDepthLimit
            | ErrorCode::MaxAliasesLimit
            | ErrorCode::MaxRootFieldsLimit
            | ErrorCode::MaxDirectivesLimit
            | ErrorCode::MaxFragmentExpansionLimit => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::QueryPlanningFailed | ErrorCode::InternalServerError => 500,
            ErrorCode::SubgraphRequestFailure | ErrorCode::SubgraphError => 502,
            ErrorCode::ServiceUnavailable => 503,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            ErrorCode::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::OperationNotFound => "OPERATION_NOT_FOUND",
            ErrorCode::MaxTokensLimit => "MAX_TOKENS_LIMIT",
            ErrorCode::MaxParserRecursionLimit => "MAX_PARSER_RECURSION_LIMIT",
            ErrorCode::MaxDepthLimit => "MAX_DEPTH_LIMIT",
            ErrorCode::MaxAliasesLimit => "MAX_ALIASES_LIMIT",
            ErrorCode::MaxRootFieldsLimit => "MAX_ROOT_FIELDS_LIMIT",
            ErrorCode::MaxDirectivesLimit => "MAX_DIRECTIVES_LIMIT",
            ErrorCode::MaxFragmentExpansionLimit => "MAX_FRAGMENT_EXPANSION_LIMIT",
            ErrorCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ErrorCode::CsrfPrevented => "CSRF_PREVENTED",
            ErrorCode::QueryPlanningFailed => "QUERY_PLANNING_FAILED",
            ErrorCode::SubgraphRequestFailure => "SUBGRAPH_REQUEST_FAILURE",
            ErrorCode::SubgraphError => "SUBGRAPH_ERROR",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::InternalServerError => "INTERNAL_SERVER_ERROR",
            ErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
        }
    }
}

/// A source location in the client's document (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One element of a response path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

/// An error as it appears in a GraphQL response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphqlError {
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<Vec<PathSegment>>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub extensions: Map<String, Value>,
}

impl GraphqlError {
    /// An error with `extensions.code` set.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let mut extensions = Map::new();
        extensions.insert("code".into(), Value::String(code.as_str().into()));
        Self {
            message: message.into(),
            locations: Vec::new(),
            path: None,
            extensions,
        }
    }

    pub fn with_locations(mut self, locations: Vec<Location>) -> Self {
        self.locations = locations;
        self
    }

    pub fn with_path(mut self, path: Vec<PathSegment>) -> Self {
        self.path = Some(path);
        self
    }

    /// The code in `extensions.code`, if it is one of ours.
    pub fn code(&self) -> Option<&str> {
        self.extensions.get("code").and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_like_the_spec() {
        let e = GraphqlError::new(ErrorCode::GraphqlValidationFailed, "unknown field")
            .with_locations(vec![Location { line: 1, column: 3 }])
            .with_path(vec![PathSegment::Key("a".into()), PathSegment::Index(0)]);
        assert_eq!(
            serde_json::to_value(&e).expect("json"),
            serde_json::json!({
                "message": "unknown field",
                "locations": [{"line": 1, "column": 3}],
                "path": ["a", 0],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}
            })
        );
    }
}
