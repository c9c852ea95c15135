#!/usr/bin/env bash
# heartbeat-ingest throughput benchmark (prints figures; not a test). Called by `./lab bench ingest`.
# Starts its own Kafka broker and ingest instance on free ports, runs Kafka's ProducerPerformance (the
# reference), then the UDP, HTTP batch, HTTP single and HTTP no-op paths, prints the table and writes it to
# heartbeat-ingest/BENCHMARKS-ingest.md. Usage: bench/run.sh [seconds-per-run, default 8]
set -euo pipefail
MODULE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$MODULE/.." && pwd)"
SECONDS_PER_RUN="${1:-8}"
cd "$ROOT"
echo "[bench] building heartbeat-ingest (and what it needs)"
# One reactor run, nothing installed into ~/.m2: the modules ingest needs are packaged in the reactor and the class
# path points at their target/ jars (and ingest's own target/quarkus-app, which the benchmark starts).
./mvnw -q -B -pl heartbeat-ingest -am -Pbench package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$MODULE/target/bench.cp")"
exec java -Xmx512m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$CP" io.hangcheck.ingest.bench.IngestBench "$CP" \
  "$MODULE/target/quarkus-app/quarkus-run.jar" "$MODULE/BENCHMARKS-ingest.md" "$SECONDS_PER_RUN"
