# shellcheck shell=bash disable=SC2034 # the tables are read by the scripts that source this file
# lab.d/lib.sh — what ./lab and the scripts of lab.d/ share: the table of services, the lab's ports, the fleet
# simulator's jar and the topics to create. Sourced, never run; the caller sets ROOT (the repository root) first.

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
