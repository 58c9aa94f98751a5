//! What every handler shares: the loaded schema (if any) and the HTTP settings.

use std::sync::{Arc, RwLock};

use super::client::subgraph_client;
use super::csrf::CsrfPolicy;
use super::playground::{Playground, PlaygroundError};
use crate::auth::{AuthSettings, AuthSetupError};
use crate::config::{GatewayConfig, ReadinessConfig, SubgraphsConfig};
use crate::pipeline::{Engine, EngineSettings};
use crate::supergraph::{Supergraph, SupergraphError};
use crate::telemetry::{CircuitState, GatewayMetrics};
use crate::transport::{InstrumentedClient, SubgraphClient, TransportError};

/// Why a supergraph could not be served.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Supergraph(#[from] SupergraphError),
    #[error("{0}")]
    UnknownSubgraphOverride(String),
    #[error(transparent)]
    Client(#[from] TransportError),
}

/// Why the gateway's state could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Playground(#[from] PlaygroundError),
    #[error("{0}")]
    Csrf(String),
    #[error(transparent)]
    Auth(#[from] AuthSetupError),
}

/// HTTP-level settings, fixed at start.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Largest accepted body, in bytes.
    pub body_limit: usize,
    /// Most operations in one batch.
    pub max_batch_size: usize,
    /// Whether `tessera-include-query-plan: true` is honoured.
    pub expose_query_plan: bool,
    /// Which requests count as possible cross-site forgeries.
    pub csrf: CsrfPolicy,
    /// Whether `GET /metrics` is served.
    pub serve_metrics: bool,
    /// What `/ready` checks.
    pub readiness: ReadinessConfig,
}

/// Shared state of the router. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    /// `None` until a supergraph is loaded (`/ready` answers 503 meanwhile). Swapped whole, so
    /// in-flight requests finish on the engine they started with.
    engine: RwLock<Option<Arc<Engine>>>,
    /// Body and batch limits, plan exposure.
    settings: HttpSettings,
    /// Cache sizes and bounds given to every engine built.
    engine_settings: EngineSettings,
    /// Subgraph URLs and timeouts, applied to each supergraph loaded.
    subgraphs: SubgraphsConfig,
    /// `None` when the playground is disabled.
    playground: Option<Playground>,
    /// The gateway's Prometheus series; outlives engines, so counters survive reloads.
    metrics: Arc<GatewayMetrics>,
    /// The subgraph client of the current engine, unobserved: readiness probes go through it
    /// so they do not count as subgraph traffic.
    probe_client: RwLock<Option<Arc<dyn SubgraphClient>>>,
    /// Token verification, authorization, introspection and header rules.
    auth: Arc<AuthSettings>,
}

impl AppState {
    /// State for `config`, with no schema loaded yet. Fails if local playground assets are
    /// configured but missing, so a broken IDE is noticed at start, not in the browser; and
    /// likewise for unreadable key files, invalid policies or header rules.
    pub fn from_config(config: &GatewayConfig) -> Result<Self, StateError> {
        let auth = Arc::new(AuthSettings::from_config(config)?);
        let playground = match (&config.playground.enabled, &config.playground.assets_dir) {
            (false, _) => None,
            (true, None) => Some(Playground::cdn()),
            (true, Some(dir)) => Some(Playground::local(dir)?),
        };
        let limits = &config.limits;
        Ok(Self {
            inner: Arc::new(Inner {
                engine: RwLock::new(None),
                settings: HttpSettings {
                    body_limit: config.server.body_limit,
                    max_batch_size: limits.max_batch_size,
                    expose_query_plan: config.query_plan.expose,
                    csrf: CsrfPolicy::from_config(&config.csrf).map_err(StateError::Csrf)?,
                    serve_metrics: config.metrics.enabled,
                    readiness: config.readiness.clone(),
                },
                engine_settings: EngineSettings {
                    override_labels: config.override_labels.clone(),
                    ..EngineSettings::from_limits(limits)
                },
                subgraphs: config.subgraphs.clone(),
                playground,
                metrics: Arc::new(GatewayMetrics::new(&config.metrics)),
                probe_client: RwLock::new(None),
                auth,
            }),
        })
    }

    /// Starts serving `supergraph` over HTTP subgraph clients configured by `[subgraphs]`,
    /// replacing whatever was served before. Refuses URL overrides naming no subgraph of it.
    pub fn load_supergraph(&self, supergraph: Arc<Supergraph>) -> Result<Arc<Engine>, LoadError> {
        let config = &self.inner.subgraphs;
        config
            .check_names(supergraph.subgraphs().iter().map(|s| s.name.as_str()))
            .map_err(LoadError::UnknownSubgraphOverride)?;
        let client = subgraph_client(&supergraph, config)?;
        Ok(self.load_supergraph_with_client(supergraph, client))
    }

    /// Starts serving `supergraph` with `client` for the subgraph requests (tests run
    /// subgraphs in process this way).
    pub fn load_supergraph_with_client(
        &self,
        supergraph: Arc<Supergraph>,
        client: Arc<dyn SubgraphClient>,
    ) -> Arc<Engine> {
        for policy in supergraph.security().policy_names() {
            if !self.inner.auth.policies.contains_key(policy) {
                tracing::warn!(
                    policy,
                    "the supergraph's @policy names a policy [authorization.policies] does not define: it is never satisfied"
                );
            }
        }
        for name in self.inner.auth.headers.subgraph_names() {
            if supergraph.subgraph_id(name).is_none() {
                tracing::warn!(
                    subgraph = name,
                    "[headers.subgraphs] names a subgraph the supergraph does not have"
                );
            }
        }
        let metrics = &self.inner.metrics;
        for subgraph in supergraph.subgraphs() {
            // No breaker exists yet: every subgraph is reported closed (requests flow).
            metrics.set_circuit_state(&subgraph.name, CircuitState::Closed);
        }
        let observed: Arc<dyn SubgraphClient> =
            Arc::new(InstrumentedClient::new(client.clone(), metrics.clone()));
        let engine = Arc::new(
            Engine::new(supergraph, observed, self.inner.engine_settings.clone())
                .with_metrics(metrics.clone()),
        );
        *self
            .inner
            .probe_client
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Some(client);
        self.set_engine(engine.clone());
        engine
    }

    /// Parses `sdl` and starts serving it; on error, keeps serving what it served before.
    pub fn load_supergraph_sdl(&self, sdl: &str) -> Result<Arc<Engine>, LoadError> {
        let supergraph = Supergraph::parse(sdl)?;
        self.load_supergraph(Arc::new(supergraph))
    }

    fn set_engine(&self, engine: Arc<Engine>) {
        let mut slot = self.inner.engine.write().unwrap_or_else(|p| p.into_inner());
        *slot = Some(engine);
    }

    /// The engine serving requests, if a schema is loaded.
    pub fn engine(&self) -> Option<Arc<Engine>> {
        self.inner
            .engine
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// HTTP settings.
    pub fn settings(&self) -> &HttpSettings {
        &self.inner.settings
    }

    /// The gateway's metrics.
    pub fn metrics(&self) -> &Arc<GatewayMetrics> {
        &self.inner.metrics
    }

    /// The current engine's subgraph client without instrumentation, for readiness probes.
    pub fn probe_client(&self) -> Option<Arc<dyn SubgraphClient>> {
        self.inner
            .probe_client
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Authentication, authorization and header rules.
    pub fn auth(&self) -> &Arc<AuthSettings> {
        &self.inner.auth
    }

    /// The playground, if enabled.
    pub fn playground(&self) -> Option<&Playground> {
        self.inner.playground.as_ref()
    }
}
