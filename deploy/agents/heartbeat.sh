#!/bin/sh
# hangcheck heartbeat, POSIX sh + curl: sends ONE heartbeat per run over HTTP (for a systemd timer or cron).
# Settings (environment; see README.md next to this file):
#   HANGCHECK_INGEST     ingest address, host:port or URL           (127.0.0.1:8081)
#   HANGCHECK_HOST_ID    this host's id                              (hostname, lower case)
#   HANGCHECK_LABELS     labels, k=v,k=v                             (os=<uname -s>)
#   HANGCHECK_TOKEN      bearer token, if ingest requires one        (none)
#   HANGCHECK_STATE_DIR  where the sequence number is kept           ($STATE_DIRECTORY, else /var/lib/hangcheck)
#   HANGCHECK_TIMEOUT    seconds for one HTTP try                    (5)
#   HANGCHECK_RETRIES    retries on 5xx/timeouts/refused, back-off 1s, 2s, 4s... (curl --retry) (2)
#   HANGCHECK_BOOT_ID_FILE  (tests only) where the boot id is read   (/proc/sys/kernel/random/boot_id)
#   HANGCHECK_UPTIME_FILE   (tests only) where the uptime is read    (/proc/uptime)
# Exit: 0 accepted (202), 1 not delivered (ingest down or busy: try next run), 2 refused (4xx) or bad settings.
# One curl per run: it opens at most one TCP connection and closes it when it exits; nothing is left behind.
set -u

fail() { echo "hangcheck-heartbeat: $2" >&2; exit "$1"; }

command -v curl >/dev/null 2>&1 || fail 2 "curl is required"

ingest=${HANGCHECK_INGEST:-127.0.0.1:8081}
case $ingest in
  http://*|https://*) base=${ingest%/} ;;
  *) base="http://$ingest" ;;
esac
case $base in
  *://*:[0-9]*) ;;
  http://*) base="$base:8081" ;;
esac

host_id=${HANGCHECK_HOST_ID:-$(hostname 2>/dev/null || uname -n)}
host_id=$(printf '%s' "$host_id" | tr 'A-Z' 'a-z')
printf '%s' "$host_id" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' \
  || fail 2 "host id '$host_id' must match ^[A-Za-z0-9][A-Za-z0-9._-]*\$ (at most 128 characters)"

labels=${HANGCHECK_LABELS:-}
case ",$labels," in
  *,os=*) ;;
  *) labels="${labels:+$labels,}os=$(uname -s | tr 'A-Z' 'a-z')" ;;
esac

# Labels to JSON; keys and values are checked, so nothing in them can break the JSON.
labels_json=""
old_ifs=$IFS
IFS=,
for pair in $labels; do
  [ -n "$pair" ] || continue
  key=${pair%%=*}
  value=${pair#*=}
  [ "$key" != "$pair" ] || fail 2 "label '$pair' is not key=value"
  printf '%s' "$key" | grep -Eq '^[a-z][a-z0-9_.-]{0,62}$' || fail 2 "label key '$key' must match ^[a-z][a-z0-9_.-]*\$"
  printf '%s' "$value" | grep -Eq '^[A-Za-z0-9._:/-]{1,128}$' || fail 2 "label value '$value' must match [A-Za-z0-9._:/-]{1,128}"
  labels_json="${labels_json:+$labels_json,}\"$key\":\"$value\""
done
IFS=$old_ifs

boot_file=${HANGCHECK_BOOT_ID_FILE:-/proc/sys/kernel/random/boot_id}
if [ -r "$boot_file" ]; then
  boot_id=$(tr -d ' \n' < "$boot_file")
else
  # No /proc (BSD, macOS): hash the boot time, which is fixed for the whole boot.
  boot_time=$(sysctl -n kern.boottime 2>/dev/null | sed 's/.*sec = \([0-9]*\).*/\1/')
  [ -n "$boot_time" ] || fail 2 "cannot read a boot id ($boot_file) or the boot time (sysctl kern.boottime)"
  boot_id="t-$(printf '%s|%s' "$host_id" "$boot_time" | cksum | cut -d' ' -f1)-$boot_time"
fi
printf '%s' "$boot_id" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$' || fail 2 "boot id '$boot_id' is not usable"

uptime_file=${HANGCHECK_UPTIME_FILE:-/proc/uptime}
uptime_json=""
if [ -r "$uptime_file" ]; then
  up=$(cut -d' ' -f1 < "$uptime_file" | cut -d. -f1)
  case $up in ''|*[!0-9]*) ;; *) uptime_json=",\"uptimeSeconds\":$up" ;; esac
fi

# Sequence number: per boot, kept in a state file "<boot id> <seq>", restarting at 0 on a new boot.
state_dir=${HANGCHECK_STATE_DIR:-${STATE_DIRECTORY:-/var/lib/hangcheck}}
mkdir -p "$state_dir" 2>/dev/null || fail 2 "cannot create state directory $state_dir"
state_file="$state_dir/heartbeat.seq"
seq=0
if [ -r "$state_file" ]; then
  read -r last_boot last_seq < "$state_file" || true
  case ${last_seq:-} in ''|*[!0-9]*) last_seq="" ;; esac
  if [ "${last_boot:-}" = "$boot_id" ] && [ -n "$last_seq" ]; then
    seq=$((last_seq + 1))
  fi
fi
printf '%s %s\n' "$boot_id" "$seq" > "$state_file.tmp" && mv "$state_file.tmp" "$state_file" \
  || fail 2 "cannot write $state_file"

sent_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
body="{\"hostId\":\"$host_id\",\"bootId\":\"$boot_id\",\"seq\":$seq,\"sentAt\":\"$sent_at\",\"labels\":{$labels_json}$uptime_json}"

timeout=${HANGCHECK_TIMEOUT:-5}
retries=${HANGCHECK_RETRIES:-2}
response=$(mktemp "${TMPDIR:-/tmp}/hangcheck-hb.XXXXXX") || fail 1 "cannot create a temporary file"
trap 'rm -f "$response"' EXIT INT TERM

# The token goes through a config on stdin, never on the command line (where ps would show it).
if [ -n "${HANGCHECK_TOKEN:-}" ]; then
  auth="header = \"Authorization: Bearer $HANGCHECK_TOKEN\""
else
  auth=""
fi
status=$(printf '%s\n' "$auth" | curl -sS -K - -o "$response" -w '%{http_code}' \
  --connect-timeout "$timeout" --max-time "$timeout" \
  --retry "$retries" --retry-connrefused --retry-max-time $((timeout * (retries + 1) + 10)) \
  -H 'Content-Type: application/json' --data-binary "$body" \
  "$base/v1/heartbeats")
rc=$?

case $status in
  2??) exit 0 ;;
  4??) fail 2 "ingest refused the heartbeat ($status): $(head -c 300 "$response")" ;;
  000|'') fail 1 "no answer from $base (curl exit $rc)" ;;
  *) fail 1 "ingest answered $status after $retries retries: $(head -c 300 "$response")" ;;
esac
