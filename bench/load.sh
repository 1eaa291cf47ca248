#!/usr/bin/env bash
# Load benchmark: userdb with its default pool and with --pool-max-total 1 (the original
# deployment), direct over HTTP and through Apache over AJP, beside the trivial 60-byte
# servlet on the same Tomcat setup, all in one run; then throughput against pool size and
# against table size, and the shipped Apache setup against mod_proxy_http, mod_jk and an
# untuned default. Needs a JDK 17 (jstat) and:
#   sudo apt-get install wrk apache2 libapache2-mod-jk curl python3 bsdextrautils
#
#   bench/load.sh                       # full run: about 30 minutes (below)
#   DURATION=3s WARMUP=5s bench/load.sh # a quick look
#   PARTS="matrix trivial" bench/load.sh # only some parts (matrix trivial poolsize tablesize
#                                        # apache; and core, mixed, stores: quick side-by-side
#                                        # checks; stores also needs Debian's postgresql)
#
# How long: each measured wrk run takes DURATION (10 s), and each server is first warmed up for
# WARMUP (20 s) plus 5 s rounds until its JIT settles (lib.sh's warm: 25 to 80 s). The full run
# measures for 21 minutes (matrix 7, trivial 0.7, poolsize 1.7, tablesize 1.3, apache 10: 4
# rounds of 6 setups, each 5 s of warm-up and 2 x 10 s) and warms 14 servers (6 to 19 minutes);
# with the build and seeding, about 30 minutes (28 at the least, over 40 if every warm-up runs
# its longest). PARTS=core: about 6 minutes (8 with CORE_ROUNDS=5); PARTS=mixed: about 6.
#
# Results in target/bench/<time>/: results.tsv, one line per wrk run (config, path, scenario,
# connections, then its figures); cpu.tsv and borrows.tsv, keyed the same way (a mixed run is
# scenario `mixed` with its connections in all); summary.txt. bench/report.py reads them.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-20s}"
USERS="${USERS:-10000}"
BIG_USERS="${BIG_USERS:-1000000}"
PASSWORD=bench-password
ADMIN_PASSWORD=bench-admin-password
PARTS="${PARTS:-matrix trivial poolsize tablesize apache}"  # also: core, mixed, stores, overhead, costs, scaleout, fanout, upgrade
STORE_ROUNDS="${STORE_ROUNDS:-3}"  # rounds of the stores part
OVERHEAD_ROUNDS="${OVERHEAD_ROUNDS:-3}"  # rounds of the overhead part
SCALE_ROUNDS="${SCALE_ROUNDS:-4}"  # rounds of the scaleout part
SCALE_CONNECTIONS="${SCALE_CONNECTIONS:-16}"  # its connections, each pausing SCALE_PAUSE_MS
SCALE_PAUSE_MS="${SCALE_PAUSE_MS:-8}"  # between requests: about 2,000 requests/s offered
FANOUT_LISTENERS="${FANOUT_LISTENERS:-0 8 32 128}"  # the fanout part: other backends' listeners
FANOUT_ROUNDS="${FANOUT_ROUNDS:-2}"  # its rounds
UPGRADE_ROUNDS="${UPGRADE_ROUNDS:-3}"  # the upgrade part's rounds; OLD_BUILD: the other checkout
UPGRADE_SCENARIOS="${UPGRADE_SCENARIOS:-me login}"
STORE_SCENARIOS="${STORE_SCENARIOS:-me basic write login mixed}"  # the stores part's scenarios
STORE_CONNECTIONS="${STORE_CONNECTIONS:-yes}"  # no: skip its pg_stat_activity runs
STORE_PG_OPTIONS="${STORE_PG_OPTIONS:-}"  # userdb options for the stores part's PostgreSQL side
APACHE_VARIANTS="${APACHE_VARIANTS:-shipped untuned event proxy-http mod-jk shipped-ka0}"
ROUNDS="${ROUNDS:-4}"  # rounds of the apache part
CORE_ROUNDS="${CORE_ROUNDS:-3}"  # rounds of the core part
CORE_OPTIONS="${CORE_OPTIONS:-}"  # userdb options for the core part
MIXED_ROUNDS="${MIXED_ROUNDS:-4}"  # rounds of the mixed part
TABLE_ROUNDS="${TABLE_ROUNDS:-4}"  # rounds of the tablesize part
MIXED_OPTIONS="${MIXED_OPTIONS:-}"  # userdb options for both servers of the mixed part
# Options of the mixed part's second server, labelled pool1 as long as they are the default
# (MIXED_AGAINST="" for none), and the build it runs: MIXED_AGAINST_JAR=/tmp/before.jar weighs
# this build against an earlier one.
MIXED_AGAINST="${MIXED_AGAINST-"--pool-max-total 1"}"
MIXED_AGAINST_JAR="${MIXED_AGAINST_JAR:-target/userdb.jar}"
APACHE_CONNECTIONS="${APACHE_CONNECTIONS:-64 256}"  # client counts of the apache part
out="$PWD/target/bench/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
chmod 755 "$out"
results="$out/results.tsv"
printf 'config\tpath\tscenario\tconnections\trequests_per_s\tp50_us\tp99_us\tp999_us\tnon2xx\terrors\tmax_db_fds\n' > "$results"
export WRK_DIR="$PWD/bench/wrk"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
pg_stop=true  # stops the stores part's PostgreSQL, once it runs one
trap 'cleanup; $pg_stop' EXIT
say() { echo "load: $*" >&2; }
# shellcheck source=bench/lib.sh
. bench/lib.sh  # login, warm (until the JIT settles), free_port, start_apache

for tool in wrk apache2 curl jstat python3 column; do
  command -v "$tool" >/dev/null ||
    { say "needs $tool: sudo apt-get install wrk apache2 curl python3 bsdextrautils (jstat: a JDK)"; exit 1; }
done

