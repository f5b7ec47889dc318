#!/bin/sh
# run-all.sh — regenerates every figure of docs/performance.md, each against
# its baseline measured in the same run, and writes one report.
#
# Usage: bench/run-all.sh [--quick] [--only NAMES] [-o FILE] [BUILD_DIR]
#   BUILD_DIR   a --buildtype=release build (default build-release; set up
#               here when missing: meson setup BUILD_DIR --buildtype=release)
#   --quick     small sizes, for a fast check of the whole chain (~3 min):
#               200 000 numbers, 1 000 nodes × 1 000 bins, 100 series × 10 000
#               bins, 1 000 runs for listing and app start, one 3 s wrk run each
#   --only      a comma-separated subset of: number,engine,run-write,capture,
#               app-start,server
#   -o FILE     the report (default bench/results/latest.md, or
#               bench/results/quick.md with --quick); also printed
#
# Sections and their baselines (all in this one process tree, same machine):
#   number     rb_number_format / rb_number_parse vs snprintf "%.17g" / strtod  (bench-number)
#   engine     rb_engine_evaluate vs a hand-written C loop                       (bench-engine)
#   run-write  rb_run_writer_write vs plain write() of the same bytes            (bench-run-write)
#   capture    rb_telemetry_generate vs copying the same bytes, tmpfs and disk   (bench-capture)
#   app-start  bench/bench-app-startup.sh (store listing + app first paint and
#              RSS) with N runs vs the same with 1 run; the listing also vs
#              reading every run.json (cat)                                   (100 000 runs)
#   server     runboard-server vs nginx static, same bytes, Connection: close   (bench-server.sh;
#              3 times in a full run, the median ratio goes to the summary)
# Needs (build-aux/deps.sh bench): wrk, nginx-light, hyperfine, curl, xvfb-run.
# The app-start data folders live in /dev/shm/runboard-bench-<N> (made once,
# ~450 MB and ~1.8 M inodes for 100 000 runs; delete them to start over), or
# in $RUNBOARD_BENCH_DIR: a tmpfs with the inodes free (make-many-runs.py hard
# links every file, more often than ext4 allows). Run it niced on a
# quiet machine: every figure moves with the load (recorded in the notes).
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
quick=0
only=all
out=
build=
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --only) only=$2; shift ;;
    --only=*) only=${1#--only=} ;;
    -o) out=$2; shift ;;
    -h|--help) sed -n '2,/^# SPDX/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run-all.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) build=$1 ;;
  esac
  shift
done
build=${build:-build-release}
if [ "$quick" -eq 1 ]; then
  n_numbers=200000; engine_size="1000 1000"; write_size="100 10000"; capture_size="100 10000"
  app_runs=1000; wrk_duration=3s; server_runs=200; server_repeats=1
  out=${out:-$src/bench/results/quick.md}
else
  n_numbers=2000000; engine_size="1000 10000"; write_size="1000 10000"; capture_size="1000 10000"
  app_runs=100000; wrk_duration=10s; server_runs=200; server_repeats=3
  out=${out:-$src/bench/results/latest.md}
fi
wants() { case ",$only," in *",all,"*|*",$1,"*) return 0 ;; esac; return 1; }

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$src" --buildtype=release >/dev/null
fi
build=$(cd "$build" && pwd)
buildtype=$(meson introspect --buildoptions "$build" | python3 -c \
  'import json,sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}["buildtype"])')
[ "$buildtype" = release ] || echo "run-all.sh: warning: $build is a $buildtype build, not release" >&2
targets="bench/bench-number bench/bench-engine bench/bench-run-write bench/bench-capture src/cli/runboard-cli src/server/runboard-server"
if wants app-start; then targets="$targets src/app/runboard"; fi
# shellcheck disable=SC2086
ninja -C "$build" $targets >/dev/null

mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
report="$tmp/report.md"
summary="$tmp/summary.md"
: >"$summary"

