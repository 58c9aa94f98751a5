//! Authentication and authorization at the edge.
//!
//! Where it sits in a request (see `docs/ARCHITECTURE.md` and `docs/AUTH.md`):
//! 1. `http` reads the token ([`AuthSettings::authenticate`]); an invalid token, or a missing
//!    one when `[authentication] require` is on, is answered 401 `UNAUTHENTICATED` before any
//!    parsing. The result is a [`Caller`]: anonymous, or verified claims and scopes.
//! 2. `pipeline`, after validation and before planning: `[introspection]` rules
//!    ([`check_introspection`]), then `@authenticated`/`@requiresScopes`/`@policy`
//!    ([`authorize::authorize`]) in `reject` or `filter` mode.
//! 3. Subgraph requests carry what the `[headers]` rules give each subgraph
//!    ([`forward::ForwardingClient`]).
//!
//! # Layout
//! - [`jwt`]: token verification; [`jwks`]: keys from JWKS URLs, JWKS files and PEM files.
//! - [`policy`]: the rule language of `@policy` and `[introspection] allow`.
//! - [`authorize`]: enforcement of the supergraph's authorization directives.
//! - [`forward`]: header propagation rules.
//! - [`error`]: [`AuthError`] (a refused token) and [`AuthSetupError`] (bad configuration).

pub mod authorize;
pub mod error;
pub mod forward;
pub mod jwks;
pub mod jwt;
pub mod policy;

use std::collections::{HashMap, HashSet};

use apollo_compiler::ExecutableDocument;
use apollo_compiler::executable::{Operation, Selection, SelectionSet};
use axum::http::{HeaderMap, HeaderName};
use serde_json::Value;

pub use error::{AuthError, AuthSetupError};
pub use forward::HeaderRules;
pub use jwt::{Claims, JwtVerifier};
use policy::{Rule, Subject};

use crate::config::{AuthorizationMode, GatewayConfig};
use crate::error::{ErrorCode, GraphqlError, Location};
use crate::pipeline::RequestFailure;

/// Who is calling: anonymous, or the claims of a verified token.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// Verified claims; `None` when no token was sent.
    pub claims: Option<Claims>,
    /// Scopes read from `[authorization] scopes_claim`.
    pub scopes: HashSet<String>,
}

impl Caller {
    /// An anonymous caller.
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// A caller with verified `claims`, scopes read from `scopes_claim` (a space-separated
    /// string or an array of strings).
    pub fn verified(claims: Claims, scopes_claim: &str) -> Self {
        let scopes = match claims.get(scopes_claim) {
            Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => HashSet::new(),
        };
        Self {
            claims: Some(claims),
            scopes,
        }
    }

    fn subject(&self) -> Subject<'_> {
        Subject {
            claims: self.claims.as_ref(),
            scopes: &self.scopes,
        }
    }
}

