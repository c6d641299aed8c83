#!/usr/bin/env bash
# Installs what the project needs and skips what is present. Safe to run any number of times.
#
#   scripts/setup.sh         tools to build and run the app
#   scripts/setup.sh test    the same plus Chromium, the official SDKs and the end-to-end packages
#   scripts/setup.sh bench   the same as run plus Chromium and wrk
source "$(dirname "$0")/lib.sh"

PROFILE="${1:-run}"
CARGO_LEPTOS_VERSION="0.3.10"
WASM_BINDGEN_VERSION="$(locked_version wasm-bindgen)"
APT_UPDATED=""

apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install $* with your package manager"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "$APT_UPDATED" ]; then
    $sudo apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

step "Checking tools ($PROFILE)"

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  ok "Rust target wasm32-unknown-unknown"
else
  echo "    installing Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  ok "cargo-leptos $CARGO_LEPTOS_VERSION"
else
  # no_downloads: cargo-leptos must never fetch tools from outside the package registries.
  echo "    installing cargo-leptos $CARGO_LEPTOS_VERSION (about 18 minutes on 2 cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  ok "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
else
  # Not --locked: its lockfile pins a webpki-roots release the registry no longer serves.
  echo "    installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! command -v npm >/dev/null; then
  echo "    installing Node.js and npm"
  apt_install nodejs npm
fi

# end2end's packages also carry binaryen's wasm-opt, which release builds need
# (Debian's binaryen 108 produces modules that fail to hydrate).
if [ -x end2end/node_modules/.bin/wasm-opt ] && [ -x end2end/node_modules/.bin/playwright ] \
  && (cd end2end && npm ls --silent >/dev/null 2>&1); then
  ok "end2end npm packages (Playwright, wasm-opt $(wasm-opt --version | awk '{print $3}'))"
else
  echo "    installing end2end npm packages (no browser download)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$PROFILE" = "test" ]; then
  # The official Descope SDKs that the conformance suites drive against the local server.
  # Folder name and version: the current 2.x, and 1.6.5, which Descope's Flask sample pins.
  for pair in 2:2.16.1 1.6.5:1.6.5; do
    venv="$ROOT/.venv/descope-${pair%%:*}" version="${pair#*:}"
    if "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('descope') != '$version')" 2>/dev/null \
      && "$venv/bin/python" -c "import pytest" 2>/dev/null; then
      ok "Python descope $version (.venv)"
    else
      echo "    installing Python descope $version and pytest into ${venv#$ROOT/}"
      python3 -m venv "$venv"
      "$venv/bin/pip" install -q --disable-pip-version-check "descope==$version" pytest
    fi
  done
  if [ -d conformance/node/node_modules/@descope/node-sdk ] && (cd conformance/node && npm ls --silent >/dev/null 2>&1); then
    ok "conformance npm packages (@descope/node-sdk)"
  else
    echo "    installing conformance npm packages"
    (cd conformance/node && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

if [ "$PROFILE" = "test" ] || [ "$PROFILE" = "bench" ]; then
  if [ -x "$CHROMIUM_PATH" ]; then
    ok "Chromium at $CHROMIUM_PATH"
  else
    echo "    installing Debian Chromium"
    apt_install chromium
  fi
fi

if [ "$PROFILE" = "bench" ]; then
  if command -v wrk >/dev/null; then
    ok "wrk ($(wrk -v 2>&1 | head -1 | awk '{print $2}'))"
  else
    echo "    installing wrk (the HTTP load generator)"
    apt_install wrk
  fi
fi
