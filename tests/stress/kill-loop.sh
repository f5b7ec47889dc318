#!/bin/sh
# kill-loop.sh — kill -9 a real `runboard-cli telemetry generate` at random
# moments, over and over, and check after every kill that the data folder
# keeps the promise of formats.md "Concurrency and safety": the bundle at the
# key is whole — the old one or the new one — and nothing else changed.
#
# Usage: tests/stress/kill-loop.sh [BUILD_DIR] [CYCLES]   (build, 1000; CI: 200)
# Env:   SEED (random) — the delays' random seed, printed so a run can be replayed
#        KEEP=1 — keep the temp data folder (always kept after a violation)
#
# Data: a temp copy of tests/data/sample plus one engine-made run
# (parcel-hub-sortation); the three simulation runs take turns as the source
# of `--capture-key kill-loop --overwrite`, so the old and the new bundle
# differ in their files. Each cycle starts the CLI, sleeps a random time in
# [0, 1.1 × one uncut generation's wall time] and sends SIGKILL.
#
# After every cycle (killed or not):
#   * telemetry/kill-loop/ is whole: manifest.json and autocapture.json parse,
#     every listed file exists with its sha256 and point count, no other file;
#     it is either byte-identical to the bundle before the cycle or a new
#     bundle of this cycle's source equal to that source's reference bundle
#     (made by an uncut generation in a scratch copy; times left out);
#   * the source run's model/telemetry/telemetry-manifest.json and
#     capture-ref.json are the previous ones or match the bundle now in place;
#   * every other file and folder is byte-identical to the start, except
#     the lock files, .runboard/stamp and ".<name>.tmp-XXXXXX" / ".old-" leftovers
#     (counted).
# At the end one uncut generation per source must leave no temp or .old folder
# beside the bundle. Prints "kill-loop: N cycles, K killed mid-write, 0 violations".
# A writer killed inside rb_fs_write_atomic() leaves its ".<file>.tmp-XXXXXX"
# temp file: the final generation must have removed those of the run's
# capture-ref.json / telemetry-manifest.json (under its lock); those of
# .runboard/stamp (no lock) are only reported: they go once an hour old.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
build=${1:-build}
cycles=${2:-1000}
src=$(cd "$(dirname "$0")/../.." && pwd)
cli="$build/src/cli/runboard-cli"
ninja -C "$build" src/cli/runboard-cli >/dev/null
unset RUNBOARD_DISABLE_TELEMETRY_GENERATION RUNBOARD_DATA_DIR || true
export RUNBOARD_TEMPLATE_DIR="$src/data/templates" GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="$build/data"
export PYTHONPATH="$src/tests/stress${PYTHONPATH:+:$PYTHONPATH}"
exec python3 - "$(cd "$(dirname "$cli")" && pwd)/runboard-cli" "$src" "$cycles" <<'PY'
import json, os, random, shutil, signal, subprocess, sys, time
from stresslib import (LEFTOVER, Violation, check_bundle, copy_sample, diff_snapshots,
                       make_temp, normal_form, run_cli, snapshot)

cli, src, cycles = sys.argv[1], sys.argv[2], int(sys.argv[3])
seed = int(os.environ.get("SEED") or random.SystemRandom().randrange(1 << 31))
rng = random.Random(seed)
KEY = "kill-loop"
tmp = make_temp("rb-kill-loop-")
data = os.path.join(tmp, "data")
copy_sample(src, data)
engine_run = run_cli(cli, data, "run", "parcel-hub-sortation", "--deterministic", "--json")
engine_run = json.loads(engine_run.stdout)["runId"]
sources = ["run_20261120T081500Z_7c1e2a90", "run_20261121T140000Z_b4d2f613", engine_run]
bundle_rel = f"telemetry/{KEY}"
bundle = os.path.join(data, bundle_rel)
run_state = {s: [f"runs/{s}/model/telemetry/telemetry-manifest.json",
                 f"runs/{s}/model/telemetry/capture-ref.json"] for s in sources}
