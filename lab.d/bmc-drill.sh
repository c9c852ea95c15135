#!/usr/bin/env bash
# ./lab bmc — a host whose BMC is a Redfish implementation we did not write (OpenStack sushy-tools' emulator,
# third_party/sushy-tools) hangs, is reset through it, and comes back: the executor was given the BMC's address
# and credentials and nothing else. On a fresh, time-compressed local stack (hosts beat every 2 s, HUNG after
# 10 s of silence), about two minutes; ends with a table and exits non-zero when an expectation fails.
#
#  1. ./lab up (lab.d/bmc.sh): the emulator on :9094 with one fake system (a UUID), basic auth, its external
#     notifier pointed at the simulator; simulated host bmc-001 follows the system's power; bmc-001 in the
#     inventory as {"driver":"redfish","params":{"bmc":"http://127.0.0.1:9094"}}.
#  2. bmc-001's OS hangs (simulator /hang): it stops sending; the emulator still says On.
#  3. HUNG -> the executor's redfish driver discovers the one system, reads its Reset action and AllowableValues,
#     POSTs the reset -> the emulator turns the system Off, then On -> bmc-001 boots, new boot id -> CONFIRMED.
# Everything it starts is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The lab's ports, port_open; the demos' and drills' output, closing table.
# shellcheck source=lab.d/lib.sh
. "$ROOT/lab.d/lib.sh"
DRILL_DB="${DRILL_DB:-hangcheck_bmc}"
HOST=bmc-001
SUSHY_PORT="${LAB_SUSHY_PORT:-9094}"
SUSHY="http://127.0.0.1:$SUSHY_PORT"
# (LAB, LOGS, SIM, EVAL, EXEC: lab.d/lib.sh)

require_tools curl jq psql java

# ---- time-compressed settings (as ./lab demo) ----------------------------------------------------------------
export HANGCHECK_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DRILL_DB"
export HANGCHECK_EVALUATOR_EXPECTED_INTERVAL=2s HANGCHECK_EVALUATOR_SUSPECT_AFTER=5s HANGCHECK_EVALUATOR_HANG_AFTER=10s
export HANGCHECK_EVALUATOR_BOOT_GRACE=10s HANGCHECK_EVALUATOR_ACCEPTABLE_PAUSE=1s HANGCHECK_EVALUATOR_MIN_STD_DEVIATION=500ms
export HANGCHECK_EVALUATOR_HELD_RECHECK=2s HANGCHECK_EVALUATOR_STALE_AFTER=6s HANGCHECK_EVALUATOR_NO_TICKS_FREEZE_AFTER=15s
export HANGCHECK_EVALUATOR_FLEET_REPORT_INTERVAL=2s KAFKA_STREAMS_COMMIT_INTERVAL_MS=200
export HANGCHECK_EXECUTOR_CONFIRMATION_BOOT_TIMEOUT=90s HANGCHECK_EXECUTOR_FLEET_STALE_AFTER=20s
export LAB_AGENT_ARGS="--interval 2s --jitter 0.1 --boot-time 5s --status-every 0" LAB_SUSHY=yes LAB_MONITORING=no
unset HANGCHECK_EXECUTOR_REDFISH_USERNAME HANGCHECK_EXECUTOR_REDFISH_PASSWORD   # the emulator's login (lab.d/bmc.sh)

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  "$ROOT/lab" down >/dev/null 2>&1 || true
  printf '\n(stopped the stack; logs in .lab/logs/, the emulator'"'"'s in .lab/logs/sushy.log)\n'
  exit "$rc"
}
require_free_ports "$LAB_AGENT_CONTROL_PORT" "$SUSHY_PORT"
trap cleanup EXIT
trap 'exit 130' INT TERM

