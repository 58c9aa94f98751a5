//! `tessera-gateway`: the gateway's command line. Thin on purpose: arguments → config →
//! tracing → `gateway::serve`. Everything it calls lives in the library, where it is tested.
//!
//! Run with `cargo run -p gateway -- --supergraph schema/supergraph.graphql`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use gateway::AppState;
use gateway::config::GatewayConfig;
use gateway::http::shutdown::shutdown_signal;
use gateway::supergraph::Supergraph;
use tokio::net::TcpListener;

/// A Federation v2 gateway: serves a supergraph, plans each operation once and runs it with
/// batched entity fetches.
#[derive(Debug, Parser)]
#[command(
    name = "tessera-gateway",
    version,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

/// Serving (the default command).
#[derive(Debug, Args)]
struct ServeArgs {
    /// Supergraph SDL file to serve (wins over `[supergraph] path`).
    #[arg(long, value_name = "FILE")]
    supergraph: Option<PathBuf>,
    /// Address to listen on (wins over `[server] listen`).
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Configuration file; `TESSERA_…` variables apply on top of it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Serve GraphiQL's files from this `npm install graphiql@3 react@18 react-dom@18`
    /// directory instead of a CDN (wins over `[playground] assets_dir`).
    #[arg(long, value_name = "DIR")]
    playground_assets: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let result = match cli.command {
        None => serve(cli.serve).await,
        Some(command) => match command {},
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the whole cause chain on one line, without a backtrace: the
            // operator needs the problem, not the gateway's stack.
            eprintln!("tessera-gateway: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut config = GatewayConfig::load(args.config.as_deref())?;
    if let Some(listen) = args.listen {
        config.server.listen = listen;
    }
    if let Some(dir) = args.playground_assets {
        config.playground.assets_dir = Some(dir);
    }
    if let Some(path) = args.supergraph {
        config.supergraph.path = Some(path);
    }
    let Some(path) = config.supergraph.path.clone() else {
        bail!("no supergraph to serve: pass --supergraph FILE or set [supergraph] path");
    };
    let supergraph = load_supergraph(&path)?;
    config
        .subgraphs
        .check_names(supergraph.subgraphs().iter().map(|s| s.name.as_str()))
        .map_err(anyhow::Error::msg)?;

    let state = AppState::from_config(&config)?;
    state.load_supergraph(Arc::new(supergraph));
    let listener = TcpListener::bind(config.server.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.server.listen))?;
    tracing::info!(
        address = %listener.local_addr()?,
        supergraph = %path.display(),
        "gateway ready: POST or GET /graphql, GraphiQL in a browser"
    );
    gateway::serve(listener, state, shutdown_signal()).await?;
    Ok(())
}

/// Reads and parses a supergraph file; refuses an invalid one with the problem named.
fn load_supergraph(path: &Path) -> anyhow::Result<Supergraph> {
    let sdl = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read supergraph {}", path.display()))?;
    Supergraph::parse(&sdl).with_context(|| format!("invalid supergraph {}", path.display()))
}
