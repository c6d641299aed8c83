#!/usr/bin/env bash
# Sets up what is missing, builds the release app, then measures it: Criterion for the token
# validator, wrk against release servers on loopback, the local Descope server, the WASM bytes
# and Chromium timings. Prints one table and writes it into BENCHMARKS.md (about 10 minutes
# after the builds; BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS and BENCH_BROWSER_RUNS
# change the effort).
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/setup.sh" bench
started=$SECONDS

step "Building the release app (cargo leptos build --release --precompress)"
cargo leptos build --release --precompress

step "Building the bare axum server of the physical-limit row (server/examples/bare_axum.rs)"
cargo build --locked --profile server-release -p server --example bare_axum

step "Validator microbenchmarks (Criterion: cargo bench -p descope)"
cargo bench --locked -p descope --features axum --bench validate

step "Load, local Descope, bytes and browser timings (node bench/run.mjs)"
node bench/run.mjs

step "Benchmarks finished in $((SECONDS - started)) s"
