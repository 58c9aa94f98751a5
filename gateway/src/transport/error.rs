//! Why a subgraph request failed. The `Display` form carries details for logs (the URL and the
//! low-level cause); [`TransportError::client_message`] is what a client may see.

/// A failed subgraph request.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The plan names a subgraph the client has no URL for.
    #[error("no url configured for subgraph `{0}`")]
    UnknownSubgraph(String),
    /// Connecting, sending or receiving failed.
    #[error("request to subgraph `{subgraph}` at {url} failed: {source}")]
    Request {
        subgraph: String,
        url: String,
        #[source]
        source: reqwest::Error,
    },
    /// No complete answer within the configured timeout.
    #[error("request to subgraph `{subgraph}` at {url} timed out")]
    Timeout { subgraph: String, url: String },
    /// A non-success HTTP status without a GraphQL response body.
    #[error("subgraph `{subgraph}` at {url} answered http {status}")]
    Status {
        subgraph: String,
        url: String,
        status: u16,
    },
    /// The body exceeds the configured limit.
    #[error("response of subgraph `{subgraph}` exceeds {limit} bytes")]
    TooLarge { subgraph: String, limit: usize },
    /// The body is not a GraphQL response.
    #[error("subgraph `{subgraph}` sent an invalid graphql response: {message}")]
    InvalidResponse { subgraph: String, message: String },
    /// A configured subgraph URL does not parse.
    #[error("invalid url for subgraph `{subgraph}`: {url}")]
    InvalidUrl { subgraph: String, url: String },
    /// The failure of an identical in-flight request this one shared (deduplication).
    #[error(transparent)]
    Shared(std::sync::Arc<TransportError>),
    /// Building the HTTP client failed.
    #[error("cannot build the subgraph http client: {0}")]
    Client(#[source] reqwest::Error),
}

impl TransportError {
    /// A message safe to return to clients: names the subgraph, never its URL or the cause.
    pub fn client_message(&self) -> String {
        match self {
            TransportError::UnknownSubgraph(s) => format!("subgraph `{s}` is not available"),
            TransportError::Request { subgraph, .. } | TransportError::Status { subgraph, .. } => {
                format!("request to subgraph `{subgraph}` failed")
            }
            TransportError::Timeout { subgraph, .. } => {
                format!("request to subgraph `{subgraph}` timed out")
            }
            TransportError::TooLarge { subgraph, .. } => {
                format!("response of subgraph `{subgraph}` is too large")
            }
            TransportError::InvalidResponse { subgraph, .. } => {
                format!("subgraph `{subgraph}` sent an invalid response")
            }
            TransportError::Client(_) => "subgraph client unavailable".into(),
            TransportError::Shared(error) => error.client_message(),
            TransportError::InvalidUrl { subgraph, .. } => {
                format!("subgraph `{subgraph}` is not available")
            }
        }
    }
}
