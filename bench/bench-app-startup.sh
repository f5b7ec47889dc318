#!/bin/sh
# bench-app-startup.sh — listing and app start with many runs in the data folder
#
# Usage: bench/bench-app-startup.sh [BUILD_DIR] [N]   (default build-release, 100000)
#
# 1. Makes (once) a data folder with N runs: one engine-made run
#    (runboard-cli run call-centre-intraday --deterministic) copied N times
#    by bench/make-many-runs.py, in $RUNBOARD_BENCH_DIR (default
#    /dev/shm/runboard-bench-<N>; delete it to start over).
# 2. Store listing: `runboard-cli runs list --page-size 1` wall time
#    (hyperfine, 3 runs, first one cold = the index gets written).
# 3. App: starts `runboard --data-dir` under xvfb-run, polls its CPU time
#    every 100 ms; "first paint" is the moment its CPU went quiet (under
#    25 % of one core over one second; the shown window keeps using ~10 %
#    under Xvfb) after showing the list, minus that quiet second; RSS is
#    VmRSS at that moment. The app has no first-paint hook, so this is an
#    upper bound: it includes GTK start-up and building the first rows.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
if [ "${1:-}" = "--measure-app" ]; then
  # Inside xvfb-run: $2 = app, $3 = data folder
  start=$(date +%s%N)
  "$2" --data-dir "$3" >/dev/null 2>&1 &
  pid=$!
  # CPU ticks (1/100 s) of the last 10 samples, 100 ms apart: quiet when
  # they add up to under 25 ticks in one second (a busy app uses ~100).
  hist=""
  while kill -0 "$pid" 2>/dev/null; do
    cpu=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    hist="$hist $cpu"
    set -- $hist
    if [ $# -gt 10 ]; then
      shift
      hist="$*"
      if [ $((cpu - $1)) -lt 25 ] && [ "$cpu" -gt 25 ]; then
        now=$(date +%s%N)
        rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
        echo "app: list shown (CPU quiet) after $(( (now - start) / 1000000 - 1000 )) ms, VmRSS $((rss / 1024)) MB, CPU $((cpu * 10)) ms"
        kill "$pid"; wait "$pid" 2>/dev/null || true
        exit 0
      fi
    fi
    sleep 0.1
  done
  echo "app: exited before going idle" >&2
  exit 1
fi

build=${1:-build-release}
count=${2:-100000}
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
cli="$build/src/cli/runboard-cli"
app="$build/src/app/runboard"
data=${RUNBOARD_BENCH_DIR:-/dev/shm/runboard-bench-$count}

ninja -C "$build" src/cli/runboard-cli src/app/runboard >/dev/null
export RUNBOARD_TEMPLATE_DIR="$src/data/templates"
export GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1

if [ ! -d "$data/runs" ]; then
  seed=$(mktemp -d)
  "$cli" --data-dir "$seed" run call-centre-intraday --deterministic >/dev/null
  echo "making $count runs in $data …"
  python3 "$src/bench/make-many-runs.py" "$seed"/runs/run_call-centre-intraday_* "$data" "$count"
  rm -rf "$seed"
fi
echo "data folder: $data ($(ls "$data/runs" | wc -l) runs)"

rm -f "$data/.runboard/index"
hyperfine --runs 3 --style basic \
  "$cli --data-dir $data runs list --page-size 1"

xvfb-run -a "$src/bench/bench-app-startup.sh" --measure-app "$app" "$data"
