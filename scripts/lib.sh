# Shared by the scripts in this folder: strict mode, the project root, PATH and step printing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Tools live where a new user expects them: cargo installs in ~/.cargo/bin, npm packages
# (Playwright, binaryen's wasm-opt) in end2end/node_modules/.bin.
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

# cargo-leptos builds debug code with this flag; using it for ad-hoc cargo commands too keeps
# one build cache instead of rebuilding every dependency when switching between them.
export DEBUG_RUSTFLAGS="--cfg erase_components"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
ok() { printf '    \033[32m✓\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen version locked in Cargo.lock; the CLI must match it exactly.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' \
    "$ROOT/Cargo.lock"
}
