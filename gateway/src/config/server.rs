//! `[server]`: where the gateway listens and how much a client may send.

use std::net::{Ipv4Addr, SocketAddr};

use serde::Deserialize;

use super::primitives;

/// HTTP server settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address and port to listen on. `--listen` on the command line wins over this; the
    /// default stays on loopback so a fresh checkout never exposes the gateway by accident.
    pub listen: SocketAddr,
    /// Largest request body accepted, in bytes or with a unit (`"2MiB"`). Bodies over it get
    /// 413 before any JSON is parsed, so a client cannot make the gateway buffer unbounded input.
    #[serde(deserialize_with = "primitives::byte_size")]
    pub body_limit: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 4000)),
            body_limit: 2 * 1024 * 1024,
        }
    }
}
