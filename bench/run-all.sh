#!/bin/sh
# Runs every benchmark of a build folder (a --buildtype=release one, please).
# Usage: bench/run-all.sh [BUILD_DIR]   (default: build-release)
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
build=${1:-build-release}
if [ ! -d "$build/bench" ]; then
  echo "run-all.sh: no $build/bench; set it up with: meson setup $build --buildtype=release && ninja -C $build" >&2
  exit 1
fi
# Add new benchmarks here (and in bench/meson.build).
benches="bench-number bench-engine bench-run-write bench-capture"
for name in $benches; do
  ninja -C "$build" "bench/$name" >/dev/null
  echo "== $name"
  "$build/bench/$name"
  echo
done
# Server throughput vs nginx (a script, not a compiled bench: needs wrk and nginx-light)
echo "== bench-server.sh"; "$(dirname "$0")/bench-server.sh" "$build"
# App start and listing with 100 000 runs (a script: makes the data folder once, in /dev/shm)
echo "== bench-app-startup.sh"; "$(dirname "$0")/bench-app-startup.sh" "$build"
