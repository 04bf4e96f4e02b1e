#!/usr/bin/env bash
# Points the sandbox's webhooks at the edge: PUT <sandbox>/v1/webhooks with the
# screening key from .dev.vars. Run by dev.sh and test.sh once /healthz answers.
#   scripts/configure-upstream.sh [EDGE_URL]     (default: $DEV_URL)
# The sandbox is reached at $SANDBOX_URL (default: EDGE_URL/sandbox, the edge's
# forward); webhooks go to EDGE_URL/webhooks/skor. Retries for a few seconds, since
# the first request after `wrangler dev` starts can be slow.
set -euo pipefail
cd "$(dirname "$0")/.."
edge="${1:-${DEV_URL:-http://127.0.0.1:8787}}"
edge="${edge%/}"
sandbox="${SANDBOX_URL:-$edge/sandbox}"
key=$(sed -n 's/^SKOR_API_KEY=//p' .dev.vars)
[ -n "$key" ] || { echo "configure-upstream: SKOR_API_KEY missing from .dev.vars" >&2; exit 1; }
body="{\"url\":\"$edge/webhooks/skor\",\"events\":[]}"
for i in $(seq 20); do
  # The key goes through a header file on stdin, not the command line (ps shows argv).
  code=$(printf 'x-api-key: %s\n' "$key" | curl -sS -o /dev/null -w '%{http_code}' -X PUT \
    -H @- -H 'content-type: application/json' --data "$body" "$sandbox/v1/webhooks" || true)
  if [ "$code" = 200 ]; then
    echo "==> sandbox webhooks -> $edge/webhooks/skor"
    exit 0
  fi
  sleep 0.5
done
echo "configure-upstream: PUT $sandbox/v1/webhooks answered ${code:-nothing}" >&2
exit 1