fs_of() { df -T "$1" | awk 'NR == 2 { print $2 " (" $1 ")" }'; }
commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$src" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit + uncommitted changes"
fi
{
  echo "# Runboard benchmarks ($( [ "$quick" -eq 1 ] && echo quick || echo full ) run)"
  echo
  echo "* date: $(date -u '+%Y-%m-%d %H:%M UTC'); git commit: $commit"
  echo "* CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), nproc $(nproc); RAM $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "* kernel: $(uname -sr); $(sed -n 's/^PRETTY_NAME="\(.*\)"/\1/p' /etc/os-release); $(cc --version | head -1)"
  echo "* build: $build ($buildtype); TMPDIR ${TMPDIR:-/tmp} on $(fs_of "${TMPDIR:-/tmp}"); /dev/shm on $(fs_of /dev/shm)"
  echo "* load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine moves every figure; the ratios are steadier)"
  echo "* command: bench/run-all.sh$( [ "$quick" -eq 1 ] && echo ' --quick')$( [ "$only" != all ] && echo " --only $only") $(basename "$build")"
} >"$report"

# row FIGURE OURS BASELINE RATIO TARGET VERDICT
row() { printf '| %s | %s | %s | %s | %s | %s |\n' "$@" >>"$summary"; }
section() {
  echo "== $1" >&2
  printf '\n## %s\n\n' "$1" >>"$report"
}
raw() { printf '```\n' >>"$report"; cat "$1" >>"$report"; printf '```\n' >>"$report"; cat "$1" >&2; }
verdict() { # verdict VALUE OP LIMIT → met / missed
  awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
    ok = (op == ">=") ? (v >= l) : (v <= l); print (v == "" ? "?" : ok ? "met" : "**missed**") }'
}

if wants number; then
  section "Number formatting and parsing (bench-number $n_numbers)"
  "$build/bench/bench-number" "$n_numbers" >"$tmp/number"
  raw "$tmp/number"
  # | mixed (1/3 each) | fmt | snprintf | x | parse | strtod | x |
  awk -F'|' '$2 ~ /mixed/ || $2 ~ /integers/ || $2 ~ /random bits/ {
      gsub(/^ +| +$/, "", $2); for (i = 3; i <= 8; i++) gsub(/[ ×]/, "", $i);
      print $2 "|" $3 "|" $4 "|" $5 "|" $6 "|" $7 "|" $8 }' "$tmp/number" |
  while IFS='|' read -r set f s fx p t px; do
    row "rb_number_format, $set" "$f ns" "snprintf %.17g $s ns" "${fx}× its speed" "≥ 3×" "$(verdict "$fx" ">=" 3)"
    v=$(verdict "$px" ">=" 2)
    case $set in random*) [ "$v" = met ] || v="missed (extreme exponents, not series data)" ;; esac
    row "rb_number_parse, $set" "$p ns" "strtod $t ns" "${px}× its speed" "≥ 2×" "$v"
  done
fi

if wants engine; then
  # shellcheck disable=SC2086
  set -- $engine_size
  section "Engine evaluation (bench-engine $1 nodes × $2 bins)"
  "$build/bench/bench-engine" "$1" "$2" >"$tmp/engine"
  raw "$tmp/engine"
  e=$(sed -n 's/^rb_engine_evaluate, best of [0-9]*: *\([0-9.]*\) ms.*/\1/p' "$tmp/engine")
  h=$(sed -n 's/^hand loop, reused warm buffer: *\([0-9.]*\) ms.*/\1/p' "$tmp/engine")
  pct=$(sed -n 's/^engine speed vs warm hand loop: *\([0-9.]*\) %.*/\1/p' "$tmp/engine")
  if [ "$1" = 1000 ] && [ "$2" = 10000 ]; then target="≥ 50 %"; v=$(verdict "$pct" ">=" 50)
  else target="(≥ 50 % at 1 000 × 10 000)"; v=""; fi
  row "rb_engine_evaluate, $1 × $2" "$e ms" "hand loop $h ms" "$pct % of its speed" "$target" "$v"
fi

if wants run-write; then
  # shellcheck disable=SC2086
  set -- $write_size
  section "Writing a run folder (bench-run-write $1 series × $2 bins, in ${TMPDIR:-/tmp})"
  "$build/bench/bench-run-write" "$1" "$2" >"$tmp/write"
  raw "$tmp/write"
  w=$(sed -n 's/^rb_run_writer_write (all work) *\([0-9.]*\) s.*/\1/p' "$tmp/write")
  b=$(sed -n 's/^plain write() of the same bytes *\([0-9.]*\) s.*/\1/p' "$tmp/write")
  x=$(sed -n 's/^writer \/ baseline *\([0-9.]*\) x.*/\1/p' "$tmp/write")
  row "rb_run_writer_write, $1 × $2" "$w s" "plain write() $b s" "${x}× the time" "(none)" ""
fi

