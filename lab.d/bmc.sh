# shellcheck shell=bash
# lab.d/bmc.sh — sourced by ./lab: a BMC we did not write, for one simulated host.
#
# `./lab up` starts OpenStack sushy-tools' Redfish emulator (third_party/sushy-tools, unmodified) on
# 127.0.0.1:$LAB_SUSHY_PORT with one fake system, HTTP basic auth and its external notifier, and makes it the BMC
# of the simulated host bmc-001:
#   - the simulator gets `--follow-bmc bmc-001=<the system>`: the host's power follows the emulator's PowerState
#     (Off: silent; On again: boots with a new boot id), because the emulator has no agent behind its system;
#   - the executor gets the emulator's login as its default Redfish credentials, and bmc-001's inventory entry is
#     {"driver":"redfish","params":{"bmc":"http://127.0.0.1:$LAB_SUSHY_PORT"}} — the address and nothing else: the
#     driver finds the one system (a UUID) itself.
# `./lab bmc` (lab.d/bmc-drill.sh) hangs bmc-001 on a time-compressed stack and shows the reset and its confirmation.
# LAB_SUSHY=no leaves it out; without Debian's python3-flask & co it is left out with a warning.

LAB_SUSHY="${LAB_SUSHY:-yes}"
LAB_SUSHY_PORT="${LAB_SUSHY_PORT:-9094}"
SUSHY_DIR="$LAB/sushy"
SUSHY_HOST=bmc-001
SUSHY_UUID=8cfd1e5e-4a39-4c1a-9d5b-6b1c2f0e0001
SUSHY_USER=lab-bmc
SUSHY_DEPS="python3-flask python3-requests python3-tenacity python3-bcrypt python3-webob"

