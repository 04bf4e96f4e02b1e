#!/usr/bin/env bash
# Builds the widget into target/widget/<version>/: release wasm → wasm-bindgen (ES
# module) → wasm-opt -Oz, then scripts/package-widget.mjs bundles loader + glue into
# one versioned entry carrying the integrity of the wasm and the stylesheet, and fails
# over the 120 KB gzip -9 budget. scripts/publish-widget.mjs then puts the version into
# the release store the edge serves /widget/ from.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
gen=target/widget-bindgen
cargo build -q -p onboarding-widget --lib --target wasm32-unknown-unknown --release
rm -rf "$gen" && mkdir -p "$gen"
wasm-bindgen --target web --no-typescript --out-dir "$gen" --out-name widget \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/onboarding_widget.wasm"
# Kept for scripts/wasm-top.mjs (`make bench` prints the largest contributors).
cp "$gen/widget_bg.wasm" "$gen/widget_bg.pre-opt.wasm"
# --converge repeats -Oz until nothing shrinks. --low-memory-unused: Rust's wasm32 layout
# puts the stack (growing down from 1 MiB) below the data, so the low 1 KiB is never
# addressed and address arithmetic may fold into load/store offsets.
# --zero-filled-memory: the module defines its own memory, fresh and zeroed, so zero
# data needs no segment. The producers and target-features sections are for tools
# (wasm-bindgen has read them already); browsers ignore them. Together ≈ 1.7 KB gzip.
# --ignore-implicit-traps: safe Rust never relies on a load or a division trapping
# (bounds and zero divisors are checked by branches before the instruction), so code
# may move across them (≈ 100 B gzip).
wasm-opt -Oz --converge --ignore-implicit-traps --low-memory-unused --zero-filled-memory \
  --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$gen/widget_bg.wasm" -o "$gen/widget_bg.wasm"
# The language catalogs (English, Catalan; Spanish for phrase overrides), generated
# natively from the same tables: the wasm carries only Spanish.
cargo run -q -p onboarding-widget --example catalogs -- "$gen/i18n"
node scripts/package-widget.mjs "$gen"