if wants capture; then
  # shellcheck disable=SC2086
  set -- $capture_size
  for where in /dev/shm "${TMPDIR:-/tmp}"; do
    section "Telemetry capture (bench-capture $1 series × $2 bins, TMPDIR=$where, $(fs_of "$where"))"
    TMPDIR=$where "$build/bench/bench-capture" "$1" "$2" >"$tmp/capture"
    raw "$tmp/capture"
    c=$(sed -n 's/^capture (overwrite) *\([0-9.]*\) s.*/\1/p' "$tmp/capture")
    b=$(sed -n 's/^copy the bytes (baseline) *\([0-9.]*\) s.*/\1/p' "$tmp/capture")
    x=$(sed -n 's/.*(\([0-9.]*\)x the copy).*/\1/p' "$tmp/capture")
    fs=$(df -T "$where" | awk 'NR == 2 { print $2 }')
    if [ "$1" = 1000 ] && [ "$2" = 10000 ]; then target="≤ 1 s"; v=$(verdict "$c" "<=" 1); else target="(≤ 1 s at 1 000 × 10 000)"; v=""; fi
    row "capture, $1 × $2, $fs" "$c s" "copy $b s" "${x}× the time" "$target" "$v"
  done
fi

if wants app-start; then
  section "Store listing and app start ($app_runs runs; bench/bench-app-startup.sh)"
  # A 100 000-run folder takes ~18 inodes per run and hard links (ext4 allows
  # 65 000 per file): it needs a tmpfs with the inodes free.
  data=${RUNBOARD_BENCH_DIR:-/dev/shm/runboard-bench-$app_runs}
  if [ ! -d "$data/runs" ]; then
    mkdir -p "$data"
    free_inodes=$(df --output=iavail "$data" | tail -1)
    if [ "$(df --output=fstype "$data" | tail -1)" != tmpfs ] || [ "$free_inodes" -lt $((app_runs * 20)) ]; then
      echo "run-all.sh: $data is not a tmpfs with $((app_runs * 20)) free inodes ($free_inodes);" \
           "point RUNBOARD_BENCH_DIR at one, e.g. mount -t tmpfs -o size=2G,nr_inodes=3000000 tmpfs /mnt/rb" >&2
      rmdir "$data" 2>/dev/null || true
      exit 1
    fi
  fi
  printf 'Data folder: %s on %s.\n\n' "$data" "$(fs_of "$data")" >>"$report"
  # hyperfine's 3 runs: the first builds .runboard/index (max), the others use it (min).
  range_s() { sed -n 's/^ *Range (min … max): *\([0-9.]*\) \(m\{0,1\}s\) … *\([0-9.]*\) \(m\{0,1\}s\).*/\1 \2 \3 \4/p' "$1" |
              head -1 | awk -v w="$2" '{ v = (w == "min") ? $1 : $3; u = (w == "min") ? $2 : $4;
                                         printf "%.3f", (u == "ms") ? v / 1000 : v }'; }
  # "app: first list paint after N ms, …, VmRSS M MB" (the app's own hook), else
  # the older "app: list shown (CPU quiet) after N ms, VmRSS M MB"; none: "> 30 000".
  app_line() { grep -m1 '^app: first list paint after' "$1" || grep -m1 '^app: .*after [0-9]* ms' "$1" || true; }
  app_ms() { l=$(app_line "$1"); if [ -n "$l" ]; then echo "$l" | sed -n 's/.* after \([0-9]*\) ms.*/\1/p';
             elif grep -q 'no first list paint within' "$1"; then sed -n 's/.*no first list paint within \([0-9]*\) s.*/> \1000/p' "$1"; fi; }
  app_mb() { app_line "$1" | sed -n 's/.*VmRSS \([0-9]*\) MB.*/\1/p'; }
  if "$src/bench/bench-app-startup.sh" "$build" "$app_runs" >"$tmp/app" 2>&1; then :; else
    echo "(bench-app-startup.sh $app_runs failed)" >>"$tmp/app"; fi
  raw "$tmp/app"
  printf '\nBaseline, the same script with 1 run:\n' >>"$report"
  if RUNBOARD_BENCH_DIR=/dev/shm/runboard-bench-1 "$src/bench/bench-app-startup.sh" "$build" 1 >"$tmp/app1" 2>&1; then :; else
    echo "(bench-app-startup.sh 1 failed)" >>"$tmp/app1"; fi
  raw "$tmp/app1"
  # Baseline for the listing: read every run.json, nothing parsed (warm cache).
  find "$data/runs" -maxdepth 2 -name run.json -print0 | xargs -0 cat >/dev/null
  cat_start=$(date +%s%N)
  find "$data/runs" -maxdepth 2 -name run.json -print0 | xargs -0 cat >/dev/null
  cat_s=$(awk -v ns=$(( $(date +%s%N) - cat_start )) 'BEGIN { printf "%.3f", ns / 1e9 }')
  printf '\nBaseline for the listing: `find runs -name run.json | xargs cat` (warm): %s s\n' "$cat_s" >>"$report"
  l=$(range_s "$tmp/app" min); lf=$(range_s "$tmp/app" max); l1=$(range_s "$tmp/app1" min)
  a=$(app_ms "$tmp/app"); a1=$(app_ms "$tmp/app1"); r=$(app_mb "$tmp/app"); r1=$(app_mb "$tmp/app1")
  ratio() { case $1 in ">"*) echo "> $(ratio "${1#> }" "$2")"; return ;; esac
            awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "?"; else printf "%.1f", a / b }'; }
  row "runs list --page-size 1, $app_runs runs, index in place (best of 2)" "${l:-?} s" "cat every run.json $cat_s s" "$(ratio "$l" "$cat_s")× the time" "" ""
  row "runs list --page-size 1, $app_runs runs, first (writes the index)" "${lf:-?} s" "cat every run.json $cat_s s" "$(ratio "$lf" "$cat_s")× the time" "" ""
  row "runs list --page-size 1, $app_runs runs vs 1 run (index in place)" "${l:-?} s" "1 run ${l1:-?} s" "$(ratio "$l" "$l1")× the time" "" ""
  if [ "$app_runs" = 100000 ]; then t1="≤ 1 s"; t2="≤ 150 MB"; v1=$(verdict "${a#> }" "<=" 1000); v2=$(verdict "$r" "<=" 150)
  else t1="(≤ 1 s at 100 000)"; t2="(≤ 150 MB at 100 000)"; v1=""; v2=""; fi
  row "app first paint, $app_runs runs" "${a:-?} ms" "1 run ${a1:-?} ms" "$(ratio "$a" "$a1")× the time" "$t1" "$v1"
  row "app RSS at first paint, $app_runs runs" "${r:-?} MB" "1 run ${r1:-?} MB" "$(ratio "$r" "$r1")×" "$t2" "$v2"
