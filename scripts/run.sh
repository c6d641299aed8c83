#!/usr/bin/env bash
# Sets up what is missing, builds the release app and serves it at http://127.0.0.1:3000.
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/setup.sh" run

step "Building and serving the app (release) at http://127.0.0.1:3000 — Ctrl-C stops it"
exec cargo leptos serve --release --precompress
