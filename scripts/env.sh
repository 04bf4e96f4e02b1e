# Sourced by the other scripts: puts the project's pinned tools first and tells
# worker-build where they are, so it never tries to download anything.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/@esbuild/linux-x64/bin/esbuild"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CHROME_BIN=/usr/bin/chromium
export DEV_PORT="${DEV_PORT:-8787}"
export DEV_URL="http://127.0.0.1:$DEV_PORT"
export AGENCY_SITE_PORT="${AGENCY_SITE_PORT:-8788}"
export AGENCY_SITE_URL="http://127.0.0.1:$AGENCY_SITE_PORT"
