#!/usr/bin/env bash
# Checks hangcheck's rules and dashboards against the LIVE /metrics of running services:
#   1. `promtool check metrics` (naming lint) on each service's output;
#   2. every hangcheck_* metric that a rule (prometheus/rules/hangcheck.rules.yml) or a dashboard query
#      (grafana/dashboards/*.json) names has at least one SAMPLE in the services' output. A `# TYPE` line
#      alone does not count: a labelled family with no child yet has no series, increase() and the panels
#      see nothing, so each such name is reported as NO-SAMPLES (declared, never initialised) and a name
#      with neither as MISSING (not declared at all).
#
#   deploy/check-metrics.sh http://localhost:8081/metrics http://localhost:8082/metrics \
#                           http://localhost:8083/metrics http://localhost:8084/metrics
#
# Exit 0 when both hold; 1 when a metric has no sample or the lint fails (each problem printed); 2 on usage
# or a URL that cannot be fetched. Needs curl and promtool. Used by the end-to-end stage and by
# LiveMetricsTest (HANGCHECK_LIVE_METRICS="url url ...").
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [[ $# -eq 0 ]]; then
  sed -n '2,15p' "$0" >&2
  exit 2
fi
for tool in curl promtool; do
  command -v "$tool" >/dev/null 2>&1 || { echo "check-metrics: '$tool' not found on PATH" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0

: > "$work/sampled"
: > "$work/declared"
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
  # Sample names only (a # TYPE line is not a series), and separately the declared families.
  grep -vE '^(#|$)' "$out" | sed -E 's/[{ ].*//' >> "$work/sampled"
  grep -E '^# TYPE ' "$out" | awk '{print $3}' >> "$work/declared"
done
family() { sed -E 's/_(total|created|bucket|sum|count)$//'; }
# A name matches a sample by itself or by its family (a histogram's _bucket used, its _count sampled).
{ cat "$work/sampled"; family < "$work/sampled"; } | sort -u > "$work/sampled.families"
{ cat "$work/declared"; family < "$work/declared"; } | sort -u > "$work/declared.families"

# Names used: rule expressions (the file holds no metric names outside expressions) and dashboard queries.
{
  grep -ohE 'hangcheck_[a-z0-9_]*[a-z0-9]' "$here/prometheus/rules/hangcheck.rules.yml"
  grep -hE '"(expr|query)":' "$here"/grafana/dashboards/*.json | grep -ohE 'hangcheck_[a-z0-9_]*[a-z0-9]'
} | sort -u > "$work/used"

has() { grep -qxF "$2" "$1" || grep -qxF "$(family <<< "$2")" "$1"; }
# Gauges absent by design when there is nothing to say: no forecast and no slope while a budget does not grow.
# A rule on them is quiet without a series, which is the right answer; they are still checked for being declared.
ABSENT_BY_DESIGN=" hangcheck_sockets_exhaustion_forecast_seconds hangcheck_sockets_growth_sockets_per_minute "
missing=0
nosamples=0
while read -r name; do
  has "$work/sampled.families" "$name" && continue
  [[ "$ABSENT_BY_DESIGN" == *" $name "* ]] && has "$work/declared.families" "$name" && continue
  where="$(grep -lF "$name" "$here/prometheus/rules/hangcheck.rules.yml" "$here"/grafana/dashboards/*.json \
    | sed "s|$here/||" | tr '\n' ' ')"
  if has "$work/declared.families" "$name"; then
    echo "NO-SAMPLES $name  (declared, but no series: initialise its label values to 0; used in: $where)"
    nosamples=$((nosamples + 1))
  else
    echo "MISSING $name  (used in: $where)"
    missing=$((missing + 1))
  fi
  status=1
done < "$work/used"
echo "$(wc -l < "$work/used") metric names used by rules and dashboards; $((missing + nosamples)) without samples" \
  "($nosamples declared without samples, $missing not exported) in the services given"
exit $status
