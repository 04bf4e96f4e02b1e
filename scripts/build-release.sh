#!/usr/bin/env bash
# The production [build] command (`npx wrangler deploy` runs it): the release widget
# (into target/widget/<version>/, for `npm run widget:publish -- --remote`) and the edge
# worker, with the project's pinned tools from `make setup` (never a download).
# Production has no static assets: the widget is served from the release store, and
# the demo page stays in www/ for dev.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
for tool in wasm-bindgen worker-build wasm-opt esbuild; do
  command -v "$tool" >/dev/null || { echo "build-release: $tool missing: run \`make setup\` first" >&2; exit 1; }
done
scripts/build-widget.sh
(cd crates/edge && worker-build --release)
