#!/bin/sh
# Runs the evaluator benchmark: ./liveness-evaluator/bench/run.sh [hosts=100000] [seconds=420] [guarantee=exactly_once_v2]
# Builds the module and what it needs first when it has not been built.
set -e
cd "$(dirname "$0")/.."
if [ ! -d target/classes/io/hangcheck/evaluator ]; then
  (cd .. && ./mvnw -q -B -pl liveness-evaluator -am install -DskipTests)
fi
../mvnw -q -B -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
exec java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager $BENCH_OPTS -cp "target/classes:$(cat target/bench.cp)" bench/EvaluatorBenchmark.java "$@"
