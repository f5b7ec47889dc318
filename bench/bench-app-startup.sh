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
# 3. App: `runboard --data-dir` under xvfb-run, 3 starts with each
#    renderer the app can get here: its own choice (cairo when the machine
#    has no GPU render node, see rb_application_pick_renderer) and
#    GSK_RENDERER=gl (GL in software, llvmpipe); then the same with an empty
#    data folder as the baseline. Each start reports the time from exec to
#    the first frame with the listed runs and VmRSS then (the app's
#    RUNBOARD_REPORT_FIRST_PAINT hook), then VmRSS once idle again (after
#    the background check of the index).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
if [ "${1:-}" = "--measure-app" ]; then
  # Inside xvfb-run: $2 = app, $3 = data folder. The app prints one line
  # when the first frame with the listed runs is painted
  # (RUNBOARD_REPORT_FIRST_PAINT=1, see src/app/rb-window.c); the time is
  # from just before exec to that frame, so it includes process start,
  # GTK and libadwaita start-up, the listing and the first rows.
  log=$(mktemp)
  start=$(date +%s%N)
  RUNBOARD_REPORT_FIRST_PAINT=1 "$2" --data-dir "$3" >/dev/null 2>"$log" &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q "first list paint" "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  line=$(grep "first list paint" "$log" || true)
  if [ -z "$line" ]; then
    echo "app: no first list paint within 30 s" >&2
    kill "$pid" 2>/dev/null; rm -f "$log"; exit 1
  fi
  painted=$(echo "$line" | sed -n 's/.*paint at \([0-9]*\),.*/\1/p')
  runs=$(echo "$line" | sed -n 's/.*, \([0-9]*\) runs,.*/\1/p')
  rss=$(echo "$line" | sed -n 's/.*VmRSS \([0-9]*\) kB.*/\1/p')
  echo "app: first list paint after $(( painted / 1000 - start / 1000000 )) ms, $runs runs, VmRSS $((rss / 1024)) MB"
  # Then the background check of the index against the files runs; RSS
  # once the app is idle again (CPU under 25 % over one second: the shown
  # window alone keeps using ~10 % under Xvfb).
  prev=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  for _ in $(seq 1 120); do
    sleep 1
    cpu=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    [ $((cpu - prev)) -lt 25 ] && break
    prev=$cpu
  done
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  echo "app: idle after $(( ($(date +%s%N) - start) / 1000000 )) ms, VmRSS $((rss / 1024)) MB, CPU $((cpu * 10)) ms"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -f "$log"
  exit 0
fi

build=${1:-build-release}
count=${2:-100000}
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
cli="$build/src/cli/runboard-cli"
app="$build/src/app/runboard"
data=${RUNBOARD_BENCH_DIR:-/dev/shm/runboard-bench-$count}

ninja -C "$build" src/cli/runboard-cli src/app/runboard data/gschemas.compiled >/dev/null
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

empty=$(mktemp -d)
for renderer in "" gl; do
  for folder in "$data" "$empty"; do
    echo "renderer ${renderer:-app's choice}, $(ls "$folder/runs" 2>/dev/null | wc -l) runs:"
    for _ in 1 2 3; do
      if [ -n "$renderer" ]; then export GSK_RENDERER="$renderer"; else unset GSK_RENDERER; fi
      xvfb-run -a "$src/bench/bench-app-startup.sh" --measure-app "$app" "$folder"
    done
  done
done
rmdir "$empty"
