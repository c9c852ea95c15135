#!/usr/bin/env bash
# ./lab bench failover [SIZE...] — the evaluator failover benchmark (prints figures; not a test).
#
# For each fleet size (default 100000 1000000) and each mode (num.standby.replicas=1, then 0): a fresh broker
# (./lab down, its data removed, ./lab kafka up), the topics, and lab.d/FailoverBench.java, which feeds one
# heartbeat per host per 30 s and a tick per partition per second straight to hangcheck.heartbeats.v1, starts two
# evaluator instances (ports 8085 and 8086, own state directories, the prod overlay's Kafka Streams settings),
# waits until both are current, makes BENCH_HANGS hosts stop beating so that they come due just after the kill,
# SIGKILLs one instance and measures how long until the survivor owns every partition and every partition's
# clock lag is under 2 s; then the hangs' detection and any verdict against a host that kept beating.
# Production-like timing: hang-after 150 s (BENCH_HANG_AFTER_S), suspect-after 3/5 of it. About 6 minutes a run.
# Writes the table to .lab/logs/failover.md; the evaluators' logs are .lab/failover/RUN/evaluator-{a,b}.log.
#
# Environment: BENCH_HANG_AFTER_S (150), BENCH_MODES ("1 0": standby replicas per run), BENCH_PARTITIONS
# (partitions of the host-keyed topics, 4), and those of lab.d/FailoverBench.java (BENCH_HANGS, BENCH_JAVA_OPTS,
# BENCH_SESSION_TIMEOUT_MS, BENCH_SETTLE_S, BENCH_WATCH_S, BENCH_TIMEOUT_S).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export LAB_HOST_KEYED_PARTITIONS="${BENCH_PARTITIONS:-4}"
# service_jar, lab_topics: shared with ./lab.
# shellcheck source=lab.d/lib.sh
. "$ROOT/lab.d/lib.sh"
LAB="$ROOT/.lab"
sizes=("$@")
((${#sizes[@]})) || sizes=(100000 1000000)
read -ra modes <<<"${BENCH_MODES:-1 0}"
hang_after_s="${BENCH_HANG_AFTER_S:-150}"
out="$LAB/logs/failover.md"

say() { printf '==> %s\n' "$*"; }

jar="$(service_jar liveness-evaluator)"
[[ -f "$jar" ]] || { echo "no evaluator jar ($jar): ./mvnw -B -q -DskipTests package first" >&2; exit 1; }
libs="$ROOT/liveness-evaluator/target/quarkus-app/lib/main"   # the evaluator's own events, Kafka and Jackson jars
classes="$LAB/failover/classes"
mkdir -p "$classes" "$LAB/logs"
javac -nowarn -d "$classes" -cp "$libs/*" "$ROOT/lab.d/BenchSupport.java" "$ROOT/lab.d/FailoverBench.java"

say "failover: ${sizes[*]} hosts × standby replicas ${modes[*]}; evaluator $jar; each run on a fresh broker"
{
  printf '\n### Failover, %s, %s, %s cores, %s partitions, hang-after %s s\n\n' "$(date -u +%FT%TZ)" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$(nproc)" "$LAB_HOST_KEYED_PARTITIONS" "$hang_after_s"
} >>"$out"

trap '"$ROOT/lab" down >/dev/null 2>&1 || true' EXIT
for size in "${sizes[@]}"; do
  for standbys in "${modes[@]}"; do
    run="$LAB/failover/${size}-standby${standbys}-$(date -u +%H%M%S)"
    mkdir -p "$run"
    "$ROOT/lab" down >/dev/null 2>&1 || true
    rm -rf "$LAB/kafka/data"
    "$ROOT/lab" kafka up
    lab_topics >"$run/topics.txt"
    java -Xmx1g -Dlog4j2.level=ERROR -cp "$classes:$libs/*" FailoverBench "$out" "$jar" "$run" "$run/topics.txt" \
      "$hang_after_s" "$size" "$standbys" 2>&1 | tee "$run/bench.log" \
      || printf '| %s | standby %s | run failed: %s |\n' "$size" "$standbys" "$(tail -n 1 "$run/bench.log")" >>"$out"
  done
done
say "table: $out"
cat "$out"
