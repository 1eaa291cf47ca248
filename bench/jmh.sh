#!/usr/bin/env bash
# JMH microbenchmarks of the pool (src/bench/java). Arguments go to JMH, e.g.:
#   bench/jmh.sh PoolBenchmark -t 8 -rf json -rff target/jmh-t8.json
#   JMH_STORE=postgresql bench/jmh.sh PoolBenchmark.borrowReturn -t 1 -f 1   # over PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -Pbench -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"
if [ "${JMH_STORE:-sqlite}" = postgresql ]; then
  # The same benchmarks over a throwaway PostgreSQL cluster (Debian's postgresql).
  out="$(mktemp -d)"; say() { echo "jmh: $*" >&2; }
  # shellcheck source=bench/lib.sh
  . bench/lib.sh  # free_port, start_postgres
  start_postgres
  trap 'stop_postgres; rm -rf "$out"' EXIT
  USERDB_DB_PASSWORD="$pg_password" java -cp "$CP" org.openjdk.jmh.Main "$@" -p location="$pg_url"
else
  exec java -cp "$CP" org.openjdk.jmh.Main "$@"
fi
