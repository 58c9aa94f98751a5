//! Stage 1: HTTP → [`GraphqlRequest`].
//!
//! Accepts what the GraphQL-over-HTTP draft describes: `POST` with an `application/json` body
//! (one request object, or an array of them for a batch) and `GET` with `query`, `variables`
//! (JSON), `operationName` and `extensions` (JSON) in the query string. Anything else is a
//! [`DecodeError`]: the request is not a well-formed GraphQL-over-HTTP request, so it gets a
//! 4xx whatever the client accepts.

use serde_json::{Map, Value};

/// One GraphQL request as the client sent it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphqlRequest {
    /// The document text.
    pub query: String,
    /// Which operation of the document to run.
    pub operation_name: Option<String>,
    /// Raw variable values; coerced against the operation in the `variables` stage.
    pub variables: Map<String, Value>,
    /// Protocol extensions; kept for future use (persisted queries), not interpreted yet.
    pub extensions: Map<String, Value>,
}

/// A decoded `POST` body: one request, or a batch whose items decode independently so one bad
/// item does not fail its neighbours.
#[derive(Debug)]
pub enum DecodedBody {
    Single(GraphqlRequest),
    Batch(Vec<Result<GraphqlRequest, DecodeError>>),
}

/// Why an HTTP request is not a GraphQL request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    #[error("unsupported content type `{0}`: send application/json")]
    UnsupportedMediaType(String),
    #[error("missing content type: send application/json")]
    MissingContentType,
    #[error("request body is not valid JSON: {0}")]
    InvalidJson(String),
    #[error("a GraphQL request must be a JSON object")]
    NotAnObject,
    #[error("missing `query` in the request")]
    MissingQuery,
    #[error("`{0}` must be {1}")]
    WrongType(&'static str, &'static str),
    #[error("`{0}` in the query string is not valid JSON: {1}")]
    InvalidJsonParameter(&'static str, String),
    #[error("invalid query string: {0}")]
    InvalidQueryString(String),
    #[error("a batch must hold at least one request")]
    EmptyBatch,
    #[error("a batch may hold at most {max} requests, this one holds {len}")]
    BatchTooLarge { len: usize, max: usize },
}

impl DecodeError {
    /// 415 for a body the gateway cannot read at all, 400 for everything else.
    pub fn http_status(&self) -> u16 {
        match self {
            DecodeError::UnsupportedMediaType(_) | DecodeError::MissingContentType => 415,
            _ => 400,
        }
    }
}

/// Checks that a `POST` body is JSON. Only `application/json` (any `charset` must be utf-8)
/// is a GraphQL request media type; `application/graphql` and forms are refused.
pub fn check_content_type(content_type: Option<&str>) -> Result<(), DecodeError> {
    let Some(content_type) = content_type else {
        return Err(DecodeError::MissingContentType);
    };
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let utf8 = parts.all(|param| match param.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    });
    if essence == "application/json" && utf8 {
        Ok(())
    } else {
        Err(DecodeError::UnsupportedMediaType(content_type.to_owned()))
    }
}

/// Decodes a `POST` body (content type already checked).
pub fn decode_post(body: &[u8], max_batch_size: usize) -> Result<DecodedBody, DecodeError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| DecodeError::InvalidJson(e.to_string()))?;
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                return Err(DecodeError::EmptyBatch);
            }
            if items.len() > max_batch_size {
                return Err(DecodeError::BatchTooLarge {
                    len: items.len(),
                    max: max_batch_size,
                });
            }
            Ok(DecodedBody::Batch(
                items.into_iter().map(from_json).collect(),
            ))
        }
        value => from_json(value).map(DecodedBody::Single),
    }
}

/// Decodes one request object of a `POST` body.
fn from_json(value: Value) -> Result<GraphqlRequest, DecodeError> {
    let Value::Object(mut object) = value else {
        return Err(DecodeError::NotAnObject);
    };
    let query = match object.remove("query") {
        Some(Value::String(query)) => query,
        None | Some(Value::Null) => return Err(DecodeError::MissingQuery),
        Some(_) => return Err(DecodeError::WrongType("query", "a string")),
    };
    let operation_name = match object.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => return Err(DecodeError::WrongType("operationName", "a string or null")),
    };
    let variables = json_object(object.remove("variables"), "variables")?;
    let extensions = json_object(object.remove("extensions"), "extensions")?;
    Ok(GraphqlRequest {
        query,
        operation_name,
        variables,
        extensions,
    })
}

fn json_object(
    value: Option<Value>,
    name: &'static str,
) -> Result<Map<String, Value>, DecodeError> {
    match value {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(DecodeError::WrongType(name, "an object or null")),
    }
}

