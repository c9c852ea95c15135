#!/usr/bin/env bash
# ./lab demo rack — a rack goes dark while a host in another rack really hangs, on the local stack (~2 min).
#
#  1. 160 hosts in 16 racks of 10 (labels rack=r01..r16; pool=nightly for r01-r08, pool=changelist for r09-r16)
#     check in every 2 s.
#  2. At the same moment rack r03's network is cut (the simulator's /cut: its hosts run on, their heartbeats are
#     lost) and r12-004 really hangs (/hang: only a reset brings it back).
#  3. The evaluator freezes the group rack=r03 and HOLDS its ten hosts (HELD, "group rack=r03 FROZEN: 10 of 10
#     silent ..."), never HUNG; the fleet stays NORMAL (11 of 160 silent); the executor resets nothing of r03.
#     r12-004 is HUNG, reset through its BMC and comes back with a new boot (CONFIRMED).
#  4. The network is back: r03's hosts are UP with the boot they had, the group thaws, nobody is reset.
# Every fact is waited for with a deadline, never a fixed pause; the table at the end says which held, and the
# exit status is 1 when one did not (2 when the demo could not run). Everything it starts is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The services' ports (the table ./lab reads), the simulator's control port, simulator_jar, port_open; the demos'
# output, start and stop, polling and closing table.
# shellcheck source=lab.d/lib.sh
. "$ROOT/lab.d/lib.sh"
# (LAB, LOGS, DEMO_DB, HOOK_PORT, TOKEN, SIM, EVAL, EXEC: lab.d/lib.sh)
RACKS=16 PER_RACK=10 HOSTS=160
CUT=r03             # the rack whose network is cut
HANG=r12-004        # the true hang, in another rack (and another pool)
HANG_AFTER_S=10     # HANGCHECK_EVALUATOR_HANG_AFTER below

require_tools curl jq python3 psql java javac

# ---- settings: time-compressed (hosts beat every 2 s; HUNG after 10 s of silence), as ./lab demo ----------------
export HANGCHECK_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DEMO_DB"
export HANGCHECK_EVALUATOR_EXPECTED_INTERVAL=2s HANGCHECK_EVALUATOR_SUSPECT_AFTER=5s HANGCHECK_EVALUATOR_HANG_AFTER=${HANG_AFTER_S}s
export HANGCHECK_EVALUATOR_BOOT_GRACE=10s HANGCHECK_EVALUATOR_ACCEPTABLE_PAUSE=1s HANGCHECK_EVALUATOR_MIN_STD_DEVIATION=500ms
export HANGCHECK_EVALUATOR_HELD_RECHECK=2s HANGCHECK_EVALUATOR_STALE_AFTER=6s HANGCHECK_EVALUATOR_NO_TICKS_FREEZE_AFTER=15s
export HANGCHECK_EVALUATOR_FLEET_THAW_AFTER=10s HANGCHECK_EVALUATOR_FLEET_REPORT_INTERVAL=2s HANGCHECK_EVALUATOR_FLEET_STORM_WINDOW=20s
export HANGCHECK_EVALUATOR_GROUPS_THAW_AFTER=10s
export KAFKA_STREAMS_COMMIT_INTERVAL_MS=200
export HANGCHECK_EXECUTOR_ADMIN_OPERATOR_TOKENS=$TOKEN
export HANGCHECK_EXECUTOR_REDFISH_USERNAME=demo HANGCHECK_EXECUTOR_REDFISH_PASSWORD=demo-bmc-password
export HANGCHECK_EXECUTOR_CONFIRMATION_BOOT_TIMEOUT=90s HANGCHECK_EXECUTOR_FLEET_STALE_AFTER=20s
export HANGCHECK_EXECUTOR_RECHECK_INTERVAL=5s HANGCHECK_EXECUTOR_RECHECK_AFTER=10s
export HANGCHECK_EXECUTOR_NOTIFICATIONS_GROUP_WAIT=5s HANGCHECK_EXECUTOR_NOTIFICATIONS_WEBHOOK_URL="http://127.0.0.1:$HOOK_PORT/hook"
export LAB_SUSHY=no LAB_MONITORING=no   # the simulator is every BMC; no rule here fires within the demo's minutes

# ---- start, and stop everything on exit -----------------------------------------------------------------
trap demo_cleanup EXIT
trap 'exit 130' INT TERM
require_free_ports "$SIM_PORT" "$HOOK_PORT"

