//! The production [`SubgraphClient`]: one pooled keep-alive `reqwest` client shared by every
//! subgraph, JSON bodies, a per-request timeout, a response size limit and, when enabled,
//! in-flight deduplication of identical queries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use axum::http::{HeaderMap, HeaderValue, header};
use bytes::Bytes;
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use super::{SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError};
use crate::supergraph::Supergraph;

/// Tuning of the subgraph HTTP client.
#[derive(Debug, Clone)]
pub struct HttpClientConfig {
    /// Whole-request timeout (connect, send, receive).
    pub timeout: Duration,
    /// Connection establishment timeout.
    pub connect_timeout: Duration,
    /// How long an idle pooled connection is kept.
    pub pool_idle_timeout: Duration,
    /// Idle connections kept per subgraph host.
    pub pool_max_idle_per_host: usize,
    /// Largest response body accepted; a subgraph cannot make the gateway buffer more.
    pub max_response_bytes: usize,
    /// Share one subgraph call between identical queries in flight at the same time (same
    /// subgraph, body and forwarded headers). Mutations are never shared.
    pub deduplicate: bool,
}

impl Default for HttpClientConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 256,
            max_response_bytes: 64 * 1024 * 1024,
            deduplicate: true,
        }
    }
}

/// Sends subgraph requests over HTTP/1.1 keep-alive connections from one shared pool.
#[derive(Debug, Clone)]
pub struct HttpSubgraphClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: reqwest::Client,
    /// Parsed once here rather than on every request (`None` if it does not parse: requests
    /// to that subgraph then fail, the others are served). The string form is for errors.
    urls: HashMap<String, (Option<reqwest::Url>, String)>,
    max_response_bytes: usize,
    /// `None` when deduplication is off.
    in_flight: Option<InFlight>,
}

/// What a shared call resolves to: cheap to clone for every waiter.
type SharedResult = Result<Arc<SubgraphResponse>, Arc<TransportError>>;

/// One call in flight: its id (so only its own leader removes it) and its shared answer.
type Call = (u64, Shared<BoxFuture<'static, SharedResult>>);

/// Identical requests: the same subgraph, body bytes and forwarded headers. The whole body is
/// the key (not a hash of it), so two different requests can never share an answer.
#[derive(Debug, PartialEq, Eq, Hash)]
struct InFlightKey {
    subgraph: String,
    body: Bytes,
    headers: Vec<(String, HeaderValue)>,
}

/// The queries being sent right now, by key; an entry lives from the first request's send to
/// its answer, and any identical request arriving meanwhile awaits that answer.
#[derive(Debug, Default)]
struct InFlight {
    calls: Mutex<HashMap<Arc<InFlightKey>, Call>>,
    next_id: std::sync::atomic::AtomicU64,
}

/// Removes an in-flight entry when its leader finishes or is dropped, unless a newer call took
/// the key meanwhile.
struct EntryGuard<'a> {
    in_flight: &'a InFlight,
    key: Arc<InFlightKey>,
    id: u64,
}

impl InFlight {
    /// Forgets call `id` of `key`, unless a newer call took the key meanwhile.
    fn remove(&self, key: &InFlightKey, id: u64) {
        let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        if calls.get(key).is_some_and(|(current, _)| *current == id) {
            calls.remove(key);
        }
    }
}

/// A leader dropped before its answer arrived (its client went away) must not leave the
/// entry behind; waiters still hold the call and drive it themselves.
impl Drop for EntryGuard<'_> {
    fn drop(&mut self) {
        self.in_flight.remove(&self.key, self.id);
    }
}

const ACCEPT: &str = "application/graphql-response+json, application/json";

impl HttpSubgraphClient {
    /// A client for these `(subgraph name, url)` pairs.
    pub fn new(
        urls: impl IntoIterator<Item = (String, String)>,
        config: &HttpClientConfig,
    ) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(config.pool_idle_timeout)
            .pool_max_idle_per_host(config.pool_max_idle_per_host)
            .tcp_nodelay(true)
            .http1_only()
            // A subgraph answers at its URL; a redirect is a misconfiguration to report, not
            // to follow (following it would resend the body and credentials elsewhere).
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(TransportError::Client)?;
        let urls = urls
            .into_iter()
            .map(|(name, url)| (name, (reqwest::Url::parse(&url).ok(), url)))
            .collect();
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                urls,
                max_response_bytes: config.max_response_bytes,
                in_flight: config.deduplicate.then(InFlight::default),
            }),
        })
    }

    /// A client for the URLs recorded in the supergraph; `overrides` (subgraph name → url)
    /// take precedence.
    pub fn from_supergraph(
        supergraph: &Supergraph,
        overrides: &HashMap<String, String>,
        config: &HttpClientConfig,
    ) -> Result<Self, TransportError> {
        let urls = supergraph.subgraphs().iter().map(|g| {
            let url = overrides
                .get(&g.name)
                .cloned()
                .unwrap_or_else(|| g.url.clone());
            (g.name.clone(), url)
        });
        Self::new(urls, config)
    }
}

