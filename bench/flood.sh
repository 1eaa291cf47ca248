#!/usr/bin/env bash
# GET /api/me at 16 connections while 64 connections sign in, for two builds of userdb in
# turn on the same database, two rounds: what a flood of sign-ins does to everyone else.
#   bench/flood.sh OLD.jar NEW.jar [DB]   (DB: a database seeded by bench/load.sh)
# Each server is warmed up as bench/load.sh warms them (lib.sh's warm) and listens on a port of
# its own choosing, read from its ready line.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/flood.sh OLD.jar NEW.jar [DB]" >&2; exit 2; }
export WRK_DIR="$PWD/bench/wrk" USERDB_USERS=10000 USERDB_PASSWORD=bench-password
WARMUP="${WARMUP:-20s}"
db="${3:-}"
if [ -z "$db" ]; then
  last="$(ls -d target/bench/*/db-small 2>/dev/null | tail -1 || true)"
  [ -n "$last" ] || { echo "flood: no DB given, and no bench/load.sh run in target/bench/ to take one from" >&2; exit 2; }
  db="$last/userdb.db"
fi
out="$(mktemp -d)"
pids=()
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$out"' EXIT
# shellcheck source=bench/lib.sh
. bench/lib.sh  # login, warm (until the JIT settles)
for round in 1 2; do
  for jar in "$1" "$2"; do
    USERDB_ADMIN_PASSWORD=bench-admin-password java -jar "$jar" --db "$db" --http-port 0 --ajp-port -1 \
      > "$out/server.out" 2> "$out/server.err" &
    pid=$!
    for _ in $(seq 1 100); do grep -q "http listening" "$out/server.out" 2>/dev/null && break; sleep 0.2; done
    base="http://$(sed -n 's/^userdb: http listening on //p' "$out/server.out")"
    [ "$base" != "http://" ] || { echo "flood: $jar did not start" >&2; cat "$out/server.err" >&2; exit 1; }
    USERDB_TOKEN="$(login "$base" admin bench-admin-password)"
    export USERDB_TOKEN
    warm "$base" "$pid"
    wrk -t1 -c64 -d12s --timeout 20s -s bench/wrk/login.lua "$base" > "$out/login.txt" &
    flood=$!
    sleep 1
    me=$(wrk -t1 -c16 -d10s -s bench/wrk/me.lua "$base" | grep RESULT)
    wait "$flood"
    echo "round $round $(basename "$jar") me during the flood: $me"
    echo "round $round $(basename "$jar") logins: $(grep RESULT "$out/login.txt")"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    pid=""
  done
done
