//! The orders subgraph binary. Run with `cargo run -p orders-subgraph -- --seed`; `--help`
//! lists the flags and their environment variables.

use std::sync::Arc;

use anyhow::Context as _;
use clap::Parser;
use orders_subgraph::Config;
use subgraph_kit::seed::SeedSize;

/// A response is thousands of small allocations (values, strings, futures) freed together;
/// mimalloc serves that pattern markedly cheaper than the system allocator (see the
/// `entities` benchmark).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    if config.print_sdl {
        print!("{}", orders_subgraph::sdl());
        return Ok(());
    }
    subgraph_kit::telemetry::init();

    let db = subgraph_kit::db::connect(&config.database_url)
        .await
        .context("cannot connect to the orders database")?;
    orders_subgraph::migrate(&db)
        .await
        .context("migrations failed")?;
    if config.seed {
        let rows = orders_subgraph::seed(&db, &SeedSize::default())
            .await
            .context("seeding failed")?;
        tracing::info!(rows, "seed done");
    }
    let verifier = Arc::new(
        config
            .auth
            .verifier()
            .context("cannot load the token verification keys")?,
    );

    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    tracing::info!(addr = %config.listen, "orders subgraph listening");
    let router = orders_subgraph::router(orders_subgraph::schema(db.clone()), verifier, db);
    subgraph_kit::http::serve(listener, router, subgraph_kit::http::shutdown_signal())
        .await
        .context("server failed")?;
    Ok(())
}
