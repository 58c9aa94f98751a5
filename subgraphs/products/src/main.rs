//! The products subgraph binary. Run with `cargo run -p products-subgraph -- --seed`; it
//! listens on 127.0.0.1:4002 with a SQLite file under `./data` unless told otherwise
//! (`--help`).

use std::sync::Arc;

use anyhow::Context as _;
use clap::Parser as _;
use products_subgraph::Config;
use subgraph_kit::seed::SeedSize;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    if config.print_sdl {
        print!("{}", products_subgraph::sdl());
        return Ok(());
    }
    let _telemetry = subgraph_kit::telemetry::init("products-subgraph")?;

    let db = subgraph_kit::db::connect(&config.database_url)
        .await
        .context("cannot connect to the products database")?;
    products_subgraph::migrate(&db)
        .await
        .context("cannot migrate the products database")?;
    if config.seed {
        let rows = products_subgraph::seed(&db, &SeedSize::default())
            .await
            .context("cannot seed the products database")?;
        tracing::info!(rows, "seeded demo data");
    }
    let verifier = Arc::new(
        config
            .auth
            .verifier()
            .context("cannot load the token verification keys")?,
    );

    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    tracing::info!(addr = %listener.local_addr()?, "products subgraph listening");
    let router = products_subgraph::router(products_subgraph::schema(db.clone()), verifier, db);
    subgraph_kit::http::serve(listener, router, subgraph_kit::http::shutdown_signal()).await?;
    Ok(())
}
