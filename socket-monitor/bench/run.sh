#!/usr/bin/env bash
# Benchmark of the socket monitor's scan (prints figures; not a test).
# A 100,000-socket table is generated under a fake proc root (bench/procnet.py: lines exactly as the kernel
# prints them, realistic mix of states, peers, IPv4 / IPv6 / v4-mapped), then in the same run:
#   - `cat net/tcp net/tcp6 > /dev/null` of those files (the reference; process start included, as an operator's
#     `cat` would pay it; `true` is timed too, to show what starting a process costs),
#   - the monitor's read + parse, and read + parse + aggregate (state, top-K peers, ports) + stuck ageing.
# Then this machine's real /proc with PAIRS loopback connections held open (the kernel's formatting of the
# table is paid by both cat and the monitor). Load average printed: the machine is shared. Under a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
ITER=${ITER:-30}
ROOT=$(mktemp -d /tmp/hangcheck-bench-proc.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT

if [ ! -d target/classes/io/hangcheck/sockets/domain ]; then
  (cd .. && ./mvnw -q -B -o -pl socket-monitor -am install -DskipTests)
fi
python3 bench/procnet.py big "$ROOT" "$N"
echo "fixture: $N sockets, tcp $(stat -c %s "$ROOT/net/tcp") bytes, tcp6 $(stat -c %s "$ROOT/net/tcp6") bytes"

echo "== 100,000-socket fixture (cat and the monitor interleaved, round by round) =="
java -cp target/classes bench/ScanBenchmark.java "$ROOT" "$ITER"

PAIRS=${PAIRS:-9000}
echo "== this machine's real /proc with $PAIRS extra loopback connections held open (kernel formatting included) =="
REAL=$(java -cp target/classes bench/ScanBenchmark.java real "$PAIRS" "$ITER")
echo "$REAL"
RC=$(echo "$REAL" | grep '^cat_real_proc_ms' | sed 's/.*median=\([0-9.]*\).*/\1/')
RJ=$(echo "$REAL" | grep '^java_read_parse_real_proc_ms' | sed 's/.*median=\([0-9.]*\).*/\1/')
awk -v c="$RC" -v p="$RJ" 'BEGIN { printf "ratio read+parse / cat (real /proc) = %.2f x\n", p / c }'

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
