#!/usr/bin/env bash
# `make dev`: install what is missing, build the widget, run edge + sandbox + demo
# page on http://127.0.0.1:8787. Ctrl-C stops wrangler and every workerd under it.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
scripts/setup.sh
scripts/build-widget.sh
echo "==> dev: starting edge + sandbox on $DEV_URL (Ctrl-C to stop)"
exec wrangler dev -c wrangler.toml -c crates/sandbox/wrangler.toml \
  --ip 127.0.0.1 --port "$DEV_PORT" --show-interactive-dev-session=false "$@"
