//! Stage 3: coerce the request's variable values to the operation's declared types, as the
//! specification's CoerceVariableValues() says (apollo-compiler's implementation).
//!
//! A value that does not coerce is a request error with `BAD_USER_INPUT`: nothing executes.
//! Variables the operation does not declare are dropped; declared ones without a value take
//! their default.

use apollo_compiler::executable::Operation;
use apollo_compiler::request::coerce_variable_values;
use apollo_compiler::response::{JsonMap, JsonValue};
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Schema};
use serde_json::{Map, Value};

use super::RequestFailure;
use crate::error::{ErrorCode, GraphqlError, Location};

/// Coerces `values` for `operation` against the API schema.
pub fn coerce(
    schema: &Valid<Schema>,
    document: &ExecutableDocument,
    operation: &Operation,
    values: Map<String, Value>,
) -> Result<Valid<JsonMap>, RequestFailure> {
    let values = match JsonValue::from(Value::Object(values)) {
        JsonValue::Object(map) => map,
        _ => JsonMap::new(),
    };
    coerce_variable_values(schema, operation, &values).map_err(|error| {
        let json = error.to_graphql_error(&document.sources);
        let locations = json
            .locations
            .iter()
            .map(|l| Location {
                line: l.line,
                column: l.column,
            })
            .collect();
        RequestFailure::from_error(
            ErrorCode::BadUserInput,
            GraphqlError::new(ErrorCode::BadUserInput, json.message).with_locations(locations),
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SCHEMA: &str = r#"
        type Query { user(id: ID!): String, page(filter: Filter, first: Int = 5): String }
        input Filter { name: String!, kind: Kind = A }
        enum Kind { A B }
    "#;

    fn run(query: &str, variables: Value) -> Result<Valid<JsonMap>, Box<GraphqlError>> {
        let schema = Schema::parse_and_validate(SCHEMA, "s.graphql").expect("schema");
        let document =
            ExecutableDocument::parse_and_validate(&schema, query, "q.graphql").expect("doc");
        let operation = document.operations.get(None).expect("operation");
        let Value::Object(variables) = variables else {
            panic!("variables must be an object")
        };
        coerce(&schema, &document, operation, variables)
            .map_err(|mut f| Box::new(f.errors.remove(0)))
    }

    #[test]
    fn valid_values_coerce_and_defaults_apply() {
        let values = run(
            "query($id: ID!, $f: Filter, $n: Int = 3) { user(id: $id) page(filter: $f, first: $n) }",
            json!({"id": 7, "f": {"name": "x"}, "undeclared": true}),
        )
        .expect("coerces");
        let values = serde_json::to_value(&*values).expect("json");
        assert_eq!(
            values,
            json!({"id": 7, "f": {"name": "x", "kind": "A"}, "n": 3})
        );
    }

    #[test]
    fn bad_values_are_bad_user_input() {
        let cases = [
            ("query($id: ID!) { user(id: $id) }", json!({}), "id"),
            (
                "query($id: ID!) { user(id: $id) }",
                json!({"id": null}),
                "id",
            ),
            (
                "query($id: ID!) { user(id: $id) }",
                json!({"id": 1.5}),
                "id",
            ),
            (
                "query($n: Int) { page(first: $n) }",
                json!({"n": 3_000_000_000_i64}),
                "n",
            ),
            (
                "query($f: Filter) { page(filter: $f) }",
                json!({"f": {"name": "x", "kind": "C"}}),
                "kind",
            ),
            (
                "query($f: Filter) { page(filter: $f) }",
                json!({"f": {}}),
                "name",
            ),
            (
                "query($f: Filter) { page(filter: $f) }",
                json!({"f": {"name": "x", "zz": 1}}),
                "zz",
            ),
        ];
        for (query, variables, needle) in cases {
            let error = run(query, variables.clone()).unwrap_err();
            assert_eq!(error.code(), Some("BAD_USER_INPUT"), "{query} {variables}");
            assert!(
                error.message.contains(needle),
                "{query} {variables}: {}",
                error.message
            );
        }
    }

    #[test]
    fn a_missing_variable_points_at_its_definition() {
        let error = run("query(\n  $id: ID!\n) { user(id: $id) }", json!({})).unwrap_err();
        assert_eq!(error.locations, vec![Location { line: 2, column: 3 }]);
    }
}
