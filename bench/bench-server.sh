#!/bin/sh
# bench-server.sh — GET /v1/runs?pageSize=50 from runboard-server against
# nginx serving the very same bytes as a static file, with wrk, on loopback.
#
# Usage: bench/bench-server.sh [BUILD_DIR]   (default: build-release)
# Env:   RUNS (200) DURATION (10s) THREADS (2) CONNECTIONS (50) PORT (18081)
#
# Both servers are measured with "Connection: close" (runboard-server
# always closes: libsoup 3.2.3 leaks an fd per keep-alive connection the
# client closes, style guide §9.5); keep-alive figures are printed beside
# (nginx keep-alive; ours still closes, whatever the client asks).
# Needs: wrk, nginx (Debian nginx-light). Everything runs in a temp folder
# and binds 127.0.0.1 only; both servers are stopped on exit.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
build=${1:-build-release}
runs=${RUNS:-200}
duration=${DURATION:-10s}
threads=${THREADS:-2}
connections=${CONNECTIONS:-50}
port=${PORT:-18081}
nginx_port=$((port + 1))
src=$(cd "$(dirname "$0")/.." && pwd)
server="$build/src/server/runboard-server"
cli="$build/src/cli/runboard-cli"

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || {
    echo "bench-server.sh: $tool is not installed" >&2; exit 1; }
done
ninja -C "$build" src/server/runboard-server src/cli/runboard-cli >/dev/null

tmp=$(mktemp -d)
server_pid=
nginx_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A data folder of $runs runs: the shipped templates, varied seeds.
data="$tmp/data"
export RUNBOARD_TEMPLATE_DIR="${RUNBOARD_TEMPLATE_DIR:-$src/data/templates}"
templates=$(ls "$RUNBOARD_TEMPLATE_DIR" | sed -n 's/\.yaml$//p')
n_templates=$(echo "$templates" | wc -l)
i=0
while [ "$i" -lt "$runs" ]; do
  t=$(echo "$templates" | sed -n "$((i % n_templates + 1))p")
  "$cli" --data-dir "$data" run "$t" --seed "$((1000 + i))" --deterministic >/dev/null
  i=$((i + 1))
done

"$server" --listen "127.0.0.1:$port" --data-dir "$data" >"$tmp/server.out" 2>/dev/null &
server_pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
  grep -q Listening "$tmp/server.out" 2>/dev/null && break
  sleep 0.2
done
url="http://127.0.0.1:$port/v1/runs?pageSize=50"
mkdir -p "$tmp/www/v1"
curl -sf -o "$tmp/www/v1/runs.json" "$url"
bytes=$(wc -c <"$tmp/www/v1/runs.json")

mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$nginx_port;
    location = /v1/runs { default_type application/json; alias $tmp/www/v1/runs.json; }
  }
}
CONF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" 2>"$tmp/nginx/start.log" &
nginx_pid=$!
sleep 0.5
nginx_url="http://127.0.0.1:$nginx_port/v1/runs"
curl -sf "$nginx_url" | cmp -s - "$tmp/www/v1/runs.json" || {
  echo "bench-server.sh: nginx does not serve the same bytes" >&2; cat "$tmp/nginx/start.log" >&2; exit 1; }

# wrk_run LABEL URL [HEADER] → "LABEL  req/s  p99"
wrk_run() {
  label=$1; target=$2; shift 2
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" "$target")
  rps=$(echo "$out" | sed -n 's/^Requests\/sec: *//p')
  p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
  errs=$(echo "$out" | sed -n 's/^ *\(Socket errors:.*\|Non-2xx.*\)$/\1/p' | tr '\n' ' ')
  printf '%-34s %10s req/s   p99 %8s   %s\n' "$label" "$rps" "$p99" "$errs"
  echo "$rps" >"$tmp/last"
}

echo "GET /v1/runs?pageSize=50 ($bytes bytes, $runs runs), wrk -t$threads -c$connections -d$duration, $(nproc) CPUs"
wrk_run "runboard-server, Connection: close" "$url" -H 'Connection: close'
ours=$(cat "$tmp/last")
wrk_run "nginx static, Connection: close" "$nginx_url" -H 'Connection: close'
theirs=$(cat "$tmp/last")
echo "ratio ours/nginx (Connection: close): $(echo "$ours $theirs" | awk '{ printf "%.0f %%", 100 * $1 / $2 }')"
wrk_run "runboard-server, keep-alive asked" "$url"
wrk_run "nginx static, keep-alive" "$nginx_url"
