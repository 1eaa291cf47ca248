#!/usr/bin/env bash
# Where a request's CPU goes: async-profiler (from Maven Central) attached to a warmed-up server
# for one measured wrk run only, so start-up and warm-up compilation stay out of the profile.
# Prints microseconds of CPU per request by layer, the servlet's share by method, and writes a
# collapsed-stack file (for flame graphs) to target/profile/<time>/.
#
#   bench/profile.sh            # GET /api/me, session cookie, 64 connections
#   bench/profile.sh trivial    # the trivial 60-byte servlet behind userdb's own filters and valve
#   bench/profile.sh bare       # the same servlet in a bare Tomcat with its defaults: the baseline
#   VIA=apache bench/profile.sh # the same through Apache (httpd-conf/linux) and AJP: the
#                               # server's share only, Apache's own CPU is not in the profile
#
# Attaching an agent deoptimises some compiled code, so a profiled run serves less than an
# unprofiled one: compare profiles with profiles, and quote throughput from bench/load.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-me}"
WARMUP="${WARMUP:-20s}"
DURATION="${DURATION:-10s}"
out="$PWD/target/profile/$(date -u +%Y%m%dT%H%M%SZ)-$target-${VIA:-direct}"
mkdir -p "$out"
# shellcheck source=bench/lib.sh
. bench/lib.sh  # login, warm, start_apache
for tool in wrk curl jcmd jstat python3; do
  command -v "$tool" >/dev/null || { echo "profile: needs $tool" >&2; exit 1; }
done

./mvnw -q -B -DskipTests package
./mvnw -q -B -Pbench -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
./mvnw -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:4.6 -DoutputDirectory="$out/ap"
(cd "$out/ap" && unzip -q -o async-profiler-4.6.jar 'linux-x64/*')
agent="$out/ap/linux-x64/libasyncProfiler.so"
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"

db="$out/db/userdb.db"
java -cp "$CP" io.userdb.bench.SeedDatabase "$db" 10000 bench-password > /dev/null
if [ "$target" = trivial ] || [ "$target" = bare ]; then
  main=io.userdb.bench.TrivialServer
  [ "$target" = bare ] && main=io.userdb.bench.BareTomcatServer
  java -cp "$CP" "$main" "$BENCH_SECRET" > "$out/server.out" 2> "$out/server.err" &
else
  USERDB_ADMIN_PASSWORD=bench-admin-password java -jar target/userdb.jar --db "$db" --http-port 0 \
    --ajp-port 0 --ajp-secret "$BENCH_SECRET" > "$out/server.out" 2> "$out/server.err" &
fi
pid=$!
pids=("$pid")
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
for _ in $(seq 1 300); do grep -q "ajp listening" "$out/server.out" 2>/dev/null && break; sleep 0.1; done
url="http://$(sed -n 's/^userdb: http listening on //p' "$out/server.out")"
if [ "${VIA:-direct}" = apache ]; then
  start_apache web "$(sed -n 's/^userdb: ajp listening on //p' "$out/server.out")"
  url="http://127.0.0.1:$web_port"
fi
export WRK_DIR="$PWD/bench/wrk" USERDB_TOKEN=""
script="$target"; [ "$target" = bare ] && script=trivial
[ "$script" = trivial ] || USERDB_TOKEN="$(login "$url" admin bench-admin-password)"

warm "$url" "$pid" "$script"  # as bench/load.sh does: until the JIT settles

# jcmd hands the agent its options as one quoted argument.
jcmd "$pid" JVMTI.agent_load "$agent" "\"start,event=cpu,interval=997us\"" > /dev/null
wrk -t2 -c64 -d"$DURATION" -s "bench/wrk/$script.lua" "$url" > "$out/wrk.txt" 2>&1 || true
jcmd "$pid" JVMTI.agent_load "$agent" "\"stop,file=$out/profile.collapsed,collapsed\"" > /dev/null
requests="$(sed -n 's/^RESULT requests=\([0-9]*\).*/\1/p' "$out/wrk.txt")"
grep '^RESULT' "$out/wrk.txt"

python3 - "$out/profile.collapsed" "$requests" <<'PY'
import collections, sys
path, requests = sys.argv[1], int(sys.argv[2])
layers = [("MeServlet.doGet", "servlet"), ("TrivialServer$1.doGet", "servlet"),
          ("CompileBroker", "JIT compiler"), ("G1", "garbage collector"),
          ("NioEndpoint$Poller", "Tomcat poller"), ("Http11Processor.service", "Tomcat, the rest of a request"),
          ("AjpProcessor.service", "Tomcat, the rest of a request"),
          ("NioEndpoint", "Tomcat, connections")]
by_layer, in_servlet, total = collections.Counter(), collections.Counter(), 0
for line in open(path):
    stack, _, count = line.rstrip().rpartition(" ")
    count, frames = int(count), stack.split(";")
    total += count
    layer = next((name for key, name in layers if key in stack), "other")
    by_layer[layer] += count
    if layer == "servlet":
        start = next(i for i, f in enumerate(frames) if f.endswith(".doGet"))
        inner = [f.split("(")[0].rsplit("/", 1)[-1] for f in frames[start + 1:]
                 if "Lambda" not in f and "withCaller" not in f and "lambda$" not in f]
        in_servlet[" > ".join(inner[:2]) if inner else "(itself)"] += count
us = lambda samples: 1000.0 * samples / requests  # one sample per ~1 ms of CPU
print(f"\n{us(total):.1f} us of CPU per request, {requests} requests")
for layer, samples in by_layer.most_common():
    print(f"  {us(samples):6.1f}  {layer}")
print("servlet, by its first two calls:")
for name, samples in in_servlet.most_common(12):
    print(f"  {us(samples):6.1f}  {name}")
PY
echo "profile: $out/profile.collapsed"
