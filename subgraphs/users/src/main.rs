//! `users-subgraph`: run with `cargo run -p users-subgraph -- --seed`.

use std::sync::Arc;

use anyhow::Context as _;
use clap::Parser;
use subgraph_kit::auth::{JwtSigner, JwtVerifier};
use subgraph_kit::http::{serve, shutdown_signal};
use tokio::net::TcpListener;
use users_subgraph::{Config, SeedSize};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    if config.print_sdl {
        print!("{}", users_subgraph::sdl());
        return Ok(());
    }
    let _telemetry = subgraph_kit::telemetry::init("users-subgraph")?;

    let signer = JwtSigner::load_or_create(&config.jwt_private_key_file, config.jwt_settings())
        .with_context(|| {
            format!(
                "loading signing key {}",
                config.jwt_private_key_file.display()
            )
        })?;
    let signer = Arc::new(signer);
    let verifier = Arc::new(JwtVerifier::for_signer(&signer));

    let db = subgraph_kit::db::connect(&config.database_url)
        .await
        .context("connecting to the database")?;
    users_subgraph::migrate(&db)
        .await
        .context("running migrations")?;
    if config.seed {
        let rows = users_subgraph::seed(&db, &SeedSize::default())
            .await
            .context("seeding")?;
        tracing::info!(rows, "seeded users");
    }

    let schema = users_subgraph::schema(db.clone(), signer);
    let router = users_subgraph::router(schema, verifier, db);
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    tracing::info!(addr = %listener.local_addr()?, "users subgraph listening");
    serve(listener, router, shutdown_signal())
        .await
        .context("serving")?;
    Ok(())
}