mkdir -p "$LOGS"
printf '%s./lab demo rack%s — a rack goes dark while a host in another rack hangs (logs: .lab/logs/)\n' "$B" "$N"
reset_lab_state "$DEMO_DB"

SIM_JAR="$(simulator_jar)"
[[ -n "$SIM_JAR" ]] || die "the fleet simulator is not built (./mvnw -B -q -pl fleet-simulator -am package -DskipTests)"

# The webhook receiver: the executor's notifications, one JSON line per message.
HOOK_FILE="$LOGS/demo-rack-notifications.jsonl"
start_webhook "$HOOK_PORT" "$HOOK_FILE" "$LOGS/demo-rack-webhook.log"

# 16 racks of 10: each rack a pool of the simulator (ids r03-001 …), labelled rack=rNN and with the test pool it serves.
POOLS=""
for ((i = 1; i <= RACKS; i++)); do
  r="$(printf 'r%02d' "$i")"
  POOLS+="${POOLS:+,}$r:$PER_RACK:rack=$r+pool=$( ((i <= RACKS / 2)) && echo nightly || echo changelist)"
done
# The simulator holds its control port before ./lab up, so ./lab starts no hosts of its own: these are the demo's.
start_simulator "$LOGS/demo-rack-simulator.log" -Xmx128m -XX:+UseSerialGC -jar "$SIM_JAR" --pools "$POOLS" --transport http \
  --batch 20 --http-connections 2 --interval 2s --jitter 0.1 --boot-time 5s --ingest "127.0.0.1:$INGEST_PORT"

line "fresh stack (Kafka data, Streams state, database $DEMO_DB reset): ./lab up"
demo_lab_up "$LOGS/demo-rack-lab-up.log"   # the demo's clock starts when the stack is ready

# The evaluator's verdicts as they are published (hangcheck.liveness.events.v1), one JSON a line.
EVENTS="$LOGS/demo-rack-events.jsonl"; : >"$EVENTS"
CLASSES="$LAB/kafka/classes"
if [[ ! -f "$CLASSES/KafkaAdmin.class" || "$ROOT/lab.d/KafkaAdmin.java" -nt "$CLASSES/KafkaAdmin.class" ]]; then
  mkdir -p "$CLASSES"; javac -nowarn -d "$CLASSES" -cp "$LAB/kafka/lib/*" "$ROOT/lab.d/KafkaAdmin.java" || die "could not compile lab.d/KafkaAdmin.java"
fi
java -Xmx64m -XX:+UseSerialGC -Dlog4j2.level=ERROR -cp "$CLASSES:$LAB/kafka/lib/*" KafkaAdmin follow "127.0.0.1:$LAB_KAFKA_PORT" \
  hangcheck.liveness.events.v1 >>"$EVENTS" 2>"$LOGS/demo-rack-events.log" &
DEMO_PIDS+=($!)

# ---- observation ----------------------------------------------------------------------------------------------
get() { curl -sfL -m 8 "$@" 2>/dev/null || true; }
auth=(-H "Authorization: Bearer $TOKEN")
in_state() { get "$EVAL/v1/hosts?state=$1&limit=1000${2:+&label=$2}" | jq -r '.hosts | length' 2>/dev/null || echo 0; }
ledger() { get "${auth[@]}" "$EXEC/v1/ledger?from=$START_ISO&limit=1000$1"; }
r03_rows() { ledger "" | jq --arg p "$CUT-" '[.[] | select(.hostId | startswith($p))] | length' 2>/dev/null || echo "?"; }
rechecks() { get "$EXEC/metrics" | awk '$1 == "hangcheck_executor_recheck_due_incidents_count" {n = int($2)} END {print n + 0}'; }

