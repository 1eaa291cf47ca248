# Shared by bench/load.sh and bench/profile.sh (sourced, not run): signing in, and the
# warm-up rule, so that a profile is taken from a server warmed exactly as the load runs are.
# Expects $WARMUP and $out (warm logs to $out/warmup.txt); run from the repository's root.

login() { # BASE_URL USER PASSWORD -> session token
  curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"$3\"}" "$1/api/session" \
    | sed -n 's/^Set-Cookie: USERDB_SESSION=\([^;]*\);.*/\1/pi' | tr -d '\r'
}

# warm URL PID [SCRIPT]: JIT warm-up, not recorded: WARMUP of load, then 5 s more at a time until
# the server's JIT compiles fewer than 10 methods in one (at most a minute more). A fixed
# warm-up left C2 still compiling through the measured seconds, more for userdb than for the
# trivial servlet (async-profiler: 16-20 us of JIT per `me` request against 6), so the ratio
# measured how far each JVM had got, not what a request costs.
warm() {
  local url="$1" pid="$2" script="${3:-me}" round
  wrk -t2 -c16 -d"$WARMUP" -s "bench/wrk/$script.lua" "$url" > /dev/null 2>&1 || true
  local before after
  before="$(compiled "$pid")"
  for round in $(seq 1 12); do
    wrk -t2 -c16 -d5s -s "bench/wrk/$script.lua" "$url" > /dev/null 2>&1 || true
    after="$(compiled "$pid")"
    echo "$script $url: $(( after - before )) methods compiled in warm-up round $round" >> "$out/warmup.txt"
    [ $(( after - before )) -lt 10 ] && return
    before="$after"
  done
}

compiled() { jstat -compiler "$1" | awk 'NR == 2 { print $1 }'; } # methods the JIT compiled so far
