//! Stage 2: parse and validate the document against the **API schema**, then pick the
//! operation to run.
//!
//! Every rule of the GraphQL specification is applied (apollo-compiler's executable document
//! validation). A document that fails never gets past this stage, so no subgraph ever sees it.
//! Validated documents are cached by a SHA-256 of the query text: a cryptographic hash, so a
//! client cannot craft a colliding text and be served another client's document.

use std::fmt;
use std::sync::Arc;

use apollo_compiler::executable::Operation;
use apollo_compiler::parser::Parser;
use apollo_compiler::validation::{DiagnosticList, Valid};
use apollo_compiler::{ExecutableDocument, Node, Schema};
use sha2::{Digest, Sha256};

use super::RequestFailure;
use super::cache::BoundedCache;
use super::limits::{self, OperationLimits};
use crate::error::{ErrorCode, GraphqlError, Location};

/// SHA-256 of a query text: the key of the document cache, and with the operation name, of
/// the plan cache.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentHash([u8; 32]);

impl DocumentHash {
    /// Hashes a query text.
    pub fn of(query: &str) -> Self {
        Self(Sha256::digest(query.as_bytes()).into())
    }
}

impl fmt::Display for DocumentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for DocumentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentHash({self})")
    }
}

/// A document that parsed and validated against the API schema.
#[derive(Debug)]
pub struct ValidatedDocument {
    /// Hash of the query text it came from.
    pub hash: DocumentHash,
    /// The document itself.
    pub document: Valid<ExecutableDocument>,
}

/// Bounds applied while parsing, so a hostile document cannot exhaust the stack or CPU.
#[derive(Debug, Clone, Copy)]
pub struct ParserLimits {
    /// Deepest nesting accepted.
    pub recursion: usize,
    /// Most tokens accepted.
    pub tokens: usize,
}

/// The validated-document cache.
pub type DocumentCache = BoundedCache<DocumentHash, Arc<ValidatedDocument>>;

/// Query texts longer than this are validated every time instead of cached: the cache is
/// bounded by entry count, and a few thousand megabyte-sized documents (mostly comments, say)
/// must not be able to pin gigabytes.
pub const MAX_CACHED_QUERY_BYTES: usize = 64 * 1024;

/// Parses and validates `query` against `schema`, answering from `cache` when it can.
///
/// Errors carry `locations` and `GRAPHQL_PARSE_FAILED` (syntax), `MAX_TOKENS_LIMIT` or
/// `MAX_PARSER_RECURSION_LIMIT` (parser limits), one of the [operation limits](limits)' codes,
/// or `GRAPHQL_VALIDATION_FAILED` (every rule of the specification). The operation limits are
/// checked before validation, whose cost they bound.
pub fn validate(
    schema: &Valid<Schema>,
    cache: &DocumentCache,
    limits: ParserLimits,
    operation_limits: &OperationLimits,
    query: &str,
) -> Result<Arc<ValidatedDocument>, RequestFailure> {
    let hash = DocumentHash::of(query);
    let compute = || {
        let mut parser = Parser::new()
            .recursion_limit(limits.recursion)
            .token_limit(limits.tokens);
        let ast = parser.parse_ast(query, "query.graphql").map_err(|e| {
            let code = if parser.recursion_reached() >= limits.recursion {
                ErrorCode::MaxParserRecursionLimit
            } else if parser.tokens_reached() >= limits.tokens {
                ErrorCode::MaxTokensLimit
            } else {
                ErrorCode::GraphqlParseFailed
            };
            to_errors(&e.errors, code)
        })?;
        limits::check(&ast, operation_limits)?;
        let document = ast
            .to_executable_validate(schema)
            .map_err(|e| to_errors(&e.errors, ErrorCode::GraphqlValidationFailed))?;
        Ok(Arc::new(ValidatedDocument { hash, document }))
    };
    if query.len() > MAX_CACHED_QUERY_BYTES {
        return compute();
    }
    cache.get_or_try_insert(hash, compute)
}

