//! Why an operation could not be planned.

use crate::error::{ErrorCode, GraphqlError};

/// A planning failure. Validation ran before planning, so most of these mean the operation
/// asks for something the subgraphs cannot deliver, or planning ran out of budget.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the document has no operation")]
    NoOperation,
    #[error("no operation named `{0}` in the document")]
    OperationNotFound(String),
    #[error("the document has several operations: `operationName` is required")]
    OperationNameRequired,
    #[error("subscriptions are not supported")]
    SubscriptionsUnsupported,
    #[error("the supergraph has no {0} root type")]
    NoRootType(&'static str),
    #[error("unknown type `{0}`")]
    UnknownType(String),
    #[error("unknown field `{0}`")]
    UnknownField(String),
    #[error("unknown fragment `{0}`")]
    UnknownFragment(String),
    /// No subgraph can resolve a field from where the plan stands.
    #[error("cannot plan `{field}`: {reason}")]
    Unsatisfiable { field: String, reason: String },
    /// The operation needs more planning work than the budget allows.
    #[error("query planning exceeded its {0} budget")]
    BudgetExceeded(&'static str),
}

impl PlanError {
    /// The error as a client sees it.
    pub fn to_graphql_error(&self) -> GraphqlError {
        let code = match self {
            PlanError::NoOperation
            | PlanError::OperationNotFound(_)
            | PlanError::OperationNameRequired => ErrorCode::OperationNotFound,
            _ => ErrorCode::QueryPlanningFailed,
        };
        GraphqlError::new(code, self.to_string())
    }
}