fi

if wants server; then
  section "Server throughput (bench-server.sh, $server_runs runs, wrk $wrk_duration, $server_repeats time(s))"
  : >"$tmp/server-all"
  i=1
  while [ "$i" -le "$server_repeats" ]; do
    RUNS=$server_runs DURATION=$wrk_duration PORT=$((20000 + ($$ + i * 7) % 20000)) \
      "$src/bench/bench-server.sh" "$build" >"$tmp/server" 2>&1 || echo "(bench-server.sh failed)" >>"$tmp/server"
    raw "$tmp/server"
    rps() { awk -v l="$1" 'index($0, l) == 1 { for (i = 2; i <= NF; i++) if ($i == "req/s") print $(i - 1) }' "$tmp/server"; }
    ours=$(rps "runboard-server, Connection: close"); theirs=$(rps "nginx static, Connection: close")
    pct=$(sed -n 's/^ratio ours\/nginx (Connection: close): \([0-9]*\) %/\1/p' "$tmp/server")
    echo "${pct:-0} ${ours:-?} ${theirs:-?}" >>"$tmp/server-all"
    i=$((i + 1))
  done
  # the median run by ratio
  set -- $(sort -n "$tmp/server-all" | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }')
  all=$(awk '{ printf "%s%s %%", (NR > 1 ? ", " : ""), $1 }' "$tmp/server-all")
  row "GET /v1/runs?pageSize=50, Connection: close (median of: $all)" "$2 req/s" "nginx static $3 req/s" "$1 %" "≥ 50 %" "$(verdict "$1" ">=" 50)"
fi

{
  sed -n '1,/^\* command/p' "$report"
  echo "* load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "## Summary: each figure against its baseline from this run"
  echo
  echo "| figure | ours | baseline | ratio | target | |"
  echo "|---|---:|---:|---:|---|---|"
  cat "$summary"
  sed -n '/^\* command/,$p' "$report" | sed 1d
} >"$out"
echo >&2
cat "$out"
echo >&2
echo "run-all.sh: report written to $out" >&2