/// Decodes the query string of a `GET` request.
pub fn decode_get(query_string: Option<&str>) -> Result<GraphqlRequest, DecodeError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query_string.unwrap_or_default())
        .map_err(|e| DecodeError::InvalidQueryString(e.to_string()))?;
    let mut request = GraphqlRequest::default();
    let mut query = None;
    for (key, value) in pairs {
        match key.as_str() {
            "query" => query = Some(value),
            "operationName" if !value.is_empty() => request.operation_name = Some(value),
            "variables" if !value.is_empty() => {
                request.variables = json_parameter(&value, "variables")?;
            }
            "extensions" if !value.is_empty() => {
                request.extensions = json_parameter(&value, "extensions")?;
            }
            _ => {}
        }
    }
    request.query = query.ok_or(DecodeError::MissingQuery)?;
    Ok(request)
}

fn json_parameter(text: &str, name: &'static str) -> Result<Map<String, Value>, DecodeError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| DecodeError::InvalidJsonParameter(name, e.to_string()))?;
    json_object(Some(value), name)
}

/// Whether a `GET` query string carries a `query` parameter; without one, a browser gets
/// GraphiQL instead of an error.
pub fn has_query_parameter(query_string: Option<&str>) -> bool {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query_string.unwrap_or_default())
        .map(|pairs| pairs.iter().any(|(k, _)| k == "query"))
        .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn content_type_must_be_json() {
        assert_eq!(check_content_type(Some("application/json")), Ok(()));
        assert_eq!(
            check_content_type(Some("Application/JSON; charset=UTF-8")),
            Ok(())
        );
        assert_eq!(
            check_content_type(None),
            Err(DecodeError::MissingContentType)
        );
        for refused in [
            "application/graphql",
            "text/plain",
            "application/json; charset=latin1",
        ] {
            assert!(matches!(
                check_content_type(Some(refused)),
                Err(DecodeError::UnsupportedMediaType(_))
            ));
        }
    }

    #[test]
    fn single_request_with_every_member() {
        let body = json!({
            "query": "query Q($id: ID!) { user(id: $id) { name } }",
            "operationName": "Q",
            "variables": {"id": "1"},
            "extensions": {"x": 1},
            "unknown": "ignored"
        });
        let DecodedBody::Single(request) =
            decode_post(body.to_string().as_bytes(), 8).expect("decodes")
        else {
            panic!("expected a single request");
        };
        assert_eq!(request.operation_name.as_deref(), Some("Q"));
        assert_eq!(request.variables.get("id"), Some(&json!("1")));
        assert_eq!(request.extensions.get("x"), Some(&json!(1)));
    }

    #[test]
    fn batch_items_fail_independently() {
        let body = json!([{"query": "{ a }"}, {"nope": 1}, 3]);
        let DecodedBody::Batch(items) =
            decode_post(body.to_string().as_bytes(), 8).expect("decodes")
        else {
            panic!("expected a batch");
        };
        assert!(items[0].is_ok());
        assert_eq!(items[1], Err(DecodeError::MissingQuery));
        assert_eq!(items[2], Err(DecodeError::NotAnObject));
    }

    #[test]
    fn malformed_bodies() {
        assert!(matches!(
            decode_post(b"{", 8),
            Err(DecodeError::InvalidJson(_))
        ));
        assert_eq!(decode_post(b"[]", 8).unwrap_err(), DecodeError::EmptyBatch);
        assert_eq!(
            decode_post(b"[{\"query\":\"{a}\"},{\"query\":\"{a}\"}]", 1).unwrap_err(),
            DecodeError::BatchTooLarge { len: 2, max: 1 }
        );
        assert_eq!(
            decode_post(br#"{"query": 1}"#, 8).unwrap_err(),
            DecodeError::WrongType("query", "a string")
        );
        assert_eq!(
            decode_post(br#"{"query": "{a}", "variables": [1]}"#, 8).unwrap_err(),
            DecodeError::WrongType("variables", "an object or null")
        );
        assert_eq!(
            decode_post(br#"{"query": null}"#, 8).unwrap_err(),
            DecodeError::MissingQuery
        );
    }

    #[test]
    fn get_query_string() {
        let request = decode_get(Some(
            "query=query%20Q(%24id%3A%20ID!)%20%7B%20a%20%7D&variables=%7B%22id%22%3A%221%22%7D&operationName=Q",
        ))
        .expect("decodes");
        assert_eq!(request.query, "query Q($id: ID!) { a }");
        assert_eq!(request.operation_name.as_deref(), Some("Q"));
        assert_eq!(request.variables.get("id"), Some(&json!("1")));
        assert_eq!(
            decode_get(Some("variables=%7B%7D")).unwrap_err(),
            DecodeError::MissingQuery
        );
        assert!(matches!(
            decode_get(Some("query=%7Ba%7D&variables=%7B")),
            Err(DecodeError::InvalidJsonParameter("variables", _))
        ));
        assert!(has_query_parameter(Some("query=x")));
        assert!(!has_query_parameter(Some("foo=x")));
        assert!(!has_query_parameter(None));
    }
}
