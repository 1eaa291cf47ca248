# Shared by bench/load.sh and bench/profile.sh (sourced, not run): signing in, the warm-up
# rule, and starting the shipped Apache, so that a profile is taken from a server warmed and
# fronted exactly as the load runs are. Expects $WARMUP, $out (warm logs to $out/warmup.txt)
# and a `pids` array (start_apache adds its pid); run from the repository's root.

# The AJP secret every benchmark server and Apache share: userdb takes 32 to 63 characters.
BENCH_SECRET=bench-ajp-secret-not-for-production-0123456

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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_apache() { # NAME AJP_ADDRESS [extra httpd args...]: sets NAME_port (its pid is the last of pids)
  local name="$1" ajp="$2"; shift 2
  local port; port="$(free_port)"
  local run="$out/$name-httpd"; mkdir -p "$run"; chmod 755 "$run"
  USERDB_AJP_SECRET="$BENCH_SECRET" apache2 -d "$PWD/httpd-conf" -f linux/httpd.conf -DFOREGROUND \
    -C "Define USERDB_LISTEN 127.0.0.1:$port" -C "Define USERDB_RUN_DIR $run" \
    -C "Define USERDB_AJP $ajp" -C "Define USERDB_ACCESS_LOG /dev/null" "$@" &
  pids+=("$!")
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break; sleep 0.1; done
  printf -v "${name}_port" '%s' "$port"
}

# start_postgres: (load.sh's stores part, jmh.sh with JMH_STORE=postgresql) a throwaway cluster of
# Debian's postgresql in a temporary folder on a free
# loopback port (as the postgres user when root: the server refuses to run as root), with a role
# and a database for userdb; sets pg_url, pg_password and pg_stop; pg_sql runs psql as superuser.
start_postgres() {
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -x "$pg_bin/initdb" ] || { say "the stores part needs PostgreSQL: sudo apt-get install postgresql"; exit 1; }
  pg_dir="$(mktemp -d /tmp/userdb-bench-pg.XXXXXX)"
  pg_port="$(free_port)"
  pg_as=()
  if [ "$(id -u)" = 0 ]; then pg_as=(runuser -u postgres --); chown postgres "$pg_dir"; fi
  "${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    > "$out/pg-initdb.log"
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nmax_connections = 300\n" \
    "$pg_port" "$pg_dir" | "${pg_as[@]}" tee -a "$pg_dir/data/postgresql.conf" > /dev/null
  "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w start > /dev/null
  pg_stop=stop_postgres
  pg_sql -qc "CREATE ROLE userdb LOGIN PASSWORD 'bench-db-password'" -c "CREATE DATABASE userdb OWNER userdb"
  pg_url="jdbc:postgresql://127.0.0.1:$pg_port/userdb?user=userdb"
  pg_password=bench-db-password
}
pg_sql() { "${pg_as[@]}" "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -U postgres -d postgres "$@"; }
stop_postgres() { "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop > /dev/null || true; rm -rf "$pg_dir"; }