printf '%s./lab bmc%s — a host whose BMC is sushy-tools'"'"' Redfish emulator hangs and is reset through it\n' "$B" "$N"
line "fresh start: Kafka data, Streams state and database $DRILL_DB are reset"
reset_lab_state "$DRILL_DB"
mkdir -p "$LOGS"
if ! "$ROOT/lab" up >"$LOGS/bmc-lab-up.log" 2>&1; then tail -n 30 "$LOGS/bmc-lab-up.log" >&2; die "./lab up failed"; fi
grep -q "inventory: $HOST" "$LOGS/bmc-lab-up.log" || { tail -n 20 "$LOGS/bmc-lab-up.log" >&2; die "./lab up did not put $HOST behind the emulator (see above)"; }
line "stack ready in $(( $(date +%s) - T0 )) s"
T0=$(date +%s)
START_ISO="$(date -u +%FT%TZ)"

TOKEN="$(cat "$LAB/operator-token")"
BMC_LOGIN="lab-bmc:$(cat "$LAB/sushy/password")"
SYSTEM="$(curl -sf -m 5 -u "$BMC_LOGIN" "$SUSHY/redfish/v1/Systems" | jq -r '.Members[0]."@odata.id"')"
get() { curl -sf -m 8 "$@" 2>/dev/null || true; }
power() { get -u "$BMC_LOGIN" "$SUSHY$SYSTEM" | jq -r '.PowerState // "?"'; }
host_json() { get -L "$EVAL/v1/hosts/$HOST"; }
ledger() { get -H "Authorization: Bearer $TOKEN" "$EXEC/v1/ledger?from=$START_ISO&limit=1000"; }
resets_logged() {  # in this run's part of the emulator's log (./lab appends a header per start)
  awk -v p="\"POST $SYSTEM/Actions/ComputerSystem.Reset" '/^===== sushy: started/ {n = 0} index($0, p) {n++} END {print n + 0}' \
    "$LOGS/sushy.log" 2>/dev/null || echo 0
}

phase "1. $HOST: its BMC is the emulator ($SUSHY$SYSTEM); the executor knows only the address and a login"
line "inventory: $(get -H "Authorization: Bearer $TOKEN" "$EXEC/v1/inventory/$HOST" | jq -c '{driver, params}')"
up() { [[ "$(host_json | jq -r '.status // empty')" == UP ]]; }
deadline=$(( $(date +%s) + 90 ))
until up; do (( $(date +%s) < deadline )) || die "$HOST not UP within 90 s"; sleep 1; done
BOOT_BEFORE="$(host_json | jq -r '.bootId // "?"')"
line "evaluator: $HOST UP, boot $BOOT_BEFORE; emulator: PowerState $(power)"