say "building"
./mvnw -q -B -DskipTests package
./mvnw -q -B -Pbench -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"

# ---- servers -----------------------------------------------------------------------------
# start_java NAME ARGS...: starts a server that prints userdb's listening lines; sets
# NAME_pid, NAME_http, NAME_ajp.
start_java() {
  local name="$1"; shift
  local log="$out/$name"
  "$@" > "$log.out" 2> "$log.err" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 600); do
    if grep -q "ajp listening" "$log.out" 2>/dev/null; then break; fi
    kill -0 "$pid" 2>/dev/null || { say "$name did not start"; cat "$log.err" >&2; exit 1; }
    sleep 0.1
  done
  printf -v "${name}_pid" '%s' "$pid"
  printf -v "${name}_http" '%s' "$(sed -n 's/^userdb: http listening on //p' "$log.out")"
  printf -v "${name}_ajp" '%s' "$(sed -n 's/^userdb: ajp listening on //p' "$log.out")"
}

start_userdb() { # NAME DB [userdb options...]; USERDB_JAR: the build to run (this one by default)
  local name="$1" db="$2"; shift 2
  USERDB_ADMIN_PASSWORD="$ADMIN_PASSWORD" start_java "$name" \
    java -jar "${USERDB_JAR:-target/userdb.jar}" --db "$db" --http-port 0 --ajp-port 0 --ajp-secret "$BENCH_SECRET" "$@"
}