sushy_password() {  # random, made once, kept in .lab/sushy/ (this user only)
  local f="$SUSHY_DIR/password"
  if [[ ! -s "$f" ]]; then
    mkdir -p "$SUSHY_DIR"
    (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$f")
  fi
  cat "$f"
}

sushy_url() { echo "http://127.0.0.1:$LAB_SUSHY_PORT"; }
sushy_system() { echo "/redfish/v1/Systems/$SUSHY_UUID"; }

sushy_deps() {
  /usr/bin/python3 -c 'import flask, requests, tenacity, bcrypt, webob' 2>/dev/null && return 0
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing the emulator's Python packages ($SUSHY_DEPS)"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $SUSHY_DEPS >>"$LOGS/apt.log" 2>&1 && return 0
  fi
  return 1
}

sushy_up() {
  [[ "$LAB_SUSHY" == yes ]] || return 0
  if running sushy; then say "sushy emulator already running (pid $(pid_of sushy))"; return 0; fi
  if ! sushy_deps; then
    warn "the sushy emulator needs /usr/bin/python3 with $SUSHY_DEPS (apt-get install -y $SUSHY_DEPS); bmc-001 not simulated"
    return 0
  fi
  if port_open 127.0.0.1 "$LAB_SUSHY_PORT"; then
    warn "port $LAB_SUSHY_PORT is taken; sushy emulator not started (set LAB_SUSHY_PORT, or LAB_SUSHY=no)"; return 0
  fi
  mkdir -p "$SUSHY_DIR"
  rm -rf "$SUSHY_DIR/state"   # the fake system starts On on every up
  local hash
  hash="$(/usr/bin/python3 -c 'import bcrypt,sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(rounds=6)).decode())' "$(sushy_password)")"
  (umask 077; echo "$SUSHY_USER:$hash" >"$SUSHY_DIR/htpasswd")
  cat >"$SUSHY_DIR/emulator.conf" <<EOF
# Written by ./lab up (lab.d/bmc.sh). sushy-tools' emulator: one fake system, the BMC of simulated host $SUSHY_HOST.
SUSHY_EMULATOR_LISTEN_IP = '127.0.0.1'
SUSHY_EMULATOR_LISTEN_PORT = $LAB_SUSHY_PORT
SUSHY_EMULATOR_STATE_DIR = '$SUSHY_DIR/state'
SUSHY_EMULATOR_AUTH_FILE = '$SUSHY_DIR/htpasswd'
# Every power change is PUT to the simulator, whose host $SUSHY_HOST follows it (--follow-bmc).
EXTERNAL_NOTIFICATION_URL = 'http://127.0.0.1:$LAB_AGENT_CONTROL_PORT/bmc-notify'
SUSHY_EMULATOR_FAKE_SYSTEMS = [
    {'uuid': '$SUSHY_UUID', 'name': '$SUSHY_HOST', 'power_state': 'On', 'external_notifier': True,
     'nics': [{'mac': '00:5c:52:31:3a:01', 'ip': '127.0.0.1'}]},
]
EOF
  spawn sushy bash "$ROOT/third_party/sushy-tools/run" "$SUSHY_DIR/emulator.conf"
  local i
  for ((i = 0; i < 60; i++)); do
    port_open 127.0.0.1 "$LAB_SUSHY_PORT" && { say "sushy emulator (BMC of $SUSHY_HOST) on $(sushy_url), user $SUSHY_USER"; return 0; }
    running sushy || break
    sleep 0.5
  done
  tail_log sushy 20; warn "the sushy emulator did not listen on :$LAB_SUSHY_PORT (./lab logs sushy); bmc-001 not simulated"
  stop_component sushy
}

# The simulator's fleet: N hosts, and bmc-001 following the emulator when it runs.
bmc_agent_fleet() {
  if running sushy; then
    echo "--pools sim:$LAB_AGENT_HOSTS,bmc:1 --follow-bmc $SUSHY_HOST=http://$SUSHY_USER:$(sushy_password)@127.0.0.1:$LAB_SUSHY_PORT$(sushy_system)"
  else
    echo "--hosts $LAB_AGENT_HOSTS"
  fi
}

# The executor's default Redfish login: the emulator's (unless one is given in the environment).
bmc_executor_env() {
  [[ "$LAB_SUSHY" == yes && -z "${HANGCHECK_EXECUTOR_REDFISH_USERNAME:-}" ]] || return 0
  echo "HANGCHECK_EXECUTOR_REDFISH_USERNAME=$SUSHY_USER"
  echo "HANGCHECK_EXECUTOR_REDFISH_PASSWORD=$(sushy_password)"
}

# bmc-001 in the executor's inventory: the BMC's address, nothing else (credentials are the executor's default login).
bmc_register() {
  running sushy || return 0
  local code
  code="$(curl -s -o "$LOGS/bmc-inventory.json" -w '%{http_code}' -m 10 -X PUT -H "Authorization: Bearer $(operator_token)" \
    -H 'Content-Type: application/json' "http://127.0.0.1:${PORT[reboot-executor]}/v1/inventory/$SUSHY_HOST" \
    -d "{\"driver\":\"redfish\",\"params\":{\"bmc\":\"$(sushy_url)\"},\"labels\":{\"pool\":\"bmc\"},\"enabled\":true,\"author\":\"lab\"}")" || true
  if [[ "$code" == 200 || "$code" == 201 ]]; then
    say "inventory: $SUSHY_HOST -> driver redfish, bmc $(sushy_url) (no systemId; login: the executor's default)"
  else
    warn "inventory PUT for $SUSHY_HOST answered ${code:-nothing}: $(cat "$LOGS/bmc-inventory.json" 2>/dev/null)"
  fi
}

bmc_where() {
  running sushy || return 0
  echo "  sushy BMC       $(sushy_url)   BMC of $SUSHY_HOST (user $SUSHY_USER, password in .lab/sushy/password); ./lab bmc"
}

bmc_status() {
  local pid alive=no rdy=no
  pid="$(pid_of sushy)"; [[ -n "$pid" ]] && alive=yes
  port_open 127.0.0.1 "$LAB_SUSHY_PORT" && rdy=yes
  printf '%-20s %-8s %-6s %-22s %s\n' sushy "${pid:--}" "$alive" "$(sushy_url)" "$rdy"
}
