#!/usr/bin/env bash
# Benchmark of the socket monitor's scan (prints figures; not a test).
# A 100,000-socket table is generated under a fake proc root (bench/procnet.py: lines exactly as the kernel
# prints them, realistic mix of states, peers, IPv4 / IPv6 / v4-mapped), then in the same run:
#   - `cat net/tcp net/tcp6 > /dev/null` of those files (the reference; process start included, as an operator's
#     `cat` would pay it; `true` is timed too, to show what starting a process costs),
#   - the monitor's read + parse (the scan), then aggregate (state, top-K peers, ports) and stuck-socket ageing.
# The JVM starts children with vfork + exec (launchMechanism=VFORK), as a shell does; the JDK's default on Linux
# (posix_spawn of jspawnhelper, which then execs the command) costs a second exec and would flatter the monitor.
# Then this machine's real /proc with PAIRS loopback connections (2 sockets each, half of them IPv6: 100,000 sockets by
# default, a real table of the size above) held open by other processes
# (bench/hold_connections.py; the kernel's formatting of the table is paid by both cat and the monitor).
# Load average printed before and after: the machine is shared. About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
ITER=${ITER:-30}
ROOT=$(mktemp -d /tmp/hangcheck-bench-proc.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT

if [ ! -d target/classes/io/hangcheck/sockets/domain ]; then
  (cd .. && ./mvnw -q -B -pl socket-monitor -am compile)   # target/classes only; nothing installed into ~/.m2
fi
python3 bench/procnet.py big "$ROOT" "$N"
echo "fixture: $N sockets, tcp $(stat -c %s "$ROOT/net/tcp") bytes, tcp6 $(stat -c %s "$ROOT/net/tcp6") bytes"

JAVA=(java -Djdk.lang.Process.launchMechanism=VFORK -cp target/classes)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== 100,000-socket fixture (cat and the monitor interleaved, round by round) =="
"${JAVA[@]}" bench/ScanBenchmark.java "$ROOT" "$ITER"

PAIRS=${PAIRS:-50000}
echo "== this machine's real /proc with $PAIRS loopback connections held open by another process =="
coproc HOLD { python3 bench/hold_connections.py "$PAIRS"; }
read -r ready <&"${HOLD[0]}"
[ "$ready" = ready ] || { echo "holder failed" >&2; exit 1; }
"${JAVA[@]}" bench/ScanBenchmark.java real "$ITER"
eval "exec ${HOLD[1]}>&-"
wait "$HOLD_PID" || true

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
