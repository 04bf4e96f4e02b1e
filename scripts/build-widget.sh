#!/usr/bin/env bash
# Builds the widget into www/widget/: release wasm → wasm-bindgen (ES module) →
# wasm-opt -Oz, plus the hand-written loader, its types and the stylesheet.
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
cp crates/widget/js/* "$out.tmp/"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "==> widget: $(du -cb $out/* | tail -1 | cut -f1) bytes in $out/"
