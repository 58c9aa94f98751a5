//! GraphiQL as a person uses it: the gateway serves the IDE with its assets from a local
//! `npm install` (`tests/browser`), and Debian's headless Chromium, driven by
//! `tests/browser/graphiql.mjs`, loads the page, runs a query and must see the seeded data in
//! the result pane.
//!
//! Chromium and the npm packages are installed by `scripts/test`. Under CI (`CI` set) a
//! missing one fails the test, so a broken setup cannot pass as green; elsewhere the test
//! says why and skips.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use gateway::http::playground::{ASSETS, ASSETS_ROUTE};
use integration_tests::{TestGateway, TestStack};
use subgraph_kit::seed::{self, SeedSize};
use subgraph_kit::testing::Backend;

/// Longer than the script's own 60 s deadline: this one only catches a script that hangs.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser")
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM_PATH")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// Why the browser test cannot run here, if it cannot.
fn missing_prerequisite() -> Option<String> {
    let chromium = chromium();
    if !chromium.is_file() {
        return Some(format!(
            "{} is missing (apt-get install chromium)",
            chromium.display()
        ));
    }
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        return Some("node is not on PATH".to_owned());
    }
    let modules = browser_dir().join("node_modules");
    let needed = ASSETS
        .iter()
        .map(|a| modules.join(a.package).join(a.file))
        .chain([modules.join("playwright-core/package.json")]);
    for path in needed {
        if !path.is_file() {
            return Some(format!(
                "{} is missing (npm ci in tests/browser)",
                path.display()
            ));
        }
    }
    None
}

/// Whether to run: under CI a missing prerequisite is a failure, elsewhere a printed skip.
fn prerequisites_met() -> bool {
    let Some(reason) = missing_prerequisite() else {
        return true;
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run the browser test, but {reason}: scripts/test installs it"
    );
    eprintln!("skipping the GraphiQL browser test: {reason}");
    false
}

/// Every `src="…"` and `href="…"` value of an HTML page.
fn referenced_urls(page: &str) -> Vec<&str> {
    let mut urls = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        let mut rest = page;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            urls.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    urls
}

#[tokio::test]
async fn graphiql_with_local_assets_runs_a_query_in_headless_chromium() {
    if !prerequisites_met() {
        return;
    }
    let size = SeedSize::small();
    let stack = TestStack::start(Backend::Sqlite, size).await;
    let dir = browser_dir();
    let dir_str = dir.to_str().expect("utf-8 path");
    // A JSON string is a valid TOML basic string.
    let config = format!(
        "[playground]\nassets_dir = {}\n",
        serde_json::json!(dir_str)
    );
    let gateway = TestGateway::start(&stack.compose(), &config).await;
    let origin = gateway.url.trim_end_matches("/graphql");
    let http = reqwest::Client::new();

    // The page a browser gets references the gateway's own asset routes and nothing else.
    let resp = http
        .get(&gateway.url)
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .expect("gateway answers");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/html; charset=utf-8");
    let page = resp.text().await.expect("page");
    assert!(
        !page.contains("://"),
        "the local-asset page names a host:\n{page}"
    );
    let urls = referenced_urls(&page);
    for url in &urls {
        assert!(
            url.starts_with(&format!("{ASSETS_ROUTE}/")) || url.starts_with("data:"),
            "{url} is not a local asset"
        );
    }
    // Each of the four files is referenced and served byte for byte from the npm install.
    let modules = dir.join("node_modules");
    for asset in ASSETS {
        let path = format!("{ASSETS_ROUTE}/{}/{}", asset.package, asset.file);
        assert!(
            urls.contains(&path.as_str()),
            "the page does not load {path}"
        );
        let resp = http
            .get(format!("{origin}{path}"))
            .send()
            .await
            .expect("gateway answers");
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(resp.headers()["content-type"], asset.content_type, "{path}");
        let served = resp.bytes().await.expect("asset body");
        let on_disk = std::fs::read(modules.join(asset.package).join(asset.file)).expect("asset");
        assert!(served == on_disk, "{path} differs from the npm install");
    }

    // `products` pages by id, so `first: 2` starts with product 1.
    let expected = seed::product(1, &size).name;
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("graphiql.png");
    let _ = std::fs::remove_file(&screenshot);
    let started = Instant::now();
    let mut command = tokio::process::Command::new("node");
    command
        .arg(dir.join("graphiql.mjs"))
        .arg(&gateway.url)
        .arg(&expected)
        .arg(&screenshot)
        .env("CHROMIUM_PATH", chromium())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    // Awaited, not blocking: the gateway serving the browser runs on this same runtime.
    let output = tokio::time::timeout(BROWSER_TIMEOUT, command.output())
        .await
        .expect("graphiql.mjs finishes within its bound")
        .expect("node starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the browser did not show {expected:?} ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains(&expected), "{stdout}");
    let png = std::fs::read(&screenshot).expect("screenshot saved");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    eprintln!(
        "GraphiQL showed {expected:?} in {:.1} s; screenshot: {}",
        started.elapsed().as_secs_f64(),
        screenshot.display()
    );
}
