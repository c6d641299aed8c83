#!/usr/bin/env bash
# Runs Descope's official SDKs (Python 2.x and 1.6.5, Node) against the local server, started
# here on a free loopback port with a fresh database, a seeded admin and a management key.
source "$(dirname "$0")/../scripts/lib.sh"

step "Conformance: building descope-local"
RUSTFLAGS="$DEBUG_RUSTFLAGS" cargo build --locked -q -p descope-local

data="$(mktemp -d)"
export DESCOPE_PROJECT_ID="P2LocalDescopeCompatible0000"
export SEED_ADMIN_EMAIL="admin@example.com" SEED_ADMIN_PASSWORD="admin password"
# The management key: the server's setting, and the name the official SDKs read it from.
export DESCOPE_MANAGEMENT_KEY="K2ConformanceManagementKey0000000000"
cat > "$data/users.json" <<JSON
[{"name": "Admin", "email": "$SEED_ADMIN_EMAIL", "password": "$SEED_ADMIN_PASSWORD",
  "roles": ["admin"], "tenants": {"T1": {"roles": ["editor"]}}}]
JSON

# Starts a server on a free port with the settings given as NAME=value and, once it answers,
# sets the variable named first to its port.
start_server() {
  local into="$1" free
  shift
  free="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  env DESCOPE_LOCAL_ADDR="127.0.0.1:$free" DESCOPE_LOCAL_MANAGEMENT_KEY="$DESCOPE_MANAGEMENT_KEY" \
    RUST_LOG=warn "$@" "${CARGO_TARGET_DIR:-target}/debug/descope-local" >&2 &
  servers+=("$!")
  python3 - "http://127.0.0.1:$free/v2/keys/$DESCOPE_PROJECT_ID" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1)
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("the local Descope server did not start")
PY
  printf -v "$into" '%s' "$free"
}
servers=()
cookie_data="$(mktemp -d)"
trap 'kill "${servers[@]}" 2>/dev/null; rm -rf "$data" "$cookie_data"' EXIT

start_server port DESCOPE_LOCAL_DATA_DIR="$data" DESCOPE_LOCAL_SEED_FILE="$data/users.json" \
  DESCOPE_LOCAL_MAGIC_LINK_REDIRECT_URL=http://127.0.0.1:3000/verify
export DESCOPE_BASE_URL="http://127.0.0.1:$port"
export DESCOPE_BASE_URI="$DESCOPE_BASE_URL" # the Python SDK's name for it
# The same project delivering refresh tokens as cookies only ("manage in cookies").
start_server cookie_port DESCOPE_LOCAL_DATA_DIR="$cookie_data" DESCOPE_LOCAL_TOKEN_DELIVERY=cookies

for version in 2 1.6.5; do
  step "Conformance: Python descope $version"
  (cd conformance/python && "$ROOT/.venv/descope-$version/bin/python" -m pytest -q -p no:cacheprovider test_sdk.py test_management.py)
  step "Conformance: Python descope $version, refresh tokens in cookies"
  (cd conformance/python && DESCOPE_BASE_URI="http://127.0.0.1:$cookie_port" \
    "$ROOT/.venv/descope-$version/bin/python" -m pytest -q -p no:cacheprovider test_cookies.py)
done

step "Conformance: @descope/node-sdk"
(cd conformance/node && node --test)

step "Conformance: the README's examples (Python, Node, Rust) and the project import script"
(cd conformance/python && "$ROOT/.venv/descope-2/bin/python" examples/test_user.py)
(cd conformance/python && "$ROOT/.venv/descope-2/bin/python" examples/import_project.py examples/project.json)
(cd conformance/python && "$ROOT/.venv/descope-2/bin/python" - <<'PY'
# What the import made, seen through the SDK as a test suite would.
import os
from descope import DescopeClient
client = DescopeClient(project_id=os.environ["DESCOPE_PROJECT_ID"],
                       management_key=os.environ["DESCOPE_MANAGEMENT_KEY"])
claims = client.validate_session(client.password.sign_in("ops@example.com", "ops password 1")["sessionToken"]["jwt"])
assert client.validate_permissions(claims, ["deploy"])
assert client.validate_tenant_roles(claims, "TAcme", ["owner"])
assert client.mgmt.tenant.load("TAcme")["name"] == "Acme"
print("the imported project signs in with its roles and permissions")
PY
)
(cd conformance/node && node examples/test_user.mjs)
RUSTFLAGS="$DEBUG_RUSTFLAGS" cargo run --locked -q -p descope --features session --example test_user
