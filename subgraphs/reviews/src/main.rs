//! `reviews-subgraph`: serves the reviews subgraph on port 4004 (see [`reviews_subgraph::Config`]).

use std::sync::Arc;

use anyhow::Context as _;
use clap::Parser;
use reviews_subgraph::Config;
use subgraph_kit::seed::SeedSize;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    if config.print_sdl {
        print!("{}", reviews_subgraph::sdl());
        return Ok(());
    }
    let _telemetry = subgraph_kit::telemetry::init("reviews-subgraph")?;

    let db = subgraph_kit::db::connect(&config.database_url)
        .await
        .context("cannot connect to the reviews database")?;
    reviews_subgraph::migrate(&db)
        .await
        .context("cannot migrate the reviews database")?;
    if config.seed {
        let rows = reviews_subgraph::seed(&db, &SeedSize::default())
            .await
            .context("cannot seed the reviews database")?;
        tracing::info!(rows, "seeded reviews");
    }

    let verifier = Arc::new(
        config
            .auth
            .verifier()
            .context("cannot load the token keys")?,
    );
    let router = reviews_subgraph::router(reviews_subgraph::schema(db.clone()), verifier, db);
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    tracing::info!(address = %config.listen, "reviews subgraph listening");
    subgraph_kit::http::serve(listener, router, subgraph_kit::http::shutdown_signal())
        .await
        .context("server failed")?;
    Ok(())
}
