#!/usr/bin/env bash
# Sets up what is missing, then runs every check: formatting, lints for the server and the
# WASM, all Rust tests, and the Playwright suite in Chromium against a release build.
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/setup.sh" test
started=$SECONDS

step "Formatting (cargo fmt --check)"
cargo fmt --all --check

step "Lints for the server build (clippy -D warnings)"
RUSTFLAGS="$DEBUG_RUSTFLAGS" cargo clippy --locked --workspace --exclude frontend --all-targets -- -D warnings

step "Lints for the server built for real Descope only (--no-default-features)"
RUSTFLAGS="$DEBUG_RUSTFLAGS" cargo clippy --locked -p server --no-default-features -- -D warnings
if cargo tree --locked -p server --no-default-features -e normal --prefix none \
  | grep -E '^(rusqlite|argon2|descope-local) '; then
  echo "the build for real Descope carries the local server's dependencies (above)" >&2
  exit 1
fi

step "Lints for the WASM build (clippy --target wasm32-unknown-unknown -D warnings)"
RUSTFLAGS="$DEBUG_RUSTFLAGS" cargo clippy --locked -p frontend -p app --target wasm32-unknown-unknown -- -D warnings

step "Rust unit and integration tests, with the slow system tests (soak, crash, timing)"
# Plain `cargo test` skips the slow ones (#[ignore]); this runs them too.
RUSTFLAGS="$DEBUG_RUSTFLAGS" cargo test --locked --workspace --exclude frontend -- --include-ignored

conformance/run.sh

step "End-to-end tests in Chromium against a release build"
# A fresh data folder and 30 s sessions, so journeys outlive several session tokens; refresh
# rotation on, as in all of this project's own tests (a Descope project's default is off); every
# journey signs up from 127.0.0.1, so that address gets a sign-up budget for the whole suite.
e2e_data="$(mktemp -d)"
# The second, body-mode instance Playwright starts on port 3001 (end2end/playwright.config.ts).
E2E_BODY_DATA_DIR="$(mktemp -d)"
export E2E_BODY_DATA_DIR
trap 'rm -rf "$e2e_data" "$E2E_BODY_DATA_DIR"' EXIT
# In body mode, the web-js-sdk journey calls Descope from http://localhost:3001, another origin
# (CORS); the embedded default (cookie mode) is what the first instance, on port 3000, runs.
# A management key, so journeys can set up what a user cannot (tenants).
export DESCOPE_LOCAL_MANAGEMENT_KEY="K2EndToEndManagementKey000000000"
APP_DATA_DIR="$e2e_data" DESCOPE_LOCAL_SESSION_TTL=30 DESCOPE_LOCAL_REFRESH_ROTATION=true \
  DESCOPE_LOCAL_ADDRESS_SIGNUPS=1000 cargo leptos end-to-end --release --precompress

step "All checks passed in $((SECONDS - started)) s"
