//! What every Tessera subgraph shares, so each domain crate only holds its domain.
//!
//! # Layout
//! - [`error`]: the client error-code vocabulary (`extensions.code`) and [`ApiError`].
//! - [`ids`]: newtype IDs, parsed from the wire `ID` with a `BAD_USER_INPUT` on garbage.
//! - [`db`]: connecting to SQLite (default, file under `./data`) or PostgreSQL, and counting
//!   statements so tests can prove there is no N+1.
//! - [`auth`]: JWT signing (users service) and verification (every service), JWKS handling and
//!   the per-request [`auth::AuthContext`].
//! - [`http`]: the axum router around an async-graphql schema (`/graphql`, `/health`, `/ready`,
//!   `/metrics`),
//!   `serve(listener, router, shutdown)` and the shutdown signal.
//! - [`config`]: the clap arguments every binary shares (JWKS source, issuer, audience).
//! - [`money`]: the shared `Money` value type and decimal parsing.
//! - [`pagination`]: keyset pagination arguments (`first`, `after`).
//! - [`seed`]: the deterministic demo data plan shared by all four services, so references
//!   resolve across databases.
//! - [`telemetry`]: logs and span export from the standard environment (`LOG_FORMAT=json`,
//!   `OTEL_EXPORTER_OTLP_ENDPOINT`), and spawning DataLoader batches inside the request's span.
//! - [`metrics`]: the Prometheus series on `/metrics` (requests, latency, in-flight, database
//!   pool).
//! - `testing` (feature `testing`): fresh databases per test on SQLite and PostgreSQL, token
//!   minting for every failure mode.

pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod ids;
pub mod metrics;
pub mod money;
pub mod pagination;
pub mod seed;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::{ApiError, ApiResult, ErrorCode};

/// The most keys one DataLoader batch may hold: one `_entities` call of up to this many
/// representations stays a single `WHERE id IN (...)` (well under SQLite's and PostgreSQL's
/// bind-parameter limits).
pub const LOADER_MAX_BATCH: usize = 5_000;
