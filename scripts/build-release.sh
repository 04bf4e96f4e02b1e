#!/usr/bin/env bash
# The production [build] command (`npx wrangler deploy` runs it): the release widget
# and the edge worker, with the project's pinned tools from `make setup` (never a
# download). Production serves the widget and nothing else: the demo page stays in www/
# for dev, and target/release-assets holds only the widget and its headers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
for tool in wasm-bindgen worker-build wasm-opt esbuild; do
  command -v "$tool" >/dev/null || { echo "build-release: $tool missing: run \`make setup\` first" >&2; exit 1; }
done
scripts/build-widget.sh
out=target/release-assets
rm -rf "$out" && mkdir -p "$out"
cp -R www/widget "$out/widget"
cp www/_headers "$out/_headers"
(cd crates/edge && worker-build --release)
