#!/bin/sh
# Runs the evaluator benchmark: ./liveness-evaluator/bench/run.sh [hosts=100000] [seconds=420] [guarantee=exactly_once_v2]
# Needs the module built (./mvnw -q -B -o -pl liveness-evaluator -am install -DskipTests).
set -e
cd "$(dirname "$0")/.."
../mvnw -q -B -o -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp >/dev/null
exec java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager $BENCH_OPTS -cp "target/classes:$(cat target/bench.cp)" bench/EvaluatorBenchmark.java "$@"
