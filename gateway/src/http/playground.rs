//! GraphiQL for browsers on `GET /graphql`.
//!
//! GraphiQL 3 ships UMD bundles that run from plain `<script>` tags, with React 18's UMD
//! builds as globals; no bundler is needed. By default they come from a public CDN (pinned
//! versions). With `--playground-assets DIR`, where DIR holds the output of
//! `npm install graphiql@3 react@18 react-dom@18` (or is its `node_modules`), the gateway
//! serves exactly the four files listed in [`ASSETS`] under `/graphql/assets/<package>/<file>`,
//! read once at start: nothing else in the directory is reachable.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

/// Route prefix of local assets.
pub const ASSETS_ROUTE: &str = "/graphql/assets";

/// A file GraphiQL needs: its npm package, the version pinned on the CDN, its path in the
/// package, and its media type.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    pub package: &'static str,
    pub cdn_version: &'static str,
    pub file: &'static str,
    pub content_type: &'static str,
}

/// Every file the page loads.
pub const ASSETS: [Asset; 4] = [
    Asset {
        package: "react",
        cdn_version: "18.3.1",
        file: "umd/react.production.min.js",
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        package: "react-dom",
        cdn_version: "18.3.1",
        file: "umd/react-dom.production.min.js",
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        package: "graphiql",
        cdn_version: "3.9.0",
        file: "graphiql.min.js",
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        package: "graphiql",
        cdn_version: "3.9.0",
        file: "graphiql.min.css",
        content_type: "text/css; charset=utf-8",
    },
];

/// CDN the default page loads from.
const CDN: &str = "https://unpkg.com";

/// Why local assets cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum PlaygroundError {
    #[error(
        "playground asset {path} is missing: run `npm install graphiql@3 react@18 react-dom@18` in {dir}"
    )]
    Missing { path: PathBuf, dir: PathBuf },
    #[error("cannot read playground asset {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The page and, in local mode, its files.
#[derive(Debug)]
pub struct Playground {
    page: Bytes,
    /// `"<package>/<file>"` → (bytes, content type); empty with the CDN.
    assets: HashMap<String, (Bytes, &'static str)>,
}

impl Playground {
    /// GraphiQL from the CDN.
    pub fn cdn() -> Self {
        let page = render_page(|a| format!("{CDN}/{}@{}/{}", a.package, a.cdn_version, a.file));
        Self {
            page,
            assets: HashMap::new(),
        }
    }

    /// GraphiQL from a local npm install in `dir` (or `dir` being its `node_modules`).
    pub fn local(dir: &Path) -> Result<Self, PlaygroundError> {
        let nested = dir.join("node_modules");
        let modules = if nested.is_dir() {
            nested
        } else {
            dir.to_owned()
        };
        let mut assets = HashMap::new();
        for asset in ASSETS {
            let path = modules.join(asset.package).join(asset.file);
            if !path.is_file() {
                return Err(PlaygroundError::Missing {
                    path,
                    dir: dir.to_owned(),
                });
            }
            let bytes =
                std::fs::read(&path).map_err(|source| PlaygroundError::Read { path, source })?;
            assets.insert(
                format!("{}/{}", asset.package, asset.file),
                (Bytes::from(bytes), asset.content_type),
            );
        }
        let page = render_page(|a| format!("{ASSETS_ROUTE}/{}/{}", a.package, a.file));
        Ok(Self { page, assets })
    }

    /// Whether assets are served locally.
    pub fn is_local(&self) -> bool {
        !self.assets.is_empty()
    }

    /// The HTML page.
    pub fn page(&self) -> Response {
        let mut response = (StatusCode::OK, self.page.clone()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        response
    }

    /// A local asset by its path under [`ASSETS_ROUTE`], or 404.
    pub fn asset(&self, path: &str) -> Response {
        match self.assets.get(path) {
            Some((bytes, content_type)) => {
                let mut response = (StatusCode::OK, bytes.clone()).into_response();
                let headers = response.headers_mut();
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
                headers.insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                );
                response
            }
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }
}

fn render_page(url: impl Fn(&Asset) -> String) -> Bytes {
    let [react, react_dom, graphiql_js, graphiql_css] = ASSETS.map(|a| url(&a));
    Bytes::from(format!(
        r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Tessera GraphiQL</title>
  <link rel="icon" href="data:,">
  <style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
  <link rel="stylesheet" href="{graphiql_css}">
  <script src="{react}"></script>
  <script src="{react_dom}"></script>
  <script src="{graphiql_js}"></script>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script>
    const fetcher = GraphiQL.createFetcher({{ url: window.location.origin + window.location.pathname }});
    ReactDOM.createRoot(document.getElementById('graphiql'))
      .render(React.createElement(GraphiQL, {{ fetcher, defaultEditorToolsVisibility: true }}));
  </script>
</body>
</html>
"#
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdn_page_pins_versions() {
        let playground = Playground::cdn();
        let page = String::from_utf8(playground.page.to_vec()).expect("utf-8");
        assert!(page.contains("https://unpkg.com/graphiql@3.9.0/graphiql.min.js"));
        assert!(page.contains("https://unpkg.com/react@18.3.1/umd/react.production.min.js"));
        assert!(!playground.is_local());
    }

    #[test]
    fn local_mode_reads_the_four_files_and_nothing_else() {
        let dir = std::env::temp_dir().join(format!("tessera-playground-{}", std::process::id()));
        let modules = dir.join("node_modules");
        for asset in ASSETS {
            let path = modules.join(asset.package).join(asset.file);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, format!("/* {} */", asset.file)).expect("write");
        }
        std::fs::write(modules.join("secret.txt"), "no").expect("write");
        let playground = Playground::local(&dir).expect("local assets");
        assert!(playground.is_local());
        let page = String::from_utf8(playground.page.to_vec()).expect("utf-8");
        assert!(page.contains("/graphql/assets/graphiql/graphiql.min.js"));
        assert_eq!(
            playground.asset("graphiql/graphiql.min.css").status(),
            StatusCode::OK
        );
        assert_eq!(
            playground.asset("secret.txt").status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            playground.asset("../node_modules/secret.txt").status(),
            StatusCode::NOT_FOUND
        );

        std::fs::remove_file(modules.join("graphiql/graphiql.min.css")).expect("rm");
        let err = Playground::local(&dir).unwrap_err();
        assert!(err.to_string().contains("graphiql.min.css"), "{err}");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