fn to_errors(diagnostics: &DiagnosticList, code: ErrorCode) -> RequestFailure {
    let errors = diagnostics
        .iter()
        .map(|diagnostic| {
            let json = diagnostic.to_json();
            let locations = json
                .locations
                .iter()
                .map(|l| Location {
                    line: l.line,
                    column: l.column,
                })
                .collect();
            GraphqlError::new(code, json.message).with_locations(locations)
        })
        .collect();
    RequestFailure { code, errors }
}

/// Picks the operation to run: the one named `operation_name`, or the only one.
///
/// `OPERATION_NOT_FOUND` when the name matches nothing, or when no name is given and the
/// document holds several operations.
pub fn select_operation<'a>(
    document: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Result<&'a Node<Operation>, RequestFailure> {
    let operations = &document.operations;
    match operation_name {
        Some(name) => operations.named.get(name).ok_or_else(|| {
            RequestFailure::new(
                ErrorCode::OperationNotFound,
                format!("no operation named `{name}` in the document"),
            )
        }),
        None => match (&operations.anonymous, operations.named.len()) {
            (Some(operation), 0) => Ok(operation),
            (None, 1) => operations.named.values().next().ok_or_else(ambiguous),
            (None, 0) => Err(RequestFailure::new(
                ErrorCode::OperationNotFound,
                "the document holds no operation",
            )),
            _ => Err(ambiguous()),
        },
    }
}

