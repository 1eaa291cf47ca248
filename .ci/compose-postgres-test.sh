#!/usr/bin/env bash
# The many-hosts stack, end to end (docker-compose.yml + docker-compose.postgres.yml): a
# PostgreSQL primary with a synchronous standby, two backends and Apache's balancer, each in a
# container of its own. A session made through one backend is valid on the other; with one
# backend stopped no request through Apache fails once the balancer's health check has seen it;
# the primary killed and the standby promoted with the README's command, writes resume and
# what was acknowledged before is still there; the old primary started again waits while the
# promoted one is silent and refuses once it answers; an empty primary refuses beside a server
# holding data; rebuilt as the README says the old primary is the new one's synchronous standby,
# and both restarted at once come back (neither waits for the other for ever).
# Teardown also runs on failure. Prints "compose-postgres: N passed, N failed" at the end.
set -uo pipefail
cd "$(dirname "$0")/.."

project="userdb-pg-ci-$$"
port="${USERDB_COMPOSE_POSTGRES_PORT:-18482}"
secret() { head -c 32 /dev/urandom | base64 | tr -d '/+=' | cut -c1-43; }
USERDB_AJP_SECRET="$(secret)"
USERDB_DB_PASSWORD="$(secret)"
POSTGRES_REPLICATION_PASSWORD="$(secret)"
export USERDB_AJP_SECRET USERDB_DB_PASSWORD POSTGRES_REPLICATION_PASSWORD
export USERDB_ADMIN_PASSWORD=compose-admin-password HTTPD_PUBLISH="127.0.0.1:$port"
compose() { podman-compose --project-name "$project" -f docker-compose.yml -f docker-compose.postgres.yml "$@"; }
# podman-compose echoes the podman commands it runs and the merged configuration, secrets included.
masked() { sed -u -E 's/((SECRET|PASSWORD)=)[^ '\'']*/\1***/gI; s/((SECRET|PASSWORD)": ")[^"]*/\1***/gI'; }
passed=0
failed=0
check() { # check NAME COMMAND...: one assertion
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name"; fi
}
jar="$(mktemp)"
promoted="$(mktemp)"
swapped="$(mktemp --suffix=.yml)"
teardown() {
  compose down -v > /dev/null 2>&1 || true
  # podman-compose 1.0.3 leaves the project's network behind.
  podman network rm -f "${project}_default" > /dev/null 2>&1 || true
  rm -f "$jar" "$promoted" "$swapped"
}
trap teardown EXIT

base="http://127.0.0.1:$port"
backend1="${project}_backend_1"
backend2="${project}_backend2_1"
primary="${project}_postgres-primary_1"
standby="${project}_postgres-standby_1"
started=$SECONDS

within() { # within SECONDS COMMAND...: until COMMAND succeeds, polling every 0.5 s
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do [ "$SECONDS" -lt "$deadline" ] || return 1; sleep 0.5; done
}
up_through_apache() { curl -fsS --max-time 5 "$base/health" 2> /dev/null | grep -q '"status":"UP"'; }
up_inside() { podman exec "$1" curl -fsS --max-time 5 http://127.0.0.1:8080/health 2> /dev/null | grep -q '"status":"UP"'; }
sql() { # sql CONTAINER DATABASE QUERY: as PostgreSQL's superuser, on the container's socket
  podman exec "$1" psql --no-psqlrc -XAtq --dbname="$2" -c "$3"
}
new_user() { # new_user URL_BASE NAME [CURL ARGS...]: prints the HTTP status
  local url="$1" name="$2"; shift 2
  curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -b "$jar" "$@" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$name\",\"password\":\"$name-password\"}" "$url/api/users"
}
created() { [ "$(new_user "$@")" = 201 ]; }
signs_in() { curl -fsS --max-time 10 -u "$2:$2-password" "$1/api/me" | grep -q "\"username\":\"$2\""; }
# The backends' HTTP is on their containers' loopback: ask from inside.
on_backend() { # on_backend CONTAINER CURL ARGS... (URLs relative to the backend)
  local container="$1"; shift
  podman exec "$container" curl -fsS --max-time 10 "$@"
}
session_valid_on() {
  on_backend "$1" -H "Cookie: USERDB_SESSION=$cookie" http://127.0.0.1:8080/api/me \
    | grep -q '"authenticatedBy":"session"'
}
created_on() {
  on_backend "$1" -H "Cookie: USERDB_SESSION=$cookie" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"$2-password\"}" http://127.0.0.1:8080/api/users > /dev/null
}
signs_in_on() { on_backend "$1" -u "$2:$2-password" http://127.0.0.1:8080/api/me | grep -q "\"username\":\"$2\""; }
routes() { # routes N: the backend (X-Userdb-Route) of each of N requests through Apache, one a line
  for _ in $(seq 1 "$1"); do
    curl -sS -o /dev/null -D - --max-time 10 -b "$jar" "$base/api/me" | tr -d '\r' \
      | sed -n 's/^[Xx]-[Uu]serdb-[Rr]oute: //p'
  done
}
not_published() { [ -z "$(podman port "$1")" ]; }
both_up_inside() { up_inside "$backend1" && up_inside "$backend2"; }
synchronous() { # synchronous PRIMARY_CONTAINER: its standby confirms each commit
  [ "$(sql "$1" postgres "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'")" = sync ]
}
healthy() { podman healthcheck run "$1" > /dev/null; }
non_root() { [ "$(podman exec "$1" id -u)" != 0 ]; }
spread() { [ "$(routes 10 | sort -u | xargs)" = "node1 node2" ]; }
holds() { [ "$(sql "$1" userdb "SELECT count(*) FROM users WHERE username = '$2'")" = 1 ]; }
not() { ! "$@"; }
lines() { podman logs "$1" 2>&1 | wc -l; }
# said CONTAINER TEXT [LINES]: in its log, after its first LINES lines (podman keeps a container's
# log across restarts).
said() { podman logs "$1" 2>&1 | tail -n +"$((${3:-0} + 1))" | grep -q "$2"; }
refused() { said "${1:-$primary}" 'refusing to start as the primary'; }
waits() { said "$1" 'not starting as the primary until' "$2"; }
# As a backend connects (scram-sha-256 over the network), from the standby's container.
userdb_in() { # userdb_in SERVICE: may sign in and write
  PGPASSWORD="$USERDB_DB_PASSWORD" podman exec -e PGPASSWORD "$standby" psql --no-psqlrc -XAtq \
    --dbname="host=$1 user=userdb dbname=userdb connect_timeout=5" \
    -c 'CREATE TEMP TABLE t (i int)' > /dev/null 2>&1
}
milliseconds() { echo $(($(date +%s%N) / 1000000)); }
promote() { # the README's podman command, then the server's own word
  USERDB_COMPOSE_FILES="docker-compose.yml docker-compose.postgres.yml" USERDB_COMPOSE_PROJECT="$project" \
    bin/podman-stack exec -T postgres-standby promote-standby > "$promoted" 2>&1
  grep '^promote-standby:' "$promoted"
  [ "$(sql "$standby" postgres 'SELECT pg_is_in_recovery()')" = f ]
}
no_secret_in() {
  ! grep -q -F -e "$USERDB_AJP_SECRET" -e "$USERDB_DB_PASSWORD" -e "$POSTGRES_REPLICATION_PASSWORD" \
    -e "$USERDB_ADMIN_PASSWORD" "$1"
}

compose up -d --build 2>&1 | masked
# podman-compose 1.0.3 carries on (and exits 0) when an image fails to build: check each one.
for service in backend backend2 httpd postgres-primary postgres-standby; do
  podman image exists "${project}_$service" || {
    echo "FAILED: image $service did not build"; echo "compose-postgres: 0 passed, 1 failed"; exit 1; }
done
echo "compose-postgres: images built and containers started in $((SECONDS - started)) s"

check "stack healthy through Apache" within 300 up_through_apache
check "both backends healthy" within 120 both_up_inside
check "the standby replicates synchronously" within 60 synchronous "$primary"
for container in "$primary" "$standby"; do
  check "${container#"${project}"_} health check passes" healthy "$container"
  check "${container#"${project}"_} runs as non-root" non_root "$container"
done
for container in "$backend1" "$backend2" "$primary" "$standby"; do
  check "nothing published by ${container#"${project}"_} (AJP, PostgreSQL)" not_published "$container"
done

check "sign in through Apache" sh -c "curl -fsS -c $jar -H 'Content-Type: application/json' \
  -d '{\"username\":\"admin\",\"password\":\"compose-admin-password\"}' $base/api/session | grep -q '\"username\":\"admin\"'"
cookie="$(awk '$6 == "USERDB_SESSION" { print $7 }' "$jar" 2> /dev/null)"
check "the session is valid on backend" session_valid_on "$backend1"
check "the session is valid on backend2" session_valid_on "$backend2"
check "a user created on backend" created_on "$backend1" made.on.one
check "signs in on backend2" signs_in_on "$backend2" made.on.one
check "Apache spreads requests over both backends" spread

# One backend stopped: mod_proxy_hcheck's CPING every 2 s (hcinterval=2 hcfails=1, with a 2 s
# connect timeout) takes it out; once ten requests in a row succeed, no request may fail.
podman stop "$backend1" > /dev/null
ten_succeed() {
  [ "$(for _ in $(seq 1 10); do curl -sS -o /dev/null -w '%{http_code}\n' --max-time 10 -b "$jar" \
    "$base/api/me"; done | sort -u | xargs)" = 200 ]
}
check "the balancer takes the stopped backend out" within 30 ten_succeed
statuses="$(for _ in $(seq 1 50); do
  curl -sS -o /dev/null -w '%{http_code}\n' --max-time 10 -b "$jar" "$base/api/me"; done | sort | uniq -c | xargs)"
check "50 requests through Apache with backend stopped all succeed ($statuses)" [ "$statuses" = "50 200" ]
# Started again it has a new address, which Apache's children that knew the old one keep
# trying (mod_proxy resolves a member once): so asked directly here. addressttl=2 (Apache
# 2.4.60+) would look the name up again, but then a request sent to a stopped member whose name
# no longer resolves is answered 500 "DNS lookup failure", not passed to the other member.
podman start "$backend1" > /dev/null
check "the backend is healthy again" within 120 up_inside "$backend1"

# Failover. What was acknowledged before the kill is on the standby (synchronous replication).
check "a user created through Apache before the failover" created "$base" before.failover
check "it is on the standby already" holds "$standby" before.failover
podman kill "$primary" > /dev/null
killed=$(milliseconds)
check "promote-standby, as the README runs it, promotes the standby" promote
promoted_after=$(($(milliseconds) - killed))
check "and its output shows no secret" no_secret_in "$promoted"
# Each backend answers 503 until it has found the new primary: writes have resumed once ten in
# a row (over both backends) succeed.
answers=""
first=""
streak=""
resumed=""
attempt=0
ok_from=0
while [ $(($(milliseconds) - killed)) -lt 120000 ]; do
  # A new name each time: an attempt that timed out may still have been written.
  after="after.failover.$((attempt++))"
  status="$(new_user "$base" "$after")"
  now=$(($(milliseconds) - killed))
  if [ "$status" = 201 ]; then
    first="${first:-$now}"
    streak="${streak:-$now}"
    written="$after"
    [ $((attempt - ok_from)) -lt 10 ] || { resumed="$streak"; break; }
  else
    answers+="$status "
    streak=""
    ok_from=$attempt
  fi
  sleep 0.1
done
seconds() { if [ -z "$1" ]; then echo never; else awk "BEGIN { printf \"%.1f\", $1 / 1000 }"; fi; }
echo "compose-postgres: after the primary was killed, promote-standby returned at $(seconds "$promoted_after") s," \
  "a first write succeeded at $(seconds "$first") s, every write from $(seconds "$resumed") s;" \
  "before that: ${answers:-no failures}"
check "writes resume through Apache within 60 s of the kill ($(seconds "$resumed") s)" [ "${resumed:-999999}" -lt 60000 ]
others="$(echo "$answers" | tr ' ' '\n' | grep -v -e '^$' -e '^503$' | sort | uniq -c | xargs)"
check "meanwhile Apache answered 503 only${others:+ (also: $others)}" [ -z "$others" ]
check "the user acknowledged before the failover signs in" signs_in "$base" before.failover
check "a user written after signs in" signs_in "$base" "$written"
check "the session is still valid on backend" session_valid_on "$backend1"
check "a user created on backend after the failover" created_on "$backend1" made.after
check "signs in on backend2 after the failover" signs_in_on "$backend2" made.after

# The old primary started again while the promoted one is stopped (a reboot, a `compose down &&
# up`): it must not run as a primary, only wait, until the promoted one answers; then refuse.
podman stop "$standby" > /dev/null
mark="$(lines "$primary")"
podman start "$primary" > /dev/null 2>&1
check "the old primary, its peer silent, waits" within 30 waits "$primary" "$mark"
check "and is not healthy" not healthy "$primary"
podman start "$standby" > /dev/null
check "the promoted one, once it has heard the old primary, runs" within 60 healthy "$standby"
check "the old primary refuses once the promoted one answers" within 30 refused
check "and is still not healthy" not healthy "$primary"
check "and lets no backend in" not userdb_in postgres-primary
check "writes go to the promoted standby" within 60 created "$base" after.old.primary
check "and are on it" holds "$standby" after.old.primary
# Bash as PID 1 traps SIGINT: without that, podman stop would wait 10 s and kill.
stops_at_once() { local from=$SECONDS; podman stop "$1" > /dev/null 2>&1; [ $((SECONDS - from)) -lt 5 ]; }
check "the refused old primary stops at once" stops_at_once "$primary"

# Rebuilt as the README says: a new volume, first started as a standby, synchronous again. A new
# volume started as a primary instead would be an empty one beside the promoted: refused too.
fresh() { # fresh CONTAINER SERVICE [COMPOSE ARGS...]: its volume removed, started again
  local container="$1" service="$2"; shift 2
  podman rm -f "$container" > /dev/null 2>&1
  podman volume rm "${project}_$service" > /dev/null
  compose "$@" up -d "$service" 2>&1 | masked > /dev/null
}
fresh "$primary" postgres-primary
check "a new, empty primary beside the promoted one refuses to start" within 30 refused
printf 'services:\n  postgres-primary:\n    environment:\n      POSTGRES_ROLE: standby\n' > "$swapped"
fresh "$primary" postgres-primary -f "$swapped"
sql "$standby" postgres "ALTER SYSTEM SET synchronous_standby_names = 'standby'" > /dev/null
sql "$standby" postgres 'SELECT pg_reload_conf()' > /dev/null
check "the old primary, rebuilt, is the new primary's synchronous standby" within 120 synchronous "$standby"
check "a write through Apache" created "$base" after.rebuild
check "is on the rebuilt standby" holds "$primary" after.rebuild

# Both stopped and started at once (a clean `compose down && up`): the primary waits for its
# standby's answer, which a hot standby gives without its primary.
podman stop "$primary" "$standby" > /dev/null
podman start "$standby" "$primary" > /dev/null
check "both restarted at once: synchronous again" within 90 synchronous "$standby"
check "and writes go through" within 60 created "$base" after.restart

# The standby stopped for good: the primary restarted waits until told the peer is lost.
podman stop "$primary" > /dev/null
mark="$(lines "$standby")"
podman restart "$standby" > /dev/null
check "a primary whose standby is silent waits" within 30 waits "$standby" "$mark"
podman exec "$standby" touch /var/lib/postgresql/data/peer-lost
check "and runs once told the standby is lost" within 30 healthy "$standby"
check "its peer-lost file is used once" not podman exec "$standby" test -e /var/lib/postgresql/data/peer-lost

# An empty primary volume beside a standby holding data that was never promoted (the rebuilt one).
podman start "$primary" > /dev/null
in_recovery() { [ "$(sql "$1" postgres 'SELECT pg_is_in_recovery()' 2> /dev/null)" = t ]; }
check "the standby is back" within 60 in_recovery "$primary"
printf 'services:\n  postgres-standby:\n    environment:\n      POSTGRES_ROLE: primary\n      USERDB_DB_PASSWORD: x\n' > "$swapped"
fresh "$standby" postgres-standby -f "$swapped"
check "an empty primary beside a standby holding data refuses" within 30 refused "$standby"
check "and has made no cluster" not podman exec "$standby" test -e /var/lib/postgresql/data/15

[ "$failed" -eq 0 ] || { compose logs 2>&1 | masked >&2 || true; }
echo "compose-postgres: $passed passed, $failed failed in $((SECONDS - started)) s"
[ "$failed" -eq 0 ]
