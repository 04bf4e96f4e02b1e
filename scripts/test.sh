#!/usr/bin/env bash
# `make test`: every check, in order; the first failure stops the run and names its
# step. The end-to-end suites run against a `wrangler dev` this script starts and
# always stops (trap), whatever happens.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

current=""
started=$(date +%s)
step() {
  current="$1"
  printf '\n\033[1m==> test: %s\033[0m\n' "$current"
}
wrangler_pid=""
site_pid=""
stop_wrangler() {
  if [ -n "$site_pid" ]; then kill "$site_pid" 2>/dev/null || true; site_pid=""; fi
  if [ -n "$wrangler_pid" ]; then
    # wrangler runs in its own process group (setsid): take workerd down with it.
    kill -TERM -- "-$wrangler_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$wrangler_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$wrangler_pid" 2>/dev/null || true
    wrangler_pid=""
  fi
}
finish() {
  rc=$?
  stop_wrangler
  if [ "$rc" -ne 0 ]; then
    printf '\n\033[31mFAILED at step: %s (exit %s)\033[0m\n' "$current" "$rc" >&2
    [ -f "$log" ] && { echo "--- last lines of $log ---" >&2; tail -40 "$log" >&2; }
  else
    printf '\n\033[32mall checks passed in %s s\033[0m\n' "$(( $(date +%s) - started ))"
  fi
  exit "$rc"
}
log="$ROOT/target/wrangler-test.log"
trap finish EXIT
trap 'exit 130' INT TERM

step "setup (install missing tools)"
scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "no import circle between the modules of core or the edge"
node scripts/check-module-cycles.mjs crates/core crates/edge
# The check itself: a crate whose two modules import each other must be refused.
if node scripts/check-module-cycles.mjs tests/fixtures/module-circle >/dev/null 2>&1; then
  echo "the module-circle check passed a crate with a circle" >&2
  exit 1
fi

step "clippy (native, all targets)"
cargo clippy -q --workspace --all-targets -- -D warnings

step "clippy (wasm32)"
cargo clippy -q --workspace --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy -q -p onboarding-widget --tests --target wasm32-unknown-unknown -- -D warnings

step "cargo doc (core, warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc -q -p onboarding-core --no-deps

step "cargo test (native)"
cargo test -q --workspace

step "API client types (openapi-typescript from openapi.json, type-checked against the tests' bodies and the widget's .d.ts)"
node tests/schema/client-check.mjs

step "browser tests (wasm-pack test --headless, Chromium and Firefox)"
# core: its unit tests (those needing a native-only dev-dependency stay native);
# widget: its own.
for crate in crates/core crates/widget; do
  wasm-pack test --headless --chrome "$crate"
  wasm-pack test --headless --firefox "$crate"
done

step "build widget"
scripts/build-widget.sh

step "production configuration: wrangler deploy --dry-run (top level) carries no dev wiring"
node tests/lib/deploy-dry-run-check.mjs

step "build workers (worker-build --release: edge, sandbox)"
# wrangler dev runs the same [build] commands again at start; warm, that takes seconds.
(cd crates/edge && worker-build --release)
(cd crates/sandbox && worker-build --release)

step "start wrangler dev (edge + sandbox)"
mkdir -p target
: > "$log"
# A fresh state directory per run: tests must not depend on leftovers.
state_dir="$ROOT/target/wrangler-test-state"
rm -rf "$state_dir"
# A dev registry of this run's own: another checkout's `wrangler dev` on this machine
# must not answer this edge's service binding to skor-sandbox (nor this run answer
# theirs).
export WRANGLER_REGISTRY_PATH="$ROOT/target/wrangler-test-registry"
rm -rf "$WRANGLER_REGISTRY_PATH" && mkdir -p "$WRANGLER_REGISTRY_PATH"
# The agency registry of this state directory: migrations and the two dev agencies.
# The registry suite runs the operator CLI against it while the edge runs.
node scripts/dev-agencies.mjs "$state_dir"
# The widget, published to this state's release store as a release is to production's.
node scripts/publish-widget.mjs --persist-to "$state_dir"
export EDGE_STATE_DIR="$state_dir"
setsid wrangler dev -c wrangler.toml -c crates/sandbox/wrangler.toml --env dev \
  --ip 127.0.0.1 --port "$DEV_PORT" --persist-to "$state_dir" \
  --show-interactive-dev-session=false >"$log" 2>&1 &
wrangler_pid=$!
# The first start builds both workers (worker-build --release): minutes on a cold,
# busy 2-core machine.
for i in $(seq 1200); do
  if curl -fsS "$DEV_URL/healthz" >/dev/null 2>&1; then break; fi
  kill -0 "$wrangler_pid" 2>/dev/null || { echo "wrangler dev exited" >&2; exit 1; }
  [ "$i" -eq 1200 ] && { echo "wrangler dev did not answer /healthz in 600 s" >&2; exit 1; }
  sleep 0.5
done
echo "edge up at $DEV_URL"
scripts/configure-upstream.sh "$DEV_URL"
# The second agency site, on its own origin, embedding the pinned widget from the edge.
EDGE_URL="$DEV_URL" node scripts/agency-site.mjs "$AGENCY_SITE_PORT" >>"$log" 2>&1 &
site_pid=$!
for i in $(seq 50); do
  curl -fsS "$AGENCY_SITE_URL/" >/dev/null 2>&1 && break
  [ "$i" -eq 50 ] && { echo "agency site did not answer on $AGENCY_SITE_URL" >&2; exit 1; }
  sleep 0.2
done
echo "agency site up at $AGENCY_SITE_URL"

step "end-to-end: HTTP suites (tests/http)"
node --test --test-concurrency=1 'tests/http/*.test.mjs'

step "end-to-end: browser suites (tests/browser: Chromium via Playwright; Chromium, Firefox, WebKit via WebDriver)"
node --test --test-concurrency=1 'tests/browser/*.test.mjs'

step "end-to-end: the agency's kit (npm package, TSX types, React example under StrictMode)"
node --test --test-concurrency=1 'tests/kit/*.test.mjs'

step "end-to-end: schema fuzz (schemathesis on /v1/openapi.json: no 5xx, only documented statuses, bodies valid)"
node tests/schema/fuzz.mjs

current="stop wrangler dev"
stop_wrangler

step "end-to-end: sandbox state survives a wrangler dev restart"
node tests/lib/sandbox-restart-check.mjs

step "end-to-end: a crash between the upstream's commit and the 201, then a retry with the same Idempotency-Key"
node tests/lib/crash-retry-check.mjs

step "end-to-end: an erasure interrupted by a crash halfway, finished by the tenant object's alarm"
node tests/lib/erasure-crash-check.mjs

step "end-to-end: production configuration under wrangler dev (dev wiring forced in: 503; session key rotation)"
node tests/lib/production-config-check.mjs
