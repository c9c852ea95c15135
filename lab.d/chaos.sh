#!/usr/bin/env bash
# ./lab chaos [N...] — the chaos scenarios of RELIABILITY.md (rows 6 to 10) at full length on real processes:
# two ingest instances, the evaluator and the executor as child JVMs, a real broker, a real PostgreSQL, 30 HTTP
# hosts and 10 simulated UDP hosts (e2e-tests ChaosTest with -Dhangcheck.chaos.full=true); scenario 7 adds
# three agents in network namespaces (root, iproute2 and nftables: installed with apt-get when missing).
# Faults are held for 2 minutes; scenario 10 fuzzes 100,000 HTTP bodies and 100,000 UDP datagrams.
# `./lab test` runs the short versions of the same scenarios.
#
#   ./lab chaos          every scenario (about 12 minutes on a busy 2-core machine, stack start included)
#   ./lab chaos 6        one scenario (6, 7, 8, 9 or 10); several: ./lab chaos 8 10
#   CHAOS_NO_BUILD=1     skip the build (./mvnw -pl e2e-tests -am install -DskipTests)
#   CHAOS_SEED=N         the fuzz seed of scenario 10 (default 20261127)
#
# Prints the counts of each scenario (false reboots, duplicate reboots, acknowledged heartbeats lost, true hangs
# missed, notifications, and what the scenario measured) with the date, the machine and its load average.
# Every run appends to e2e-tests/target/chaos-results.txt; service logs are in e2e-tests/target/e2e-logs/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MVNW="$ROOT/mvnw"
RESULTS="$ROOT/e2e-tests/target/chaos-results.txt"

say() { printf '\033[1mchaos\033[0m %s\n' "$*"; }
die() { printf 'chaos: %s\n' "$*" >&2; exit 1; }

declare -A METHOD=(
  [6]="scenario06*"
  [7]="scenario07*"
  [8]="scenario08*"
  [9]="scenario09*"
  [10]="scenario10*"
)

selected=()
for a in "$@"; do
  case "$a" in
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) [[ -n "${METHOD[$a]:-}" ]] || die "unknown scenario '$a' (6, 7, 8, 9 or 10)"; selected+=("${METHOD[$a]}") ;;
  esac
done
if ((${#selected[@]} == 0)); then
  tests="ChaosTest"
else
  tests="ChaosTest#$(IFS=+; echo "${selected[*]}")"
fi

command -v java >/dev/null || die "java (17) is not on the PATH"
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  die "PostgreSQL does not answer on 127.0.0.1:5432 (./lab up or ./lab test start a local cluster)"
fi

# Scenario 7 needs ip (iproute2) and nft (nftables); the test skips it, saying why, when they are missing.
if ! command -v nft >/dev/null || ! command -v ip >/dev/null; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    say "installing iproute2 and nftables for scenario 7 (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q iproute2 nftables >/dev/null \
      || say "could not install iproute2/nftables: scenario 7 will be skipped"
  else
    say "ip or nft missing and no root apt-get: scenario 7 will be skipped (apt-get install -y iproute2 nftables)"
  fi
fi

if [[ "${CHAOS_NO_BUILD:-}" != 1 ]]; then
  say "building (./mvnw -B -q -pl e2e-tests -am install -DskipTests)"
  (cd "$ROOT" && "$MVNW" -B -q -pl e2e-tests -am install -DskipTests) || die "the build failed"
fi

mkdir -p "$(dirname "$RESULTS")"
touch "$RESULTS"
before="$(wc -l <"$RESULTS")"
started="$(date -u +%FT%TZ)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
say "running $tests at full length, started $started (load average $load_before)"
rc=0
(cd "$ROOT" && "$MVNW" -B -o -pl e2e-tests test -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dhangcheck.chaos.full=true -Dhangcheck.chaos.seed="${CHAOS_SEED:-20261127}") || rc=$?

echo
say "results (./lab chaos $*; $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
  "$(java -version 2>&1 | head -n 1); load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg))"
tail -n "+$((before + 1))" "$RESULTS" | sed 's/^/  /'
if ((rc == 0)); then
  say "passed: every count as expected"
else
  say "FAILED (maven exit $rc): e2e-tests/target/surefire-reports/io.hangcheck.e2e.ChaosTest.txt, logs in e2e-tests/target/e2e-logs/"
fi
exit "$rc"