# in_round_order ROUND NAME...: the names forwards in odd rounds, backwards in even ones. On a
# shared machine whichever runs later in a pair tends to win, so one order alone would rank by
# position.
in_round_order() {
  local round="$1" i; shift
  local names=("$@") backwards=()
  if [ $(( round % 2 )) -eq 1 ]; then echo "${names[*]}"; return; fi
  for (( i = ${#names[@]} - 1; i >= 0; i-- )); do backwards+=("${names[i]}"); done
  echo "${backwards[*]}"
}

# ---- measuring ---------------------------------------------------------------------------
db_fds() { # PID DBFILE: open descriptors on the database file itself
  { find "/proc/$1/fd" -lname "$(readlink -f "$2")" 2>/dev/null || true; } | wc -l
}

# run_wrk CONFIG PATH SCENARIO CONNECTIONS URL [PID DB]: one measured run, one results line
run_wrk() {
  local config="$1" path="$2" scenario="$3" connections="$4" url="$5" pid="${6:-}" db="${7:-}"
  local threads=2; [ "$connections" -lt 2 ] && threads=1
  local file="$out/wrk-$config-$path-$scenario-$connections.txt"
  local max_fds=0 sampler=""
  if [ -n "$pid" ]; then
    ( set +e; m=0
      while kill -0 "$pid" 2>/dev/null; do
        n=$(db_fds "$pid" "$db"); [ "$n" -gt "$m" ] && m=$n && echo "$m" > "$file.fds"; sleep 0.2
      done ) &
    sampler=$!
  fi
  local script="${scenario%-in-mixed}"; script="${script%-alone}"  # me-in-mixed, me-alone: me.lua
  wrk -t"$threads" -c"$connections" -d"$DURATION" --timeout 10s -s "bench/wrk/$script.lua" "$url" \
    > "$file" 2>&1 || true
  if [ -n "$sampler" ]; then
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    max_fds="$(cat "$file.fds" 2>/dev/null || echo 0)"
  fi
  record "$config" "$path" "$scenario" "$connections" "$file" "$max_fds"
}

record() { # CONFIG PATH SCENARIO CONNECTIONS WRK_OUTPUT MAX_FDS
  local line; line="$(grep '^RESULT' "$5" || echo 'RESULT requests=0 rps=0 p50=0 p99=0 p999=0 non2xx=-1 errors=-1')"
  local get; get() { echo "$line" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$(get rps)" "$(get p50)" \
    "$(get p99)" "$(get p999)" "$(get non2xx)" "$(get errors)" "$6" >> "$results"
  say "$(tail -n 1 "$results")"
}

# mixed_split CONNECTIONS: "ME LIST", how a mixed run shares its connections: 90% on `me`, 10%
# (at least one) on the slow listing; 64 make 58 and 6. The one place the split is decided: the
# results carry it as the connections of the me-in-mixed and list rows, where report.py reads it.
mixed_split() {
  local list=$(( $1 / 10 )); [ "$list" -lt 1 ] && list=1
  echo "$(( $1 - list )) $list"
}

# run_mixed CONFIG PATH CONNECTIONS BASE [PID DB]: `me` and the slow listing at once, split by
# mixed_split: each kind gets its own latency figures.
run_mixed() {
  local config="$1" path="$2" connections="$3" base="$4" pid="${5:-}" db="${6:-}" me list
  read -r me list <<< "$(mixed_split "$connections")"
  run_wrk "$config" "$path" list "$list" "$base" &
  local lister=$!
  run_wrk "$config" "$path" me-in-mixed "$me" "$base" "$pid" "$db"
  wait "$lister"
}

# borrows BASE: database objects lent so far (the pool's borrow-wait timer counts every one).
borrows() {
  curl -fsS "$1/metrics" | awk '/^userdb_pool_borrow_wait_seconds_count/ {printf "%d\n", $2}'
}

# record_borrows CONFIG PATH CONNECTIONS LENT: the objects lent during a mixed run beside the
# requests wrk made in each half of it, so that report.py can tell how many `me` requests needed
# one (borrows.tsv: scenario `mixed`, CONNECTIONS in all).
record_borrows() {
  local me list
  read -r me list <<< "$(mixed_split "$3")"
  requests() { sed -n 's/^RESULT requests=\([0-9]*\).*/\1/p' "$out/wrk-$1-$2-$3-$4.txt"; }
  [ -s "$out/borrows.tsv" ] ||
    printf 'config\tpath\tscenario\tconnections\tlent\tme_requests\tlist_requests\n' > "$out/borrows.tsv"
  printf '%s\t%s\tmixed\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" \
    "$(requests "$1" "$2" me-in-mixed "$me")" "$(requests "$1" "$2" list "$list")" >> "$out/borrows.tsv"
}

# cpu_ticks: the machine's busy and total CPU ticks so far (all cores, /proc/stat; steal counts
# as busy, guest time is inside user already), "BUSY TOTAL".
cpu_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }

# record_cpu CONFIG PATH SCENARIO CONNECTIONS BEFORE AFTER: how busy the whole machine was during
# a run (cpu.tsv, keyed like results.tsv; a mixed run is scenario `mixed`): at 100% a server can
# only serve more by spending less per request, not by waiting less.
record_cpu() {
  local busy0 total0 busy1 total1
  read -r busy0 total0 <<< "$5"; read -r busy1 total1 <<< "$6"
  [ -s "$out/cpu.tsv" ] || printf 'config\tpath\tscenario\tconnections\tbusy_share\n' > "$out/cpu.tsv"
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" \
    "$(awk -v b=$(( busy1 - busy0 )) -v t=$(( total1 - total0 )) 'BEGIN { printf "%.3f", b / t }')" >> "$out/cpu.tsv"
}

# ---- the run -----------------------------------------------------------------------------
say "seeding $USERS users"
db="$out/db-small/userdb.db"
java -cp "$CP" io.userdb.bench.SeedDatabase "$db" "$USERS" "$PASSWORD" | tee "$out/seed-small.txt" >&2
export USERDB_USERS="$USERS" USERDB_PASSWORD="$PASSWORD"
export USERDB_BASIC; USERDB_BASIC="$(printf 'user1:%s' "$PASSWORD" | base64)"

measure_userdb() { # CONFIG [userdb options...]
  local config="$1"; shift
  start_userdb srv "$db" "$@"
  start_apache web "$srv_ajp"
  local direct="http://$srv_http" apache="http://127.0.0.1:$web_port"
  export USERDB_TOKEN; USERDB_TOKEN="$(login "$direct" admin "$ADMIN_PASSWORD")"
  warm "$direct" "$srv_pid"; warm "$apache" "$srv_pid"
  for path in direct apache; do
    local base="$direct"; [ "$path" = apache ] && base="$apache"
    for connections in 8 64; do
      run_wrk "$config" "$path" me "$connections" "$base" "$srv_pid" "$db"
      run_wrk "$config" "$path" basic "$connections" "$base"
      run_wrk "$config" "$path" write "$connections" "$base" "$srv_pid" "$db"
      run_mixed "$config" "$path" "$connections" "$base" "$srv_pid" "$db"
      run_wrk "$config" "$path" login "$connections" "$base"
    done
  done
  run_wrk "$config" direct me 256 "$direct" "$srv_pid" "$db"
  grep -ci "busy\|database is locked" "$out/srv.err" > "$out/$config-busy.txt" || true
  cleanup
}

part() { [[ " $PARTS " == *" $1 "* ]]; }

if part matrix; then
measure_userdb pool8
measure_userdb pool1 --pool-max-total 1
fi

if part mixed; then
# The pool's point, side by side: mixed at 64 connections against the default pool and against
# one object, two servers on copies of one database, MIXED_ROUNDS rounds in alternating order.
# MIXED_OPTIONS="--change-check-interval 0ms" makes every `me` need a pooled object again;
# MIXED_AGAINST="--max-concurrent-listings 6" weighs the default against listings all at once.
say "mixed: default pool against ${MIXED_AGAINST} ${MIXED_OPTIONS} ($MIXED_AGAINST_JAR)"
mkdir -p "$out/db-one"
for f in "$db" "$db-wal"; do if [ -e "$f" ]; then cp -p "$f" "$out/db-one/"; fi; done
read -r -a mixed_options <<< "$MIXED_OPTIONS"
start_userdb eight "$db" "${mixed_options[@]}"
read -r -a against_options <<< "$MIXED_AGAINST"
against=pool1
[ "$MIXED_AGAINST" = "--pool-max-total 1" ] && [ "$MIXED_AGAINST_JAR" = target/userdb.jar ] || against=other
USERDB_JAR="$MIXED_AGAINST_JAR" start_userdb one "$out/db-one/userdb.db" "${mixed_options[@]}" "${against_options[@]}"
eight_token="$(login "http://$eight_http" admin "$ADMIN_PASSWORD")"
one_token="$(login "http://$one_http" admin "$ADMIN_PASSWORD")"
USERDB_TOKEN="$eight_token" warm "http://$eight_http" "$eight_pid"
USERDB_TOKEN="$one_token" warm "http://$one_http" "$one_pid"
export USERDB_TOKEN
for round in $(seq 1 "$MIXED_ROUNDS"); do
  read -r -a pair <<< "$(in_round_order "$round" eight one)"
  for which in "${pair[@]}"; do
    if [ "$which" = eight ]; then url="http://$eight_http" pid="$eight_pid" file="$db" label=pool8 USERDB_TOKEN="$eight_token"
    else url="http://$one_http" pid="$one_pid" file="$out/db-one/userdb.db" label="$against" USERDB_TOKEN="$one_token"; fi
    lent="$(borrows "$url")" ticks="$(cpu_ticks)"
    run_mixed "mixed$round-$label" direct 64 "$url" "$pid" "$file"
    record_cpu "mixed$round-$label" direct mixed 64 "$ticks" "$(cpu_ticks)"
    record_borrows "mixed$round-$label" direct 64 "$(( $(borrows "$url") - lent ))"
    # The same `me` clients with no listing beside them: the tail no pool size can go below.
    read -r me_clients _ <<< "$(mixed_split 64)"
    run_wrk "mixed$round-$label" direct me-alone "$me_clients" "$url" "$pid" "$file"
  done
done
cleanup
fi

if part core; then
# The quick check while tuning: me and the trivial servlet, direct and through Apache, at 64
# connections, CORE_ROUNDS rounds in alternating order so that drift on a shared machine shows.
say "core: me against the trivial servlet ${CORE_OPTIONS}"
read -r -a core_options <<< "$CORE_OPTIONS"
start_userdb srv "$db" "${core_options[@]}"
start_apache web "$srv_ajp"
start_java triv java -cp "$CP" io.userdb.bench.TrivialServer "$BENCH_SECRET"
start_apache tweb "$triv_ajp"
export USERDB_TOKEN; USERDB_TOKEN="$(login "http://$srv_http" admin "$ADMIN_PASSWORD")"
warm "http://$srv_http" "$srv_pid"; warm "http://127.0.0.1:$web_port" "$srv_pid"
warm "http://$triv_http" "$triv_pid" trivial; warm "http://127.0.0.1:$tweb_port" "$triv_pid" trivial
for round in $(seq 1 "$CORE_ROUNDS"); do
  read -r -a pair <<< "$(in_round_order "$round" me trivial)"
  for path in direct apache; do
    for which in "${pair[@]}"; do
      case "$path-$which" in
        direct-me) run_wrk "core$round" direct me 64 "http://$srv_http" "$srv_pid" "$db" ;;
        direct-trivial) run_wrk "core$round" direct trivial 64 "http://$triv_http" ;;
        apache-me) run_wrk "core$round" apache me 64 "http://127.0.0.1:$web_port" ;;
        apache-trivial) run_wrk "core$round" apache trivial 64 "http://127.0.0.1:$tweb_port" ;;
      esac
    done
  done
