#!/bin/sh
# soak.sh — a wrk soak of runboard-server on loopback: N seconds of mixed
# GETs, with the server's open fds and RSS sampled before, during and after.
#
# Usage: tests/stress/soak.sh [BUILD_DIR] [SECONDS]   (build-release, 600; CI: 30)
# Env:   CONNECTIONS (50) THREADS (2) DATA_DIR (default: a copy of
#        tests/data/sample in a temp folder)
#        FD_GROWTH_MAX (5) — open fds after vs before
#        RSS_GROWTH_MAX_MIB (64) — RSS after vs before (glibc gives each
#          worker thread an arena: ~20 MiB of growth in the first seconds is normal)
#        RSS_LATE_GROWTH_MAX_MIB (16) — RSS at the end vs at the middle of the
#          run, when the arenas are warm: a leak keeps growing there (30 s runs
#          grow 3–4 MiB there as the arenas fill; 16 MiB over the second half of
#          a 600 s soak is ~40 bytes per request)
#        RSS_LATE_BYTES_PER_REQUEST_MAX (100) — the same growth per request of
#          the second half, checked once it passes 2 MiB: catches a per-
#          connection leak in a 30 s run (libsoup 3.2's accepted-socket leak
#          was ~570 bytes per request; with our own accept it is ~6)
# Fails (exit 1, with the reason) when a request fails (non-2xx, socket
# error, timeout, or no request at all), a bound above is passed, or the
# server dies or does not exit 0 on SIGTERM.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
build=${1:-build-release}
seconds=${2:-600}
connections=${CONNECTIONS:-50}
threads=${THREADS:-2}
fd_max=${FD_GROWTH_MAX:-5}
rss_max=$(( ${RSS_GROWTH_MAX_MIB:-64} * 1024 ))
rss_late_max=$(( ${RSS_LATE_GROWTH_MAX_MIB:-16} * 1024 ))
late_per_request_max=${RSS_LATE_BYTES_PER_REQUEST_MAX:-100}
src=$(cd "$(dirname "$0")/../.." && pwd)
server="$build/src/server/runboard-server"
for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "soak.sh: $tool is not installed" >&2; exit 1; }
done
ninja -C "$build" src/server/runboard-server >/dev/null
export RUNBOARD_TEMPLATE_DIR="$src/data/templates" GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="$build/data"

tmp=$(mktemp -d)
pid=
sampler=
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

data=${DATA_DIR:-}
if [ -z "$data" ]; then
  data="$tmp/data"
  cp -r "$src/tests/data/sample" "$data"
fi
"$server" --listen 127.0.0.1:0 --data-dir "$data" >"$tmp/out" 2>"$tmp/log" &
pid=$!
for _ in $(seq 50); do
  grep -q Listening "$tmp/out" 2>/dev/null && break
  sleep 0.1
done
base=$(sed -n 's|^Listening on \(http://127.0.0.1:[0-9]*\)/.*|\1|p' "$tmp/out")
[ -n "$base" ] || { echo "soak.sh: runboard-server did not start" >&2; cat "$tmp/log" >&2; exit 1; }
run_id=$(curl -sf "$base/v1/runs?pageSize=1" | sed -n 's/.*"runId": "\([^"]*\)".*/\1/p' | head -1)

# wrk picks a path per request: list pages, a detail, healthz, templates.
cat >"$tmp/mix.lua" <<LUA
local paths = { "/v1/runs?pageSize=50", "/v1/runs/$run_id", "/v1/healthz", "/v1/templates" }
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Connection"] = "close" })
end
LUA

fds() { ls "/proc/$pid/fd" | wc -l; }
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
for path in "/v1/runs?pageSize=50" "/v1/runs/$run_id" /v1/healthz /v1/templates; do
  curl -sf -o /dev/null "$base$path" || { echo "soak.sh: GET $path failed before the soak" >&2; exit 1; }
done
sleep 0.2
fds_before=$(fds); rss_before=$(rss)
# RSS every 5 s (seconds since start, KiB) while wrk runs.
( t=0; while kill -0 "$pid" 2>/dev/null; do echo "$t $(rss)"; sleep 5; t=$((t + 5)); done ) >"$tmp/rss" 2>/dev/null &
sampler=$!
wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 5s --latency -s "$tmp/mix.lua" "$base" >"$tmp/wrk" || true
kill "$sampler" 2>/dev/null || true; sampler=
sleep 1
status=0
if ! kill -0 "$pid" 2>/dev/null; then
  echo "soak.sh: runboard-server died during the soak" >&2; cat "$tmp/log" >&2; exit 1
fi
fds_after=$(fds); rss_after=$(rss)
requests=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$tmp/wrk")
rss_mid=$(awk -v half=$((seconds / 2)) '$1 >= half { print $2; exit }' "$tmp/rss")
rss_mid=${rss_mid:-$rss_before}
grep -E "requests in|Requests/sec|Socket errors|Non-2xx|99%" "$tmp/wrk" || true
echo "soak ${seconds}s: $requests requests; fds $fds_before -> $fds_after; RSS $rss_before KiB -> $rss_mid KiB (middle) -> $rss_after KiB"
if [ -z "$requests" ] || [ "$requests" -eq 0 ]; then
  echo "soak.sh: wrk completed no request" >&2; cat "$tmp/wrk" >&2; status=1
fi
if grep -qE "Non-2xx|Socket errors" "$tmp/wrk"; then
  echo "soak.sh: some requests failed (see the Non-2xx / Socket errors line above)" >&2; status=1
fi
if [ "$fds_after" -gt $((fds_before + fd_max)) ]; then
  echo "soak.sh: the server's open fds grew from $fds_before to $fds_after (bound: +$fd_max)" >&2; status=1
fi
if [ "$rss_after" -gt $((rss_before + rss_max)) ]; then
  echo "soak.sh: the server's RSS grew from $rss_before to $rss_after KiB (bound: +$rss_max KiB)" >&2; status=1
fi
if [ "$rss_after" -gt $((rss_mid + rss_late_max)) ]; then
  echo "soak.sh: the server's RSS still grew in the second half, $rss_mid -> $rss_after KiB (bound: +$rss_late_max KiB)" >&2; status=1
fi
late_kib=$((rss_after - rss_mid))
if [ -n "$requests" ] && [ "$requests" -gt 1 ] && [ "$late_kib" -gt 2048 ] &&
   [ $((late_kib * 1024 / (requests / 2))) -gt "$late_per_request_max" ]; then
  echo "soak.sh: the server's RSS grew by $((late_kib * 1024 / (requests / 2))) bytes per request in the second half (bound: $late_per_request_max)" >&2; status=1
fi
kill -TERM "$pid"
if ! wait "$pid"; then
  echo "soak.sh: runboard-server did not exit 0 on SIGTERM" >&2; status=1
fi
pid=
[ "$status" -eq 0 ] && echo "soak.sh: passed"
exit $status
