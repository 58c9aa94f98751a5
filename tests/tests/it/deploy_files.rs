//! The deployment files against the binaries they start: every command, flag, environment
//! variable, port and subgraph URL in `docker-compose.yml` and `deploy/` must be one the
//! binaries accept, so the files cannot drift from the code silently. The flags and variables
//! come from the binaries' own clap definitions and the gateway's own config loader, not from a
//! list kept here. (`scripts/validate-deploy` checks the same files against the Compose and
//! Kubernetes schemas.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::CommandFactory as _;
use gateway::AppState;
use gateway::config::GatewayConfig;
use serde::Deserialize as _;
use serde_json::Value;

/// The repository root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

/// Every document of a YAML file, with `<<` merge keys applied, as JSON values.
fn yaml_docs(text: &str) -> Vec<Value> {
    serde_yaml_ng::Deserializer::from_str(text)
        .map(|doc| {
            let mut value = serde_yaml_ng::Value::deserialize(doc).expect("valid YAML");
            // One pass leaves the `<<` that a merged mapping brings along (compose's
            // x-subgraph merges x-tessera-image): repeat until nothing changes.
            loop {
                let before = value.clone();
                value.apply_merge().expect("valid merge keys");
                if value == before {
                    break;
                }
            }
            serde_yaml_ng::from_value::<Value>(value).expect("YAML as JSON")
        })
        .filter(|v| !v.is_null())
        .collect()
}