fn ambiguous() -> RequestFailure {
    RequestFailure::new(
        ErrorCode::OperationNotFound,
        "the document holds several operations: say which to run with `operationName`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"
        type Query { user(id: ID!): User, users(first: Int = 10): [User!]! }
        type User { id: ID!, name: String! }
        type Mutation { rename(id: ID!, name: String!): User }
    "#;

    const LIMITS: ParserLimits = ParserLimits {
        recursion: 100,
        tokens: 1000,
    };
    const OPS: OperationLimits = OperationLimits {
        max_depth: 64,
        max_aliases: 256,
        max_root_fields: 64,
        max_directives: 256,
        max_fragment_expansion: 20_000,
    };

    fn schema() -> Valid<Schema> {
        Schema::parse_and_validate(SCHEMA, "schema.graphql").expect("valid schema")
    }

    #[test]
    fn valid_documents_are_cached_by_hash() {
        let schema = schema();
        let cache = DocumentCache::new(10);
        let a = validate(&schema, &cache, LIMITS, &OPS, "{ users { name } }").expect("valid");
        let b = validate(&schema, &cache, LIMITS, &OPS, "{ users { name } }").expect("valid");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!((cache.hits(), cache.misses()), (1, 1));
        // A different text is a different document, even if it means the same.
        validate(&schema, &cache, LIMITS, &OPS, "{users{name}}").expect("valid");
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn syntax_errors_are_parse_failures_with_locations() {
        let schema = schema();
        let errors = validate(
            &schema,
            &DocumentCache::new(10),
            LIMITS,
            &OPS,
            "{ users { name }",
        )
        .unwrap_err()
        .errors;
        assert!(!errors.is_empty());
        assert!(
            errors
                .iter()
                .all(|e| e.code() == Some("GRAPHQL_PARSE_FAILED"))
        );
        assert!(errors.iter().all(|e| !e.locations.is_empty()), "{errors:?}");
    }

    #[test]
    fn rule_violations_are_validation_failures_with_locations() {
        let schema = schema();
        let cache = DocumentCache::new(10);
        let errors = validate(&schema, &cache, LIMITS, &OPS, "{\n  users { nope }\n}")
            .unwrap_err()
            .errors;
        assert!(
            errors
                .iter()
                .all(|e| e.code() == Some("GRAPHQL_VALIDATION_FAILED"))
        );
        let unknown = errors
            .iter()
            .find(|e| e.message.contains("nope"))
            .expect("names the field");
        assert_eq!(
            unknown.locations,
            vec![Location {
                line: 2,
                column: 11
            }]
        );
        // Invalid documents are not cached.
        assert!(cache.is_empty());
        // Variables, fragments and argument rules are all applied.
        for bad in [
            "query($id: ID) { user(id: $id) { name } }",
            "{ user { name } }",
            "{ users { ...F } }",
            "query { users { name } } query { users { id } }",
            "{ users(first: \"x\") { name } }",
        ] {
            assert!(
                validate(&schema, &cache, LIMITS, &OPS, bad).is_err(),
                "{bad} must not validate"
            );
        }
    }

    #[test]
    fn huge_texts_are_validated_but_not_cached() {
        let schema = schema();
        let cache = DocumentCache::new(10);
        let query = format!(
            "{{ users {{ name }} }} # {}",
            "x".repeat(MAX_CACHED_QUERY_BYTES)
        );
        validate(&schema, &cache, LIMITS, &OPS, &query).expect("valid");
        assert!(cache.is_empty());
    }

    #[test]
    fn parser_limits_refuse_huge_documents() {
        let schema = schema();
        let deep = format!("{}{}", "{ users ".repeat(200), "}".repeat(200));
        let errors = validate(&schema, &DocumentCache::new(10), LIMITS, &OPS, &deep)
            .unwrap_err()
            .errors;
        assert_eq!(errors[0].code(), Some("MAX_PARSER_RECURSION_LIMIT"));
        let long = format!("{{ {} }}", "users { id } ".repeat(300));
        let failure = validate(&schema, &DocumentCache::new(10), LIMITS, &OPS, &long).unwrap_err();
        assert_eq!(failure.code, ErrorCode::MaxTokensLimit);
        assert_eq!(failure.errors[0].code(), Some("MAX_TOKENS_LIMIT"));
    }

    #[test]
    fn operation_limits_apply_before_validation_and_are_not_cached() {
        let schema = schema();
        let cache = DocumentCache::new(10);
        let tight = OperationLimits {
            max_root_fields: 1,
            ..OPS
        };
        let failure = validate(
            &schema,
            &cache,
            LIMITS,
            &tight,
            "{ a: users { id } b: users { id } }",
        )
        .unwrap_err();
        assert_eq!(failure.code, ErrorCode::MaxRootFieldsLimit);
        assert_eq!(
            failure.errors[0].locations,
            vec![Location { line: 1, column: 1 }]
        );
        assert!(cache.is_empty());
        // The limits come before the rules: an invalid document over a limit gets the limit's
        // code, never reaching validation.
        let failure = validate(&schema, &cache, LIMITS, &tight, "{ nope a: nope }").unwrap_err();
        assert_eq!(failure.code, ErrorCode::MaxRootFieldsLimit);
    }

    #[test]
    fn operation_selection() {
        let schema = schema();
        let cache = DocumentCache::new(10);
        let doc = validate(
            &schema,
            &cache,
            LIMITS,
            &OPS,
            "query A { users { id } } query B { users { name } }",
        )
        .expect("valid");
        assert_eq!(
            select_operation(&doc.document, Some("B"))
                .expect("found")
                .name
                .as_deref(),
            Some("B")
        );
        let missing = select_operation(&doc.document, Some("C")).unwrap_err();
        assert_eq!(missing.code, ErrorCode::OperationNotFound);
        assert_eq!(missing.errors[0].code(), Some("OPERATION_NOT_FOUND"));
        let ambiguous = select_operation(&doc.document, None).unwrap_err();
        assert_eq!(ambiguous.code, ErrorCode::OperationNotFound);
        let single =
            validate(&schema, &cache, LIMITS, &OPS, "query Only { users { id } }").expect("valid");
        assert!(select_operation(&single.document, None).is_ok());
        let anonymous = validate(&schema, &cache, LIMITS, &OPS, "{ users { id } }").expect("valid");
        assert!(select_operation(&anonymous.document, None).is_ok());
    }
}
