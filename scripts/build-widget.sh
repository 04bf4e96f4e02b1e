#!/usr/bin/env bash
# Builds the widget into www/widget/: release wasm → wasm-bindgen (ES module) →
# wasm-opt -Oz, plus the hand-written loader, its types and the stylesheet. Prints the
# gzip -9 total of what a browser downloads (budget: 120 KB).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
out=www/widget
cargo build -q -p onboarding-widget --lib --target wasm32-unknown-unknown --release
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
wasm-bindgen --target web --no-typescript --out-dir "$out.tmp" --out-name widget \
  target/wasm32-unknown-unknown/release/onboarding_widget.wasm
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out.tmp/widget_bg.wasm" -o "$out.tmp/widget_bg.wasm"
cp crates/widget/js/* crates/widget/style/* "$out.tmp/"
rm -rf "$out" && mv "$out.tmp" "$out"
raw=$(cat $out/*.wasm $out/*.js $out/*.css | wc -c)
gz=0
for f in $out/*.wasm $out/*.js $out/*.css; do gz=$((gz + $(gzip -9c "$f" | wc -c))); done
echo "==> widget: $raw bytes, $gz bytes gzip -9 (wasm + JS + CSS, budget 122880) in $out/"
