//! The whole Tessera stack in one process, for demos and local development.
//!
//! Run with `cargo run --release` from the repository root. It starts the four subgraphs on
//! 127.0.0.1:4001–4004, each on its own SQLite file under `./data` (created, migrated and
//! seeded with the deterministic demo data on first start), composes their SDLs into a
//! supergraph (also written to `./data/supergraph.graphql`), starts the gateway with GraphiQL
//! on 127.0.0.1:4000, prints the URLs and the demo login, and stops everything cleanly on ctrl-c
//! or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Parser;
use gateway::AppState;
use gateway::config::GatewayConfig;
use gateway::supergraph::compose::{SubgraphSdl, compose};
use sea_orm::DatabaseConnection;
use subgraph_kit::auth::{JwtSettings, JwtSigner, JwtVerifier};
use subgraph_kit::seed::{self, SeedSize};
use tokio::net::TcpListener;
use tokio::sync::watch;

#[derive(Debug, Parser)]
#[command(name = "tessera", about = "Run the whole Tessera stack in one process")]
struct Args {
    /// Directory holding the SQLite files and the token signing key.
    #[arg(long, env = "TESSERA_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// Host the services listen on.
    #[arg(long, env = "TESSERA_HOST", default_value = "127.0.0.1")]
    host: String,
    /// First subgraph port: users, products, orders and reviews take this and the next three.
    #[arg(long, env = "TESSERA_SUBGRAPH_BASE_PORT", default_value_t = 4001)]
    subgraph_base_port: u16,
    /// Gateway port.
    #[arg(long, env = "TESSERA_GATEWAY_PORT", default_value_t = 4000)]
    gateway_port: u16,
    /// Gateway configuration file (`TESSERA_…` variables apply on top of it).
    #[arg(long, env = "TESSERA_GATEWAY_CONFIG")]
    gateway_config: Option<PathBuf>,
    /// Serve GraphiQL from this `npm install graphiql` directory instead of a CDN.
    #[arg(long)]
    playground_assets: Option<PathBuf>,
}