done
cleanup
fi

# tree_ticks PID: CPU ticks (user + system) of PID and every live process under it, plus what its
# reaped children spent; a process's threads are counted with it.
tree_ticks() {
  local total=0 p rest
  for p in "$1" $(descendants "$1"); do
    rest="$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null)" || continue
    read -r -a f <<< "$rest"
    total=$(( total + f[11] + f[12] ))
    [ "$p" = "$1" ] && total=$(( total + f[13] + f[14] ))
  done
  echo "$total"
}
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }

# wrk_requests FILE...: the requests wrk made in those runs, together.
wrk_requests() { cat "$@" | sed -n 's/^RESULT requests=\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }'; }

# seed_postgres: a throwaway PostgreSQL (start_postgres) holding the users of $db (userdb copy).
seed_postgres() {
  start_postgres
  USERDB_DB_PASSWORD="$pg_password" java -jar target/userdb.jar copy --from "$db" --to "$pg_url" \
    > "$out/pg-copy.txt" 2>&1
}

# copy_db DIR: a copy of $db (and its WAL) in DIR, for a server whose writes must not reach $db.
copy_db() {
  mkdir -p "$1"
  for f in "$db" "$db-wal"; do if [ -e "$f" ]; then cp -p "$f" "$1/"; fi; done
}

if part stores; then
# The same server on SQLite and on PostgreSQL (a throwaway cluster on this machine, seeded by
# `userdb copy` from the SQLite file), side by side in alternating rounds, direct at 64
# connections; then PostgreSQL's connections (pg_stat_activity) at 64 and 256 clients, which
# must stay within --pool-max-total plus the change listener.
say "stores: SQLite against PostgreSQL"
seed_postgres
copy_db "$out/db-stores"
# One address signs in at 64 connections at once here: lift its limit, or the sign-ins in flight
# lock it and `login` measures refusals instead of hashes.
start_userdb lite "$out/db-stores/userdb.db" --login-failures-per-address 1000000
read -r -a store_pg_options <<< "$STORE_PG_OPTIONS"
USERDB_DB_PASSWORD="$pg_password" start_userdb pg "$pg_url" --login-failures-per-address 1000000 \
  "${store_pg_options[@]}"
lite_token="$(login "http://$lite_http" admin "$ADMIN_PASSWORD")"
pg_token="$(login "http://$pg_http" admin "$ADMIN_PASSWORD")"
USERDB_TOKEN="$lite_token" warm "http://$lite_http" "$lite_pid"
USERDB_TOKEN="$pg_token" warm "http://$pg_http" "$pg_pid"
export USERDB_TOKEN
for round in $(seq 1 "$STORE_ROUNDS"); do
  read -r -a pair <<< "$(in_round_order "$round" lite pg)"
  for scenario in $STORE_SCENARIOS; do
    for which in "${pair[@]}"; do
      if [ "$which" = lite ]; then url="http://$lite_http" label=sqlite USERDB_TOKEN="$lite_token"
      else url="http://$pg_http" label=postgresql USERDB_TOKEN="$pg_token"; fi
      if [ "$scenario" = mixed ]; then run_mixed "stores$round-$label" direct 64 "$url"
      else run_wrk "stores$round-$label" direct "$scenario" 64 "$url"; fi
    done
  done
done
if [ "$STORE_CONNECTIONS" = yes ]; then
USERDB_TOKEN="$pg_token"
printf 'scenario\tconnections\tmax_connections\tpool_max_total_plus_listener\n' > "$out/pg-connections.tsv"
for scenario in me write; do
  for connections in 64 256; do
    ( set +e; m=0
      while :; do
        n="$(pg_sql -tAc "SELECT count(*) FROM pg_stat_activity WHERE datname = 'userdb' AND backend_type = 'client backend'")"
        [ "${n:-0}" -gt "$m" ] && m=$n && echo "$m" > "$out/pg-connections.max"; sleep 0.2
      done ) &
    sampler=$!
    run_wrk stores-connections direct "$scenario" "$connections" "http://$pg_http"
    kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
    printf '%s\t%s\t%s\t9\n' "$scenario" "$connections" "$(cat "$out/pg-connections.max")" >> "$out/pg-connections.tsv"
    rm -f "$out/pg-connections.max"
  done
