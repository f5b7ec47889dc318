#!/bin/sh
# soak.sh — a wrk soak of runboard-server on loopback: N seconds of mixed
# GETs, with the server's open fds and RSS recorded before and after.
#
# Usage: tests/stress/soak.sh [BUILD_DIR] [SECONDS]   (build-release, 600; CI: 30)
# Env:   CONNECTIONS (50) THREADS (2) PORT (18091) DATA_DIR (default: a copy
#        of tests/data/sample in a temp folder)
# Fails (exit 1) when the fd count grows by more than 5 or a request fails.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
build=${1:-build-release}
seconds=${2:-600}
connections=${CONNECTIONS:-50}
threads=${THREADS:-2}
port=${PORT:-18091}
src=$(cd "$(dirname "$0")/../.." && pwd)
server="$build/src/server/runboard-server"
command -v wrk >/dev/null || { echo "soak.sh: wrk is not installed" >&2; exit 1; }
ninja -C "$build" src/server/runboard-server >/dev/null

tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

data=${DATA_DIR:-}
if [ -z "$data" ]; then
  data="$tmp/data"
  cp -r "$src/tests/data/sample" "$data"
fi
"$server" --listen "127.0.0.1:$port" --data-dir "$data" >"$tmp/out" 2>"$tmp/log" &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
  grep -q Listening "$tmp/out" 2>/dev/null && break
  sleep 0.2
done
run_id=$(curl -sf "http://127.0.0.1:$port/v1/runs?pageSize=1" | sed -n 's/.*"runId": "\([^"]*\)".*/\1/p' | head -1)

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
curl -sf -o /dev/null "http://127.0.0.1:$port/v1/runs?pageSize=50"
sleep 0.2
fds_before=$(fds); rss_before=$(rss)
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$tmp/mix.lua" "http://127.0.0.1:$port" >"$tmp/wrk"
sleep 1
fds_after=$(fds); rss_after=$(rss)
grep -E "Requests/sec|Socket errors|Non-2xx|99%" "$tmp/wrk" || true
echo "soak ${seconds}s: fds $fds_before -> $fds_after; RSS $rss_before KiB -> $rss_after KiB"
status=0
if [ "$fds_after" -gt $((fds_before + 5)) ]; then
  echo "soak.sh: the server's fds grew by more than 5" >&2; status=1
fi
if grep -qE "Non-2xx|Socket errors" "$tmp/wrk"; then
  echo "soak.sh: some requests failed" >&2; status=1
fi
kill -TERM "$pid"; wait "$pid" || status=1
pid=
exit $status
