#!/usr/bin/env python3
# make-many-runs.py — fill a data folder with N copies of one engine-made run
#
# Usage: make-many-runs.py TEMPLATE_RUN_DIR DATA_DIR N
#
# Each copy is runs/run_YYYYMMDDTHHMMSSZ_<8hex>/ with its own run.json (runId
# and createdUtc rewritten, one second apart, so the list has a real order);
# every other file is a hard link to a copy of the template's kept in
# DATA_DIR/.bench-template/ (the benchmarks only
# read them). The folders are made under a temp name and renamed in, like
# the engine does, so a run is visible only when whole.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import datetime
import json
import os
import shutil
import sys


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: make-many-runs.py TEMPLATE_RUN_DIR DATA_DIR N\n")
        return 2
    template, data_dir, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(os.path.join(template, "run.json"), encoding="utf-8") as f:
        run = json.load(f)

    dirs = []
    files = []
    for root, subdirs, names in os.walk(template):
        rel = os.path.relpath(root, template)
        for d in subdirs:
            dirs.append(os.path.normpath(os.path.join(rel, d)))
        for n in names:
            path = os.path.normpath(os.path.join(rel, n))
            if path != "run.json":
                files.append(path)

    runs_dir = os.path.join(data_dir, "runs")
    os.makedirs(runs_dir, exist_ok=True)
    os.makedirs(os.path.join(data_dir, ".runboard"), exist_ok=True)
    # Hard links need one filesystem: keep one copy inside the data folder
    # (a dot name, which is never listed as a run).
    shutil.rmtree(os.path.join(data_dir, ".bench-template"), ignore_errors=True)
    shutil.copytree(template, os.path.join(data_dir, ".bench-template"))
    template = os.path.join(data_dir, ".bench-template")
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    for i in range(count):
        created = start + datetime.timedelta(seconds=i)
        run_id = "run_%s_%08x" % (created.strftime("%Y%m%dT%H%M%SZ"), (i * 2654435761) & 0xFFFFFFFF)
        tmp = os.path.join(runs_dir, "." + run_id + ".tmp-gen")
        os.mkdir(tmp)
        for d in dirs:
            os.mkdir(os.path.join(tmp, d))
        for p in files:
            os.link(os.path.join(template, p), os.path.join(tmp, p))
        run["runId"] = run_id
        run["createdUtc"] = created.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        with open(os.path.join(tmp, "run.json"), "w", encoding="utf-8") as f:
            json.dump(run, f, indent=2)
            f.write("\n")
        os.rename(tmp, os.path.join(runs_dir, run_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
