//! Command-line and environment settings of the users subgraph binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use subgraph_kit::auth::JwtSettings;
use subgraph_kit::config::AuthArgs;

/// Settings of `users-subgraph`; every flag can also come from the environment.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "users-subgraph", about = "The Tessera users subgraph")]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "LISTEN", default_value = "127.0.0.1:4001")]
    pub listen: SocketAddr,
    /// Database URL: a SQLite file by default, `postgres://...` for PostgreSQL.
    #[arg(long, env = "DATABASE_URL", default_value_t = subgraph_kit::db::default_url("users"))]
    pub database_url: String,
    /// Issuer and audience put into tokens (the JWKS source is unused here: this service
    /// verifies tokens with its own signing key).
    #[command(flatten)]
    pub auth: AuthArgs,
    /// The Ed25519 private key (PKCS#8 PEM) tokens are signed with; created on first start so
    /// tokens stay valid across restarts.
    #[arg(
        long,
        env = "JWT_PRIVATE_KEY_FILE",
        default_value = "./data/jwt-ed25519.pem"
    )]
    pub jwt_private_key_file: PathBuf,
    /// How long a token is valid, in seconds.
    #[arg(long, env = "TOKEN_TTL_SECS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    pub token_ttl_secs: u64,
    /// Seed the default demo data on start (only into an empty database).
    #[arg(long)]
    pub seed: bool,
    /// Print the federation SDL and exit.
    #[arg(long)]
    pub print_sdl: bool,
}

impl Config {
    /// The token settings: issuer and audience from the shared auth flags, the TTL from ours.
    pub fn jwt_settings(&self) -> JwtSettings {
        JwtSettings {
            ttl: Duration::from_secs(self.token_ttl_secs),
            ..self.auth.settings()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn defaults_and_ttl() {
        let c =
            Config::try_parse_from(["users-subgraph", "--token-ttl-secs", "60"]).expect("parse");
        assert_eq!(c.listen.port(), 4001);
        assert_eq!(c.jwt_settings().ttl, Duration::from_secs(60));
        assert_eq!(c.jwt_settings().issuer, "tessera-users");
        assert!(Config::try_parse_from(["users-subgraph", "--token-ttl-secs", "0"]).is_err());
    }
}
