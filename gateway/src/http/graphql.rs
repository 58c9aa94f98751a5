//! `POST /graphql` and `GET /graphql`: GraphQL over HTTP.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::HttpError;
use super::negotiate::{ResponseFormat, negotiate, wants_html};
use super::state::AppState;
use crate::error::ErrorCode;
use crate::pipeline::decode::{self, DecodedBody};
use crate::pipeline::{self, HttpMethod, Outcome, RequestFailure, RequestOptions};

/// Request header asking for the query plan in `extensions.queryPlan`.
pub const INCLUDE_QUERY_PLAN_HEADER: &str = "tessera-include-query-plan";

/// `POST /graphql`: one request object or a batch (JSON array).
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(format) = negotiate(header_str(&headers, header::ACCEPT)) else {
        return HttpError::NotAcceptable.into_response();
    };
    // Only JSON bodies are taken, so every simple (form, text) POST already ends here with a
    // 415; the CSRF check after it keeps that true if other body types are ever accepted.
    if let Err(e) = decode::check_content_type(header_str(&headers, header::CONTENT_TYPE)) {
        return HttpError::from(e).respond(format);
    }
    if let Err(e) = state.settings().csrf.check(HttpMethod::Post, &headers) {
        return HttpError::from(e).respond(format);
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return HttpError::PayloadTooLarge {
                limit: state.settings().body_limit,
            }
            .respond(format);
        }
        Err(_) => return HttpError::BodyRead.respond(format),
    };
    let decoded = match decode::decode_post(&body, state.settings().max_batch_size) {
        Ok(decoded) => decoded,
        Err(e) => return HttpError::from(e).respond(format),
    };
    let Some(engine) = state.engine() else {
        return HttpError::NotReady.respond(format);
    };
    let forwarded = forwarded_headers(&headers);
    let options = RequestOptions {
        method: HttpMethod::Post,
        include_query_plan: include_query_plan(&state, &headers),
        forwarded_headers: &forwarded,
    };
    match decoded {
        DecodedBody::Single(request) => {
            let outcome = pipeline::execute(&engine, request, options).await;
            respond(&outcome, format)
        }
        DecodedBody::Batch(items) => {
            // One after the other, in order: a batch may mix mutations and the queries that
            // read their effects.
            let mut outcomes = Vec::with_capacity(items.len());
            for item in items {
                outcomes.push(match item {
                    Ok(request) => pipeline::execute(&engine, request, options).await,
                    Err(e) => Outcome::RequestError(RequestFailure::new(
                        ErrorCode::BadRequest,
                        e.to_string(),
                    )),
                });
            }
            // A batch is not in the GraphQL-over-HTTP draft: each item carries its own errors
            // and the batch as a whole succeeded.
            json_response(StatusCode::OK, format, &outcomes)
        }
    }
}

/// `GET /graphql`: a query in the query string, or GraphiQL for a browser.
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query_string): RawQuery,
) -> Response {
    let accept = header_str(&headers, header::ACCEPT);
    if let Some(playground) = state.playground()
        && !decode::has_query_parameter(query_string.as_deref())
        && wants_html(accept)
    {
        return playground.page();
    }
    let Some(format) = negotiate(accept) else {
        return HttpError::NotAcceptable.into_response();
    };
    if let Err(e) = state.settings().csrf.check(HttpMethod::Get, &headers) {
        return HttpError::from(e).respond(format);
    }
    let request = match decode::decode_get(query_string.as_deref()) {
        Ok(request) => request,
        Err(e) => return HttpError::from(e).respond(format),
    };
    let Some(engine) = state.engine() else {
        return HttpError::NotReady.respond(format);
    };
    let forwarded = forwarded_headers(&headers);
    let options = RequestOptions {
        method: HttpMethod::Get,
        include_query_plan: include_query_plan(&state, &headers),
        forwarded_headers: &forwarded,
    };
    let outcome = pipeline::execute(&engine, request, options).await;
    respond(&outcome, format)
}

/// The status of a single response:
/// - a mutation over GET: 405 with `Allow: POST`, whatever the format;
/// - other request errors: their code's status for `application/graphql-response+json`, 200
///   for `application/json`;
/// - an executed operation: 200.
fn respond(outcome: &Outcome, format: ResponseFormat) -> Response {
    match outcome {
        Outcome::Response(_) => json_response(StatusCode::OK, format, outcome),
        Outcome::RequestError(failure) if failure.code == ErrorCode::MethodNotAllowed => {
            let mut response = json_response(StatusCode::METHOD_NOT_ALLOWED, format, outcome);
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            response
        }
        Outcome::RequestError(failure) => {
            let status = match format {
                ResponseFormat::Json => StatusCode::OK,
                ResponseFormat::GraphqlResponseJson => {
                    StatusCode::from_u16(failure.code.http_status())
                        .unwrap_or(StatusCode::BAD_REQUEST)
                }
            };
            json_response(status, format, outcome)
        }
    }
}

fn json_response(status: StatusCode, format: ResponseFormat, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            );
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot serialize a response");
            (StatusCode::INTERNAL_SERVER_ERROR, "").into_response()
        }
    }
}

fn include_query_plan(state: &AppState, headers: &HeaderMap) -> bool {
    state.settings().expose_query_plan
        && headers
            .get(INCLUDE_QUERY_PLAN_HEADER)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// Headers passed on to subgraphs: `authorization` only. Identity flows to the subgraphs,
/// which verify the token themselves; nothing else the client sends reaches them.
fn forwarded_headers(headers: &HeaderMap) -> HeaderMap {
    let mut forwarded = HeaderMap::new();
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        forwarded.insert(header::AUTHORIZATION, value.clone());
    }
    forwarded
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
