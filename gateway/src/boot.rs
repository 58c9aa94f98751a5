//! Getting a supergraph at start: read from a file, or composed from the subgraphs' own SDLs
//! (`_service { sdl }`), with retries while live subgraphs are still starting.
//!
//! The binary's `--supergraph`, `--subgraph NAME=URL` and `compose` all come through here, and
//! so can the one-command stack, which starts the subgraphs and the gateway together.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use crate::supergraph::compose::{self, ComposeError, SubgraphSdl};
use crate::supergraph::{Supergraph, SupergraphError};

/// Why no supergraph could be had.
#[derive(Debug, thiserror::Error)]
pub enum BootError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid supergraph {path}: {source}")]
    InvalidSupergraph {
        path: PathBuf,
        source: SupergraphError,
    },
    #[error(transparent)]
    Compose(#[from] ComposeError),
    #[error("the composed supergraph does not load: {0}")]
    InvalidComposition(SupergraphError),
    #[error("invalid --subgraph `{arg}`: {reason}")]
    InvalidSubgraphArg { arg: String, reason: &'static str },
}

/// Reads and parses a supergraph file.
pub fn load_supergraph_file(path: &Path) -> Result<Supergraph, BootError> {
    let sdl = std::fs::read_to_string(path).map_err(|source| BootError::Read {
        path: path.to_owned(),
        source,
    })?;
    Supergraph::parse(&sdl).map_err(|source| BootError::InvalidSupergraph {
        path: path.to_owned(),
        source,
    })
}

/// A subgraph to compose, from `NAME=URL` or `NAME=URL=SDL_FILE`: the SDL comes from the file
/// when given, else from the live subgraph. The URL itself may not contain `=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubgraphSource {
    /// Subgraph name, as it will appear in the supergraph (`users`).
    pub name: String,
    /// URL the gateway will call, and where the SDL is fetched from without a file.
    pub url: String,
    /// File holding the subgraph's SDL.
    pub sdl_file: Option<PathBuf>,
}

impl FromStr for SubgraphSource {
    type Err = BootError;

    fn from_str(arg: &str) -> Result<Self, Self::Err> {
        let invalid = |reason| BootError::InvalidSubgraphArg {
            arg: arg.to_owned(),
            reason,
        };
        let (name, rest) = arg
            .split_once('=')
            .ok_or_else(|| invalid("expected NAME=URL"))?;
        let (url, sdl_file) = match rest.split_once('=') {
            Some((url, file)) => (url, Some(PathBuf::from(file))),
            None => (rest, None),
        };
        if name.is_empty() {
            return Err(invalid("the name is empty"));
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(invalid("the url must start with http:// or https://"));
        }
        if sdl_file.as_ref().is_some_and(|f| f.as_os_str().is_empty()) {
            return Err(invalid("the sdl file is empty"));
        }
        Ok(Self {
            name: name.to_owned(),
            url: url.to_owned(),
            sdl_file,
        })
    }
}

/// Reads or fetches every SDL once, then composes. No retry.
pub async fn compose_once(
    client: &reqwest::Client,
    sources: &[SubgraphSource],
) -> Result<String, BootError> {
    let mut subgraphs = Vec::with_capacity(sources.len());
    for source in sources {
        let sdl = match &source.sdl_file {
            Some(path) => std::fs::read_to_string(path).map_err(|e| BootError::Read {
                path: path.clone(),
                source: e,
            })?,
            None => compose::fetch_sdl(client, &source.url).await?,
        };
        subgraphs.push(SubgraphSdl {
            name: source.name.clone(),
            url: source.url.clone(),
            sdl,
        });
    }
    Ok(compose::compose(&subgraphs)?)
}

/// How long to wait between attempts: doubling from `initial` up to `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// First wait.
    pub initial: Duration,
    /// Longest wait.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(200),
            max: Duration::from_secs(5),
        }
    }
}

/// Composes from live subgraphs, retrying while some subgraph does not answer. Only fetch
/// failures are retried: a composition conflict will not fix itself, so it is returned at once.
/// Returns the supergraph loaded, so what is served is known to load.
pub async fn compose_with_retry(
    client: &reqwest::Client,
    sources: &[SubgraphSource],
    backoff: Backoff,
) -> Result<(String, Supergraph), BootError> {
    let mut wait = backoff.initial;
    loop {
        match compose_once(client, sources).await {
            Ok(sdl) => {
                let supergraph = Supergraph::parse(&sdl).map_err(BootError::InvalidComposition)?;
                return Ok((sdl, supergraph));
            }
            Err(BootError::Compose(ComposeError::Fetch { url, reason })) => {
                tracing::warn!(%url, %reason, retry_in = ?wait, "subgraph not ready, composing later");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(backoff.max);
            }
            Err(other) => return Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subgraph_arguments() {
        let plain: SubgraphSource = "users=http://127.0.0.1:4001/graphql"
            .parse()
            .expect("valid");
        assert_eq!(plain.name, "users");
        assert_eq!(plain.url, "http://127.0.0.1:4001/graphql");
        assert_eq!(plain.sdl_file, None);
        let with_file: SubgraphSource = "users=http://u:1/graphql=schema/users.graphql"
            .parse()
            .expect("valid");
        assert_eq!(with_file.url, "http://u:1/graphql");
        assert_eq!(
            with_file.sdl_file,
            Some(PathBuf::from("schema/users.graphql"))
        );
        for bad in [
            "users",
            "=http://u/graphql",
            "users=u:1/graphql",
            "users=http://u/g=",
        ] {
            assert!(bad.parse::<SubgraphSource>().is_err(), "{bad}");
        }
    }
}
