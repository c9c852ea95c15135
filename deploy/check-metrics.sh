#!/usr/bin/env bash
# Checks hangcheck's rules and dashboards against the LIVE /metrics of running services:
#   1. `promtool check metrics` (naming lint) on each service's output;
#   2. every hangcheck_* metric that a rule (prometheus/rules/hangcheck.rules.yml) or a dashboard query
#      (grafana/dashboards/*.json) names is exported by at least one of the services.
#
#   deploy/check-metrics.sh http://localhost:8081/metrics http://localhost:8082/metrics \
#                           http://localhost:8083/metrics http://localhost:8084/metrics
#
# Exit 0 when both hold; 1 when a metric is missing or the lint fails (each problem printed); 2 on usage
# or a URL that cannot be fetched. Needs curl and promtool. Used by the end-to-end stage and by
# LiveMetricsTest (HANGCHECK_LIVE_METRICS="url url ...").
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [[ $# -eq 0 ]]; then
  sed -n '2,11p' "$0" >&2
  exit 2
fi
for tool in curl promtool; do
  command -v "$tool" >/dev/null 2>&1 || { echo "check-metrics: '$tool' not found on PATH" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0

: > "$work/exported"
i=0
for url in "$@"; do
  i=$((i + 1))
  out="$work/metrics.$i"
  if ! curl -fsS --max-time 10 "$url" -o "$out"; then
    echo "check-metrics: cannot fetch $url" >&2
    exit 2
  fi
  lint="$(promtool check metrics < "$out" 2>&1)"
  if [[ $? -ne 0 ]]; then
    echo "LINT $url:"
    echo "$lint" | sed 's/^/  /'
    status=1
  else
    echo "ok   $url: promtool check metrics passed ($(grep -c '^# TYPE' "$out") families)"
  fi
  # Families (# TYPE lines) and sample names. A labelled family with no children yet has only its
  # # TYPE line, so names are compared by family too (without _total/_created/_bucket/_sum/_count).
  { grep -E '^# TYPE ' "$out" | awk '{print $3}'; grep -vE '^(#|$)' "$out" | sed -E 's/[{ ].*//'; } >> "$work/exported"
done
family() { sed -E 's/_(total|created|bucket|sum|count)$//'; }
{ cat "$work/exported"; family < "$work/exported"; } | sort -u > "$work/exported.families"

# Names used: rule expressions (the file holds no metric names outside expressions) and dashboard queries.
{
  grep -ohE 'hangcheck_[a-z0-9_]*[a-z0-9]' "$here/prometheus/rules/hangcheck.rules.yml"
  grep -hE '"(expr|definition)":' "$here"/grafana/dashboards/*.json | grep -ohE 'hangcheck_[a-z0-9_]*[a-z0-9]'
} | sort -u > "$work/used"

missing=0
while read -r name; do
  if ! grep -qxF "$name" "$work/exported.families" \
     && ! grep -qxF "$(family <<< "$name")" "$work/exported.families"; then
    where="$(grep -lF "$name" "$here/prometheus/rules/hangcheck.rules.yml" "$here"/grafana/dashboards/*.json \
      | sed "s|$here/||" | tr '\n' ' ')"
    echo "MISSING $name  (used in: $where)"
    missing=$((missing + 1))
    status=1
  fi
done < "$work/used"
echo "$(wc -l < "$work/used") metric names used by rules and dashboards; $missing not exported by the services given"
exit $status
