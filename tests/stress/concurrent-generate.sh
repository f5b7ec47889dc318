#!/bin/sh
# concurrent-generate.sh — N simultaneous telemetry generations on one key,
# by N runboard-cli processes and by N curl POSTs to a real runboard-server
# on loopback; then N generations on N different keys, both ways.
#
# Usage: tests/stress/concurrent-generate.sh [BUILD_DIR] [N]   (build, 50)
#
# Every process is forked first and held on a pipe; closing the pipe lets all
# N exec at the same moment. Expected (formats.md "Concurrency and safety",
# api.md): on one key exactly 1 generated (CLI exit 0 / HTTP 200) and N−1
# already-exists (CLI exit 3 / HTTP 409 `already_exists`, whose capture object
# names the bundle really there: alreadyExists true, its generatedAtUtc and
# sourceRunId); the bundle whole, no temp folder left. On N keys: N generated,
# N whole bundles. The server must keep its fd count and exit 0 on SIGTERM.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
build=${1:-build}
n=${2:-50}
src=$(cd "$(dirname "$0")/../.." && pwd)
ninja -C "$build" src/cli/runboard-cli src/server/runboard-server >/dev/null
command -v curl >/dev/null || { echo "concurrent-generate.sh: curl is not installed" >&2; exit 1; }
unset RUNBOARD_DISABLE_TELEMETRY_GENERATION RUNBOARD_DATA_DIR || true
export RUNBOARD_TEMPLATE_DIR="$src/data/templates" GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="$build/data"
export PYTHONPATH="$src/tests/stress${PYTHONPATH:+:$PYTHONPATH}"
bin=$(cd "$build/src" && pwd)
exec python3 - "$bin/cli/runboard-cli" "$bin/server/runboard-server" "$src" "$n" <<'PY'
import json, os, shutil, signal, subprocess, sys, time
from stresslib import LEFTOVER, Violation, check_bundle, copy_sample, make_temp

cli, server, src, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
SOURCE = "run_20261120T081500Z_7c1e2a90"
tmp = make_temp("rb-concurrent-")
data = os.path.join(tmp, "data")
copy_sample(src, data)
problems = []

def together(commands):
    """Forks one child per command, holds them on a pipe, then lets them all
    exec at once. Returns [(exit status, stdout bytes)]."""
    r, w = os.pipe()
    pids = []
    for i, argv in enumerate(commands):
        out = os.path.join(tmp, f"out-{i}")
        pid = os.fork()
        if pid == 0:
            try:
                os.close(w)
                os.read(r, 1)          # returns at EOF: when the parent closes w
                fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(fd, 1)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 2)
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        pids.append((pid, out))
    os.close(r)
    time.sleep(0.3)
    os.close(w)
    results = []
    for pid, out in pids:
        _, status = os.waitpid(pid, 0)
        with open(out, "rb") as f:
            results.append((os.waitstatus_to_exitcode(status), f.read()))
        os.unlink(out)
    return results

def bundle_of(key):
    path = os.path.join(data, "telemetry", key)
    source, generated_at, _ = check_bundle(path, f"telemetry/{key}")
    if source != SOURCE:
        raise Violation(f"telemetry/{key} names {source} as its source, not {SOURCE}")
    return generated_at

def no_leftovers():
    left = [e for e in os.listdir(os.path.join(data, "telemetry")) if LEFTOVER.match(e)]
    if left:
        raise Violation("temp folders left in telemetry/: " + ", ".join(sorted(left)))

def check_one_key(label, key, results, ok_status, conflict_status):
    """results: [(status, JSON body)] of N requests on one key."""
    generated = [r for r in results if r[0] == ok_status]
    conflicts = [r for r in results if r[0] == conflict_status]
    others = [r for r in results if r[0] not in (ok_status, conflict_status)]
    print(f"{label}: {len(results)} at once on one key → {len(generated)} generated, "
          f"{len(conflicts)} already-exists, {len(others)} other")
    if len(generated) != 1 or len(conflicts) != len(results) - 1:
        raise Violation(f"{label}: expected 1 generated and {len(results) - 1} already-exists; "
                        f"other statuses: {sorted(set(r[0] for r in others))} "
                        f"{others[0][1][:300] if others else ''}")
    generated_at = bundle_of(key)
    body = json.loads(generated[0][1])
    cap = body.get("capture", {})
    if not (cap.get("generated") is True and cap.get("alreadyExists") is False
            and cap.get("generatedAtUtc") == generated_at and cap.get("captureKey") == key):
        raise Violation(f"{label}: the generated answer does not describe the bundle: {body}")
    for status, raw in conflicts:
        body = json.loads(raw)
        cap = body.get("capture", {})
        if body.get("code") != "already_exists" or not body.get("error"):
            raise Violation(f"{label}: a conflict answer lacks code already_exists and error: {body}")
        if not (cap.get("generated") is False and cap.get("alreadyExists") is True
                and cap.get("generatedAtUtc") == generated_at
                and cap.get("sourceRunId") == SOURCE and cap.get("captureKey") == key):
            raise Violation(f"{label}: a conflict answer does not name the bundle in place "
                            f"({generated_at}): {body}")
    no_leftovers()

