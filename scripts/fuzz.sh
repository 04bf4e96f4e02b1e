#!/usr/bin/env bash
# `make fuzz`: a bounded cargo-fuzz run of every target under fuzz/ (JSON → validate,
# magic-byte sniffer). Not part of `make test`. cargo-fuzz needs a nightly rustc;
# rustup installs it from the registry-reachable mirror if it is missing.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
CARGO_FUZZ_VERSION=0.13.2
SECONDS_PER_TARGET="${FUZZ_SECONDS:-60}"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION" || (cd /tmp && cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked)
cd fuzz
unset CARGO_TARGET_DIR   # fuzz/ is its own workspace with its own target/
for target in $(cargo +nightly fuzz list); do
  echo "==> fuzz: $target for ${SECONDS_PER_TARGET}s"
  cargo +nightly fuzz run "$target" -- -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048
done
echo "==> fuzz: all targets ran clean"