fn str_list(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Expands compose's `${NAME:-default}` / `${NAME}` with the defaults (no variable is set).
fn interpolate(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("unclosed ${") + start;
        let inner = &rest[start + 2..end];
        if let Some((_, default)) = inner.split_once(":-") {
            out.push_str(default);
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The port of `host:port` or of an `http://host:port/...` URL.
fn port_of(addr: &str) -> Option<u16> {
    let addr = addr.split_once("://").map_or(addr, |(_, rest)| rest);
    let host_port = addr.split('/').next()?;
    host_port.rsplit_once(':')?.1.parse().ok()
}

/// `(host, port, path)` of an `http://` URL.
fn http_url(url: &str) -> Option<(String, u16, String)> {
    let rest = url.strip_prefix("http://")?;
    let (host_port, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (host, port) = host_port.rsplit_once(':')?;
    Some((host.to_owned(), port.parse().ok()?, format!("/{path}")))
}

/// What a binary of the image reads: its clap command line (flags and their variables), and
/// the variables it reads outside clap.
struct Binary {
    cli: Option<clap::Command>,
    extra_env: &'static [&'static str],
}

/// `tessera_telemetry`'s initialisation, shared by the subgraphs and the gateway, reads these
/// (checked against its source below).
const TELEMETRY_ENV: &[&str] = &[
    "RUST_LOG",
    "LOG_FORMAT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_SERVICE_NAME",
];

fn binary(name: &str) -> Option<Binary> {
    let subgraph = |cli| {
        Some(Binary {
            cli: Some(cli),
            extra_env: TELEMETRY_ENV,
        })
    };
    match name {
        "users-subgraph" => subgraph(users_subgraph::Config::command()),
        "products-subgraph" => subgraph(products_subgraph::Config::command()),
        "orders-subgraph" => subgraph(orders_subgraph::Config::command()),
        "reviews-subgraph" => subgraph(reviews_subgraph::Config::command()),
        "users-migration" | "products-migration" | "orders-migration" | "reviews-migration" => {
            Some(Binary {
                cli: Some(sea_orm_migration::cli::Cli::command()),
                extra_env: &[],
            })
        }
        // The gateway's flags live in its binary; the files may only pass `--config FILE`, and
        // its variables are checked by its config loader (`check_gateway`).
        "tessera-gateway" => Some(Binary {
            cli: None,
            extra_env: TELEMETRY_ENV,
        }),
        _ => None,
    }
}

/// Every variable `cmd` (and its subcommands) reads, with the long flag it sets.
fn env_flags(cmd: &clap::Command, out: &mut BTreeMap<String, String>) {
    for arg in cmd.get_arguments() {
        if let (Some(env), Some(long)) = (arg.get_env(), arg.get_long()) {
            out.insert(env.to_string_lossy().into_owned(), long.to_owned());
        }
    }
    for sub in cmd.get_subcommands() {
        env_flags(sub, out);
    }
}

/// Checks that `argv` with `env` is an invocation the binary accepts: a known binary, only
/// variables it reads, and arguments plus variable values its parser takes.
fn check_invocation(argv: &[String], env: &BTreeMap<String, String>) -> Result<(), String> {
    let name = argv.first().ok_or("empty command")?;
    let bin = binary(name).ok_or_else(|| format!("`{name}` is not a binary of the image"))?;
    let Some(cli) = bin.cli else {
        let unknown: Vec<_> = env
            .keys()
            .filter(|k| !bin.extra_env.contains(&k.as_str()) && !k.starts_with("TESSERA_"))
            .collect();
        return if unknown.is_empty() {
            Ok(())
        } else {
            Err(format!("{name} reads no variable {unknown:?}"))
        };
    };
    let mut flags = BTreeMap::new();
    env_flags(&cli, &mut flags);
    let mut full = argv.to_vec();
    for (key, value) in env {
        if bin.extra_env.contains(&key.as_str()) {
            continue;
        }
        let flag = flags
            .get(key)
            .ok_or_else(|| format!("{name} reads no variable {key} (it reads {flags:?})"))?;
        // The variable's value through the flag it backs: the parser checks it the same way.
        full.push(format!("--{flag}={value}"));
    }
    cli.try_get_matches_from(&full)
        .map(drop)
        .map_err(|e| format!("{name} refuses {full:?}: {e}"))
}

/// Loads a gateway config file the way `tessera-gateway --config` does, with `env` on top,
/// and the supergraph the image carries; returns the config for the URL checks.
fn check_gateway(
    config_rel: &str,
    env: &BTreeMap<String, String>,
) -> Result<GatewayConfig, String> {
    let text = read(config_rel);
    let vars = env.iter().map(|(k, v)| (k.clone(), v.clone()));
    let config = GatewayConfig::from_sources(Some((&text, Path::new(config_rel))), vars)
        .map_err(|e| format!("{config_rel}: {e}"))?;
    let supergraph_path = config
        .supergraph
        .path
        .as_deref()
        .ok_or_else(|| format!("{config_rel}: no [supergraph] path"))?;
    if supergraph_path != Path::new(IMAGE_SUPERGRAPH) {
        return Err(format!(
            "{config_rel}: serves {}, the image has {IMAGE_SUPERGRAPH}",
            supergraph_path.display()
        ));
    }
    let supergraph = gateway::boot::load_supergraph_file(&root().join("schema/supergraph.graphql"))
        .map_err(|e| e.to_string())?;
    let state = AppState::from_config(&config).map_err(|e| format!("{config_rel}: {e}"))?;
    state
        .load_supergraph(Arc::new(supergraph))
        .map_err(|e| format!("{config_rel}: {e}"))?;
    Ok(config)
}

/// Where the Dockerfile puts the checked-in supergraph.
const IMAGE_SUPERGRAPH: &str = "/app/schema/supergraph.graphql";

/// The subgraph names of the checked-in supergraph.
fn supergraph_subgraphs() -> BTreeSet<String> {
    gateway::boot::load_supergraph_file(&root().join("schema/supergraph.graphql"))
        .expect("schema/supergraph.graphql")
        .subgraphs()
        .iter()
        .map(|s| s.name.clone())
        .collect()
}

/// Checks the gateway's subgraph URLs: each subgraph of the supergraph is overridden with
/// `http://NAME:PORT/graphql`, where NAME serves it on PORT.
fn check_overrides(
    config: &GatewayConfig,
    ports: &BTreeMap<String, u16>,
    errors: &mut Vec<String>,
) {
    for name in supergraph_subgraphs() {
        let Some(url) = config.subgraphs.url_for(&name) else {
            errors.push(format!("gateway: no URL override for subgraph {name}"));
            continue;
        };
        let expected = ports
            .get(&name)
            .map(|p| format!("http://{name}:{p}/graphql"));
        if expected.as_deref() != Some(url.as_str()) {
            errors.push(format!(
                "gateway: subgraph {name} at {url}, but it is served at {expected:?}"
            ));
        }
    }
}

#[test]
fn the_checks_refuse_what_the_binaries_refuse() {
    let argv = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let env = |a: &[(&str, &str)]| {
        a.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>()
    };
    check_invocation(
        &argv(&["users-subgraph", "--seed"]),
        &env(&[("LISTEN", "0.0.0.0:1")]),
    )
    .expect("a valid invocation");
    // A misspelt variable, a flag that does not exist, a value the parser refuses, a binary
    // the image lacks.
    assert!(check_invocation(&argv(&["orders-subgraph"]), &env(&[("DATABASE_URI", "x")])).is_err());
    assert!(check_invocation(&argv(&["reviews-subgraph", "--sed"]), &env(&[])).is_err());
    assert!(
        check_invocation(&argv(&["users-subgraph"]), &env(&[("TOKEN_TTL_SECS", "0")])).is_err()
    );
    assert!(check_invocation(&argv(&["users-subgraph"]), &env(&[("LISTEN", "4001")])).is_err());
    assert!(check_invocation(&argv(&["users-migration", "upp"]), &env(&[])).is_err());
    assert!(check_invocation(&argv(&["users-server"]), &env(&[])).is_err());
    assert!(check_invocation(&argv(&["tessera-gateway"]), &env(&[("LOG_FMT", "json")])).is_err());
    // The telemetry variables are read where the check says they are.
    let telemetry = read("telemetry/src/init.rs");
    for var in [
        "\"LOG_FORMAT\"",
        "\"OTEL_EXPORTER_OTLP_ENDPOINT\"",
        "\"OTEL_SERVICE_NAME\"",
        "EnvFilter::DEFAULT_ENV",
    ] {
        assert!(
            telemetry.contains(var),
            "tessera_telemetry no longer reads {var}"
        );
    }
    // A gateway config naming a subgraph the supergraph lacks is refused, as at start.
    let bad = env(&[(
        "TESSERA_SUBGRAPHS__OVERRIDES__USER__URL",
        "http://users:4001/graphql",
    )]);
    assert!(check_gateway("deploy/compose/gateway.toml", &bad).is_err());
}

#[test]
fn the_image_builds_every_binary_and_carries_the_supergraph() {
    let dockerfile = read("Dockerfile");
    for name in [
        "tessera-gateway",
        "users-subgraph",
        "products-subgraph",
        "orders-subgraph",
        "reviews-subgraph",
        "users-migration",
        "products-migration",
        "orders-migration",
        "reviews-migration",
    ] {
        assert!(
            dockerfile.contains(&format!("target/release/{name} ")),
            "the Dockerfile does not copy {name} into the image"
        );
    }
    assert!(
        dockerfile.contains(&format!(
            "COPY schema/supergraph.graphql {IMAGE_SUPERGRAPH}"
        )),
        "the Dockerfile must put the supergraph at {IMAGE_SUPERGRAPH}"
    );
    assert!(
        dockerfile.contains("USER 10001"),
        "the runtime image must not run as root"
    );
}

#[test]
fn compose_runs_the_binaries_as_they_are() {
    let compose = yaml_docs(&read("docker-compose.yml")).remove(0);
    let services = compose["services"].as_object().expect("services");
    let mut errors = Vec::new();
    let mut subgraph_ports = BTreeMap::new();
    let mut database_urls = BTreeMap::new();
    let mut gateway = None;

    for (service, spec) in services {
        let image = spec["image"].as_str().unwrap_or_default();
        if !image.contains("TESSERA_IMAGE") {
            continue;
        }
        let argv = str_list(&spec["command"]);
        let env: BTreeMap<String, String> = spec["environment"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                        (k.clone(), interpolate(&v))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if let Err(e) = check_invocation(&argv, &env) {
            errors.push(format!("compose service {service}: {e}"));
            continue;
        }
        let bin = argv[0].as_str();
        let health = str_list(&spec["healthcheck"]["test"]);
        let health_url = health.last().cloned().unwrap_or_default();
        if let Some(name) = bin.strip_suffix("-subgraph") {
            if service != name {
                errors.push(format!(
                    "compose service {service} runs {bin}: name it {name}"
                ));
            }
            let port = env.get("LISTEN").and_then(|l| port_of(l));
            match port {
                Some(p) => {
                    subgraph_ports.insert(name.to_owned(), p);
                }
                None => errors.push(format!("compose service {service}: no LISTEN port")),
            }
            if http_url(&health_url).map(|(_, p, path)| (p, path))
                != port.map(|p| (p, "/health".into()))
            {
                errors.push(format!(
                    "compose service {service}: health check {health_url} is not /health on LISTEN"
                ));
            }
            let migration = format!("{name}-migration");
            if spec["depends_on"][&migration]["condition"] != "service_completed_successfully" {
                errors.push(format!(
                    "compose service {service} does not wait for {migration}"
                ));
            }
            database_urls.insert(name.to_owned(), env.get("DATABASE_URL").cloned());
            if name != "users" {
                let jwks = env.get("JWKS_URL").cloned().unwrap_or_default();
                if http_url(&jwks).map(|(h, _, path)| (h, path))
                    != Some(("users".into(), "/.well-known/jwks.json".into()))
                {
                    errors.push(format!(
                        "compose service {service}: JWKS_URL {jwks} is not the users service's"
                    ));
                }
                if port_of(&jwks) != env_port(services, "users") {
                    errors.push(format!(
                        "compose service {service}: JWKS_URL {jwks} has not the users port"
                    ));
                }
            }
        } else if let Some(name) = bin.strip_suffix("-migration") {
            if argv[1..] != ["up"] {
                errors.push(format!(
                    "compose service {service}: migrations must run `{bin} up`"
                ));
            }
            if service != bin {
                errors.push(format!(
                    "compose service {service} runs {bin}: name it {bin}"
                ));
            }
            let url = env.get("DATABASE_URL").cloned().unwrap_or_default();
            if !url.starts_with("postgres://") || !url.ends_with(&format!("/{name}")) {
                errors.push(format!(
                    "compose service {service}: DATABASE_URL {url} is not the {name} database"
                ));
            }
        } else if bin == "tessera-gateway" {
            gateway = Some((
                service.clone(),
                argv.clone(),
                env.clone(),
                spec.clone(),
                health_url,
            ));
        }
    }

    // Each migration job and its subgraph use the same database.
    for (name, url) in &database_urls {
        let migration_env = &services[&format!("{name}-migration")]["environment"]["DATABASE_URL"];
        let migration_url = migration_env.as_str().map(interpolate);
        if url.as_ref() != migration_url.as_ref() {
            errors.push(format!(
                "compose: {name} and {name}-migration use different DATABASE_URLs"
            ));
        }
    }
    let names: BTreeSet<String> = subgraph_ports.keys().cloned().collect();
    if names != supergraph_subgraphs() {
        errors.push(format!(
            "compose runs the subgraphs {names:?}, the supergraph has {:?}",
            supergraph_subgraphs()
        ));
    }

    let (service, argv, env, spec, health_url) = gateway.expect("compose runs the gateway");
    match argv.as_slice() {
        [_, flag, path] if flag == "--config" => {
            // The config file is the one mounted at that path.
            let mount = str_list(&spec["volumes"])
                .into_iter()
                .find_map(|v| {
                    let mut parts = v.split(':');
                    let (host, container) = (parts.next()?, parts.next()?);
                    (container == path).then(|| host.trim_start_matches("./").to_owned())
                })
                .expect("the gateway's --config file is mounted");
            match check_gateway(&mount, &env) {
                Ok(config) => {
                    check_overrides(&config, &subgraph_ports, &mut errors);
                    let listen = config.server.listen.port();
                    if http_url(&health_url).map(|(_, p, path)| (p, path))
                        != Some((listen, "/ready".into()))
                    {
                        errors.push(format!(
                            "compose {service}: health check {health_url} is not /ready on {listen}"
                        ));
                    }
                    let published = str_list(&spec["ports"]);
                    if !published
                        .iter()
                        .any(|p| port_of(&interpolate(p)) == Some(listen))
                    {
                        errors.push(format!("compose {service}: port {listen} is not published"));
                    }
                }
                Err(e) => errors.push(format!("compose {service}: {e}")),
            }
        }
        _ => errors.push(format!(
            "compose {service}: run `tessera-gateway --config FILE`, not {argv:?}"
        )),
    }
    for name in subgraph_ports.keys() {
        if spec["depends_on"][name]["condition"] != "service_healthy" {
            errors.push(format!(
                "compose {service} does not wait for {name} to be healthy"
            ));
        }
    }

    // Prometheus scrapes every service where it listens.
    let prometheus = yaml_docs(&read("deploy/compose/prometheus.yml")).remove(0);
    let mut scraped = BTreeMap::new();
    for job in prometheus["scrape_configs"]
        .as_array()
        .expect("scrape_configs")
    {
        for sc in job["static_configs"].as_array().into_iter().flatten() {
            for target in str_list(&sc["targets"]) {
                if let Some((host, port)) = target.rsplit_once(':') {
                    scraped.insert(host.to_owned(), port.parse::<u16>().ok());
                }
            }
        }
        for sd in job["dns_sd_configs"].as_array().into_iter().flatten() {
            for host in str_list(&sd["names"]) {
                scraped.insert(
                    host,
                    sd["port"].as_u64().and_then(|p| u16::try_from(p).ok()),
                );
            }
        }
    }
    let mut expected: BTreeMap<String, Option<u16>> = subgraph_ports
        .iter()
        .map(|(k, v)| (k.clone(), Some(*v)))
        .collect();
    expected.insert(service.clone(), Some(4000));
    if scraped != expected {
        errors.push(format!(
            "prometheus scrapes {scraped:?}, the services listen on {expected:?}"
        ));
    }

    assert!(
        errors.is_empty(),
        "docker-compose.yml drifted:\n{}",
        errors.join("\n")
    );
}

/// The LISTEN port of a compose service.
fn env_port(services: &serde_json::Map<String, Value>, service: &str) -> Option<u16> {
    services[service]["environment"]["LISTEN"]
        .as_str()
        .and_then(port_of)
}

/// The literals of a kustomization's configMapGenerator entry `name`.
fn generator_literals(kustomization: &Value, name: &str) -> BTreeMap<String, String> {
    kustomization["configMapGenerator"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|g| g["name"] == name)
        .flat_map(|g| str_list(&g["literals"]))
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

/// Every Kubernetes object under `dir` (recursively), kustomizations left out.
fn k8s_objects(dir: &Path, out: &mut Vec<Value>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("dir").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            k8s_objects(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).expect("read");
            out.extend(
                yaml_docs(&text)
                    .into_iter()
                    .filter(|d| d["kind"] != "Kustomization"),
            );
        }
    }
}

#[test]
fn kubernetes_runs_the_binaries_as_they_are() {
    let base = root().join("deploy/kubernetes/base");
    let mut objects = Vec::new();
    k8s_objects(&base, &mut objects);
    let kustomization = yaml_docs(&read("deploy/kubernetes/base/kustomization.yaml")).remove(0);
    let shared = generator_literals(&kustomization, "tessera-subgraphs");
    // Overlays may change the shared settings; their values must be as valid as the base's.
    let mut overlay_settings = Vec::new();
    for overlay in ["dev", "prod"] {
        let k = yaml_docs(&read(&format!(
            "deploy/kubernetes/overlays/{overlay}/kustomization.yaml"
        )))
        .remove(0);
        overlay_settings.push(generator_literals(&k, "tessera-subgraphs"));
    }
    let mut errors = Vec::new();
    let by = |kind: &str, name: &str| {
        objects
            .iter()
            .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
            .cloned()
    };

    let mut subgraph_ports = BTreeMap::new();
    let mut database_keys = BTreeMap::new();
    let mut gateway_configs = Vec::new();
    for settings in std::iter::once(shared.clone()).chain(overlay_settings.iter().map(|o| {
        let mut merged = shared.clone();
        merged.extend(o.clone());
        merged
    })) {
        for object in objects
            .iter()
            .filter(|o| o["kind"] == "Deployment" || o["kind"] == "Job")
        {
            let name = object["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let pod = &object["spec"]["template"]["spec"];
            for container in pod["containers"].as_array().into_iter().flatten() {
                if container["image"] != "tessera" {
                    continue;
                }
                let argv = str_list(&container["command"]);
                let mut env = BTreeMap::new();
                for from in container["envFrom"].as_array().into_iter().flatten() {
                    match from["configMapRef"]["name"].as_str() {
                        Some("tessera-subgraphs") => env.extend(settings.clone()),
                        other => {
                            errors.push(format!("{name}: envFrom {other:?} is not checked here"))
                        }
                    }
                }
                for var in container["env"].as_array().into_iter().flatten() {
                    let key = var["name"].as_str().unwrap_or_default().to_owned();
                    let value = if let Some(v) = var["value"].as_str() {
                        v.to_owned()
                    } else if let Some(secret) = var["valueFrom"]["secretKeyRef"].as_object() {
                        if key == "DATABASE_URL" {
                            database_keys
                                .insert(name.clone(), secret["key"].as_str().map(str::to_owned));
                        }
                        format!(
                            "postgres://secret@postgres:5432/{}",
                            secret["key"].as_str().unwrap_or("")
                        )
                    } else if let Some(cm) = var["valueFrom"]["configMapKeyRef"].as_object() {
                        if cm["name"] != "tessera-subgraphs" {
                            errors.push(format!("{name}: {key} from an unchecked ConfigMap"));
                        }
                        settings
                            .get(cm["key"].as_str().unwrap_or_default())
                            .cloned()
                            .unwrap_or_default()
                    } else {
                        errors.push(format!("{name}: {key} has no value this test understands"));
                        continue;
                    };
                    env.insert(key, value);
                }
                if let Err(e) = check_invocation(&argv, &env) {
                    errors.push(format!("{} {name}: {e}", object["kind"]));
                    continue;
                }
                let bin = argv[0].as_str();
                if let Some(sub) = bin.strip_suffix("-subgraph") {
                    if name != sub {
                        errors.push(format!("Deployment {name} runs {bin}: name it {sub}"));
                    }
                    let listen = env.get("LISTEN").and_then(|l| port_of(l));
                    let container_port = container["ports"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|p| p["name"] == "http")
                        .and_then(|p| p["containerPort"].as_u64())
                        .and_then(|p| u16::try_from(p).ok());
                    if listen.is_none() || listen != container_port {
                        errors.push(format!("Deployment {name}: LISTEN {listen:?} is not containerPort http {container_port:?}"));
                    }
                    if let Some(p) = listen {
                        subgraph_ports.insert(name.clone(), p);
                    }
                    if sub != "users" {
                        let jwks = env.get("JWKS_URL").cloned().unwrap_or_default();
                        let users_port = by("Service", "users")
                            .and_then(|s| s["spec"]["ports"][0]["port"].as_u64());
                        match http_url(&jwks) {
                            Some((host, port, path))
                                if host == "users"
                                    && Some(u64::from(port)) == users_port
                                    && path == "/.well-known/jwks.json" => {}
                            _ => errors.push(format!(
                                "Deployment {name}: JWKS_URL {jwks} is not the users Service's"
                            )),
                        }
                    }
                } else if let Some(sub) = bin.strip_suffix("-migration") {
                    if argv[1..] != ["up"] || name != bin {
                        errors.push(format!(
                            "Job {name}: run `{sub}-migration up` in Job {sub}-migration"
                        ));
                    }
                } else if bin == "tessera-gateway" {
                    if argv[1..] != ["--config", "/etc/tessera/gateway.toml"] {
                        errors.push(format!("Deployment {name}: run `tessera-gateway --config /etc/tessera/gateway.toml`"));
                    }
                    let mounts_config = container["volumeMounts"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|m| {
                            m["mountPath"] == "/etc/tessera"
                                && pod["volumes"].as_array().into_iter().flatten().any(|v| {
                                    v["name"] == m["name"]
                                        && v["configMap"]["name"] == "gateway-config"
                                })
                        });
                    if !mounts_config {
                        errors.push(format!(
                            "Deployment {name}: ConfigMap gateway-config is not at /etc/tessera"
                        ));
                    }
                    gateway_configs.push(env.clone());
                }
            }
        }
    }

    // A subgraph's Service serves its LISTEN port; its Job migrates the database it uses.
    for (name, port) in &subgraph_ports {
        let service_port = by("Service", name).and_then(|s| s["spec"]["ports"][0]["port"].as_u64());
        if service_port != Some(u64::from(*port)) {
            errors.push(format!(
                "Service {name}: port {service_port:?}, the pods listen on {port}"
            ));
        }
        let job = format!("{name}-migration");
        // Both read the key named after the service from the database Secret.
        let expected = Some(Some(name.clone()));
        if database_keys.get(name).cloned() != expected
            || database_keys.get(&job).cloned() != expected
        {
            errors.push(format!(
                "{name} and Job {job} must read DATABASE_URL from the Secret key {name}"
            ));
        }
    }
    let names: BTreeSet<String> = subgraph_ports.keys().cloned().collect();
    if names != supergraph_subgraphs() {
        errors.push(format!(
            "Kubernetes runs the subgraphs {names:?}, the supergraph has {:?}",
            supergraph_subgraphs()
        ));
    }

    // Both gateway configs (base and prod's replacement) load, and reach the Services.
    let gateway_kustomization =
        yaml_docs(&read("deploy/kubernetes/base/gateway/kustomization.yaml")).remove(0);
    assert_eq!(
        str_list(&gateway_kustomization["configMapGenerator"][0]["files"]),
        ["gateway.toml"],
        "gateway-config holds gateway.toml"
    );
    assert!(!gateway_configs.is_empty(), "Kubernetes runs the gateway");
    for file in [
        "deploy/kubernetes/base/gateway/gateway.toml",
        "deploy/kubernetes/overlays/prod/gateway.toml",
    ] {
        for env in &gateway_configs {
            match check_gateway(file, env) {
                Ok(config) => {
                    check_overrides(&config, &subgraph_ports, &mut errors);
                    let service_port = by("Service", "gateway")
                        .and_then(|s| s["spec"]["ports"][0]["port"].as_u64());
                    if service_port != Some(u64::from(config.server.listen.port())) {
                        errors.push(format!(
                            "{file}: listens on {}, Service gateway has {service_port:?}",
                            config.server.listen
                        ));
                    }
                }
                Err(e) => errors.push(e),
            }
        }
    }
    // The workloads are checked once per overlay's settings: report each problem once.
    errors.sort();
    errors.dedup();
    assert!(
        errors.is_empty(),
        "deploy/kubernetes drifted:\n{}",
        errors.join("\n")
    );
}