done
fi
cleanup
$pg_stop
pg_stop=true
fi

if part overhead; then
# What userdb costs per request over a bare Tomcat 11 servlet with Tomcat's defaults (no filter or
# valve of userdb's; bench/.../BareTomcatServer): `me` on SQLite and on PostgreSQL beside it,
# direct and through the same shipped Apache, OVERHEAD_ROUNDS rounds in alternating order.
say "overhead: me on SQLite and on PostgreSQL against a bare Tomcat servlet"
seed_postgres
copy_db "$out/db-overhead"
start_userdb lite "$out/db-overhead/userdb.db"
USERDB_DB_PASSWORD="$pg_password" start_userdb pg "$pg_url"
start_java bare java -cp "$CP" io.userdb.bench.BareTomcatServer "$BENCH_SECRET"
start_apache liteweb "$lite_ajp"; start_apache pgweb "$pg_ajp"; start_apache bareweb "$bare_ajp"
lite_token="$(login "http://$lite_http" admin "$ADMIN_PASSWORD")"
pg_token="$(login "http://$pg_http" admin "$ADMIN_PASSWORD")"
USERDB_TOKEN="$lite_token" warm "http://$lite_http" "$lite_pid"
USERDB_TOKEN="$lite_token" warm "http://127.0.0.1:$liteweb_port" "$lite_pid"
USERDB_TOKEN="$pg_token" warm "http://$pg_http" "$pg_pid"
USERDB_TOKEN="$pg_token" warm "http://127.0.0.1:$pgweb_port" "$pg_pid"
warm "http://$bare_http" "$bare_pid" trivial; warm "http://127.0.0.1:$bareweb_port" "$bare_pid" trivial
export USERDB_TOKEN
for round in $(seq 1 "$OVERHEAD_ROUNDS"); do
  read -r -a order <<< "$(in_round_order "$round" lite pg bare)"
  for path in direct apache; do
    for which in "${order[@]}"; do
      case "$path-$which" in
        direct-lite) USERDB_TOKEN="$lite_token"; run_wrk "overhead$round-sqlite" direct me 64 "http://$lite_http" ;;
        apache-lite) USERDB_TOKEN="$lite_token"; run_wrk "overhead$round-sqlite" apache me 64 "http://127.0.0.1:$liteweb_port" ;;
        direct-pg) USERDB_TOKEN="$pg_token"; run_wrk "overhead$round-postgresql" direct me 64 "http://$pg_http" ;;
        apache-pg) USERDB_TOKEN="$pg_token"; run_wrk "overhead$round-postgresql" apache me 64 "http://127.0.0.1:$pgweb_port" ;;
        direct-bare) run_wrk "overhead$round-bare" direct trivial 64 "http://$bare_http" ;;
        apache-bare) run_wrk "overhead$round-bare" apache trivial 64 "http://127.0.0.1:$bareweb_port" ;;
      esac
    done
  done
done
cleanup
$pg_stop
pg_stop=true
fi

if part costs; then
# Where a request's CPU goes, part by part, on PostgreSQL through Apache at 64 connections: Apache
# (every httpd process), the backend (its JVM), PostgreSQL (the postmaster and every process under
# it) and the rest of the machine (wrk, the kernel), in CPU microseconds per request, for each
# scenario (costs.tsv). docs/SCALING.md builds its model on these.
say "costs: CPU per request by part, PostgreSQL through Apache"
seed_postgres
USERDB_DB_PASSWORD="$pg_password" start_userdb pg "$pg_url" --login-failures-per-address 1000000
start_apache pgweb "$pg_ajp"
apache_pid="${pids[-1]}"
postmaster="$(head -n 1 "$pg_dir/data/postmaster.pid")"
export USERDB_TOKEN; USERDB_TOKEN="$(login "http://$pg_http" admin "$ADMIN_PASSWORD")"
warm "http://127.0.0.1:$pgweb_port" "$pg_pid"
tick_us=$(( 1000000 / $(getconf CLK_TCK) ))
printf 'scenario\tconnections\trequests\tapache_us\tbackend_us\tpostgresql_us\trest_us\n' > "$out/costs.tsv"
for scenario in me basic write login mixed; do
  a0=$(tree_ticks "$apache_pid"); b0=$(tree_ticks "$pg_pid"); p0=$(tree_ticks "$postmaster")
  read -r busy0 _ <<< "$(cpu_ticks)"
  if [ "$scenario" = mixed ]; then run_mixed costs apache 64 "http://127.0.0.1:$pgweb_port"
  else run_wrk costs apache "$scenario" 64 "http://127.0.0.1:$pgweb_port"; fi
  a1=$(tree_ticks "$apache_pid"); b1=$(tree_ticks "$pg_pid"); p1=$(tree_ticks "$postmaster")
  read -r busy1 _ <<< "$(cpu_ticks)"
  if [ "$scenario" = mixed ]; then files=("$out"/wrk-costs-apache-me-in-mixed-*.txt "$out"/wrk-costs-apache-list-*.txt)
  else files=("$out/wrk-costs-apache-$scenario-64.txt"); fi
  n="$(wrk_requests "${files[@]}")"
  awk -v s="$scenario" -v n="$n" -v u="$tick_us" -v a=$(( a1 - a0 )) -v b=$(( b1 - b0 )) \
      -v p=$(( p1 - p0 )) -v all=$(( busy1 - busy0 )) \
      'BEGIN { printf "%s\t64\t%d\t%.0f\t%.0f\t%.0f\t%.0f\n", s, n, a*u/n, b*u/n, p*u/n, (all-a-b-p)*u/n }' \
      >> "$out/costs.tsv"
  say "$(tail -n 1 "$out/costs.tsv")"
done
cleanup
$pg_stop
pg_stop=true
fi

