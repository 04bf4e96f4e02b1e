#!/usr/bin/env bash
# `make bench`: release artefacts, two local wrangler dev processes (the product,
# and a bare pass-through Worker as the baseline), one table. Not part of
# `make test`: these machines are shared and noisy; read the ratios.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
SETUP_BENCH=1 scripts/setup.sh
scripts/build-widget.sh
# What the widget's bytes are spent on (the next change knows what it costs).
mkdir -p target/bench
node scripts/wasm-top.mjs "" 20 | tee target/bench/wasm-top.txt

SANDBOX_PORT=8796 EDGE_PORT=8797 PASS_PORT=8798 FLOOR_PORT=8795
export EDGE_URL="http://127.0.0.1:$EDGE_PORT" PASSTHROUGH_URL="http://127.0.0.1:$PASS_PORT"
export FLOOR_URL="http://127.0.0.1:$FLOOR_PORT"
state="$ROOT/target/bench/state"
rm -rf "$state" && mkdir -p "$state"
# Our own dev registry: the three processes find each other through it, and a
# `wrangler dev` someone else runs on this machine (another checkout, other secrets)
# must not answer for "skor-sandbox" in the middle of the run.
export WRANGLER_REGISTRY_PATH="$ROOT/target/bench/registry"
rm -rf "$WRANGLER_REGISTRY_PATH" && mkdir -p "$WRANGLER_REGISTRY_PATH"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done; sleep 1; for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM
wait_for() { for _ in $(seq 1200); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "no answer from $1" >&2; return 1; }
start() { # name, port, wrangler args...
  local name=$1 port=$2; shift 2
  # Quiet logs on every side (warnings and errors only): wrangler would otherwise print
  # a request line, and the edge its own JSON line, for every request of the run.
  setsid wrangler dev "$@" --ip 127.0.0.1 --port "$port" --persist-to "$state" \
    --log-level "${BENCH_LOG_LEVEL:-warn}" \
    --show-interactive-dev-session=false >"$ROOT/target/bench/$name.log" 2>&1 &
  pids+=($!)
}
# Three processes, so each workerd's memory is its own: the sandbox (the upstream,
# which stores what it receives), the edge and the bare pass-through. Both workers
# reach the same sandbox through a service binding across processes (wrangler's dev
# registry). Bench traffic comes from one IP, one session and one tenant: the per-IP,
# per-session and per-tenant upload limits are lifted for this run only.
# The relay keeps production's breaker (opens after 5 failures, 10 s timeout) but
# stays open 5 s at most, so a dead endpoint's events (4 attempts here) are dead letters
# within about 20 s, inside the load section that measures them: held for production's
# 300 s, they came back minutes later in another section's window (at d1a2cda, 5.2 s of
# CPU in the status-push section's "nothing changing" 15 s).
start sandbox "$SANDBOX_PORT" -c crates/sandbox/wrangler.toml --env dev
export SANDBOX_PGID=${pids[-1]}
wait_for "http://127.0.0.1:$SANDBOX_PORT/healthz"
# BENCH_PROFILE=1: the edge's isolate gets an inspector port, and a CPU profile under
# load follows the table (bench/profile.mjs; target/bench/profile.txt and
# edge.cpuprofile).
profile_args=()
[[ -n "${BENCH_PROFILE:-}" ]] && profile_args=(--inspector-port 9239)
node scripts/dev-agencies.mjs "$state" >/dev/null
node scripts/publish-widget.mjs --persist-to "$state" >/dev/null
start edge "$EDGE_PORT" -c wrangler.toml --env dev "${profile_args[@]}" --var LOG_REQUESTS:false \
  --var RATE_SESSIONS_PER_IP:100000000 --var RATE_TENANTS_PER_SESSION:100000000 \
  --var RATE_UPLOADS_PER_TENANT:100000000 --var RATE_UPLOAD_BYTES_PER_TENANT:1000000000000 \
  --var AGENCY_DAILY_TENANTS:100000000 --var AGENCY_DAILY_UPLOADS:100000000 \
  --var RELAY_BREAKER_THRESHOLD:5 --var RELAY_BREAKER_MAX_OPEN_SECONDS:5 --var RELAY_TIMEOUT_MS:10000
export EDGE_PGID=${pids[-1]}
# One at a time: wrangler processes started together can race for the same local
# socket ("Address already in use (socket direct:1:default)", seen once a run).
wait_for "$EDGE_URL/healthz"
start passthrough "$PASS_PORT" -c bench/passthrough/wrangler.toml
export PASS_PGID=${pids[-1]}
wait_for "$PASSTHROUGH_URL/healthz"
# The floor: the pass-through plus one Durable Object write (bench/floor).
start floor "$FLOOR_PORT" -c bench/floor/wrangler.toml
export FLOOR_PGID=${pids[-1]}
wait_for "$FLOOR_URL/healthz"
scripts/configure-upstream.sh "$EDGE_URL" >/dev/null
# The second agency's page (its origin is the one pk_test_portal allows), embedding the
# widget from this edge: the phone figure loads it.
EDGE_URL="$EDGE_URL" setsid node scripts/agency-site.mjs 8788 >"$ROOT/target/bench/agency-site.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:8788/"

# Core validation in wasm, headless Chromium (prints "bench: N validations/s").
# BENCH_SECTIONS=load,uploads (a lever's before/after) skips it.
if [[ -n "${BENCH_SECTIONS:-}" && "$BENCH_SECTIONS" != *core* ]]; then
  :
elif out=$(cd crates/core && WASM_BENCH=1 wasm-pack test --release --headless --chrome -- --test wasm_bench -- --nocapture 2>&1); then
  CORE_WASM_RATE=$(printf '%s' "$out" | sed -n 's/.*bench: \([0-9]*\) validations\/s.*/\1/p' | head -1)
  export CORE_WASM_RATE
else
  # Say so in the table (the row used to vanish): the build or the browser failed.
  CORE_WASM_ERROR=$(printf '%s' "$out" | grep -m1 -E '^error' || printf '%s' "$out" | tail -1)
  export CORE_WASM_ERROR
fi

node bench/run.mjs | tee "$ROOT/target/bench/table.md"
if [[ -n "${BENCH_PROFILE:-}" ]]; then
  INSPECTOR=127.0.0.1:9239 node bench/profile.mjs | tee "$ROOT/target/bench/profile.txt"
fi