declare -A SEEN=() GROUPS_NOW=()
LAST_MODE="" MODE_SINCE_CUT="" EV_LINES=0 HELD_SHOWN=no FLEET_AT=""
poll() {
  local fleet mode
  fleet="$(get "$EVAL/v1/fleet")"
  mode="$(jq -r '.mode // empty' <<<"$fleet" 2>/dev/null || true)"
  FLEET_AT="$(jq -r '.at // empty' <<<"$fleet" 2>/dev/null || true)"
  if [[ -n "$mode" ]]; then
    [[ -n "$MODE_SINCE_CUT" && "$mode" != NORMAL && "$MODE_SINCE_CUT" != *"$mode"* ]] && MODE_SINCE_CUT+=" $mode"
    if [[ "$mode" != "$LAST_MODE" ]]; then
      [[ -n "$LAST_MODE" ]] && line "evaluator: fleet ${B}$mode${N} ($(jq -r '"\(.silentHosts) of \(.trackedHosts) silent"' <<<"$fleet"))"
      LAST_MODE="$mode"
    fi
    # unhealthy host groups: a line when one appears, changes mode or is gone
    local g m why seen=" "
    while IFS=$'\t' read -r g m why; do
      [[ -z "$g" ]] && continue
      seen+="$g "
      if [[ "${GROUPS_NOW[$g]:-}" != "$m" ]]; then
        line "evaluator: group ${B}$g $m${N}: $why; fleet $mode ($(jq -r '"\(.silentHosts) of \(.trackedHosts) silent"' <<<"$fleet"))"
        GROUPS_NOW[$g]="$m"
      fi
    done < <(jq -r '(.groups // [])[] | [.group, .mode, (.reason // "")] | @tsv' <<<"$fleet" 2>/dev/null)
    for g in "${!GROUPS_NOW[@]}"; do
      [[ "$seen" == *" $g "* ]] && continue
      line "evaluator: group $g NORMAL again (thawed: its hosts get a fresh grace)"; unset "GROUPS_NOW[$g]"
    done
  fi
  # the verdicts: every HUNG and REBOOTED, the first HELD (the others are counted below)
  local n; n="$(wc -l <"$EVENTS")"
  if (( n > EV_LINES )); then
    local type host why
    while IFS=$'\t' read -r type host why; do
      if [[ "$type" == HELD && "$HELD_SHOWN" == no ]]; then HELD_SHOWN=yes; line "evaluator: ${Y}HELD $host${N} — $why"
      elif [[ "$type" == HUNG || "$type" == REBOOTED ]]; then line "evaluator: ${B}$type $host${N} — $why"; fi
    done < <(tail -n +$((EV_LINES + 1)) "$EVENTS" | head -n $((n - EV_LINES)) \
               | jq -r '[.type, .hostId, ((.reasons // []) | join("; ") | .[0:110])] | @tsv' 2>/dev/null)
    EV_LINES=$n
  fi
  local rows; rows="$(ledger "")"
  if [[ -n "$rows" ]]; then
    local id host dec reason drv
    while IFS=$'\t' read -r id host dec reason drv; do
      [[ -z "$id" || -n "${SEEN[$id]:-}" ]] && continue
      SEEN[$id]=1
      line "executor: ${B}$dec $host${N} ($reason, driver $drv)"
    done < <(jq -r 'reverse | .[] | [.recordId, .hostId, .decision, .reason, (.driver // "-")] | @tsv' <<<"$rows" 2>/dev/null)
  fi
  new_notifications notification
}
notification() {
  jq -r '"\(.status) \(.subject) — \((.lines // []) | join(" ") | .[0:90])"' <<<"$1" 2>/dev/null || cut -c1-120 <<<"$1"
}

# ---- 1. check-in ------------------------------------------------------------------------------------------------
phase "1. $HOSTS hosts in $RACKS racks of $PER_RACK (rack=r01..r$RACKS; pool nightly r01-r08, changelist r09-r$RACKS) check in every 2 s"
simulated_systems "$HOSTS"
for h in $SYSTEMS; do put_redfish_host "$h" "{\"rack\":\"${h%%-*}\"}"; done
all_up() { [[ "$(in_state UP)" == "$HOSTS" ]]; }
expect "all $HOSTS hosts UP" wait_for 90 "all $HOSTS hosts UP" all_up
CUT_BOOTS="$(get "$EVAL/v1/hosts?label=rack=$CUT&limit=100" | jq -c '[.hosts[] | {(.hostId): .bootId}] | add')"
line "${G}evaluator: $(in_state UP) of $HOSTS hosts UP${N}, fleet $LAST_MODE, unhealthy groups: ${#GROUPS_NOW[@]}; executor inventory: $HOSTS hosts (redfish, BMC = the simulator)"

