#!/usr/bin/env bash
# Installs everything `make dev`, `make test` and `make bench` need, idempotently:
# a second run checks versions and installs nothing. Only registries are reachable
# on our machines (crates.io, npm, Debian), so nothing here downloads from GitHub
# or a CDN. See ../shared/TOOLCHAIN.md for why each pin is what it is.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml
WORKER_BUILD_VERSION=0.8.7     # matches the `worker` 0.8 crate
WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1     # drives Debian's firefox-esr (W3C WebDriver)
OHA_VERSION=1.16.0             # load generator for `make bench` only
SCHEMATHESIS_VERSION=4.32.5    # the schema fuzzer of `make test` (PyPI, in .venv)
STANDARDWEBHOOKS_VERSION=1.3.0  # the agencies' verifier, checked against relayed events (PyPI, in .venv)

step() { printf '\033[1m==> setup: %s\033[0m\n' "$*"; }
t0=$(date +%s)

# --- Rust toolchain and target (rust-toolchain.toml pins the channel) ---------
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if ! rustup toolchain list | grep -q "^$toolchain"; then
  step "rustup toolchain install $toolchain"
  rustup toolchain install "$toolchain" --profile minimal --component rustfmt,clippy
fi
if ! rustup target list --installed --toolchain "$toolchain" | grep -q wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add --toolchain "$toolchain" wasm32-unknown-unknown
fi
for c in rustfmt clippy; do
  if ! rustup component list --installed --toolchain "$toolchain" | grep -q "^$c"; then
    rustup component add --toolchain "$toolchain" "$c"
  fi
done

# --- cargo tools, pinned -----------------------------------------------------
# `cargo install` with the stable toolchain outside the workspace, so the project's
# pin does not force a rebuild of tools on a toolchain bump.
have_version() { # tool, version
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"
}
install_crate() { # crate, version, [--locked]
  step "cargo install $1@$2"
  (cd /tmp && cargo install "$1" --version "$2" ${3:-})
}
# wasm-bindgen-cli 0.2.130's lockfile names webpki-roots 1.0.11, which the crates.io
# mirror here does not serve; an unlocked install resolves 1.0.10 and works.
have_version wasm-bindgen "$WASM_BINDGEN_VERSION" || install_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
have_version worker-build "$WORKER_BUILD_VERSION" || install_crate worker-build "$WORKER_BUILD_VERSION" --locked
have_version wasm-pack "$WASM_PACK_VERSION" || install_crate wasm-pack "$WASM_PACK_VERSION" --locked
have_version geckodriver "$GECKODRIVER_VERSION" || install_crate geckodriver "$GECKODRIVER_VERSION" --locked
if [ "${SETUP_BENCH:-0}" = 1 ]; then
  have_version oha "$OHA_VERSION" || install_crate oha "$OHA_VERSION" --locked
fi

# --- npm: node 22, wrangler, esbuild, wasm-opt (binaryen), playwright-core, axe ------
stamp=node_modules/.package-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  # `npm install` from the committed lockfile, not `npm ci`: the registry mirror here
  # does not serve workerd's macOS/Windows optional packages, and npm ci refuses a
  # lockfile without them. With the lockfile present npm install changes nothing.
  step "npm install (from package-lock.json)"
  npm install --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

# --- the React example (examples/react: Vite, React, TypeScript), its own lockfile ----
# The kit test installs the packed tenant-onboarding into it (--no-save) each run.
stamp=examples/react/node_modules/.package-lock.sha
want=$(sha256sum examples/react/package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  step "npm install in examples/react (from its package-lock.json)"
  (cd examples/react && npm install --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi

# --- Debian's browsers and drivers (never a downloaded browser) --------------
# Blink: chromium + chromedriver. Gecko: firefox-esr (geckodriver comes from crates.io
# above). WebKit, Safari's engine: WebKitWebDriver + MiniBrowser, which needs a display,
# hence Xvfb.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || need+=(webkit2gtk-driver)
[ -x /usr/bin/Xvfb ] || need+=(xvfb)
if [ "${#need[@]}" -gt 0 ]; then
  step "apt-get install ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- schemathesis, from PyPI into the project's own .venv (git-ignored) -------
if ! .venv/bin/st --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  step "schemathesis $SCHEMATHESIS_VERSION into .venv"
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
  fi
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
if ! .venv/bin/pip show standardwebhooks 2>/dev/null | grep -q "^Version: $STANDARDWEBHOOKS_VERSION$"; then
  step "standardwebhooks $STANDARDWEBHOOKS_VERSION (Python) into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check "standardwebhooks==$STANDARDWEBHOOKS_VERSION"
fi

# --- local secrets -----------------------------------------------------------
scripts/dev-vars.sh

step "ready in $(( $(date +%s) - t0 )) s"
