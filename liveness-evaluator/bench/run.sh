#!/bin/sh
# Runs the evaluator benchmark: ./liveness-evaluator/bench/run.sh [hosts=100000] [seconds=420] [guarantee=exactly_once_v2]
# Packages the module and what it needs first when it has not been built (never installs: the local Maven repository
# is left alone), and runs against this tree's modules (events, service-support, test-harness), not their jars in
# the local repository.
set -e
cd "$(dirname "$0")/.."
if [ ! -d target/classes/io/hangcheck/evaluator ]; then
  (cd .. && ./mvnw -q -B -pl events,service-support,test-harness,liveness-evaluator package -DskipTests)
fi
../mvnw -q -B -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
root=$(cd .. && pwd)
cp=$(tr ':' '\n' < target/bench.cp \
  | sed -E "s#^.*/io/hangcheck/hangcheck-([^/]+)/[^/]+/hangcheck-[^/]+\.jar\$#$root/\1/target/classes#" | paste -sd: -)
exec java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager $BENCH_OPTS -cp "target/classes:$cp" bench/EvaluatorBenchmark.java "$@"