if part scaleout; then
# The scaling model checked where it can be on two cores: `me` on PostgreSQL through Apache at a
# fixed offered rate (SCALE_CONNECTIONS connections, each pausing SCALE_PAUSE_MS between requests),
# against one backend and against two behind the balancer, SCALE_ROUNDS rounds in alternating
# order: latency, and CPU per request by part (scaleout.tsv). More backends cannot serve more here;
# what the model needs is that a request costs the same spread over several.
say "scaleout: one backend against two, me at a fixed rate"
seed_postgres
USERDB_DB_PASSWORD="$pg_password" start_userdb one "$pg_url"
USERDB_DB_PASSWORD="$pg_password" start_userdb two "$pg_url"
start_apache single "$one_ajp"
single_apache="${pids[-1]}"
start_apache pair "$one_ajp" -DUSERDB_BALANCER -C "Define USERDB_AJP_1 $one_ajp" -C "Define USERDB_AJP_2 $two_ajp"
pair_apache="${pids[-1]}"
postmaster="$(head -n 1 "$pg_dir/data/postmaster.pid")"
export USERDB_TOKEN; USERDB_TOKEN="$(login "http://$one_http" admin "$ADMIN_PASSWORD")"
warm "http://127.0.0.1:$single_port" "$one_pid"; warm "http://127.0.0.1:$pair_port" "$two_pid"
export USERDB_PAUSE_MS="$SCALE_PAUSE_MS"
tick_us=$(( 1000000 / $(getconf CLK_TCK) ))
printf 'config\tbackends\trequests\tapache_us\tbackends_us\tpostgresql_us\n' > "$out/scaleout.tsv"
for round in $(seq 1 "$SCALE_ROUNDS"); do
  read -r -a order <<< "$(in_round_order "$round" single pair)"
  for which in "${order[@]}"; do
    if [ "$which" = single ]; then apache="$single_apache" port="$single_port" backends=1
    else apache="$pair_apache" port="$pair_port" backends=2; fi
    a0=$(tree_ticks "$apache"); b0=$(( $(tree_ticks "$one_pid") + $(tree_ticks "$two_pid") ))
    p0=$(tree_ticks "$postmaster")
    run_wrk "scaleout$round-$which" apache me-paced "$SCALE_CONNECTIONS" "http://127.0.0.1:$port"
    a1=$(tree_ticks "$apache"); b1=$(( $(tree_ticks "$one_pid") + $(tree_ticks "$two_pid") ))
    p1=$(tree_ticks "$postmaster")
    n="$(wrk_requests "$out/wrk-scaleout$round-$which-apache-me-paced-$SCALE_CONNECTIONS.txt")"
    awk -v c="scaleout$round-$which" -v k="$backends" -v n="$n" -v u="$tick_us" -v a=$(( a1 - a0 )) \
        -v b=$(( b1 - b0 )) -v p=$(( p1 - p0 )) \
        'BEGIN { printf "%s\t%d\t%d\t%.0f\t%.0f\t%.0f\n", c, k, n, a*u/n, b*u/n, p*u/n }' >> "$out/scaleout.tsv"
    say "$(tail -n 1 "$out/scaleout.tsv")"
  done
done
cleanup
$pg_stop
pg_stop=true
fi

if part fanout; then
# NOTIFY fan-out: each write a backend commits is announced to every backend's change listener.
# `write` (16 connections, direct) on one backend while ChangeListeners stands in for the
# listeners of N more, for each N in FANOUT_LISTENERS, FANOUT_ROUNDS rounds in alternating
# order: writes/s, p99, and CPU per write of PostgreSQL (every process under the postmaster) and
# of the stand-in listeners (per write and per listener: what each backend spends hearing a
# write), plus the fewest notifications any listener heard (fanout.tsv).
say "fanout: writes against the number of backends listening"
seed_postgres
USERDB_DB_PASSWORD="$pg_password" start_userdb pg "$pg_url"
postmaster="$(head -n 1 "$pg_dir/data/postmaster.pid")"
export USERDB_TOKEN; USERDB_TOKEN="$(login "http://$pg_http" admin "$ADMIN_PASSWORD")"
warm "http://$pg_http" "$pg_pid" write
tick_us=$(( 1000000 / $(getconf CLK_TCK) ))
printf 'config\tlisteners\twrites\twrites_per_s\tp99_us\tpostgresql_us_per_write\tlisteners_us_per_write\theard_least\n' > "$out/fanout.tsv"
read -r -a counts <<< "$FANOUT_LISTENERS"
for round in $(seq 1 "$FANOUT_ROUNDS"); do
  read -r -a order <<< "$(in_round_order "$round" "${counts[@]}")"
  for n in "${order[@]}"; do
    log="$out/listeners$round-$n"
    USERDB_DB_PASSWORD="$pg_password" java -cp "$CP" io.userdb.bench.ChangeListeners "$pg_url" "$n" \
      > "$log.out" 2> "$log.err" &
    listeners=$!
    for _ in $(seq 1 300); do grep -q '^listening' "$log.out" 2>/dev/null && break; sleep 0.1; done
    sleep 2  # their JVM's start-up out of the measured seconds
    p0=$(tree_ticks "$postmaster"); l0=$(tree_ticks "$listeners")
    run_wrk "fanout$round-$n" direct write 16 "http://$pg_http"
    sleep 1  # notifications still in flight reach the listeners
    p1=$(tree_ticks "$postmaster"); l1=$(tree_ticks "$listeners")
    kill "$listeners"; wait "$listeners" 2>/dev/null || true
    wrk_out="$out/wrk-fanout$round-$n-direct-write-16.txt"
    w="$(wrk_requests "$wrk_out")"
    awk -v c="fanout$round-$n" -v k="$n" -v w="$w" -v u="$tick_us" -v p=$(( p1 - p0 )) -v l=$(( l1 - l0 )) \
        -v rps="$(sed -n 's/^RESULT .*rps=\([0-9.]*\).*/\1/p' "$wrk_out")" \
        -v p99="$(sed -n 's/^RESULT .*p99=\([0-9]*\).*/\1/p' "$wrk_out")" \
        -v least="$(sed -n 's/^heard least=\([0-9]*\).*/\1/p' "$log.out")" \
        'BEGIN { printf "%s\t%d\t%d\t%.1f\t%d\t%.0f\t%.0f\t%d\n", c, k, w, rps, p99, p*u/w, l*u/w, least }' \
        >> "$out/fanout.tsv"
    say "$(tail -n 1 "$out/fanout.tsv")"
  done