volatile = {"telemetry/.kill-loop.lock", ".runboard/", ".runboard/stamp"}
volatile |= {f"runs/{s}/model/.telemetry.lock" for s in sources}
volatile |= {f"runs/{s}/model/telemetry/" for s in sources}
volatile |= {p for s in sources for p in run_state[s]}

def generate(source):
    return [cli, "--data-dir", data, "telemetry", "generate", source,
            "--capture-key", KEY, "--overwrite"]

# Reference bundles: one uncut generation per source in a scratch copy.
refs = {}
scratch = os.path.join(tmp, "scratch")
shutil.copytree(data, scratch, symlinks=True)
for s in sources:
    run_cli(cli, scratch, "telemetry", "generate", s, "--capture-key", KEY, "--overwrite")
    check_bundle(os.path.join(scratch, bundle_rel), f"reference {s}")
    refs[s] = normal_form(os.path.join(scratch, bundle_rel))
shutil.rmtree(scratch)
if len({tuple(sorted(r.items())) for r in refs.values()}) != len(sources):
    sys.exit("kill-loop: the sources' bundles are not all different; the test would prove less")

# One uncut generation per source, timed: the kills spread over that time.
durations = []
for s in sources + sources:
    t = time.monotonic()
    subprocess.run(generate(s), check=True, capture_output=True)
    durations.append(time.monotonic() - t)
duration = max(durations)
baseline = snapshot(data)

def leftovers(snap):
    return sorted(rel for rel in snap
                  if any(LEFTOVER.match(part) for part in rel.rstrip("/").split("/")))

def split(snap):
    """(bundle part, leftovers, volatile part, the rest)"""
    left = set(leftovers(snap))
    b = {k: v for k, v in snap.items() if k.startswith(bundle_rel + "/")}
    vol = {k: v for k, v in snap.items() if k in volatile}
    rest = {k: v for k, v in snap.items()
            if k not in b and k not in left and k not in vol and k != bundle_rel + "/"}
    return b, left, vol, rest

