//! `bench`: the standard federation benchmark's servers and load driver.
//!
//! Run with `cargo run --release -p bench -- subgraphs` (the four subgraphs), `-- monolith`,
//! `-- load --url http://127.0.0.1:4000/graphql --pid PID`, `-- report results.jsonl`.
//! `bench/compare.sh` runs the whole comparison.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use bench::driver::{self, LoadConfig, Target};
use bench::report::{self, Record};
use bench::{monolith, procfs, serve, subgraphs};
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

#[derive(Debug, Parser)]
#[command(name = "bench", about = "The standard federation benchmark")]
struct Cli {
    /// Pin this process (every thread) to these CPUs, as `taskset -c` lists them (`0`, `1-3`).
    #[arg(long, global = true, value_name = "CPUS")]
    cpus: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the four subgraphs: accounts, products, inventory, reviews on consecutive ports.
    Subgraphs {
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// Port of accounts; products, inventory and reviews take the next three.
        #[arg(long, default_value_t = 4811)]
        base_port: u16,
    },
    /// Serve the same API from one async-graphql server over the same data (no gateway).
    Monolith {
        #[arg(long, default_value = "127.0.0.1:4810")]
        listen: SocketAddr,
    },
    /// Print the expected response to the query.
    Expected {
        #[arg(long)]
        query: Option<PathBuf>,
    },
    /// Run the load against a GraphQL endpoint and print (or record) the figures.
    Load(LoadArgs),
    /// Summarise recorded runs: medians per mode and gateway, with ratios.
    Report {
        /// JSON-lines results file written by `load --record`.
        results: PathBuf,
        /// The gateway the ratios are for.
        #[arg(long, default_value = "tessera")]
        ours: String,
        /// The gateway it is compared with.
        #[arg(long, default_value = "hive-router")]
        theirs: String,
    },
}

#[derive(Debug, clap::Args)]
struct LoadArgs {
    /// GraphQL endpoint (`http://host:port/path`).
    #[arg(long, default_value = "http://127.0.0.1:4000/graphql")]
    url: String,
    /// Concurrent connections.
    #[arg(long, default_value_t = 50)]
    connections: usize,
    /// Measured seconds.
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// Warm-up seconds before measuring.
    #[arg(long, default_value_t = 5)]
    warmup: u64,
    /// Process to measure (CPU seconds, peak RSS): the gateway's PID.
    #[arg(long)]
    pid: Option<u32>,
    /// Pin every thread of `--pid` to these CPUs before the run.
    #[arg(long, value_name = "CPUS", requires = "pid")]
    pid_cpus: Option<String>,
    /// Query file (default: the benchmark query).
    #[arg(long)]
    query: Option<PathBuf>,
    /// Append the figures as a JSON line to this file.
    #[arg(long)]
    record: Option<PathBuf>,
    /// Name of the measured server in the record.
    #[arg(long, default_value = "tessera")]
    gateway: String,
    /// Comparison mode in the record.
    #[arg(long, default_value = "default")]
    mode: String,
    /// Round number in the record.
    #[arg(long, default_value_t = 1)]
    round: u32,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Pinned before the runtime starts, so its worker count follows the pinned CPUs.
    if let Some(cpus) = &cli.cpus {
        procfs::pin(std::process::id(), cpus)?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")?;
    runtime.block_on(run(cli.command))
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Subgraphs { host, base_port } => serve_subgraphs(host, base_port).await,
        Command::Monolith { listen } => {
            let listener = bind(listen).await?;
            eprintln!("bench: monolith on http://{listen}/graphql");
            serve::serve(listener, serve::router(monolith::schema()), shutdown()).await?;
            Ok(())
        }
        Command::Expected { query } => {
            let query = read_query(query.as_ref())?;
            let expected = bench::expected_response(&query).await?;
            std::io::stdout().write_all(&expected)?;
            println!();
            Ok(())
        }
        Command::Load(args) => load(args).await,
        Command::Report {
            results,
            ours,
            theirs,
        } => {
            let records = report::read(&results.to_string_lossy())?;
            print!("{}", report::render(&records, &ours, &theirs));
            Ok(())
        }
    }
}

async fn bind(address: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))
}

async fn serve_subgraphs(host: IpAddr, base_port: u16) -> anyhow::Result<()> {
    let routers = [
        ("accounts", serve::router(subgraphs::accounts::schema())),
        ("products", serve::router(subgraphs::products::schema())),
        ("inventory", serve::router(subgraphs::inventory::schema())),
        ("reviews", serve::router(subgraphs::reviews::schema())),
    ];
    let mut servers = Vec::new();
    for (offset, (name, router)) in (0u16..).zip(routers) {
        let address = SocketAddr::new(host, base_port + offset);
        let listener = bind(address).await?;
        eprintln!("bench: {name} on http://{address}/graphql");
        servers.push(tokio::spawn(serve::serve(listener, router, shutdown())));
    }
    for server in servers {
        server.await??;
    }
    Ok(())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}

fn read_query(path: Option<&PathBuf>) -> anyhow::Result<String> {
    match path {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
        }
        None => Ok(bench::QUERY.to_owned()),
    }
}

async fn load(args: LoadArgs) -> anyhow::Result<()> {
    if let (Some(pid), Some(cpus)) = (args.pid, &args.pid_cpus) {
        procfs::pin(pid, cpus)?;
    }
    let query = read_query(args.query.as_ref())?;
    let expected = bench::expected_response(&query).await?;
    let config = LoadConfig {
        target: Target::parse(&args.url)?,
        connections: args.connections.max(1),
        warmup: Duration::from_secs(args.warmup),
        duration: Duration::from_secs(args.duration.max(1)),
        body: bench::request_body(&query).into(),
        expected: expected.into(),
        pid: args.pid,
    };
    let report = driver::run(config).await?;
    let opt = |v: Option<f64>, d: usize| v.map_or_else(|| "-".into(), |v| format!("{v:.d$}"));
    println!(
        "{} [{}] round {}: {:.0} requests/s, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, {} errors ({} wrong answers), CPU {} s/1000 requests, peak RSS {} MiB (VmHWM {} MiB), {} connections, load average {}",
        args.gateway,
        args.mode,
        args.round,
        report.requests_per_second,
        report.p50_ms,
        report.p90_ms,
        report.p99_ms,
        report.errors,
        report.mismatches,
        opt(report.cpu_seconds_per_1000, 3),
        opt(report.peak_rss_mib, 1),
        opt(report.hwm_rss_mib, 1),
        report.connections,
        opt(report.load_average, 2),
    );
    if let Some(path) = args.record {
        let record = Record {
            gateway: args.gateway,
            mode: args.mode,
            round: args.round,
            report,
        };
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        writeln!(file, "{}", serde_json::to_string(&record)?)?;
    }
    Ok(())
}
