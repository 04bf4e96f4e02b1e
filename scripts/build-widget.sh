#!/usr/bin/env bash
# Builds the widget into www/widget/: release wasm → wasm-bindgen (ES module) →
# wasm-opt -Oz, then scripts/package-widget.mjs bundles loader + glue into one
# versioned entry carrying the integrity of the wasm and the stylesheet, writes the
# stable entry and manifest.json, and fails over the 120 KB gzip -9 budget.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
gen=target/widget-bindgen
cargo build -q -p onboarding-widget --lib --target wasm32-unknown-unknown --release
rm -rf "$gen" && mkdir -p "$gen"
wasm-bindgen --target web --no-typescript --out-dir "$gen" --out-name widget \
  target/wasm32-unknown-unknown/release/onboarding_widget.wasm
# Kept for scripts/wasm-top.mjs (`make bench` prints the largest contributors).
cp "$gen/widget_bg.wasm" "$gen/widget_bg.pre-opt.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$gen/widget_bg.wasm" -o "$gen/widget_bg.wasm"
node scripts/package-widget.mjs "$gen"
