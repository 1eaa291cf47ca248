#!/usr/bin/env bash
# GET /api/me at 16 connections while 64 connections sign in, for two builds of userdb in
# turn on the same database, two rounds: what a flood of sign-ins does to everyone else.
#   bench/flood.sh OLD.jar NEW.jar [DB]   (DB: a database seeded by bench/load.sh)
set -u
cd "$(dirname "$0")/.."
export WRK_DIR="$PWD/bench/wrk" USERDB_USERS=10000 USERDB_PASSWORD=bench-password
db="${3:-$(ls -d target/bench/*/db-small | tail -1)/userdb.db}"
out="$(mktemp -d)"
for round in 1 2; do
  for jar in "$1" "$2"; do
    USERDB_ADMIN_PASSWORD=bench-admin-password java -jar "$jar" --db "$db" --http-port 18700 --ajp-port -1 \
      > "$out/server.out" 2> "$out/server.err" &
    pid=$!
    for _ in $(seq 1 100); do grep -q "http listening" "$out/server.out" 2>/dev/null && break; sleep 0.2; done
    USERDB_TOKEN=$(curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' \
      -d '{"username":"admin","password":"bench-admin-password"}' http://127.0.0.1:18700/api/session \
      | sed -n 's/^Set-Cookie: USERDB_SESSION=\([^;]*\);.*/\1/pi' | tr -d '\r')
    export USERDB_TOKEN
    wrk -t2 -c16 -d15s -s bench/wrk/me.lua http://127.0.0.1:18700 > /dev/null  # JIT warm-up
    wrk -t1 -c64 -d12s --timeout 20s -s bench/wrk/login.lua http://127.0.0.1:18700 > "$out/login.txt" &
    flood=$!
    sleep 1
    me=$(wrk -t1 -c16 -d10s -s bench/wrk/me.lua http://127.0.0.1:18700 | grep RESULT)
    wait "$flood"
    echo "round $round $(basename "$jar") me during the flood: $me"
    echo "round $round $(basename "$jar") logins: $(grep RESULT "$out/login.txt")"
    kill "$pid"; wait "$pid" 2>/dev/null
  done
done
rm -rf "$out"