# ---- 2. the rack goes dark; a true hang elsewhere -------------------------------------------------------------
phase "2. rack $CUT's network is cut (its hosts run on, their heartbeats are lost); at the same moment $HANG really hangs"
MODE_SINCE_CUT="NORMAL"
CUT_HOSTS="$(curl -sf -m 15 -X POST "$SIM/cut?pool=$CUT" | jq -r '.count')" || die "the simulator did not answer /cut"
curl -sf -m 15 -X POST "$SIM/hang?hosts=$HANG" >/dev/null || die "the simulator did not answer /hang"
CUT_AT=$(date +%s)
line "simulator: $CUT_HOSTS hosts of $CUT cut off, $HANG hung"
rack_frozen() { [[ "${GROUPS_NOW[rack=$CUT]:-}" == FROZEN ]]; }
expect "group rack=$CUT FROZEN" wait_for 40 "group rack=$CUT FROZEN" rack_frozen
held_events() { jq -r --arg p "$CUT-" --arg g "group rack=$CUT FROZEN: " \
  'select(.type == "HELD" and (.hostId | startswith($p)) and any((.reasons // [])[]; startswith($g))) | .hostId' "$EVENTS" 2>/dev/null | sort -u | grep -c . || true; }
all_held() { [[ "$(in_state HELD "rack=$CUT")" == "$PER_RACK" && "$(held_events)" == "$PER_RACK" ]]; }
expect "every $CUT host HELD naming its group" wait_for 60 "all $PER_RACK hosts of $CUT HELD, each naming group rack=$CUT FROZEN" all_held
line "evaluator: $(in_state HELD "rack=$CUT") of $PER_RACK hosts of $CUT HELD; $(held_events) HELD events say \"group rack=$CUT FROZEN: …\""
hang_confirmed() { [[ "$(ledger "&host=$HANG&decision=CONFIRMED" | jq 'length' 2>/dev/null)" -ge 1 ]]; }
expect "$HANG reset and CONFIRMED" wait_for 90 "$HANG HUNG, reset and CONFIRMED" hang_confirmed
# the rack stays dark until its hosts have been silent for twice hang-after: each would long be HUNG unheld
dark_long() {
  local h s
  for h in $(get "$EVAL/v1/hosts?label=rack=$CUT&limit=100" | jq -r '.hosts[].hostId'); do
    s="$(get "$EVAL/v1/hosts/$h" | jq -r '.silentMillis // 0' 2>/dev/null)"
    s="${s%.*}"
    [[ "$s" =~ ^[0-9]+$ ]] && (( s >= 2 * HANG_AFTER_S * 1000 )) || return 1
  done
}
expect "$CUT silent for 2 x hang-after" wait_for 60 "every host of $CUT silent for $((2 * HANG_AFTER_S)) s" dark_long
ROWS_DARK="$(r03_rows)" HELD_DARK="$(in_state HELD "rack=$CUT")"
line "$CUT silent $(( $(date +%s) - CUT_AT )) s: $HELD_DARK HELD, $(in_state HUNG "rack=$CUT") HUNG; executor ledger rows for $CUT: $ROWS_DARK; fleet $LAST_MODE"

# ---- 3. the rack comes back -----------------------------------------------------------------------------------------
phase "3. the network of $CUT is back (same boot, a gap in the sequence): nothing to reset"
curl -sf -m 15 -X POST "$SIM/uncut?pool=$CUT" >/dev/null || die "the simulator did not answer /uncut"
BACK_ISO="$(date -u +%FT%TZ)"
rack_up() { [[ "$(in_state UP "rack=$CUT")" == "$PER_RACK" ]]; }
expect "$CUT back UP" wait_for 60 "all $PER_RACK hosts of $CUT UP" rack_up
thawed() { [[ -z "${GROUPS_NOW[rack=$CUT]:-}" ]]; }
expect "group rack=$CUT thawed" wait_for 60 "group rack=$CUT NORMAL again" thawed
THAW_AT=$(date +%s)
RECHECKS_AT_THAW="$(rechecks)"
# Past the thaw by hang-after on the evaluator's clock, and one executor re-check pass later: a host wrongly judged
# after the return would have been HUNG and decided by then.
settled() {
  [[ -n "$FLEET_AT" ]] && (( $(date -d "$FLEET_AT" +%s) >= THAW_AT + HANG_AFTER_S + 2 )) && (( $(rechecks) > ${RECHECKS_AT_THAW:-0} ))
}
expect "settled after the return" wait_for 60 "hang-after past the thaw and a re-check pass" settled
SAME_BOOT="$(jq -r --argjson was "$CUT_BOOTS" '[.hosts[] | select(.status == "UP" and $was[.hostId] == .bootId)] | length' \
  <<<"$(get "$EVAL/v1/hosts?label=rack=$CUT&limit=100")" 2>/dev/null || echo 0)"
