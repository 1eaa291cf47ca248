#!/usr/bin/env bash
# JMH microbenchmarks of the pool (src/bench/java). Arguments go to JMH, e.g.:
#   bench/jmh.sh PoolBenchmark -t 8 -rf json -rff target/jmh-t8.json
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -Pbench -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.openjdk.jmh.Main "$@"
