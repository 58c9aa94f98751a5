//! What every handler shares: the loaded schema (if any) and the HTTP settings.

use std::sync::{Arc, RwLock};

use super::client::subgraph_client;
use super::csrf::CsrfPolicy;
use super::playground::{Playground, PlaygroundError};
use crate::config::{GatewayConfig, SubgraphsConfig};
use crate::pipeline::{Engine, EngineSettings};
use crate::supergraph::{Supergraph, SupergraphError};
use crate::transport::{SubgraphClient, TransportError};

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
}

impl AppState {
    /// State for `config`, with no schema loaded yet. Fails if local playground assets are
    /// configured but missing, so a broken IDE is noticed at start, not in the browser.
    pub fn from_config(config: &GatewayConfig) -> Result<Self, StateError> {
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
                },
                engine_settings: EngineSettings {
                    override_labels: config.override_labels.clone(),
                    ..EngineSettings::from_limits(limits)
                },
                subgraphs: config.subgraphs.clone(),
                playground,
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
        let engine = Arc::new(Engine::new(
            supergraph,
            client,
            self.inner.engine_settings.clone(),
        ));
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

    /// The playground, if enabled.
    pub fn playground(&self) -> Option<&Playground> {
        self.inner.playground.as_ref()
    }
}
