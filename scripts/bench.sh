#!/usr/bin/env bash
# `make bench`: release artefacts, two local wrangler dev processes (the product,
# and a bare pass-through Worker as the baseline), one table. Not part of
# `make test`: these machines are shared and noisy; read the ratios.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
SETUP_BENCH=1 scripts/setup.sh
scripts/build-widget.sh

EDGE_PORT=8797 PASS_PORT=8798
export EDGE_URL="http://127.0.0.1:$EDGE_PORT" PASSTHROUGH_URL="http://127.0.0.1:$PASS_PORT"
state="$ROOT/target/bench/state"
rm -rf "$state" && mkdir -p "$state"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done; sleep 1; for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# Bench traffic comes from one IP and one session: lift the per-IP and per-session
# limits for this run only (production defaults stay in wrangler.toml).
setsid wrangler dev -c wrangler.toml -c crates/sandbox/wrangler.toml --ip 127.0.0.1 --port "$EDGE_PORT" \
  --persist-to "$state" --show-interactive-dev-session=false \
  --var RATE_SESSIONS_PER_IP:100000000 --var RATE_TENANTS_PER_SESSION:100000000 \
  >"$ROOT/target/bench/edge.log" 2>&1 &
pids+=($!)
wait_for() { for _ in $(seq 240); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "no answer from $1" >&2; return 1; }
wait_for "$EDGE_URL/healthz"
scripts/configure-upstream.sh "$EDGE_URL" >/dev/null 2>&1 || true
setsid wrangler dev -c bench/passthrough/wrangler.toml --ip 127.0.0.1 --port "$PASS_PORT" \
  --persist-to "$state" --show-interactive-dev-session=false >"$ROOT/target/bench/passthrough.log" 2>&1 &
pids+=($!)
wait_for "$PASSTHROUGH_URL/healthz"

# Core validation in wasm, headless Chromium (prints "bench: N validations/s").
if out=$(cd crates/core && WASM_BENCH=1 wasm-pack test --release --headless --chrome -- --test wasm_bench -- --nocapture 2>&1); then
  CORE_WASM_RATE=$(printf '%s' "$out" | sed -n 's/.*bench: \([0-9]*\) validations\/s.*/\1/p' | head -1)
  export CORE_WASM_RATE
fi

node bench/run.mjs | tee "$ROOT/target/bench/table.md"