/// One running service: its name, address and the task serving it.
struct Running {
    name: &'static str,
    addr: SocketAddr,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _telemetry = subgraph_kit::telemetry::init("tessera")?;
    let args = Args::parse();
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("cannot create data directory {}", args.data_dir.display()))?;

    let signer = Arc::new(
        JwtSigner::load_or_create(
            &args.data_dir.join("jwt-ed25519.pem"),
            JwtSettings::default(),
        )
        .context("cannot load the token signing key")?,
    );
    // All services share the process, so they trust the signer's keys directly instead of
    // fetching the JWKS over HTTP from the users service.
    let verifier = Arc::new(JwtVerifier::for_signer(&signer));
    let size = SeedSize::default();

    let (stop_tx, stop_rx) = watch::channel(false);
    let shutdown = move || {
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    };

    let mut running = Vec::new();
    let port = |offset: u16| format!("{}:{}", args.host, args.subgraph_base_port + offset);

    let db = open(&args, "users").await?;
    users_subgraph::migrate(&db)
        .await
        .context("users: migrations failed")?;
    report_seed(
        "users",
        users_subgraph::seed(&db, &size)
            .await
            .context("users: seeding failed")?,
    );
    let router = users_subgraph::router(
        users_subgraph::schema(db.clone(), signer.clone()),
        verifier.clone(),
        db,
    );
    running.push(start("users", &port(0), router, shutdown()).await?);

    let db = open(&args, "products").await?;
    products_subgraph::migrate(&db)
        .await
        .context("products: migrations failed")?;
    report_seed(
        "products",
        products_subgraph::seed(&db, &size)
            .await
            .context("products: seeding failed")?,
    );
    let router =
        products_subgraph::router(products_subgraph::schema(db.clone()), verifier.clone(), db);
    running.push(start("products", &port(1), router, shutdown()).await?);

    let db = open(&args, "orders").await?;
    orders_subgraph::migrate(&db)
        .await
        .context("orders: migrations failed")?;
    report_seed(
        "orders",
        orders_subgraph::seed(&db, &size)
            .await
            .context("orders: seeding failed")?,
    );
    let router = orders_subgraph::router(orders_subgraph::schema(db.clone()), verifier.clone(), db);
    running.push(start("orders", &port(2), router, shutdown()).await?);

    let db = open(&args, "reviews").await?;
    reviews_subgraph::migrate(&db)
        .await
        .context("reviews: migrations failed")?;
    report_seed(
        "reviews",
        reviews_subgraph::seed(&db, &size)
            .await
            .context("reviews: seeding failed")?,
    );
    let router =
        reviews_subgraph::router(reviews_subgraph::schema(db.clone()), verifier.clone(), db);
    running.push(start("reviews", &port(3), router, shutdown()).await?);

    // Compose the supergraph from the SDLs the subgraphs serve, at the addresses they listen on.
    let sdls = [
        ("users", users_subgraph::sdl()),
        ("products", products_subgraph::sdl()),
        ("orders", orders_subgraph::sdl()),
        ("reviews", reviews_subgraph::sdl()),
    ];
    let subgraphs: Vec<SubgraphSdl> = sdls
        .into_iter()
        .zip(&running)
        .map(|((name, sdl), r)| SubgraphSdl {
            name: name.to_owned(),
            url: format!("http://{}/graphql", r.addr),
            sdl,
        })
        .collect();
    let supergraph = compose(&subgraphs).context("composition of the subgraphs failed")?;
    std::fs::write(args.data_dir.join("supergraph.graphql"), &supergraph)
        .context("cannot write the composed supergraph")?;
    let mut config =
        GatewayConfig::load(args.gateway_config.as_deref()).context("gateway configuration")?;
    if let Some(dir) = &args.playground_assets {
        config.playground.assets_dir = Some(dir.clone());
    }
    let state = AppState::from_config(&config).context("gateway playground")?;
    state
        .load_supergraph_sdl(&supergraph)
        .map_err(|e| anyhow::anyhow!("the composed supergraph does not load: {e}"))?;
    let addr = format!("{}:{}", args.host, args.gateway_port);
    let listener = TcpListener::bind(&addr)
        .await
        .with_context(|| format!("gateway: cannot listen on {addr}"))?;
    let gateway_addr = listener.local_addr()?;
    let task = tokio::spawn(gateway::serve(listener, state, shutdown()));
    running.push(Running {
        name: "gateway",
        addr: gateway_addr,
        task,
    });

    println!();
    println!("Tessera is running:");
    println!("  GraphiQL  http://{gateway_addr}/graphql   (the federated API)");
    for r in running.iter().filter(|r| r.name != "gateway") {
        println!("  {:<9} http://{}/graphql", r.name, r.addr);
    }
    println!();
    println!(
        "Demo login (admin scope):  {} / {}",
        seed::ADMIN_EMAIL,
        seed::ADMIN_PASSWORD
    );
    println!(
        "Every other seeded user:   <their email> / {}",
        seed::DEMO_PASSWORD
    );
    println!("Stop with ctrl-c.");

    subgraph_kit::http::shutdown_signal().await;
    let _ = stop_tx.send(true);
    for r in running {
        match r.task.await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => tracing::error!(service = r.name, error = %err, "server failed"),
            Err(err) => tracing::error!(service = r.name, error = %err, "server task panicked"),
        }
    }
    println!("Tessera stopped.");
    Ok(())
}

/// Opens the service's database: `<SERVICE>_DATABASE_URL` if set, else its SQLite file.
async fn open(args: &Args, service: &str) -> anyhow::Result<DatabaseConnection> {
    let var = format!("{}_DATABASE_URL", service.to_uppercase());
    let url = std::env::var(&var)
        .unwrap_or_else(|_| format!("sqlite://{}/{service}.db?mode=rwc", args.data_dir.display()));
    subgraph_kit::db::connect(&url)
        .await
        .with_context(|| format!("{service}: cannot open its database"))
}

fn report_seed(service: &str, rows: u64) {
    if rows > 0 {
        tracing::info!(service, rows, "seeded demo data");
    }
}

async fn start(
    name: &'static str,
    addr: &str,
    router: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("{name}: cannot listen on {addr}"))?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(subgraph_kit::http::serve(listener, router, shutdown));
    Ok(Running { name, addr, task })
}
