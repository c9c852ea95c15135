# shellcheck shell=bash disable=SC2034 # the tables are read by the scripts that source this file
# lab.d/lib.sh — what ./lab and the scripts of lab.d/ share: the table of services, the lab's ports, the fleet
# simulator's jar, the topics to create, and what the demos and drills (demo.sh, demo-rack.sh, bmc-drill.sh) have
# in common: time-stamped output, start and stop, the webhook receiver, polling with deadlines, the closing table.
# Sourced, never run; the caller sets ROOT (the repository root) first.

# ---- the services ---------------------------------------------------------------------------------------------
# One line per service; every verb of ./lab (build, up, status, logs, down, monitoring) and the demo read it, so
# adding a service is one line here. Columns: name (process and pid file), Maven module (its
# target/quarkus-app/quarkus-run.jar is what runs), the environment variable of its HTTP port and the port's
# default, its log under .lab/logs/, and the short name `./lab logs` also takes.
LAB_SERVICE_TABLE='
# name              module              port variable                  port  log                     short
heartbeat-ingest    heartbeat-ingest    HANGCHECK_INGEST_PORT          8081  heartbeat-ingest.log    ingest
liveness-evaluator  liveness-evaluator  HANGCHECK_EVALUATOR_PORT       8082  liveness-evaluator.log  evaluator
reboot-executor     reboot-executor     HANGCHECK_EXECUTOR_PORT        8083  reboot-executor.log     executor
socket-monitor      socket-monitor      HANGCHECK_SOCKET_MONITOR_PORT  8084  socket-monitor.log      sockets
'

SERVICES=()
declare -A MODULE=() PORT=() PORT_VAR=() LOG_FILE=() SHORT=()
while read -r name module port_var port log short; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  SERVICES+=("$name")
  MODULE[$name]="$module"
  PORT_VAR[$name]="$port_var"
  PORT[$name]="${!port_var:-$port}"   # the variable's value when set, else the default
  LOG_FILE[$name]="$log"
  SHORT[$name]="$short"
done <<<"$LAB_SERVICE_TABLE"
unset name module port_var port log short

# The service's runnable jar.
service_jar() { echo "$ROOT/${MODULE[$1]}/target/quarkus-app/quarkus-run.jar"; }

# The service's base URL on this machine.
service_url() { echo "http://127.0.0.1:${PORT[$1]}"; }

# ---- the lab's other ports ------------------------------------------------------------------------------------
LAB_KAFKA_PORT="${LAB_KAFKA_PORT:-9092}"
LAB_KAFKA_CONTROLLER_PORT="${LAB_KAFKA_CONTROLLER_PORT:-9093}"
LAB_AGENT_CONTROL_PORT="${LAB_AGENT_CONTROL_PORT:-8090}"   # the simulated hosts' control API and Redfish BMCs

# True when something listens on HOST PORT.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# ---- the fleet simulator --------------------------------------------------------------------------------------
# The fleet simulator's jar (it runs the simulated hosts), or nothing when it is not built.
simulator_jar() {
  local j
  for j in "$ROOT"/fleet-simulator/target/hangcheck-fleet-simulator-*.jar; do
    [[ -f "$j" && "$j" != *-sources.jar && "$j" != *-tests.jar && "$j" != *-javadoc.jar ]] && { echo "$j"; return 0; }
  done
  return 0 # none built: an empty answer, not a failure (callers run under set -e)
}

