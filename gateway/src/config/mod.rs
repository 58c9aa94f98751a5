//! Gateway configuration: `gateway.toml` plus the `TESSERA_…` environment overlay.
//!
//! Every section is its own module and struct with `deny_unknown_fields`, a default for every
//! field and a doc comment saying why the field exists. Values are parsed into their typed
//! form (`SocketAddr`, `Duration`, `Url`) while loading, so a bad value stops the gateway at
//! start with a message naming it. `gateway/gateway.example.toml` documents every option and a
//! test keeps it parsing.
//!
//! # Layout
//! - [`server`], [`supergraph`], [`subgraphs`], [`limits`], [`query_plan`],
//!   [`override_labels`], [`playground`], [`csrf`], [`telemetry`], [`metrics`], [`readiness`],
//!   [`authentication`], [`authorization`], [`headers`], [`introspection`]: one section each.
//! - [`env_overrides`]: the environment overlay.
//! - [`primitives`]: durations, byte sizes, URLs.

pub mod authentication;
pub mod authorization;
pub mod csrf;
pub mod env_overrides;
pub mod headers;
pub mod introspection;
pub mod limits;
pub mod metrics;
pub mod override_labels;
pub mod playground;
pub mod primitives;
pub mod query_plan;
pub mod readiness;
pub mod server;
pub mod subgraphs;
pub mod supergraph;
pub mod telemetry;

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use authentication::{AuthenticationConfig, JwksSourceConfig};
pub use authorization::{AuthorizationConfig, AuthorizationMode};
pub use csrf::CsrfConfig;
pub use headers::{HeaderRulesConfig, HeadersConfig};
pub use introspection::IntrospectionConfig;
pub use limits::LimitsConfig;
pub use metrics::MetricsConfig;
pub use override_labels::OverrideLabelsConfig;
pub use playground::PlaygroundConfig;
pub use query_plan::QueryPlanConfig;
pub use readiness::ReadinessConfig;
pub use server::ServerConfig;
pub use subgraphs::{SubgraphOverride, SubgraphsConfig};
pub use supergraph::SupergraphConfig;
pub use telemetry::TelemetryConfig;

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {source}")]
    Syntax {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("invalid environment variable {var}: {message}")]
    Env { var: String, message: String },
    #[error("invalid configuration: {0}")]
    Invalid(Box<toml::de::Error>),
}

/// The whole configuration, one field per section.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GatewayConfig {
    /// Listening address and request size limit.
    pub server: ServerConfig,
    /// Which supergraph to serve.
    pub supergraph: SupergraphConfig,
    /// Subgraph timeouts and URL overrides.
    pub subgraphs: SubgraphsConfig,
    /// Cache sizes and per-request bounds.
    pub limits: LimitsConfig,
    /// Whether clients may ask for the query plan.
    pub query_plan: QueryPlanConfig,
    /// Progressive `@override` label resolution.
    pub override_labels: OverrideLabelsConfig,
    /// The GraphiQL IDE for browsers.
    pub playground: PlaygroundConfig,
    /// Cross-site request forgery prevention.
    pub csrf: CsrfConfig,
    /// Log format and span export.
    pub telemetry: TelemetryConfig,
    /// The Prometheus endpoint.
    pub metrics: MetricsConfig,
    /// What `/ready` checks.
    pub readiness: ReadinessConfig,
    /// JWT verification of the caller.
    pub authentication: AuthenticationConfig,
    /// Enforcement of `@authenticated`, `@requiresScopes` and `@policy`.
    pub authorization: AuthorizationConfig,
    /// Which headers subgraph requests carry.
    pub headers: HeadersConfig,
    /// Who may introspect the schema.
    pub introspection: IntrospectionConfig,
}

