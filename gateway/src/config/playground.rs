//! `[playground]`: the GraphiQL IDE served to browsers on `GET /graphql`.

use std::path::PathBuf;

use serde::Deserialize;

/// GraphiQL settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlaygroundConfig {
    /// Serve GraphiQL to browsers that ask for `text/html`. Off, such a request is treated
    /// like any other GET without a query (400).
    pub enabled: bool,
    /// Directory of an `npm install graphiql@3 react@18 react-dom@18` (the one holding
    /// `node_modules`). Set, the IDE loads its scripts from the gateway under
    /// `/graphql/assets/`; unset, from a public CDN. `--playground-assets` wins over it.
    pub assets_dir: Option<PathBuf>,
}

impl Default for PlaygroundConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            assets_dir: None,
        }
    }
}