# ---- topics ---------------------------------------------------------------------------------------------------
# The topics as the lab creates them, "name partitions cleanup.policy" a line, from deploy/kafka/topics.txt (the
# one list, also behind the Strimzi KafkaTopics and create-topics.sh), sized for one machine the way the tests
# size them (io.hangcheck.testing.ContractTopics; LabScriptTest checks that both agree): the host-keyed topics
# (those with the partition count of hangcheck.heartbeats.v1, co-partitioned) get LAB_HOST_KEYED_PARTITIONS,
# every other topic one; replication 1; of the configs only cleanup.policy.
LAB_HOST_KEYED_PARTITIONS="${LAB_HOST_KEYED_PARTITIONS:-4}"
lab_topics() {
  awk -v keyed="$LAB_HOST_KEYED_PARTITIONS" '
    /^[[:space:]]*(#|$)/ { next }
    { name[++n] = $1; parts[n] = $2; policy[n] = "delete"
      if (match($4, /cleanup\.policy=[a-z]+/)) policy[n] = substr($4, RSTART + 15, RLENGTH - 15)
      if ($1 == "hangcheck.heartbeats.v1") hb = $2 }
    END { for (i = 1; i <= n; i++) print name[i], ((parts[i] == hb && name[i] !~ /\.dlq$/) ? keyed : 1), policy[i] }
  ' "$ROOT/deploy/kafka/topics.txt"
}

# ---- output ---------------------------------------------------------------------------------------------------
# Bold, green, red, yellow and normal when the output is a terminal, nothing otherwise.
if [[ -t 1 ]]; then B=$'\e[1m'; G=$'\e[32m'; R=$'\e[31m'; Y=$'\e[33m'; N=$'\e[0m'; else B=""; G=""; R=""; Y=""; N=""; fi

# ---- the demos and drills -------------------------------------------------------------------------------------
# Where ./lab keeps its pids, logs, the broker's data and the Streams state; the URLs and settings the demos share.
LAB="$ROOT/.lab"
LOGS="$LAB/logs"
SIM_PORT="$LAB_AGENT_CONTROL_PORT"
SIM="http://127.0.0.1:$SIM_PORT"   # the simulated hosts' control API, and every simulated host's BMC
INGEST_PORT="${PORT[heartbeat-ingest]}"
EVAL="$(service_url liveness-evaluator)" EXEC="$(service_url reboot-executor)"
DEMO_DB="${DEMO_DB:-hangcheck_demo}"
HOOK_PORT="${DEMO_WEBHOOK_PORT:-18099}"   # the demos' webhook receiver (the executor's notifications)
TOKEN=demo-operator                      # the demos' operator token (HANGCHECK_EXECUTOR_ADMIN_OPERATOR_TOKENS)

# Their clock: mm:ss since T0 (set when this file is sourced; a demo sets it again once its stack is ready).
T0=$(date +%s)
ts() { local s=$(( $(date +%s) - T0 )); printf '%02d:%02d' $((s / 60)) $((s % 60)); }
line() { printf '%s  %s\n' "$(ts)" "$*"; }
phase() { printf '\n%s%s  ── %s%s\n' "$B" "$(ts)" "$*" "$N"; }
# A demo that cannot run exits 2 (1 is an expectation that failed). ./lab has its own.
die() { printf '%serror:%s %s\n' "$R" "$N" "$*" >&2; exit 2; }
require_tools() { local t; for t in "$@"; do command -v "$t" >/dev/null || die "$t is needed by the demo"; done; }

# Dies unless every service port, the broker's and the given ones are free: a demo needs the stack to itself.
require_free_ports() {
  local p
  for p in "${PORT[@]}" "$LAB_KAFKA_PORT" "$@"; do
    port_open 127.0.0.1 "$p" && die "port $p is in use: the demo needs the stack to itself (./lab down first)"
  done
  return 0
}

# A fresh start for ./lab up: the broker's data, the Streams state and database $1 are removed.
reset_lab_state() {
  rm -rf "$LAB/kafka/data" "$LAB/kafka/ports" "$LAB/state"
  psql -X -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1 || true
}

# The pids a demo started (DEMO_PIDS), stopped on exit with the stack: `trap demo_cleanup EXIT`.
DEMO_PIDS=()
demo_cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  echo
  for p in "${DEMO_PIDS[@]}"; do
    kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
  done
  "$ROOT/lab" down >/dev/null 2>&1 || true
  printf '(stopped the stack; logs in .lab/logs/)\n'
  exit "$rc"
}

# start_webhook PORT FILE LOG: a receiver of the executor's notifications on 127.0.0.1:PORT, one JSON line per
# message appended to FILE (emptied first); its pid joins DEMO_PIDS.
start_webhook() {
  : >"$2"
  python3 - "$1" "$2" >"$3" 2>&1 <<'PY' &
import http.server, sys
port, path = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0)).decode('utf-8', 'replace')
        with open(path, 'a') as f:
            f.write(body.replace('\n', ' ') + '\n')
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', port), H).serve_forever()
PY
  DEMO_PIDS+=($!)
}

# start_simulator LOG JAVA_ARG...: the fleet simulator, these JVM and simulator arguments, then its control port
# (LAB_AGENT_CONTROL_PORT: held before ./lab up, so ./lab starts no hosts of its own) and the BMC login of the
# executor's settings; waits until the port answers.
start_simulator() {
  local log="$1" pid; shift
  java "$@" --control-port "$LAB_AGENT_CONTROL_PORT" --status-every 10s \
    --bmc-user "$HANGCHECK_EXECUTOR_REDFISH_USERNAME" --bmc-password "$HANGCHECK_EXECUTOR_REDFISH_PASSWORD" >>"$log" 2>&1 &
  pid=$!
  DEMO_PIDS+=("$pid")
  for _ in $(seq 1 60); do
    port_open 127.0.0.1 "$LAB_AGENT_CONTROL_PORT" && return 0
    kill -0 "$pid" 2>/dev/null || die "the simulator exited (${log#"$ROOT/"})"
    sleep 0.5
  done
}