def read(rel):
    try:
        with open(os.path.join(data, rel), "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None

_, _, _, rest0 = split(baseline)
prev_source, prev_time, _ = check_bundle(bundle, bundle_rel)
prev_bundle = split(baseline)[0]
prev_state = {rel: read(rel) for s in sources for rel in run_state[s]}
killed = swapped_killed = left_behind = 0
seen_leftovers = set()

def check_cycle(i, source, rc):
    global prev_source, prev_time, prev_bundle, prev_state, swapped_killed, left_behind
    snap = snapshot(data)
    b, left, vol, rest = split(snap)
    changed = diff_snapshots(rest0, rest)
    if changed:
        raise Violation("files outside the bundle changed: " + "; ".join(changed[:10]))
    got_source, got_time, _ = check_bundle(bundle, bundle_rel)
    if b == prev_bundle:
        if (got_source, got_time) != (prev_source, prev_time):
            raise Violation("the bundle's bytes are the same but its identity changed")
        if rc == 0:
            raise Violation("the CLI exited 0 but the bundle is still the old one")
    else:
        if got_source != source:
            raise Violation(f"the bundle changed, but its source is {got_source}, not {source}")
        if got_time <= prev_time:
            raise Violation(f"the bundle changed, but its generatedAtUtc {got_time} is not newer "
                            f"than {prev_time}")
        if normal_form(bundle) != refs[source]:
            raise Violation(f"the new bundle differs from {source}'s reference bundle")
        if rc != 0:
            swapped_killed += 1
    if rc not in (0, -signal.SIGKILL):
        raise Violation(f"the CLI exited with status {rc}")
    # The run-level state of every source: previous, or matching the bundle.
    manifest_now = read(bundle_rel + "/manifest.json")
    for s in sources:
        tm_rel, ref_rel = run_state[s]
        tm, ref = read(tm_rel), read(ref_rel)
        if s != source or got_source != s:
            if (tm, ref) != (prev_state[tm_rel], prev_state[ref_rel]):
                raise Violation(f"{s}'s telemetry-manifest.json or capture-ref.json changed "
                                "though it was not the source of the bundle in place")
            continue
        if tm != prev_state[tm_rel] and tm != manifest_now:
            raise Violation(f"{tm_rel} is neither the previous one nor the bundle's manifest.json")
        if ref != prev_state[ref_rel]:
            try:
                obj = json.loads(ref)
            except (TypeError, ValueError):
                raise Violation(f"{ref_rel} does not parse as JSON")
            if obj != {"target": "key", "captureKey": KEY, "generatedAtUtc": got_time}:
                raise Violation(f"{ref_rel} is neither the previous one nor this bundle's: {obj}")
    if any(rel.startswith("telemetry/.") for rel in left):
        left_behind += 1
    seen_leftovers.update(left)
    prev_source, prev_time, prev_bundle = got_source, got_time, b
    prev_state = {rel: read(rel) for s in sources for rel in run_state[s]}

print(f"kill-loop: {cycles} cycles, seed {seed}, one uncut generation takes "
      f"{duration * 1000:.0f} ms (max of {len(durations)}); data folder {data}", flush=True)
violations = 0
i = 0
try:
    for i in range(cycles):
        source = sources[i % len(sources)]
        p = subprocess.Popen(generate(source), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, duration * 1.1))
        p.send_signal(signal.SIGKILL)
        rc = p.wait()
        killed += rc == -signal.SIGKILL
        check_cycle(i, source, rc)
    # One uncut generation per source cleans up what the kills left beside
    # the bundle and in each source run's telemetry folder.
    for k in range(len(sources)):
        final = sources[(cycles + k) % len(sources)]
        p = subprocess.run(generate(final), capture_output=True, text=True)
        if p.returncode != 0:
            raise Violation(f"the final uncut generation failed ({p.returncode}): {p.stderr.strip()}")
        check_cycle(cycles + k, final, 0)
    snap = snapshot(data)
    folders = [rel for rel in leftovers(snap) if rel.startswith("telemetry/.")]
    if folders:
        raise Violation("temp or .old folders remain after an uncut generation: " + ", ".join(folders))
    files = [rel for rel in leftovers(snap)]
    # The run's telemetry files are only written under the generation lock,
    # which also removes killed writers' temps; .runboard/stamp has no lock,
    # so its temps go once they are an hour old (rb_fs_remove_stale_temps).
    stray = [rel for rel in files if not rel.startswith(".runboard/")]
    if stray:
        raise Violation("temp files of killed writers remain after an uncut generation: "
                        + ", ".join(sorted(stray)[:5]))
    if files:
        print(f"kill-loop: note: {len(files)} temp file(s) of killed .runboard/stamp writers "
              f"remain (invisible to readers; removed once an hour old): "
              + ", ".join(sorted(files)[:5]) + (" …" if len(files) > 5 else ""))
except Violation as v:
    violations = 1
    print(f"kill-loop: VIOLATION at cycle {i + 1} (source {sources[i % len(sources)]}): {v}",
          file=sys.stderr)
    print(f"kill-loop: data folder kept for inspection: {data}; replay with SEED={seed}",
          file=sys.stderr)
if not violations:
    print(f"kill-loop: {killed} of {cycles} generations killed before they exited, "
          f"{swapped_killed} of them after the new bundle was in place; {left_behind} cycles left "
          f"a temp or .old folder beside the bundle (removed by the next generation); "
          f"{len(seen_leftovers)} temp files or folders seen in all")
print(f"kill-loop: {cycles} cycles, {killed} killed mid-write, {violations} violations")
if not violations and os.environ.get("KEEP") != "1":
    shutil.rmtree(tmp)
sys.exit(1 if violations else 0)
PY
