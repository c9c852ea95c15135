#!/usr/bin/env bash
# ./lab bench scale [SIZE...] — the end-to-end scale ramp (prints figures; not a test).
#
# Starts the local stack afresh (./lab down, the broker's data and the evaluator's state removed, ./lab up) with
# production-like timing — one heartbeat per 30 s, hang-after 150 s (5 × the interval) — then, for each fleet
# size (default 1000 10000 100000 1000000), adds simulated hosts over UDP and measures on the running processes:
# heartbeats/s through ingest and the evaluator, CPU and RSS per process, evaluator heap (state bytes per host:
# ./lab bench evaluator),
# consumer lag, kernel UDP drops, and the detection delay of a sample of hosts made to hang
# (HUNG record time − (last heartbeat seen + hang-after)). Writes the table to .lab/logs/scale.md and stops the
# stack at the end. About 4 minutes per size.
#
# Environment: BENCH_HANG_AFTER_S (150), BENCH_JAVA_OPTS (services' JVM flags, default -Xms256m -Xmx2g), BENCH_SAMPLE (hosts hung per size,
# 20), BENCH_WARMUP_S (45), BENCH_MEASURE_S (60), BENCH_SIM_OPTS (-Xmx1g); see lab.d/ScaleBench.java.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# simulator_jar: shared with ./lab and the demo.
# shellcheck source=lab.d/lib.sh
. "$ROOT/lab.d/lib.sh"
LAB="$ROOT/.lab"
KAFKA_HOME="$LAB/kafka"
sizes=("$@")
((${#sizes[@]})) || sizes=(1000 10000 100000 1000000)
hang_after_s="${BENCH_HANG_AFTER_S:-150}"

say() { printf '==> %s\n' "$*"; }

say "scale ramp: ${sizes[*]} hosts at one heartbeat per 30 s; the local stack is restarted afresh"
"$ROOT/lab" down >/dev/null 2>&1 || true
rm -rf "$KAFKA_HOME/data" "$LAB/state"

export HANGCHECK_EVALUATOR_EXPECTED_INTERVAL=30s
export HANGCHECK_EVALUATOR_SUSPECT_AFTER="$((hang_after_s * 3 / 5))s"
export HANGCHECK_EVALUATOR_HANG_AFTER="${hang_after_s}s"
export HANGCHECK_EVALUATOR_BOOT_GRACE=0s   # every simulated host is a new boot when it starts
export LAB_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms256m -Xmx2g}"
export LAB_AGENT_HOSTS=10

trap '"$ROOT/lab" down >/dev/null 2>&1 || true' EXIT
"$ROOT/lab" up

classes="$KAFKA_HOME/classes"
mkdir -p "$classes"
javac -nowarn -d "$classes" -cp "$KAFKA_HOME/lib/*" "$ROOT/lab.d/BenchSupport.java" "$ROOT/lab.d/ScaleBench.java"
jar="$(simulator_jar)"
[[ -n "$jar" ]] || { echo "no fleet-simulator jar; run ./lab up --build" >&2; exit 1; }

java -Xmx512m -Dlog4j2.level=ERROR -Dlog4j2.configurationFile="$ROOT/lab.d/log4j2.properties" \
  -cp "$classes:$KAFKA_HOME/lib/*" ScaleBench "$LAB/logs/scale.md" "$jar" "$LAB/pids" \
  "$hang_after_s" "${sizes[@]}"