phase "2. $HOST's OS hangs: no more heartbeats; the BMC still says On"
curl -sf -m 10 -X POST "$SIM/hang?hosts=$HOST" >/dev/null || die "the simulator did not answer /hang"
HANG_AT=$(date +%s)
HUNG_AT="" EXEC_AT="" CONF_AT="" LAST_POWER="" LAST_STATE="" OFF_SEEN=no
declare -A SEEN=()
watch() {
  local st p
  st="$(host_json | jq -r '.status // empty')"
  if [[ -n "$st" && "$st" != "$LAST_STATE" ]]; then
    line "evaluator: $HOST ${B}$st${N}"; LAST_STATE="$st"
    if [[ "$st" == HUNG && -z "$HUNG_AT" ]]; then HUNG_AT=$(date +%s); fi
  fi
  p="$(power)"
  if [[ "$p" != "$LAST_POWER" ]]; then
    line "emulator: PowerState ${B}$p${N}"; LAST_POWER="$p"
    if [[ "$p" == Off ]]; then OFF_SEEN=yes; fi
  fi
  while IFS=$'\t' read -r id h dec reason drv att detail; do
    [[ -z "$id" || -n "${SEEN[$id]:-}" ]] && continue
    SEEN[$id]=1
    line "executor: ${B}$dec${N} $h ($reason, driver $drv, attempt $att)${detail:+ — $detail}"
    # the HUNG verdict is what the executor's INTENT answers (the state may pass between two reads)
    if [[ "$h" == "$HOST" && "$dec" == INTENT && -z "$HUNG_AT" ]]; then HUNG_AT=$(date +%s); fi
    if [[ "$h" == "$HOST" && "$dec" == EXECUTED && -z "$EXEC_AT" ]]; then EXEC_AT=$(date +%s); fi
    if [[ "$h" == "$HOST" && "$dec" == CONFIRMED && -z "$CONF_AT" ]]; then CONF_AT=$(date +%s); fi
  done < <(ledger | jq -r 'reverse | .[] | [.recordId, .hostId, .decision, .reason, (.driver // "-"), .attempt,
      ((.detail // {}) | to_entries | map(select(.key | test("outcome|driver|message|result"))) | map(.value) | join("; ") | .[0:160])] | @tsv' 2>/dev/null)
}
phase "3. HUNG -> reset through the emulator -> the host boots -> CONFIRMED"
deadline=$(( $(date +%s) + 150 ))
while [[ -z "$CONF_AT" ]] && (( $(date +%s) < deadline )); do watch; sleep 0.5; done
sleep 2; watch

# ---- the table ----------------------------------------------------------------------------------------------
LEDGER="$(ledger)"
EXECUTED="$(jq --arg h "$HOST" '[.[] | select(.decision == "EXECUTED" and .hostId == $h)] | length' <<<"$LEDGER")"
CONFIRMED="$(jq --arg h "$HOST" '[.[] | select(.decision == "CONFIRMED" and .hostId == $h)] | length' <<<"$LEDGER")"
OTHERS="$(jq --arg h "$HOST" '[.[] | select(.decision == "EXECUTED" and .hostId != $h)] | length' <<<"$LEDGER")"
RESETS="$(resets_logged)"
BOOT_AFTER="$(host_json | jq -r '.bootId // "?"')"
POWER_NOW="$(power)"
ROW_COLUMNS="%-52s %12s %9s"
row_header
chk() { if eval "$1"; then echo ok; else echo fail; fi; }
secs() { if [[ -n "$2" && -n "$1" ]]; then echo $(( $2 - $1 )); else echo -; fi; }
row "hang -> HUNG (s)" "$(secs "$HANG_AT" "$HUNG_AT")" "$(chk "[[ -n '$HUNG_AT' ]]")" "HUNG"
row "HUNG -> reset accepted by the emulator (s)" "$(secs "$HUNG_AT" "$EXEC_AT")" "$(chk "[[ -n '$EXEC_AT' ]]")" "EXECUTED"
row "reset -> new boot seen, CONFIRMED (s)" "$(secs "$EXEC_AT" "$CONF_AT")" "$(chk "[[ -n '$CONF_AT' ]]")" "CONFIRMED"
row "resets executed for $HOST (ledger)" "$EXECUTED" "$(chk "[[ $EXECUTED == 1 ]]")" 1
row "confirmations for $HOST (ledger CONFIRMED)" "$CONFIRMED" "$(chk "[[ $CONFIRMED == 1 ]]")" 1
row "Reset POSTs the emulator answered (its log)" "$RESETS" "$(chk "[[ $RESETS == 1 ]]")" 1
row "emulator PowerState read back now" "$POWER_NOW" "$(chk "[[ $POWER_NOW == On ]]")" On
row "boot id changed" "$([[ "$BOOT_AFTER" != "$BOOT_BEFORE" && "$BOOT_AFTER" != "?" ]] && echo yes || echo no)" \
  "$(chk "[[ '$BOOT_AFTER' != '$BOOT_BEFORE' && '$BOOT_AFTER' != '?' ]]")" yes
row "reboots of other hosts" "$OTHERS" "$(chk "[[ $OTHERS == 0 ]]")" 0
echo "  (PowerState Off seen by this script's reads during the reset: $OFF_SEEN — the emulator applies On 1-11 s after a restart)"
echo "  (the emulator's view of the reset: grep ComputerSystem.Reset .lab/logs/sushy.log; the host's: ./lab logs simulator)"
echo
finish ./lab\ bmc "$HOST hung, was reset through a Redfish BMC we did not write, and came back with a new boot."
