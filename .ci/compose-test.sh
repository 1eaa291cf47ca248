#!/usr/bin/env bash
# The compose stack, end to end: up from the repository's own docker-compose.yml, wait for
# the health checks, sign in, create a user and read /api/me through the published httpd
# port, replace the backend container and find the data still there (the named volume),
# tear down.
# Teardown also runs on failure. Prints "N passed, N failed" at the end.
set -uo pipefail
cd "$(dirname "$0")/.."

project="userdb-ci-$$"
port="${USERDB_COMPOSE_PORT:-18481}"
# What a user would put in .env, given through the environment (which compose also reads).
USERDB_AJP_SECRET="$(head -c 32 /dev/urandom | base64 | tr -d '/+=' | cut -c1-43)"
export USERDB_AJP_SECRET USERDB_ADMIN_PASSWORD=compose-admin-password HTTPD_PUBLISH="127.0.0.1:$port"
compose() { podman-compose --project-name "$project" -f docker-compose.yml "$@"; }
passed=0
failed=0
check() { # check NAME COMMAND...: one assertion
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name"; fi
}
teardown() {
  compose down -v > /dev/null 2>&1 || true
  # podman-compose 1.0.3 leaves the project's network behind.
  podman network rm -f "${project}_default" > /dev/null 2>&1 || true
  rm -f /tmp/userdb-compose-cookies.$$
}
trap teardown EXIT

base="http://127.0.0.1:$port"
wait_healthy() { # until /health answers UP through Apache, at most 5 minutes
  for _ in $(seq 1 300); do
    if curl -fsS "$base/health" 2>/dev/null | grep -q '"status":"UP"'; then return 0; fi
    sleep 1
  done
  return 1
}

compose up -d --build || { echo "FAILED: compose up"; echo "0 passed, 1 failed"; exit 1; }
# podman-compose 1.0.3 carries on (and exits 0) when an image fails to build: check for both.
for service in backend httpd; do
  podman image exists "${project}_$service" || { echo "FAILED: image $service did not build"; echo "0 passed, 1 failed"; exit 1; }
done
check "stack healthy through Apache" wait_healthy
jar=/tmp/userdb-compose-cookies.$$
check "sign in through Apache" sh -c "curl -fsS -c $jar -H 'Content-Type: application/json' \
  -d '{\"username\":\"admin\",\"password\":\"compose-admin-password\"}' $base/api/session | grep -q '\"username\":\"admin\"'"
check "create a user" sh -c "curl -fsS -b $jar -H 'Content-Type: application/json' \
  -d '{\"username\":\"compose.user\",\"password\":\"compose-user-password\"}' $base/api/users | grep -q compose.user"
check "/api/me is the session user" sh -c "curl -fsS -b $jar $base/api/me | grep -q '\"authenticatedBy\":\"session\"'"
check "AJP is not published" sh -c "! compose port backend 8009 2>/dev/null | grep -q :"
check "backend runs as non-root" sh -c "[ \"\$(podman exec ${project}_backend_1 id -u)\" != 0 ]"
check "httpd runs as non-root" sh -c "[ \"\$(podman exec ${project}_httpd_1 id -u)\" != 0 ]"

# A new backend container on the same named volume: what survives is on the volume.
podman rm -f "${project}_backend_1" > /dev/null 2>&1
compose up -d > /dev/null 2>&1
check "a new backend container is running" sh -c "podman ps --format '{{.Names}}' | grep -q ${project}_backend_1"
check "stack healthy after the backend was recreated" wait_healthy
check "the user survived the restart" sh -c "curl -fsS -u compose.user:compose-user-password $base/api/me | grep -q compose.user"
check "the session survived the restart" sh -c "curl -fsS -b $jar $base/api/me | grep -q '\"authenticatedBy\":\"session\"'"

[ "$failed" -eq 0 ] || { compose logs >&2 2>&1 || true; }
echo "compose: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