#[async_trait]
impl SubgraphClient for HttpSubgraphClient {
    async fn execute(
        &self,
        subgraph: &str,
        request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        let inner = &self.inner;
        let (parsed_url, url) = inner
            .urls
            .get(subgraph)
            .ok_or_else(|| TransportError::UnknownSubgraph(subgraph.to_owned()))?;
        let parsed_url = parsed_url
            .as_ref()
            .ok_or_else(|| TransportError::InvalidUrl {
                subgraph: subgraph.to_owned(),
                url: url.clone(),
            })?;
        let body = Bytes::from(serde_json::to_vec(&request).map_err(|e| {
            TransportError::InvalidResponse {
                subgraph: subgraph.to_owned(),
                message: format!("cannot encode the request: {e}"),
            }
        })?);
        let Some(in_flight) = inner.in_flight.as_ref().filter(|_| request.read_only) else {
            let target = (parsed_url.clone(), url.clone());
            return send(
                inner.clone(),
                subgraph.to_owned(),
                target,
                body,
                request.headers,
            )
            .await;
        };
        let key = Arc::new(InFlightKey {
            subgraph: subgraph.to_owned(),
            body: body.clone(),
            headers: request
                .headers
                .iter()
                .map(|(name, value)| (name.as_str().to_owned(), value.clone()))
                .collect(),
        });
        let (call, _guard) = {
            let mut calls = in_flight.calls.lock().unwrap_or_else(|p| p.into_inner());
            match calls.get(&key) {
                Some((_, call)) => (call.clone(), None),
                None => {
                    let id = in_flight
                        .next_id
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let call = send(
                        inner.clone(),
                        subgraph.to_owned(),
                        (parsed_url.clone(), url.clone()),
                        body,
                        request.headers,
                    );
                    let (owner, entry) = (inner.clone(), key.clone());
                    // The entry goes as soon as the answer is in, before any waiter takes
                    // it: a request waited for alone then gets the answer itself, not a copy.
                    let call = async move {
                        let result = call.await;
                        if let Some(in_flight) = &owner.in_flight {
                            in_flight.remove(&entry, id);
                        }
                        result.map(Arc::new).map_err(Arc::new)
                    }
                    .boxed()
                    .shared();
                    calls.insert(key.clone(), (id, call.clone()));
                    let guard = EntryGuard { in_flight, key, id };
                    (call, Some(guard))
                }
            }
        };
        match call.await {
            Ok(response) => Ok(Arc::try_unwrap(response).unwrap_or_else(|r| (*r).clone())),
            Err(error) => Err(Arc::try_unwrap(error).unwrap_or_else(TransportError::Shared)),
        }
    }
}

/// One HTTP round trip: send `body`, check the status, read at most the size limit, parse.
async fn send(
    inner: Arc<Inner>,
    subgraph: String,
    (parsed_url, url): (reqwest::Url, String),
    body: Bytes,
    headers: HeaderMap,
) -> Result<SubgraphResponse, TransportError> {
    let request_error = |source: reqwest::Error| {
        if source.is_timeout() {
            TransportError::Timeout {
                subgraph: subgraph.clone(),
                url: url.clone(),
            }
        } else {
            TransportError::Request {
                subgraph: subgraph.clone(),
                url: url.clone(),
                source,
            }
        }
    };
    let mut response = inner
        .client
        .post(parsed_url)
        .headers(headers)
        .header(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )
        .header(header::ACCEPT, HeaderValue::from_static(ACCEPT))
        .body(body)
        .send()
        .await
        .map_err(request_error)?;
    let status = response.status();
    let graphql_body = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/graphql-response+json"));
    // A GraphQL-over-HTTP server may send a GraphQL response with a 4xx status.
    let accepted = status.is_success() || (graphql_body && status.is_client_error());
    if !accepted {
        return Err(TransportError::Status {
            subgraph,
            url,
            status: status.as_u16(),
        });
    }
    let limit = inner.max_response_bytes;
    if response
        .content_length()
        .is_some_and(|len| len > limit as u64)
    {
        return Err(TransportError::TooLarge { subgraph, limit });
    }
    let mut bytes = Vec::with_capacity(response.content_length().map_or(8 * 1024, |l| l as usize));
    while let Some(chunk) = response.chunk().await.map_err(request_error)? {
        if bytes.len() + chunk.len() > limit {
            return Err(TransportError::TooLarge { subgraph, limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&bytes).map_err(|e| TransportError::InvalidResponse {
        subgraph,
        message: e.to_string(),
    })
}