def check_many_keys(label, keys, results, ok_status):
    bad = [(k, r) for k, r in zip(keys, results) if r[0] != ok_status]
    print(f"{label}: {len(keys)} at once on {len(keys)} keys → {len(keys) - len(bad)} generated")
    if bad:
        raise Violation(f"{label}: {len(bad)} failed, e.g. {bad[0][0]}: {bad[0][1][0]} "
                        f"{bad[0][1][1][:300]}")
    for k, (_, raw) in zip(keys, results):
        if json.loads(raw)["capture"]["generatedAtUtc"] != bundle_of(k):
            raise Violation(f"{label}: the answer for {k} does not describe its bundle")
    no_leftovers()

def cli_argv(key):
    return [cli, "--data-dir", data, "telemetry", "generate", SOURCE, "--capture-key", key, "--json"]

def curl_argv(port, key):
    body = json.dumps({"source": {"type": "run", "runId": SOURCE}, "output": {"captureKey": key}})
    # status code last, after the body: "…}\n409"
    return [shutil.which("curl"), "-s", "-X", "POST", "-H", "Content-Type: application/json",
            "-d", body, "-w", "\n%{http_code}", "--max-time", "60",
            f"http://127.0.0.1:{port}/v1/telemetry/captures"]

def http_results(raw):
    out = []
    for status, text in raw:
        body, _, code = text.rpartition(b"\n")
        out.append((int(code) if status == 0 and code.isdigit() else f"curl exit {status}", body))
    return out

srv = None
status = 0
try:
    # 1. CLI processes
    check_one_key("CLI", "conc-cli", together([cli_argv("conc-cli")] * n), 0, 3)
    keys = [f"conc-cli-{i}" for i in range(n)]
    check_many_keys("CLI", keys, together([cli_argv(k) for k in keys]), 0)

    # 2. HTTP against a real server on a free loopback port
    log = open(os.path.join(tmp, "server.log"), "wb")
    srv = subprocess.Popen([server, "--listen", "127.0.0.1:0", "--data-dir", data],
                           stdout=subprocess.PIPE, stderr=log)
    line = srv.stdout.readline().decode()
    if not line.startswith("Listening on http://127.0.0.1:"):
        raise Violation(f"runboard-server did not start: {line!r}")
    port = int(line.rsplit(":", 1)[1].strip("/\n"))
    fds = lambda: len(os.listdir(f"/proc/{srv.pid}/fd"))
    subprocess.run(curl_argv(port, "warm-up"), capture_output=True)
    fds_before = fds()
    check_one_key("HTTP", "conc-http", http_results(together([curl_argv(port, "conc-http")] * n)),
                  200, 409)
    keys = [f"conc-http-{i}" for i in range(n)]
    check_many_keys("HTTP", keys, http_results(together([curl_argv(port, k) for k in keys])), 200)
    time.sleep(0.5)
    fds_after = fds()
    print(f"HTTP: server fds {fds_before} → {fds_after}")
    if fds_after > fds_before + 2:
        raise Violation(f"the server's open fds grew from {fds_before} to {fds_after}")
    srv.send_signal(signal.SIGTERM)
    rc = srv.wait(timeout=30)
    srv = None
    if rc != 0:
        raise Violation(f"runboard-server exited {rc} on SIGTERM")
    print(f"concurrent-generate: {n}-way on one key and on {n} keys, CLI and HTTP: 0 violations")
except Violation as v:
    print(f"concurrent-generate: VIOLATION: {v}", file=sys.stderr)
    print(f"concurrent-generate: data folder kept for inspection: {data}", file=sys.stderr)
    status = 1
finally:
    if srv is not None:
        srv.kill()
        srv.wait()
if status == 0:
    shutil.rmtree(tmp)
sys.exit(status)
PY
