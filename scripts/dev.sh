#!/usr/bin/env bash
# `make dev`: install what is missing, build the widget, run edge + sandbox + demo
# page on http://127.0.0.1:8787 and the second agency site (its own origin, embedding
# the pinned widget from the edge) on http://127.0.0.1:8788. Ctrl-C stops wrangler,
# every workerd under it and the agency site (one process group).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
scripts/setup.sh
scripts/build-widget.sh
# The local agency registry (D1 under .wrangler/state): migrations, then the two dev
# agencies and their console staff through the operator CLI's `add` and `staff-add`
# (`npm run agency -- add …` makes more).
node scripts/dev-agencies.mjs
# The widget goes into the local release store (.wrangler/state) exactly as a release
# goes into production's; earlier local versions stay served.
node scripts/publish-widget.mjs --local
echo "==> dev: starting edge + sandbox on $DEV_URL (Ctrl-C to stop)"
echo "    demo agency page (same origin, pk_test_demo):   $DEV_URL/"
echo "    second agency site (own origin, pk_test_portal): http://127.0.0.1:$AGENCY_SITE_PORT/"
echo "    agency console (sign in as admin@demo.test):     $DEV_URL/console/"
echo "    its sign-in codes (the dev Access mailbox):      $DEV_URL/cdn-cgi/access/mailbox"
EDGE_URL="$DEV_URL" node scripts/agency-site.mjs "$AGENCY_SITE_PORT" &
# wrangler runs in the foreground: a background waiter points the sandbox webhooks at the edge once it answers.
(for _ in $(seq 1200); do curl -fsS "$DEV_URL/healthz" >/dev/null 2>&1 && exec scripts/configure-upstream.sh "$DEV_URL"; sleep 0.5; done) &
exec wrangler dev -c wrangler.toml -c crates/sandbox/wrangler.toml --env dev \
  --ip 127.0.0.1 --port "$DEV_PORT" --show-interactive-dev-session=false "$@"
