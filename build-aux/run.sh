#!/usr/bin/env bash
# Builds Runboard and opens it on a sample data folder.
#   build-aux/run.sh [extra runboard options]
# The sample folder is created in the build directory on first use, so
# what you do in the app stays there and the source tree stays clean. It
# holds only engine-produced data: every shipped template run through the
# engine, a replay from model, generated telemetry and a telemetry replay
# (tests/data/sample stays a test fixture).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The value of the top-level member "$1" in core's JSON output (2-space
# indent, one member per line).
json_member() {
  sed -n "s/^  \"$1\": \"\(.*\)\",\{0,1\}\$/\1/p" | head -n 1
}

# seed_sample CLI DIR: fills DIR (which must not exist) through runboard-cli.
seed_sample() {
  local cli=$1 dir=$2
  local ids id out run
  local -a runs=()

  ids=$("$cli" --data-dir "$dir" templates list --json |
        sed -n 's/^      "id": "\(.*\)",$/\1/p')
  if [ -z "$ids" ]; then
    echo "run.sh: no shipped templates found (RUNBOARD_TEMPLATE_DIR=${RUNBOARD_TEMPLATE_DIR:-})" >&2
    return 1
  fi
  for id in $ids; do
    out=$("$cli" --data-dir "$dir" run "$id" --deterministic --json)
    run=$(printf '%s\n' "$out" | json_member runId)
    [ -n "$run" ] || { echo "run.sh: running template $id gave no run id" >&2; return 1; }
    runs+=("$run")
  done

  # lineage and telemetry: a replay from model, telemetry for two runs, and
  # a replay from that telemetry
  "$cli" --data-dir "$dir" replay "${runs[0]}" --from model >/dev/null
  local status=0
  "$cli" --data-dir "$dir" telemetry generate "${runs[0]}" >/dev/null || status=$?
  if [ "$status" -eq 7 ]; then
    # the GSettings flag hides the feature: a sample without telemetry
    echo "run.sh: telemetry generation is disabled; the sample has no telemetry" >&2
    return 0
  fi
  [ "$status" -eq 0 ] || return "$status"
  if [ "${#runs[@]}" -gt 1 ]; then
    "$cli" --data-dir "$dir" telemetry generate "${runs[1]}" --run-scoped >/dev/null
  fi
  "$cli" --data-dir "$dir" replay "${runs[0]}" --from telemetry >/dev/null
}

"$top/build-aux/deps.sh" build
configure_and_build
export_dev_env

sample="$builddir/sample-data"
if [ ! -d "$sample" ]; then
  rm -rf "$sample.tmp"
  RUNBOARD_DISABLE_TELEMETRY_GENERATION= seed_sample "$builddir/src/cli/runboard-cli" "$sample.tmp"
  mv "$sample.tmp" "$sample"
fi

exec "$builddir/src/app/runboard" --data-dir "$sample" "$@"
