//! What subgraph requests carry: the `[headers]` rules, applied per subgraph to the client's
//! headers and the verified claims, by a [`SubgraphClient`] wrapper around the engine's client
//! (so the executor stays unaware of rules).

use std::collections::HashMap;

use async_trait::async_trait;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::error::AuthSetupError;
use super::jwt::Claims;
use crate::config::{HeaderRulesConfig, HeadersConfig};
use crate::transport::{SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError};

/// Headers never forwarded or set by rules: hop-by-hop headers (RFC 9110 §7.6.1), and those
/// the gateway's own connection to the subgraph decides.
pub const RESERVED: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "content-type",
    "content-encoding",
    "accept",
    "accept-encoding",
];

fn is_reserved(name: &HeaderName) -> bool {
    RESERVED.contains(&name.as_str())
}

/// The compiled `[headers]` rules.
#[derive(Debug, Clone, Default)]
pub struct HeaderRules {
    all: RuleSet,
    subgraphs: HashMap<String, RuleSet>,
}

#[derive(Debug, Clone, Default)]
struct RuleSet {
    propagate: Vec<HeaderName>,
    rename: Vec<(HeaderName, HeaderName)>,
    claims: Vec<(HeaderName, String)>,
    insert: Vec<(HeaderName, HeaderValue)>,
    remove: Vec<HeaderName>,
}

fn header_name(text: &str) -> Result<HeaderName, AuthSetupError> {
    let name = HeaderName::from_bytes(text.trim().as_bytes())
        .map_err(|_| AuthSetupError::HeaderName(text.to_owned()))?;
    if is_reserved(&name) {
        return Err(AuthSetupError::ReservedHeader(text.to_owned()));
    }
    Ok(name)
}

impl RuleSet {
    fn compile(config: &HeaderRulesConfig) -> Result<Self, AuthSetupError> {
        Ok(Self {
            propagate: config
                .propagate
                .iter()
                .map(|n| header_name(n))
                .collect::<Result<_, _>>()?,
            rename: config
                .rename
                .iter()
                .map(|(from, to)| Ok((header_name(from)?, header_name(to)?)))
                .collect::<Result<_, AuthSetupError>>()?,
            claims: config
                .claims
                .iter()
                .map(|(name, claim)| Ok((header_name(name)?, claim.clone())))
                .collect::<Result<_, AuthSetupError>>()?,
            insert: config
                .insert
                .iter()
                .map(|(name, value)| {
                    let value = HeaderValue::from_str(value)
                        .map_err(|_| AuthSetupError::HeaderValue(name.clone()))?;
                    Ok((header_name(name)?, value))
                })
                .collect::<Result<_, AuthSetupError>>()?,
            remove: config
                .remove
                .iter()
                .map(|n| header_name(n))
                .collect::<Result<_, _>>()?,
        })
    }

    fn apply(&self, client: &HeaderMap, claims: Option<&Claims>, out: &mut HeaderMap) {
        for name in &self.propagate {
            for value in client.get_all(name) {
                out.append(name.clone(), value.clone());
            }
        }
        for (from, to) in &self.rename {
            for value in client.get_all(from) {
                out.append(to.clone(), value.clone());
            }
        }
        if let Some(claims) = claims {
            for (name, claim) in &self.claims {
                let text = match claims.get(claim) {
                    None | Some(Value::Null) => continue,
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                };
                match HeaderValue::from_str(&text) {
                    Ok(value) => {
                        out.insert(name.clone(), value);
                    }
                    Err(_) => {
                        tracing::warn!(header = %name, claim, "claim is not a valid header value; not sent")
                    }
                }
            }
        }
        for (name, value) in &self.insert {
            out.insert(name.clone(), value.clone());
        }
        for name in &self.remove {
            out.remove(name);
        }
    }
}

impl HeaderRules {
    /// Compiles `config`, refusing invalid and reserved header names.
    pub fn from_config(config: &HeadersConfig) -> Result<Self, AuthSetupError> {
        Ok(Self {
            all: RuleSet::compile(&config.all)?,
            subgraphs: config
                .subgraphs
                .iter()
                .map(|(name, rules)| Ok((name.clone(), RuleSet::compile(rules)?)))
                .collect::<Result<_, AuthSetupError>>()?,
        })
    }

    /// Subgraph names that have their own rules.
    pub fn subgraph_names(&self) -> impl Iterator<Item = &str> {
        self.subgraphs.keys().map(String::as_str)
    }

    /// The headers a request to `subgraph` carries.
    pub fn headers_for(
        &self,
        subgraph: &str,
        client: &HeaderMap,
        claims: Option<&Claims>,
    ) -> HeaderMap {
        let mut out = HeaderMap::new();
        self.all.apply(client, claims, &mut out);
        if let Some(rules) = self.subgraphs.get(subgraph) {
            rules.apply(client, claims, &mut out);
        }
        // Compiled rules cannot name these; this keeps it true whatever changes above.
        for name in RESERVED {
            out.remove(*name);
        }
        out
    }
}

/// A request's view of the subgraph client: every request gets the headers the rules give
/// its subgraph.
pub struct ForwardingClient<'a> {
    pub inner: &'a dyn SubgraphClient,
    pub rules: &'a HeaderRules,
    pub client_headers: &'a HeaderMap,
    pub claims: Option<&'a Claims>,
}

#[async_trait]
impl SubgraphClient for ForwardingClient<'_> {
    async fn execute(
        &self,
        subgraph: &str,
        mut request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        request.headers = self
            .rules
            .headers_for(subgraph, self.client_headers, self.claims);
        self.inner.execute(subgraph, request).await
    }
}
