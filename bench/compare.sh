#!/usr/bin/env bash
# The standard federation benchmark, Tessera against Hive Router, in one run (issue 5).
#
#   bench/compare.sh [ROUNDS] [DURATION_SECONDS]        (defaults: 3 rounds of 30 s)
#
# GATEWAYS="tessera" measures Tessera (and the monolith) alone; the default is both gateways.
#
# - Builds `bench` and `tessera-gateway` (release) and, when missing, installs Hive Router
#   0.2.0 from crates.io into $HIVE_ROOT (default /work/tools/hive) the documented way.
# - Starts the four subgraphs once; CPU pinning (taskset) puts the gateway under test alone on
#   $GATEWAY_CPU and the subgraphs and the load driver on $OTHER_CPU.
# - Two modes, each for both gateways: in-flight deduplication of identical subgraph requests
#   on (Hive Router's default) and off. Client-request (inbound) deduplication is off in both.
# - Each round runs Tessera then Hive Router, alternately, against the same subgraphs and the
#   same supergraph (bench/supergraph.graphql), with the same driver settings (50 connections,
#   5 s warm-up). Then the monolith (same data, no gateway) on $GATEWAY_CPU, once per mode, for scale.
# - Prints the table (medians over rounds, ratios Tessera / Hive Router). Raw runs are kept
#   in $RESULTS (JSON lines).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${1:-3}"
DURATION="${2:-30}"
WARMUP="${WARMUP:-5}"
CONNECTIONS="${CONNECTIONS:-50}"
GATEWAY_CPU="${GATEWAY_CPU:-1}"
OTHER_CPU="${OTHER_CPU:-0}"
HIVE_ROOT="${HIVE_ROOT:-/work/tools/hive}"
HIVE_TARGET="${HIVE_TARGET:-/work/target/hive}"
TARGET="${CARGO_TARGET_DIR:-target}"
RESULTS="${RESULTS:-$TARGET/bench-results-$(date +%Y%m%d-%H%M%S).jsonl}"
WORK="$(mktemp -d)"
PORT=4800

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "compare: building (release)" >&2
cargo build --release -q -p bench -p gateway
BENCH="$TARGET/release/bench"
TESSERA="$TARGET/release/tessera-gateway"

GATEWAYS="${GATEWAYS:-tessera hive-router}"
runs() { [[ " $GATEWAYS " == *" $1 "* ]]; }

HIVE="$HIVE_ROOT/bin/hive_router"
if runs hive-router && [ ! -x "$HIVE" ]; then
  echo "compare: installing Hive Router 0.2.0 into $HIVE_ROOT (about 12 minutes of CPU)" >&2
  CARGO_TARGET_DIR="$HIVE_TARGET" nice -n 10 cargo install --locked hive-router@0.2.0 \
    --features graphiql --root "$HIVE_ROOT"
fi

wait_ready() { # url
  for _ in $(seq 1 100); do
    if curl -sf -X POST -H 'content-type: application/json' \
      -d '{"query":"{ __typename }"}' "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "compare: $1 did not become ready" >&2
  return 1
}

stop() { # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

taskset -c "$OTHER_CPU" "$BENCH" subgraphs >"$WORK/subgraphs.log" 2>&1 &
pids+=($!)
wait_ready http://127.0.0.1:4814/graphql

cat >"$WORK/tessera-dedup.toml" <<TOML
[server]
listen = "127.0.0.1:$PORT"
[supergraph]
path = "bench/supergraph.graphql"
[subgraphs]
deduplicate = true
[playground]
enabled = false
TOML
sed 's/deduplicate = true/deduplicate = false/' "$WORK/tessera-dedup.toml" >"$WORK/tessera-no-dedup.toml"

hive_config() { # dedupe_enabled
  cat <<YAML
supergraph:
  source: file
  path: $PWD/bench/supergraph.graphql
http:
  host: 127.0.0.1
  port: $PORT
log:
  level: error
traffic_shaping:
  all:
    dedupe_enabled: $1
  router:
    dedupe:
      enabled: false
YAML
}
hive_config true >"$WORK/hive-dedup.yaml"
hive_config false >"$WORK/hive-no-dedup.yaml"

measure() { # name mode round pid
  "$BENCH" --cpus "$OTHER_CPU" load --url "http://127.0.0.1:$PORT/graphql" \
    --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" \
    --pid "$4" --gateway "$1" --mode "$2" --round "$3" --record "$RESULTS"
}

for round in $(seq 1 "$ROUNDS"); do
  for mode in dedup no-dedup; do
    if runs tessera; then
    NO_COLOR=1 RUST_LOG=warn,tessera_gateway=info taskset -c "$GATEWAY_CPU" "$TESSERA" --config "$WORK/tessera-$mode.toml" \
      >"$WORK/tessera.log" 2>&1 &
    pid=$!
    pids+=($pid)
    wait_ready "http://127.0.0.1:$PORT/graphql"
    measure tessera "$mode" "$round" "$pid"
    stop "$pid"
    grep -o 'cache statistics.*' "$WORK/tessera.log" | sed "s/^/tessera [$mode] round $round: /" \
      | tee -a "$RESULTS.caches" || true
    fi

    if runs hive-router; then
    ROUTER_CONFIG_FILE_PATH="$WORK/hive-$mode.yaml" taskset -c "$GATEWAY_CPU" "$HIVE" \
      >"$WORK/hive.log" 2>&1 &
    pid=$!
    pids+=($pid)
    wait_ready "http://127.0.0.1:$PORT/graphql"
    measure hive-router "$mode" "$round" "$pid"
    stop "$pid"
    fi
  done
done

# The physical limit: the same query from one server, no gateway, on the gateway's core.
taskset -c "$GATEWAY_CPU" "$BENCH" monolith --listen "127.0.0.1:$PORT" >"$WORK/monolith.log" 2>&1 &
pid=$!
pids+=($pid)
wait_ready "http://127.0.0.1:$PORT/graphql"
for mode in dedup no-dedup; do
  measure monolith "$mode" 1 "$pid"
done
stop "$pid"

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "gateway on CPU $GATEWAY_CPU; subgraphs and driver on CPU $OTHER_CPU; $CONNECTIONS connections, ${WARMUP}s warm-up, ${DURATION}s measured, $ROUNDS rounds"
"$BENCH" report "$RESULTS"
echo
echo "raw runs: $RESULTS"
