#!/usr/bin/env bash
# Creates hangcheck's Kafka topics with the plain kafka-topics.sh, for clusters without Strimzi.
# Reads topics.txt beside it: the same list kafkatopics.yaml (Strimzi) is generated from.
#
#   deploy/kafka/create-topics.sh --bootstrap-server broker:9092 [--replication-factor 1] [--dry-run]
#       [--command-config client.properties]
#
# Idempotent (--if-not-exists): an existing topic is left as it is. Partitions can only grow, and a config
# change on a live topic deserves a person (kafka-configs.sh --alter), not a start-up script.
# KAFKA_TOPICS (default: kafka-topics.sh on PATH) names the tool; HANGCHECK_TOPICS_FILE (default: topics.txt
# beside this script) the list.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bootstrap="${HANGCHECK_KAFKA:-localhost:9092}"
rf_override=""
dry_run=false
command_config=()
kafka_topics="${KAFKA_TOPICS:-kafka-topics.sh}"
list="${HANGCHECK_TOPICS_FILE:-$here/topics.txt}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --bootstrap-server) bootstrap="$2"; shift 2 ;;
    --replication-factor) rf_override="$2"; shift 2 ;;
    --command-config) command_config=(--command-config "$2"); shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if ! $dry_run && ! command -v "$kafka_topics" >/dev/null 2>&1; then
  echo "$kafka_topics not found: put Kafka's bin/ on PATH or set KAFKA_TOPICS" >&2
  exit 1
fi

count=0
while read -r name partitions replicas configs; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  rf="${rf_override:-$replicas}"
  args=(--bootstrap-server "$bootstrap" "${command_config[@]}" --create --if-not-exists
        --topic "$name" --partitions "$partitions" --replication-factor "$rf")
  IFS=',' read -ra pairs <<< "$configs"
  for pair in "${pairs[@]}"; do
    # min.insync.replicas above the replication factor would make every write fail.
    if [[ "$pair" == min.insync.replicas=* && "${pair#*=}" -gt "$rf" ]]; then
      pair="min.insync.replicas=$rf"
    fi
    args+=(--config "$pair")
  done
  if $dry_run; then
    echo "$kafka_topics ${args[*]}"
  else
    "$kafka_topics" "${args[@]}"
  fi
  count=$((count + 1))
done < "$list"
echo "# $count topics" >&2