line "$CUT: $SAME_BOOT of $PER_RACK UP with the boot they had; fleet $LAST_MODE; unhealthy groups: ${#GROUPS_NOW[@]}"

# ---- the table --------------------------------------------------------------------------------------------------
LEDGER="$(ledger "")"
EXECUTED="$(jq '[.[] | select(.decision == "EXECUTED")] | length' <<<"$LEDGER")"
EXECUTED_HANG="$(jq --arg h "$HANG" '[.[] | select(.decision == "EXECUTED" and .hostId == $h)] | length' <<<"$LEDGER")"
ROWS_CUT="$(r03_rows)"
AFTER_BACK="$(jq --arg t "$BACK_ISO" '[.[] | select(.at >= $t)] | length' <<<"$LEDGER")"
SIMSTAT="$(get "$SIM/status")"
RESETS="$(jq -r '.resets.total // 0' <<<"$SIMSTAT")"
RESETS_CUT="$(jq -r --arg p "$CUT-" '[(.resets.byHost // {}) | to_entries[] | select(.key | startswith($p)) | .value] | add // 0' <<<"$SIMSTAT")"
HUNG_CUT="$(jq -r --arg p "$CUT-" 'select(.type == "HUNG" and (.hostId | startswith($p))) | .hostId' "$EVENTS" | grep -c . || true)"
HUNG_HANG="$(jq -r --arg h "$HANG" 'select(.type == "HUNG" and .hostId == $h) | .hostId' "$EVENTS" | grep -c . || true)"
GROUP_NOTES="$(jq -r --arg g "rack=$CUT" 'select(.status == "firing" and (tostring | contains("group-frozen")) and (tostring | contains($g))) | 1' "$HOOK_FILE" 2>/dev/null | grep -c . || true)"
ROW_COLUMNS="%-52s %7s %9s"
row_header
row "hosts of $CUT HELD while dark (evaluator)" "$HELD_DARK" "$(ok_if test "$HELD_DARK" -eq "$PER_RACK")" "$PER_RACK"
row "HELD events naming \"group rack=$CUT FROZEN\"" "$(held_events)" "$(ok_if test "$(held_events)" -eq "$PER_RACK")" "$PER_RACK"
row "HUNG verdicts for hosts of $CUT" "$HUNG_CUT" "$(ok_if test "$HUNG_CUT" -eq 0)" 0
row "fleet modes from the cut to the end" "$MODE_SINCE_CUT" "$(ok_if test "$MODE_SINCE_CUT" = NORMAL)" NORMAL
row "executor ledger rows for $CUT (any decision)" "$ROWS_CUT" "$(ok_if test "$ROWS_CUT" -eq 0)" 0
row "resets of hosts of $CUT (simulator BMCs)" "$RESETS_CUT" "$(ok_if test "$RESETS_CUT" -eq 0)" 0
row "$HANG: HUNG, reset (EXECUTED), CONFIRMED" "$HUNG_HANG/$EXECUTED_HANG/$(ledger "&host=$HANG&decision=CONFIRMED" | jq length)" \
  "$(ok_if test "$HUNG_HANG/$EXECUTED_HANG/$(ledger "&host=$HANG&decision=CONFIRMED" | jq length)" = 1/1/1)" "1/1/1"
row "reboots executed, whole demo (ledger EXECUTED)" "$EXECUTED" "$(ok_if test "$EXECUTED" -eq 1)" 1
row "resets received by the BMCs (simulator)" "$RESETS" "$(ok_if test "$RESETS" -eq 1)" 1
row "group-frozen notifications naming rack=$CUT" "$GROUP_NOTES" "$(ok_if test "$GROUP_NOTES" -eq 1)" 1
row "hosts of $CUT back UP, same boot" "$SAME_BOOT" "$(ok_if test "$SAME_BOOT" -eq "$PER_RACK")" "$PER_RACK"
row "ledger rows after the return" "$AFTER_BACK" "$(ok_if test "$AFTER_BACK" -eq 0)" 0
finish demo "rack $CUT dark for $(( THAW_AT - CUT_AT )) s was held, not reset (fleet NORMAL); the true hang $HANG was reset."
