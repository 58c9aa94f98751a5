//! Why a supergraph was refused. Every message names the element at fault, because the
//! operator reading it at startup has only the file to go on.

/// A supergraph that cannot be served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupergraphError {
    /// The SDL does not parse, or does not validate as a GraphQL schema.
    #[error("the supergraph is not a valid graphql schema: {0}")]
    InvalidSchema(String),
    /// No `@link` (or Federation 1 `@core`) to the join spec on the schema definition.
    #[error(
        "the supergraph has no `@link(url: \"https://specs.apollo.dev/join/v0.x\")` (nor a federation 1 `@core`) on its schema definition"
    )]
    MissingJoinLink,
    /// A join spec version this gateway does not know.
    #[error("unsupported join spec version v{major}.{minor} (supported: v0.1 to v0.5)")]
    UnsupportedJoinVersion { major: u32, minor: u32 },
    /// A `@link`/`@core` whose URL is not a spec URL (`.../name/vX.Y`).
    #[error("invalid spec url `{0}` in @link")]
    InvalidLinkUrl(String),
    /// A definition the join spec requires is missing.
    #[error("the supergraph lacks the `{0}` definition required by the join spec")]
    MissingDefinition(String),
    /// A join directive names a graph that is not a value of `join__Graph`.
    #[error("unknown graph `{graph}` in {context}")]
    UnknownGraph { graph: String, context: String },
    /// A join directive with a missing or ill-typed argument.
    #[error("invalid {context}: {message}")]
    InvalidDirective { context: String, message: String },
    /// A key, requires or provides field set that does not parse or does not match the schema.
    #[error("invalid field set `{fields}` in {context}: {message}")]
    InvalidFieldSet {
        fields: String,
        context: String,
        message: String,
    },
    /// The schema has no query root type.
    #[error("the supergraph has no query root type")]
    MissingQueryType,
    /// Removing join/link definitions and `@inaccessible` elements left an invalid schema
    /// (e.g. an accessible field whose type is inaccessible).
    #[error("the api schema derived from the supergraph is invalid: {0}")]
    InvalidApiSchema(String),
    /// An enum value or input field usable as input is missing from a graph that defines its
    /// type: that subgraph could be sent input it does not know.
    #[error(
        "{element} can be sent as input but graph `{graph}` (which defines its type) does not define it; input types must be merged by intersection"
    )]
    InputNotInGraph { element: String, graph: String },
}
