#!/bin/sh
# bench-app-scroll.sh — CPU the app spends per scroll step in its run list
#
# Usage: bench/bench-app-scroll.sh BUILD_DIR DATA_DIR [STEPS]   (STEPS: 100)
#
# Starts `runboard --data-dir DATA_DIR` under xvfb-run, waits for the first
# list paint (RUNBOARD_REPORT_FIRST_PAINT) and six seconds more (the index
# check), then sends STEPS mouse-wheel steps over the list with xdotool and
# reports the app's CPU time per step (utime + stime from /proc), with
# GSK_RENDERER=gl and =cairo (without a GPU the app picks cairo itself,
# see rb_application_pick_renderer). Run it on folders of
# different sizes (bench-app-startup.sh makes them): a list that scrolls
# smoothly costs the same per step at 1 000 and at 100 000 runs.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
if [ "${1:-}" = "--inside" ]; then
  app=$2 data=$3 steps=$4 log=$(mktemp)
  RUNBOARD_REPORT_FIRST_PAINT=1 "$app" --data-dir "$data" >/dev/null 2>"$log" &
  pid=$!
  until grep -q "first list paint" "$log"; do
    kill -0 "$pid" 2>/dev/null || { echo "app exited" >&2; exit 1; }
    sleep 0.1
  done
  sleep 6
  xdotool mousemove 200 300
  c0=$(awk '{print $14 + $15}' "/proc/$pid/stat"); t0=$(date +%s%N)
  i=0
  while [ "$i" -lt "$steps" ]; do xdotool click 5; i=$((i + 1)); done
  t1=$(date +%s%N); sleep 0.5
  c1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  echo "$(ls "$data/runs" | wc -l) runs, renderer $GSK_RENDERER: $steps wheel steps in $(( (t1 - t0) / 1000000 )) ms, app CPU $(( (c1 - c0) * 10 / steps )) ms per step"
  kill "$pid"; rm -f "$log"
  exit 0
fi
build=$(cd "$1" && pwd); data=$2; steps=${3:-100}
src=$(cd "$(dirname "$0")/.." && pwd)
command -v xdotool >/dev/null || { echo "bench-app-scroll.sh: xdotool is not installed (build-aux/deps.sh bench)" >&2; exit 1; }
ninja -C "$build" src/app/runboard data/gschemas.compiled >/dev/null
export RUNBOARD_TEMPLATE_DIR="$src/data/templates"
export GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
for renderer in gl cairo; do
  GSK_RENDERER=$renderer xvfb-run -a -s "-screen 0 1100x760x24" \
    "$0" --inside "$build/src/app/runboard" "$data" "$steps"
done
