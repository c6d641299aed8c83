#!/usr/bin/env bash
# Where the WASM bytes go: builds the browser module as the release build does, keeps its
# function names (wasm-bindgen --keep-debug, wasm-opt -Oz -g), and prints twiggy's sizes
# grouped by crate as the table in BENCHMARKS.md. Installs twiggy if it is missing.
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/setup.sh" run
if command -v twiggy >/dev/null; then
  ok "twiggy ($(twiggy --version))"
else
  echo "    installing twiggy (the WASM size profiler, about 3 minutes)"
  cargo install twiggy --locked
fi

step "Building the browser module (wasm-release, erased components, as cargo leptos does)"
RUSTFLAGS="--cfg erase_components" cargo build --locked --package=frontend --lib \
  --target-dir="$ROOT/target/front" --target=wasm32-unknown-unknown --no-default-features \
  --profile=wasm-release
out="$ROOT/target/wasm-breakdown"
mkdir -p "$out"
wasm-bindgen --target web --keep-debug --out-dir "$out" \
  "$ROOT/target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm"
wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals "$out/frontend_bg.wasm" -o "$out/named.wasm"

step "Sizes by crate (twiggy top, names kept; brotli is not applied)"
twiggy top -n 1000000 --format csv "$out/named.wasm" > "$out/top.csv"
node "$ROOT/bench/wasm-breakdown.mjs" "$out/top.csv"