done
cleanup
$pg_stop
pg_stop=true
fi

if part upgrade; then
# This build against an earlier one, as a user upgrading would compare them: OLD_BUILD is a
# checkout of that commit built with `./mvnw -DskipTests package` and `./mvnw -Pbench
# -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
# -Dmdep.includeScope=test`. Each build serves its own database (seeded by its own code, the
# schemas differ), on SQLite and on PostgreSQL (two databases of one cluster), side by side in
# alternating rounds, direct at 64 connections (sign-ins at 8), UPGRADE_SCENARIOS each.
[ -f "${OLD_BUILD:-}/target/userdb.jar" ] || { say "upgrade: set OLD_BUILD to a built checkout"; exit 1; }
say "upgrade: this build against $(git -C "$OLD_BUILD" log --oneline -1 | cut -c1-60)"
old_cp="$OLD_BUILD/target/test-classes:$OLD_BUILD/target/classes:$(cat "$OLD_BUILD/target/bench.classpath")"
mkdir -p "$out/db-old"
java -cp "$old_cp" io.userdb.bench.SeedDatabase "$out/db-old/userdb.db" "$USERS" "$PASSWORD" > "$out/seed-old.txt"
copy_db "$out/db-new"
seed_postgres
pg_sql -qc "CREATE DATABASE userdb_old OWNER userdb"
pg_old_url="${pg_url/\/userdb\?//userdb_old?}"
USERDB_DB_PASSWORD="$pg_password" java -jar "$OLD_BUILD/target/userdb.jar" copy --from "$out/db-old/userdb.db" \
  --to "$pg_old_url" > "$out/pg-copy-old.txt" 2>&1
limit=(--login-failures-per-address 1000000)  # 64 sign-ins at once from one address, as in stores
USERDB_JAR="$OLD_BUILD/target/userdb.jar" start_userdb oldlite "$out/db-old/userdb.db" "${limit[@]}"
start_userdb newlite "$out/db-new/userdb.db" "${limit[@]}"
USERDB_DB_PASSWORD="$pg_password" USERDB_JAR="$OLD_BUILD/target/userdb.jar" start_userdb oldpg "$pg_old_url" "${limit[@]}"
USERDB_DB_PASSWORD="$pg_password" start_userdb newpg "$pg_url" "${limit[@]}"
for which in oldlite newlite oldpg newpg; do
  http_var="${which}_http"; pid_var="${which}_pid"
  printf -v "${which}_token" '%s' "$(login "http://${!http_var}" admin "$ADMIN_PASSWORD")"
  token_var="${which}_token"
  USERDB_TOKEN="${!token_var}" warm "http://${!http_var}" "${!pid_var}"
done
export USERDB_TOKEN
# CPU per request too (upgrade.tsv): steadier than throughput on this shared machine.
postmaster="$(head -n 1 "$pg_dir/data/postmaster.pid")"
tick_us=$(( 1000000 / $(getconf CLK_TCK) ))
printf 'config\tscenario\trequests\tbackend_us\tpostgresql_us\n' > "$out/upgrade.tsv"
for round in $(seq 1 "$UPGRADE_ROUNDS"); do
  for store in lite pg; do
    read -r -a pair <<< "$(in_round_order "$round" old new)"
    for scenario in $UPGRADE_SCENARIOS; do
      for which in "${pair[@]}"; do
        http_var="$which${store}_http"; token_var="$which${store}_token"; pid_var="$which${store}_pid"
        USERDB_TOKEN="${!token_var}"
        label="$which-sqlite"; [ "$store" = pg ] && label="$which-postgresql"
        # Sign-ins at 8 connections: at 64 their queue nears wrk's 2 s timeout, and a request
        # timed out is hashed but not counted, which skews whichever build is a little slower.
        connections=64; [ "$scenario" = login ] && connections=8
        b0=$(tree_ticks "${!pid_var}"); p0=$(tree_ticks "$postmaster")
        run_wrk "upgrade$round-$label" direct "$scenario" "$connections" "http://${!http_var}"
        b1=$(tree_ticks "${!pid_var}"); p1=$(tree_ticks "$postmaster")
        n="$(wrk_requests "$out/wrk-upgrade$round-$label-direct-$scenario-$connections.txt")"
        awk -v c="upgrade$round-$label" -v s="$scenario" -v n="$n" -v u="$tick_us" -v b=$(( b1 - b0 )) \
            -v p=$(( p1 - p0 )) 'BEGIN { printf "%s\t%s\t%d\t%.1f\t%.1f\n", c, s, n, b*u/n, p*u/n }' \
            >> "$out/upgrade.tsv"
      done
    done
  done
done
cleanup
$pg_stop
pg_stop=true
fi