impl GatewayConfig {
    /// Loads `path` (if given) with the process environment on top.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        let file = match path {
            Some(path) => Some((
                std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?,
                path,
            )),
            None => None,
        };
        Self::from_sources(
            file.as_ref().map(|(text, path)| (text.as_str(), *path)),
            std::env::vars(),
        )
    }

    /// Builds the configuration from a file's text (and its path, for messages) and a set of
    /// environment variables. Tests call this directly instead of touching the process env.
    pub fn from_sources(
        file: Option<(&str, &Path)>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut table = match file {
            Some((text, path)) => {
                // Deserialize the file alone first: errors then point at a line of the file.
                toml::from_str::<GatewayConfig>(text).map_err(|source| ConfigError::Syntax {
                    path: path.to_owned(),
                    source: Box::new(source),
                })?;
                toml::from_str::<toml::Table>(text).map_err(|source| ConfigError::Syntax {
                    path: path.to_owned(),
                    source: Box::new(source),
                })?
            }
            None => toml::Table::new(),
        };
        env_overrides::apply(&mut table, env)?;
        toml::Value::Table(table)
            .try_into()
            .map_err(|e| ConfigError::Invalid(Box::new(e)))
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::time::Duration;

    use super::*;

    const EXAMPLE: &str = include_str!("../../gateway.example.toml");

    fn env(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn example_config_parses() {
        let config =
            GatewayConfig::from_sources(Some((EXAMPLE, Path::new("gateway.example.toml"))), [])
                .expect("gateway.example.toml must parse");
        // The example documents the defaults; if it drifts from them, one of the two is wrong.
        let mut expected = GatewayConfig::default();
        expected.supergraph.path = Some(PathBuf::from("schema/supergraph.graphql"));
        assert_eq!(config.server, expected.server);
        assert_eq!(config.limits, expected.limits);
        assert_eq!(config.query_plan, expected.query_plan);
        assert_eq!(config.override_labels, expected.override_labels);
        assert_eq!(config.supergraph, expected.supergraph);
        assert_eq!(config.subgraphs.timeout, expected.subgraphs.timeout);
        assert_eq!(config.subgraphs.deduplicate, expected.subgraphs.deduplicate);
        assert!(config.playground.enabled);
        assert_eq!(config.csrf, expected.csrf);
        assert_eq!(config.telemetry, expected.telemetry);
        assert_eq!(config.metrics, expected.metrics);
        assert_eq!(config.readiness, expected.readiness);
        assert_eq!(config.authentication, expected.authentication);
        assert_eq!(config.authorization, expected.authorization);
        assert_eq!(config.headers, expected.headers);
        assert_eq!(config.introspection, expected.introspection);
    }

    #[test]
    fn example_config_mentions_every_field() {
        // Every field of every section appears in the example, commented out or not.
        let sections: &[(&str, &[&str])] = &[
            ("server", &["listen", "body_limit"]),
            ("supergraph", &["path"]),
            ("subgraphs", &["timeout", "deduplicate", "url"]),
            (
                "limits",
                &[
                    "document_cache_size",
                    "plan_cache_size",
                    "planner_budget_nodes",
                    "planner_budget_time",
                    "max_batch_size",
                    "parser_recursion_limit",
                    "parser_token_limit",
                    "max_depth",
                    "max_aliases",
                    "max_root_fields",
                    "max_directives",
                    "max_fragment_expansion",
                ],
            ),
            ("query_plan", &["expose"]),
            ("override_labels", &["enabled", "disabled", "seed"]),
            ("playground", &["enabled", "assets_dir"]),
            ("csrf", &["enabled", "required_headers", "strict_get"]),
            (
                "telemetry",
                &[
                    "log_format",
                    "otlp_endpoint",
                    "service_name",
                    "sampling_ratio",
                    "export_timeout",
                ],
            ),
            ("metrics", &["enabled", "max_operation_names"]),
            ("readiness", &["check_subgraphs", "subgraph_timeout"]),
            (
                "authentication",
                &[
                    "require",
                    "header_name",
                    "header_prefix",
                    "issuers",
                    "audiences",
                    "leeway",
                    "algorithms",
                    "url",
                    "file",
                    "pem",
                    "algorithm",
                    "kid",
                    "refresh_interval",
                    "min_refresh_interval",
                    "timeout",
                ],
            ),
            ("authorization", &["mode", "scopes_claim"]),
            ("authorization.policies", &[]),
            (
                "headers.all",
                &["propagate", "rename", "claims", "insert", "remove"],
            ),
            ("headers.subgraphs.users", &[]),
            ("introspection", &["enabled", "allow"]),
        ];
        for (section, fields) in sections {
            assert!(
                EXAMPLE.contains(&format!("[{section}]")),
                "section [{section}] missing"
            );
            for field in *fields {
                assert!(
                    EXAMPLE.contains(&format!("{field} =")),
                    "field {section}.{field} missing"
                );
            }
        }
    }

    #[test]
    fn no_file_gives_defaults() {
        let config = GatewayConfig::from_sources(None, []).expect("defaults");
        assert_eq!(config, GatewayConfig::default());
        assert_eq!(
            config.server.listen,
            "127.0.0.1:4000".parse::<SocketAddr>().expect("addr")
        );
    }

    #[test]
    fn typed_values_are_parsed_at_load() {
        let file = r#"
            [server]
            listen = "0.0.0.0:8080"
            body_limit = "1MiB"
            [subgraphs]
            timeout = "5s"
            [subgraphs.overrides.users]
            url = "http://10.0.0.1:4001/graphql"
            timeout = "250ms"
        "#;
        let config =
            GatewayConfig::from_sources(Some((file, Path::new("g.toml"))), []).expect("parse");
        assert_eq!(
            config.server.listen,
            "0.0.0.0:8080".parse::<SocketAddr>().expect("addr")
        );
        assert_eq!(config.server.body_limit, 1024 * 1024);
        assert_eq!(
            config.subgraphs.timeout_for("users"),
            Duration::from_millis(250)
        );
        assert_eq!(
            config.subgraphs.timeout_for("orders"),
            Duration::from_secs(5)
        );
        assert_eq!(
            config.subgraphs.url_for("users").map(|u| u.as_str()),
            Some("http://10.0.0.1:4001/graphql")
        );
    }

    #[test]
    fn environment_wins_over_the_file() {
        let file = "[server]\nlisten = \"127.0.0.1:1\"\n[query_plan]\nexpose = true\n";
        let config = GatewayConfig::from_sources(
            Some((file, Path::new("g.toml"))),
            env(&[
                ("TESSERA_SERVER__LISTEN", "127.0.0.1:2"),
                ("TESSERA_QUERY_PLAN__EXPOSE", "false"),
                ("TESSERA_SUBGRAPHS__TIMEOUT", "9s"),
            ]),
        )
        .expect("parse");
        assert_eq!(config.server.listen.port(), 2);
        assert!(!config.query_plan.expose);
        assert_eq!(config.subgraphs.timeout, Duration::from_secs(9));
    }

    #[test]
    fn auth_sections_load_from_file_and_environment() {
        let file = r#"
            [authentication]
            require = true
            leeway = "5s"
            [[authentication.jwks]]
            url = "https://issuer.example/jwks.json"
            min_refresh_interval = "1m"
            [authorization.policies]
            admin = 'claim:role == "admin"'
            [headers.subgraphs.users]
            remove = ["authorization"]
        "#;
        let config = GatewayConfig::from_sources(
            Some((file, Path::new("g.toml"))),
            env(&[
                ("TESSERA_AUTHORIZATION__MODE", "reject"),
                ("TESSERA_INTROSPECTION__ENABLED", "false"),
            ]),
        )
        .expect("parse");
        assert!(config.authentication.require);
        assert_eq!(config.authentication.leeway, Duration::from_secs(5));
        assert_eq!(
            config.authentication.jwks[0].min_refresh_interval,
            Duration::from_secs(60)
        );
        assert_eq!(
            config.authentication.jwks[0].refresh_interval,
            Duration::from_secs(300)
        );
        assert_eq!(config.authorization.mode, AuthorizationMode::Reject);
        assert!(!config.introspection.enabled);
        assert_eq!(config.headers.subgraphs["users"].remove, ["authorization"]);
        // The default `[headers.all]` survives a file that only adds per-subgraph rules.
        assert_eq!(config.headers.all.propagate, ["authorization"]);

        for (file, needle) in [
            ("[authorization]\nmode = \"deny\"\n", "deny"),
            ("[[authentication.jwks]]\nurl = \"ftp://x\"\n", "ftp"),
            ("[authentication]\nleeway = \"5\"\n", "5"),
        ] {
            let err =
                GatewayConfig::from_sources(Some((file, Path::new("g.toml"))), []).unwrap_err();
            assert!(err.to_string().contains(needle), "{file}: {err}");
        }
    }

    #[test]
    fn unknown_fields_are_refused_with_their_name() {
        let err = GatewayConfig::from_sources(
            Some(("[server]\nlisen = \"x\"\n", Path::new("g.toml"))),
            [],
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("lisen") && message.contains("g.toml"),
            "{message}"
        );

        let err =
            GatewayConfig::from_sources(None, env(&[("TESSERA_SERVR__LISTEN", "x")])).unwrap_err();
        assert!(err.to_string().contains("servr"), "{err}");

        let err =
            GatewayConfig::from_sources(Some(("[nope]\n", Path::new("g.toml"))), []).unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn bad_values_are_refused_at_load() {
        for (file, needle) in [
            ("[server]\nlisten = \"localhost\"\n", "listen"),
            ("[subgraphs]\ntimeout = \"30\"\n", "30"),
            ("[server]\nbody_limit = \"big\"\n", "big"),
            ("[subgraphs.overrides.users]\nurl = \"ftp://x\"\n", "ftp"),
            ("[limits]\nplan_cache_size = -1\n", "plan_cache_size"),
            ("[telemetry]\nsampling_ratio = 1.5\n", "sampling_ratio"),
            ("[telemetry]\nlog_format = \"yaml\"\n", "yaml"),
            ("[telemetry]\notlp_endpoint = \"grpc://c\"\n", "grpc"),
        ] {
            let err =
                GatewayConfig::from_sources(Some((file, Path::new("g.toml"))), []).unwrap_err();
            assert!(err.to_string().contains(needle), "{file}: {err}");
        }
    }
}