/// Everything the auth configuration decides, compiled once at start.
pub struct AuthSettings {
    verifier: JwtVerifier,
    require: bool,
    header_name: HeaderName,
    header_prefix: String,
    /// `filter` or `reject`.
    pub mode: AuthorizationMode,
    scopes_claim: String,
    /// Named `@policy` rules.
    pub policies: HashMap<String, Rule>,
    introspection_enabled: bool,
    introspection_allow: Option<Rule>,
    /// `[headers]`.
    pub headers: HeaderRules,
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("require", &self.require)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl AuthSettings {
    /// Compiles the `[authentication]`, `[authorization]`, `[headers]` and `[introspection]`
    /// sections: reads key files, parses policies, checks header names.
    pub fn from_config(config: &GatewayConfig) -> Result<Self, AuthSetupError> {
        let authentication = &config.authentication;
        let header_name = HeaderName::from_bytes(authentication.header_name.trim().as_bytes())
            .map_err(|_| AuthSetupError::HeaderName(authentication.header_name.clone()))?;
        let policies = config
            .authorization
            .policies
            .iter()
            .map(|(name, text)| {
                Rule::parse(text)
                    .map(|rule| (name.clone(), rule))
                    .map_err(|source| AuthSetupError::Policy {
                        name: name.clone(),
                        source,
                    })
            })
            .collect::<Result<_, _>>()?;
        let allow = config.introspection.allow.trim();
        let introspection_allow = if allow.is_empty() {
            None
        } else {
            Some(Rule::parse(allow).map_err(|source| AuthSetupError::Policy {
                name: "[introspection] allow".into(),
                source,
            })?)
        };
        if authentication.require && authentication.jwks.is_empty() {
            return Err(AuthSetupError::RequireWithoutKeys);
        }
        Ok(Self {
            verifier: JwtVerifier::from_config(authentication)?,
            require: authentication.require,
            header_name,
            header_prefix: authentication.header_prefix.trim().to_owned(),
            mode: config.authorization.mode,
            scopes_claim: config.authorization.scopes_claim.clone(),
            policies,
            introspection_enabled: config.introspection.enabled,
            introspection_allow,
            headers: HeaderRules::from_config(&config.headers)?,
        })
    }

    /// The caller of a request with `headers`: anonymous without a token (unless one is
    /// required), verified claims with a valid one, an error otherwise.
    ///
    /// With no `[[authentication.jwks]]` source the gateway does not verify tokens: every
    /// caller is anonymous to authorization, and the token still reaches subgraphs through the
    /// `[headers]` rules (they may verify it themselves).
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Caller, AuthError> {
        if !self.verifier.is_configured() {
            return Ok(Caller::anonymous());
        }
        let Some(token) = self.token(headers)? else {
            return if self.require {
                Err(AuthError::Missing(self.header_name.to_string()))
            } else {
                Ok(Caller::anonymous())
            };
        };
        let claims = self.verifier.verify(token).await?;
        Ok(Caller::verified(claims, &self.scopes_claim))
    }

    fn token<'h>(&self, headers: &'h HeaderMap) -> Result<Option<&'h str>, AuthError> {
        let Some(value) = headers.get(&self.header_name) else {
            return Ok(None);
        };
        let malformed =
            || AuthError::MalformedHeader(self.header_name.to_string(), self.header_prefix.clone());
        let text = value.to_str().map_err(|_| malformed())?.trim();
        let token = if self.header_prefix.is_empty() {
            text
        } else {
            let (scheme, rest) = text.split_once(' ').ok_or_else(malformed)?;
            if !scheme.eq_ignore_ascii_case(&self.header_prefix) {
                return Err(malformed());
            }
            rest.trim()
        };
        if token.is_empty() {
            return Err(malformed());
        }
        Ok(Some(token))
    }
}

/// The 401 body for a refused token: a GraphQL error list with `UNAUTHENTICATED`.
pub fn unauthenticated(error: &AuthError) -> GraphqlError {
    GraphqlError::new(ErrorCode::Unauthenticated, error.to_string())
}

/// Applies `[introspection]` to `operation`: `__schema`/`__type` anywhere in its root selection
/// (through fragments) need introspection enabled and, when `allow` is set, a caller it holds
/// for. `__typename` is always allowed.
pub fn check_introspection(
    settings: &AuthSettings,
    caller: &Caller,
    document: &ExecutableDocument,
    operation: &Operation,
) -> Result<(), RequestFailure> {
    if settings.introspection_enabled && settings.introspection_allow.is_none() {
        return Ok(());
    }
    let mut visited = HashSet::new();
    let Some(location) = find_introspection(document, &operation.selection_set, &mut visited)
    else {
        return Ok(());
    };
    let (code, message) = if !settings.introspection_enabled {
        (
            ErrorCode::GraphqlValidationFailed,
            "introspection is disabled on this gateway",
        )
    } else if settings
        .introspection_allow
        .as_ref()
        .is_some_and(|rule| !rule.eval(caller.subject()))
    {
        (
            ErrorCode::Forbidden,
            "introspection is not allowed for this caller",
        )
    } else {
        return Ok(());
    };
    Err(RequestFailure::from_error(
        code,
        GraphqlError::new(code, message).with_locations(location.into_iter().collect()),
    ))
}

/// The location of the first `__schema`/`__type` of a root selection set, if any.
fn find_introspection<'d>(
    document: &'d ExecutableDocument,
    set: &'d SelectionSet,
    visited: &mut HashSet<&'d str>,
) -> Option<Option<Location>> {
    for selection in &set.selections {
        let found = match selection {
            Selection::Field(field) => {
                matches!(field.name.as_str(), "__schema" | "__type").then(|| {
                    field
                        .location()
                        .and_then(|s| s.line_column(&document.sources))
                        .map(|lc| Location {
                            line: lc.line,
                            column: lc.column,
                        })
                })
            }
            Selection::InlineFragment(inline) => {
                find_introspection(document, &inline.selection_set, visited)
            }
            Selection::FragmentSpread(spread) => {
                if !visited.insert(spread.fragment_name.as_str()) {
                    continue;
                }
                document
                    .fragments
                    .get(&spread.fragment_name)
                    .and_then(|f| find_introspection(document, &f.selection_set, visited))
            }
        };
        if found.is_some() {
            return found;
        }
    }
    None
}
