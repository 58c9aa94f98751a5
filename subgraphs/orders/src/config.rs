//! What the orders binary takes from flags and environment.

use std::net::SocketAddr;

use clap::Parser;
use subgraph_kit::config::AuthArgs;

/// The orders subgraph.
#[derive(Debug, Clone, Parser)]
#[command(name = "orders-subgraph", about = "The orders subgraph of Tessera")]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "LISTEN", default_value = "127.0.0.1:4003")]
    pub listen: SocketAddr,
    /// `sqlite://...` (default: a file under `./data`, created on first start) or
    /// `postgres://...`.
    #[arg(long, env = "DATABASE_URL", default_value_t = subgraph_kit::db::default_url("orders"))]
    pub database_url: String,
    /// Where the users service's public keys come from, and what tokens must claim.
    #[command(flatten)]
    pub auth: AuthArgs,
    /// Seed the default demo data on start (only into an empty database).
    #[arg(long)]
    pub seed: bool,
    /// Print the federation SDL and exit, without touching a database.
    #[arg(long)]
    pub print_sdl: bool,
}
