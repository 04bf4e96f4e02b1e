#!/usr/bin/env bash
# The [build] command of a worker's dev configuration (run by wrangler in the crate's
# folder): worker-build --release with the project's pinned tools, never a download.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec worker-build --release "$@"
