//! Record once, replay many times. [`Recorder`] sends requests to live in-process subgraphs and
//! keeps each response body under the exact request body the HTTP client would send; [`Replay`]
//! answers from those bodies.
//!
//! Replaying still serializes every request and parses every response body, as the gateway does
//! for each real subgraph call, so a benchmark over [`Replay`] times the gateway's whole share
//! of the work and none of the subgraphs'.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::http::HeaderMap;
use serde_json::{Map, Value};

use super::in_process::{InProcess, decode};
use crate::executor::{ExecutionRequest, Response, execute};
use crate::planner::QueryPlan;
use crate::supergraph::Supergraph;
use crate::transport::{SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError};

/// Executes `plan` once against `live`, recording every subgraph response; returns the live
/// response (what a replay must reproduce) and the replay.
pub async fn record(
    supergraph: &Supergraph,
    plan: &QueryPlan,
    variables: &Map<String, Value>,
    live: InProcess,
) -> (Response, Replay) {
    let recorder = Recorder::new(live);
    let headers = HeaderMap::new();
    let response = execute(ExecutionRequest {
        plan,
        supergraph,
        variables,
        client: &recorder,
        introspection: None,
        headers: &headers,
    })
    .await;
    (response, recorder.into_replay())
}

/// A subgraph name and a request body.
type Key = (String, Vec<u8>);

/// The body the HTTP client would send for `request`.
fn request_body(subgraph: &str, request: &SubgraphRequest) -> Result<Vec<u8>, TransportError> {
    serde_json::to_vec(request).map_err(|e| TransportError::InvalidResponse {
        subgraph: subgraph.to_owned(),
        message: e.to_string(),
    })
}

/// Answers through live in-process subgraphs and records every response body.
pub struct Recorder {
    live: InProcess,
    bodies: Mutex<HashMap<Key, Arc<[u8]>>>,
}

impl Recorder {
    /// Records what `live` answers.
    pub fn new(live: InProcess) -> Self {
        Self {
            live,
            bodies: Mutex::new(HashMap::new()),
        }
    }

    /// The recorded bodies, ready to be replayed.
    pub fn into_replay(self) -> Replay {
        let bodies = self
            .bodies
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Replay { bodies }
    }
}

#[async_trait]
impl SubgraphClient for Recorder {
    async fn execute(
        &self,
        subgraph: &str,
        request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        let key = (subgraph.to_owned(), request_body(subgraph, &request)?);
        let body = match self.live.response_body(subgraph, &request).await {
            Some(body) => body?,
            // Only live subgraphs can be recorded: a connection failure has no body to replay.
            None => return Err(TransportError::UnknownSubgraph(subgraph.to_owned())),
        };
        let response = decode(subgraph, &body);
        self.bodies
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(key, body.into());
        response
    }
}

/// Answers each request with the body recorded for the same subgraph and request body.
#[derive(Clone)]
pub struct Replay {
    bodies: HashMap<Key, Arc<[u8]>>,
}

impl Replay {
    /// Distinct requests recorded.
    pub fn len(&self) -> usize {
        self.bodies.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.bodies.is_empty()
    }
}

#[async_trait]
impl SubgraphClient for Replay {
    async fn execute(
        &self,
        subgraph: &str,
        request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        let key = (subgraph.to_owned(), request_body(subgraph, &request)?);
        match self.bodies.get(&key) {
            Some(body) => decode(subgraph, body),
            None => Err(TransportError::InvalidResponse {
                subgraph: subgraph.to_owned(),
                message: "no response recorded for this request".into(),
            }),
        }
    }
}
