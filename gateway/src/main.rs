//! `tessera-gateway`: the gateway's command line. Thin on purpose: arguments → config →
//! tracing → `gateway::serve`. Everything it calls lives in the library, where it is tested.
//!
//! Run with `cargo run -p gateway -- --supergraph schema/supergraph.graphql`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use gateway::AppState;
use gateway::boot::{self, Backoff, SubgraphSource};
use gateway::config::GatewayConfig;
use gateway::http::shutdown::shutdown_signal;
use gateway::planner;
use tokio::net::TcpListener;

/// mimalloc instead of the system allocator: a request builds and drops thousands of small
/// JSON maps and strings, and glibc malloc spent about a third of the gateway's CPU on them
/// under the standard benchmark (perf, `bench/`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Compose the supergraph at start from these live subgraphs' `_service { sdl }`,
    /// retrying until they all answer; `/ready` answers 503 until then.
    #[arg(
        long = "subgraph",
        value_name = "NAME=URL",
        conflicts_with = "supergraph"
    )]
    subgraphs: Vec<SubgraphSource>,
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
enum Command {
    /// Compose subgraph SDLs into a supergraph, printed on stdout.
    Compose {
        /// A subgraph: its SDL comes from SDL_FILE when given, else from the live subgraph's
        /// `_service { sdl }`. Repeat for every subgraph.
        #[arg(long = "subgraph", value_name = "NAME=URL[=SDL_FILE]", required = true)]
        subgraphs: Vec<SubgraphSource>,
    },
    /// Print the query plan of an operation, as `extensions.queryPlan.text` shows it.
    Plan {
        /// Supergraph SDL file.
        #[arg(long, value_name = "FILE")]
        supergraph: PathBuf,
        /// File holding the GraphQL document.
        #[arg(long, value_name = "FILE")]
        query: PathBuf,
        /// Operation to plan when the document holds several.
        #[arg(long, value_name = "NAME")]
        operation_name: Option<String>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Compose { subgraphs }) => compose(&subgraphs).await,
        Some(Command::Plan {
            supergraph,
            query,
            operation_name,
        }) => plan(&supergraph, &query, operation_name.as_deref()),
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

/// Logs go to stderr, so `compose` and `plan` can be redirected to a file cleanly. The
/// returned guard flushes buffered spans when dropped at exit.
fn init_telemetry(config: &GatewayConfig) -> anyhow::Result<tessera_telemetry::Telemetry> {
    let settings = gateway::telemetry::settings(&config.telemetry)?;
    let exporting = settings.otlp.as_ref().map(|o| o.traces_url());
    let telemetry = tessera_telemetry::init(&settings)?;
    if let Some(url) = exporting {
        tracing::info!(%url, "exporting spans over OTLP/HTTP");
    }
    Ok(telemetry)
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut config = GatewayConfig::load(args.config.as_deref())?;
    let _telemetry = init_telemetry(&config)?;
    if let Some(listen) = args.listen {
        config.server.listen = listen;
    }
    if let Some(dir) = args.playground_assets {
        config.playground.assets_dir = Some(dir);
    }
    if let Some(path) = args.supergraph {
        config.supergraph.path = Some(path);
    }
    let state = AppState::from_config(&config)?;

    // A supergraph file is loaded before listening: an invalid one stops the gateway here.
    if args.subgraphs.is_empty() {
        let Some(path) = config.supergraph.path.clone() else {
            bail!(
                "no supergraph to serve: pass --supergraph FILE, --subgraph NAME=URL or set [supergraph] path"
            );
        };
        let supergraph = boot::load_supergraph_file(&path)?;
        state.load_supergraph(Arc::new(supergraph))?;
        tracing::info!(supergraph = %path.display(), "supergraph loaded");
    }

    let listener = TcpListener::bind(config.server.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.server.listen))?;
    tracing::info!(address = %listener.local_addr()?, "listening: POST or GET /graphql, GraphiQL in a browser");
    let server = gateway::serve(listener, state.clone(), shutdown_signal());
    if args.subgraphs.is_empty() {
        server.await?;
        log_cache_statistics(&state);
        return Ok(());
    }

    // Composing from live subgraphs happens while already listening, so /health answers and
    // /ready says 503 until the subgraphs are up.
    let boot = async {
        let client = sdl_client()?;
        let (_, supergraph) =
            boot::compose_with_retry(&client, &args.subgraphs, Backoff::default()).await?;
        state.load_supergraph(Arc::new(supergraph))?;
        tracing::info!(
            subgraphs = args.subgraphs.len(),
            "supergraph composed and loaded"
        );
        anyhow::Ok(())
    };
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => {
            result?;
            log_cache_statistics(&state);
            return Ok(());
        }
        result = boot => result?,
    }
    server.await?;
    log_cache_statistics(&state);
    Ok(())
}

/// At shutdown: how often the document and plan caches answered, so a benchmark run can
/// report its hit rates (`bench/compare.sh` reads this line).
fn log_cache_statistics(state: &AppState) {
    if let Some(engine) = state.engine() {
        let (documents, plans) = (engine.documents(), engine.plans());
        tracing::info!(
            document_cache_hits = documents.hits(),
            document_cache_misses = documents.misses(),
            plan_cache_hits = plans.hits(),
            plan_cache_misses = plans.misses(),
            "cache statistics"
        );
    }
}

/// The client fetching `_service { sdl }`: a subgraph that accepts the connection but never
/// answers must count as not ready, not hang the start.
fn sdl_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .context("cannot build the http client")
}

async fn compose(subgraphs: &[SubgraphSource]) -> anyhow::Result<()> {
    let _telemetry = init_telemetry(&GatewayConfig::load(None)?)?;
    let client = sdl_client()?;
    let supergraph = boot::compose_once(&client, subgraphs).await?;
    print!("{supergraph}");
    Ok(())
}

fn plan(supergraph: &Path, query: &Path, operation_name: Option<&str>) -> anyhow::Result<()> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let plan = planner::plan_text(&read(supergraph)?, &read(query)?, operation_name)?;
    println!("{plan}");
    Ok(())
}