# demo_lab_up LOG: ./lab up (its output in LOG); then the demo's clock starts (T0) and START_ISO is now.
demo_lab_up() {
  if ! "$ROOT/lab" up >"$1" 2>&1; then tail -n 30 "$1" >&2; die "./lab up failed"; fi
  line "stack ready in $(( $(date +%s) - T0 )) s"
  T0=$(date +%s)
  START_ISO="$(date -u +%FT%TZ)"
}

# simulated_systems COUNT: the ids of the simulator's systems (its Redfish listing, with the BMC login of the
# executor's settings) into SYSTEMS; dies unless there are COUNT.
simulated_systems() {
  SYSTEMS=""
  for _ in $(seq 1 15); do
    SYSTEMS="$(curl -sf -m 10 -u "$HANGCHECK_EXECUTOR_REDFISH_USERNAME:$HANGCHECK_EXECUTOR_REDFISH_PASSWORD" \
      "http://127.0.0.1:$LAB_AGENT_CONTROL_PORT/redfish/v1/Systems" 2>/dev/null \
      | jq -r '.Members[]."@odata.id" | sub(".*/"; "")' 2>/dev/null || true)"
    [[ -n "$SYSTEMS" ]] && break
    sleep 2
  done
  [[ "$(grep -c . <<<"$SYSTEMS")" -eq "$1" ]] || die "the simulator lists $(grep -c . <<<"$SYSTEMS") systems, not $1"
}

# put_redfish_host HOST LABELS_JSON: the executor's inventory entry for HOST (operator token TOKEN), reset through
# the simulator's BMC.
put_redfish_host() {
  local sim="http://127.0.0.1:$LAB_AGENT_CONTROL_PORT" code
  code="$(curl -s -o /dev/null -w '%{http_code}' -m 5 -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    "$(service_url reboot-executor)/v1/inventory/$1" \
    -d "{\"driver\":\"redfish\",\"params\":{\"bmc\":\"$sim\",\"systemId\":\"$1\"},\"labels\":$2,\"enabled\":true,\"author\":\"demo\"}")"
  [[ "$code" == 200 || "$code" == 201 ]] || die "inventory PUT for $1 answered $code"
}

# new_notifications FORMAT: a line per message the webhook received (HOOK_FILE) since the last call (NOTES counts
# them), the message as the function FORMAT prints it.
NOTES=0
new_notifications() {
  local n msg
  n="$(wc -l <"$HOOK_FILE")"
  if (( n > NOTES )); then
    while IFS= read -r msg; do line "webhook: $("$1" "$msg")"; done < <(tail -n $((n - NOTES)) "$HOOK_FILE")
    NOTES=$n
  fi
}

# wait_for SECONDS DESCRIPTION COMMAND...: the demo's poll, then the command, every second until the command
# succeeds; false (and a red line) on timeout.
wait_for() {
  local secs="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + secs ))
  while (( $(date +%s) < deadline )); do
    poll
    if "$@"; then return 0; fi
    sleep 1
  done
  line "${R}timed out after ${secs} s waiting for: $what${N}"
  return 1
}

# expect WHAT COMMAND...: runs the command; when it fails, WHAT joins FAILED (the demo fails at the end).
FAILED=()
expect() { local what="$1"; shift; if ! "$@"; then FAILED+=("$what"); fi; }

# The closing table: row_header, then `row NAME VALUE ok|fail EXPECTED` a row (a failed one joins FAILED); the
# columns' printf widths (name, value, expected) are ROW_COLUMNS.
ROW_COLUMNS="%-54s %6s %9s"
# shellcheck disable=SC2059 # the format is ROW_COLUMNS
row_header() { printf "\n%s$ROW_COLUMNS%s\n" "$B" "outcome" "value" "expected" "$N"; }
row() {
  local ok
  if [[ "$3" == ok ]]; then ok="${G}ok${N}"; else ok="${R}FAIL${N}"; FAILED+=("$1"); fi
  # shellcheck disable=SC2059 # the format is ROW_COLUMNS
  printf "$ROW_COLUMNS  %s\n" "$1" "$2" "$4" "$ok"
}
# ok when the command (a test, or a check of the demo's) succeeds; a value that is not a number fails it
ok_if() { if "$@" 2>/dev/null; then echo ok; else echo fail; fi; }

# finish NAME MESSAGE: exits 1 naming what failed, or says that NAME passed, and MESSAGE.
finish() {
  if ((${#FAILED[@]})); then
    printf '%s%s FAILED%s: %s\n' "$R" "$1" "$N" "$(IFS=';'; echo "${FAILED[*]}")"
    exit 1
  fi
  printf '%s%s passed%s: %s\n' "$G" "$1" "$N" "$2"
}