if part apache; then
# The proxy hop itself: the shipped httpd-conf against mod_proxy_http, mod_jk, mpm_event,
# keep-alive without a request limit and Debian's untuned defaults (bench/httpd/), each in
# front of the same userdb, in_round_order.
say "apache variants"
[ -f /usr/lib/apache2/modules/mod_jk.so ] || { say "needs mod_jk: sudo apt-get install libapache2-mod-jk"; exit 1; }
start_userdb srv "$db"
export USERDB_TOKEN; USERDB_TOKEN="$(login "http://$srv_http" admin "$ADMIN_PASSWORD")"
warm "http://$srv_http" "$srv_pid"
read -r -a variants <<< "$APACHE_VARIANTS"
for round in $(seq 1 "$ROUNDS"); do
  read -r -a order <<< "$(in_round_order "$round" "${variants[@]}")"
  for variant in "${order[@]}"; do
    port="$(free_port)"; run="$out/var-$variant-$round"; mkdir -p "$run"; chmod 755 "$run"
    printf 'worker.list=userdb\nworker.userdb.type=ajp13\nworker.userdb.host=%s\nworker.userdb.port=%s\nworker.userdb.secret=%s\nworker.userdb.max_packet_size=65536\n' \
      "${srv_ajp%:*}" "${srv_ajp##*:}" "$BENCH_SECRET" > "$run/workers.properties"
    conf="$PWD/bench/httpd/$variant.conf" extra=()
    case "$variant" in
      shipped) conf="$PWD/httpd-conf/linux/httpd.conf" ;;
      shipped-ka0) conf="$PWD/httpd-conf/linux/httpd.conf"; extra=(-c "MaxKeepAliveRequests 0") ;;
    esac
    USERDB_AJP_SECRET="$BENCH_SECRET" apache2 -d "$PWD/httpd-conf" -f "$conf" -DFOREGROUND \
      -C "Define USERDB_BENCH $PWD/bench/httpd" -C "Define USERDB_MODULES /usr/lib/apache2/modules" \
      -C "Define USERDB_LISTEN 127.0.0.1:$port" -C "Define USERDB_RUN_DIR $run" \
      -C "Define USERDB_ACCESS_LOG /dev/null" \
      -C "Define USERDB_AJP $srv_ajp" -C "Define USERDB_HTTP $srv_http" "${extra[@]}" &
    apache_pid=$!
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break; sleep 0.1; done
    wrk -t2 -c16 -d5s -s bench/wrk/me.lua "http://127.0.0.1:$port" > /dev/null 2>&1 || true
    for connections in $APACHE_CONNECTIONS; do
      ticks="$(cpu_ticks)"
      run_wrk "apache$round-$variant" apache me "$connections" "http://127.0.0.1:$port"
      record_cpu "apache$round-$variant" apache me "$connections" "$ticks" "$(cpu_ticks)"
    done
    kill "$apache_pid" 2>/dev/null || true; wait "$apache_pid" 2>/dev/null || true
  done
done
cleanup
fi

if part trivial; then
say "trivial servlet"
start_java triv java -cp "$CP" io.userdb.bench.TrivialServer "$BENCH_SECRET"
start_apache tweb "$triv_ajp"
warm "http://$triv_http" "$triv_pid" trivial; warm "http://127.0.0.1:$tweb_port" "$triv_pid" trivial
for connections in 8 64; do
  run_wrk trivial direct trivial "$connections" "http://$triv_http"
  run_wrk trivial apache trivial "$connections" "http://127.0.0.1:$tweb_port"
done
cleanup
fi

if part poolsize; then
say "pool size"
for size in 1 2 4 8 16; do
  start_userdb srv "$db" --pool-max-total "$size" --pool-min-idle "$size"
  export USERDB_TOKEN; USERDB_TOKEN="$(login "http://$srv_http" admin "$ADMIN_PASSWORD")"
  warm "http://$srv_http" "$srv_pid"
  run_wrk "size$size" direct me 64 "http://$srv_http" "$srv_pid" "$db"
  run_mixed "size$size" direct 64 "http://$srv_http" "$srv_pid" "$db"
  cleanup
done
fi

if part tablesize; then
# me against 10 thousand and 1 million users: both servers up at once, TABLE_ROUNDS rounds in
# alternating order (single runs minutes apart measured the machine's drift, 0.81-1.50x).
say "table size: $BIG_USERS users"
big="$out/db-big/userdb.db"
java -cp "$CP" io.userdb.bench.SeedDatabase "$big" "$BIG_USERS" "$PASSWORD" | tee "$out/seed-big.txt" >&2
for which in small big; do
  file="$db"; [ "$which" = big ] && file="$big"
  started=$(date +%s%N)
  start_userdb "$which" "$file"
  echo "$which startup_ms $(( ($(date +%s%N) - started) / 1000000 ))" >> "$out/startup.txt"
done
small_token="$(login "http://$small_http" admin "$ADMIN_PASSWORD")"
big_token="$(login "http://$big_http" admin "$ADMIN_PASSWORD")"
USERDB_TOKEN="$small_token" warm "http://$small_http" "$small_pid"
USERDB_TOKEN="$big_token" warm "http://$big_http" "$big_pid"
for round in $(seq 1 "$TABLE_ROUNDS"); do
  read -r -a pair <<< "$(in_round_order "$round" small big)"
  for which in "${pair[@]}"; do
    if [ "$which" = small ]; then url="http://$small_http" pid="$small_pid" file="$db" USERDB_TOKEN="$small_token"
    else url="http://$big_http" pid="$big_pid" file="$big" USERDB_TOKEN="$big_token"; fi
    export USERDB_TOKEN
    run_wrk "users$round-$which" direct me 64 "$url" "$pid" "$file"
  done
done
echo "small rss_kib $(awk '/VmRSS/ {print $2}' "/proc/$small_pid/status")" >> "$out/startup.txt"
echo "big rss_kib $(awk '/VmRSS/ {print $2}' "/proc/$big_pid/status")" >> "$out/startup.txt"
cleanup
fi

{ echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print $2}' /proc/meminfo) KiB, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
  java -version 2>&1 | head -1; apache2 -v | head -1; { wrk --version 2>&1 || true; } | head -1
  echo "duration $DURATION, warm-up $WARMUP"; cat "$out/startup.txt" "$out"/seed-*.txt 2>/dev/null || true; column -t -s $'\t' "$results"; } > "$out/summary.txt"
say "done: $out/summary.txt"
cat "$out/summary.txt"
