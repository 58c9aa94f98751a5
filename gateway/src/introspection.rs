//! Answers the root introspection fields `__schema` and `__type` from the **API schema**, so
//! clients see exactly what they may query: no `join__*` machinery, no `@inaccessible`
//! element.
//!
//! apollo-compiler's `introspection::partial_execute` does the work; concrete root fields are
//! skipped there and planned as usual. Its depth check runs first, restricted to the
//! introspection part of the operation: the check goes by field *names* (`fields`,
//! `interfaces`, ...), and a client's own type may well have a field called `fields`.

use apollo_compiler::collections::HashMap;
use apollo_compiler::executable::{Operation, Selection};
use apollo_compiler::introspection::{check_max_depth, partial_execute};
use apollo_compiler::response::{JsonMap, JsonValue, ResponseDataPathSegment};
use apollo_compiler::schema::Implementers;
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Name, Schema};
use serde_json::{Map, Number, Value};

use crate::error::{ErrorCode, GraphqlError, Location, PathSegment};

/// Introspection over one API schema, with the implementers map computed once.
pub struct Introspection {
    implementers: HashMap<Name, Implementers>,
}

/// The introspection part of a response: data keyed by the client's response keys.
#[derive(Debug, Default)]
pub struct IntrospectionResult {
    /// Values of the root `__schema`/`__type` response keys (and root `__typename`).
    pub data: Map<String, Value>,
    /// Field errors raised while resolving them.
    pub errors: Vec<GraphqlError>,
}

impl Introspection {
    /// Prepares introspection for `schema`.
    pub fn new(schema: &Valid<Schema>) -> Self {
        Self {
            implementers: schema.implementers_map(),
        }
    }

    /// Whether `operation` selects `__schema` or `__type` at its root (through fragments too).
    pub fn is_requested(document: &ExecutableDocument, operation: &Operation) -> bool {
        operation.is_query()
            && operation
                .root_fields(document)
                .any(|field| matches!(field.name.as_str(), "__schema" | "__type"))
    }

    /// Resolves the root introspection fields of `operation`, or `None` when it has none.
    ///
    /// A request error (the depth limit) comes back as `Err`: nothing may execute then.
    pub fn execute(
        &self,
        schema: &Valid<Schema>,
        document: &Valid<ExecutableDocument>,
        operation: &Operation,
        variables: &Valid<JsonMap>,
    ) -> Result<Option<IntrospectionResult>, Box<GraphqlError>> {
        if !Self::is_requested(document, operation) {
            return Ok(None);
        }
        let mut introspection_only = operation.clone();
        introspection_only
            .selection_set
            .selections
            .retain(|selection| match selection {
                Selection::Field(field) => matches!(field.name.as_str(), "__schema" | "__type"),
                Selection::FragmentSpread(_) | Selection::InlineFragment(_) => true,
            });
        check_max_depth(document, &introspection_only)
            .map_err(|e| request_error(&e.to_graphql_error(&document.sources)))?;
        let response = partial_execute(schema, &self.implementers, document, operation, variables)
            .map_err(|e| request_error(&e.to_graphql_error(&document.sources)))?;
        let data = response.data.map(object_to_serde).unwrap_or_default();
        let errors = response
            .errors
            .iter()
            .map(|e| {
                let path = e
                    .path
                    .iter()
                    .map(|segment| match segment {
                        ResponseDataPathSegment::Field(name) => PathSegment::Key(name.to_string()),
                        ResponseDataPathSegment::ListIndex(i) => PathSegment::Index(*i),
                    })
                    .collect();
                GraphqlError::new(ErrorCode::InternalServerError, e.message.clone())
                    .with_locations(locations(e))
                    .with_path(path)
            })
            .collect();
        Ok(Some(IntrospectionResult { data, errors }))
    }
}

fn request_error(error: &apollo_compiler::response::GraphQLError) -> GraphqlError {
    GraphqlError::new(
        ErrorCode::GraphqlValidationFailed,
        error.message.to_lowercase(),
    )
    .with_locations(locations(error))
}

fn locations(error: &apollo_compiler::response::GraphQLError) -> Vec<Location> {
    error
        .locations
        .iter()
        .map(|l| Location {
            line: l.line,
            column: l.column,
        })
        .collect()
}

/// Converts apollo-compiler's JSON (byte-string based) into `serde_json`, keeping key order.
pub fn object_to_serde(map: JsonMap) -> Map<String, Value> {
    map.into_iter()
        .map(|(k, v)| (k.as_str().to_owned(), value_to_serde(v)))
        .collect()
}

fn value_to_serde(value: JsonValue) -> Value {
    match value {
        JsonValue::Null => Value::Null,
        JsonValue::Bool(b) => Value::Bool(b),
        JsonValue::Number(n) => Value::Number(Number::clone(&n)),
        JsonValue::String(s) => Value::String(s.as_str().to_owned()),
        JsonValue::Array(items) => Value::Array(items.into_iter().map(value_to_serde).collect()),
        JsonValue::Object(map) => Value::Object(object_to_serde(map)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SCHEMA: &str = r#"
        "The root"
        type Query { thing: Thing, things: [Thing!]! }
        type Thing { id: ID!, fields: [Thing!]! @deprecated(reason: "use id") }
    "#;

    fn run(query: &str) -> Result<Option<IntrospectionResult>, Box<GraphqlError>> {
        let schema = Schema::parse_and_validate(SCHEMA, "s.graphql").expect("schema");
        let document =
            ExecutableDocument::parse_and_validate(&schema, query, "q.graphql").expect("doc");
        let operation = document.operations.get(None).expect("operation");
        let variables = Valid::assume_valid(JsonMap::new());
        Introspection::new(&schema).execute(&schema, &document, operation, &variables)
    }

    #[test]
    fn answers_type_and_schema_by_response_key() {
        let result = run(r#"{ t: __type(name: "Thing") { name fields(includeDeprecated: true) { name isDeprecated } } things { id } }"#)
            .expect("ok")
            .expect("introspection requested");
        assert!(result.errors.is_empty());
        assert_eq!(
            Value::Object(result.data),
            json!({"t": {"name": "Thing", "fields": [
                {"name": "id", "isDeprecated": false},
                {"name": "fields", "isDeprecated": true}
            ]}})
        );
    }

    #[test]
    fn nothing_to_do_without_root_introspection() {
        assert!(run("{ things { id __typename } }").expect("ok").is_none());
    }

    #[test]
    fn client_fields_named_like_introspection_do_not_trip_the_depth_limit() {
        assert!(
            run("{ things { fields { fields { fields { fields { id } } } } } }")
                .expect("ok")
                .is_none()
        );
        assert!(
            run("{ __schema { queryType { name } } things { fields { fields { fields { fields { id } } } } } }")
                .expect("ok")
                .is_some()
        );
    }

    #[test]
    fn deep_introspection_is_refused() {
        let error = run(
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
        )
        .unwrap_err();
        assert_eq!(error.code(), Some("GRAPHQL_VALIDATION_FAILED"));
        assert!(error.message.contains("depth"), "{}", error.message);
    }
}
