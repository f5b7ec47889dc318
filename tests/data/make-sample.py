#!/usr/bin/env python3
# make-sample.py — writes tests/data/sample/, a small realistic data folder
# (the one build-aux/run.sh opens the app on), reproducibly.
#
#   python3 tests/data/make-sample.py [OUTPUT_DIR]
#
# Six runs: several templates, both modes, both FlowTime eras (runs/<id>/
# and a TT-M-03.17 run directly in the data folder), a replay, run
# warnings, a run-scoped telemetry bundle, a shared-key bundle under
# telemetry/<key>/, and one deliberately broken run (malformed run.json).
# Files follow formats.md: 2-space JSON with one trailing LF, series hashes
# of the CSV bytes, modelHash = sha256 of the model.yaml bytes. The 2025-10
# run is written as FlowTime wrote it then (BOMs, "t,value", no trailing LF).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import hashlib
import json
import math
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(HERE, "sample")
BOM = b"\xef\xbb\xbf"


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def num(v):
    """Shortest round-trip decimal, integers without '.0' (values here are
    small, so the exponent form never applies)."""
    if isinstance(v, int) or (math.isfinite(v) and v == int(v)):
        return str(int(v))
    return repr(v)


def to_json(obj, trailing_lf=True):
    text = json.dumps(obj, indent=2, ensure_ascii=False)
    return (text + ("\n" if trailing_lf else "")).encode("utf-8")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def csv(values, header="bin_index,value"):
    return ("".join([header + "\n"] + ["%d,%s\n" % (i, num(v)) for i, v in enumerate(values)])).encode()


class Noise:
    """Small deterministic noise (an LCG), independent of Python's random."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (1664525 * self.state + 1013904223) & 0xFFFFFFFF
        return self.state / 0xFFFFFFFF - 0.5


def daily(bins, bin_minutes, base, amplitude, peak_hour, noise, jitter):
    out = []
    for i in range(bins):
        hour = (i * bin_minutes / 60.0) % 24
        v = base + amplitude * math.cos((hour - peak_hour) / 24.0 * 2 * math.pi)
        v *= 1 + jitter * noise.next()
        out.append(round(max(v, 0), 1))
    return out


def queue(arrivals, capacity):
    """Served and queue depth of a simple FIFO with per-bin capacity."""
    q, served, depth = 0.0, [], []
    for a, c in zip(arrivals, capacity):
        s = min(q + a, c)
        q = q + a - s
        served.append(round(s, 1))
        depth.append(round(q, 1))
    return served, depth


def yaml_list(values):
    return "[" + ", ".join(num(v) for v in values) + "]"


def model_yaml(meta, mode, grid, topology, series, seed, file_semantics):
    """A model: every series is a const node; topology semantics name them
    (or, like FlowTime at HEAD, point at the stored files)."""
    lines = [
        "schemaVersion: 1",
        "generator: runboard",
        "mode: %s" % mode,
        "metadata:",
        "  id: %s" % meta["id"],
        "  title: %s" % meta["title"],
        "  version: %s" % meta["version"],
        "window:",
        "  start: 2026-01-01T00:00:00Z",
        "  timezone: UTC",
        "grid:",
        "  bins: %d" % grid["bins"],
        "  binSize: %d" % grid["binSize"],
        "  binUnit: %s" % grid["binUnit"],
        "rng:",
        "  kind: pcg32",
        "  seed: %d" % seed,
        "topology:",
        "  nodes:",
    ]
    for node in topology:
        lines.append("    - id: %s" % node["id"])
        lines.append("      kind: %s" % node["kind"])
        lines.append("      semantics:")
        for metric, series_node in node["semantics"].items():
            if file_semantics:
                sid = "%s@%s@DEFAULT" % (series_node, series_node.upper())
                lines.append("        %s: \"file:../series/%s.csv\"" % (metric, sid))
            else:
                lines.append("        %s: %s" % (metric, series_node))
    lines.append("  edges: []")
    lines.append("nodes:")
    for node_id, values in series:
        lines.append("  - id: %s" % node_id)
        lines.append("    kind: const")
        lines.append("    values: %s" % yaml_list(values))
    lines.append("outputs:")
    lines.append("  - series: \"*\"")
    return ("\n".join(lines) + "\n").encode()


METRIC_NAMES = {
    "arrivals": "Arrivals", "served": "Served", "errors": "Errors",
    "externalDemand": "ExternalDemand", "queueDepth": "QueueDepth", "capacity": "Capacity",
}


def write_bundle(bundle_dir, run, capture_key, generated_at):
    """A telemetry bundle of @run (formats.md): one CSV per (node, metric)."""
    files = []
    for node in run["topology"]:
        for metric, series_node in node["semantics"].items():
            values = dict(run["series"])[series_node]
            name = "%s_%s.csv" % (node["id"], metric.lower())
            data = csv(values)
            write(os.path.join(bundle_dir, name), data)
            files.append({"nodeId": node["id"], "metric": METRIC_NAMES[metric],
                          "path": name, "hash": sha(data), "points": len(values)})
    grid = run["grid"]
    manifest = {
        "schemaVersion": 2,
        "window": {"startTimeUtc": "2026-01-01T00:00:00Z",
                   "durationMinutes": grid["bins"] * grid["binSize"]},
        "grid": {"bins": grid["bins"], "binSize": grid["binSize"], "binUnit": grid["binUnit"]},
        "files": files,
        "warnings": [],
        "provenance": {"runId": run["id"], "scenarioHash": run["scenarioHash"],
                       "modelHash": run["modelHash"], "capturedAtUtc": generated_at},
        "supportsClassMetrics": False,
    }
    params_hash = sha(json.dumps({"templateId": run["meta"]["id"],
                                  "templateVersion": run["meta"]["version"],
                                  "rngSeed": run["seed"],
                                  "parameters": dict(sorted(run["parameters"].items()))},
                                 separators=(",", ":")).encode())
    autocapture = {
        "templateId": run["meta"]["id"], "captureKey": capture_key, "sourceRunId": run["id"],
        "generatedAtUtc": generated_at, "rngSeed": run["seed"],
        "parametersHash": params_hash, "scenarioHash": run["scenarioHash"],
    }
    write(os.path.join(bundle_dir, "manifest.json"), to_json(manifest))
    write(os.path.join(bundle_dir, "autocapture.json"), to_json(autocapture))
    return manifest


def write_run(run):
    """A run as Runboard writes it (formats.md "Run directory")."""
    d = os.path.join(OUT, "runs", run["id"])
    meta, grid, seed = run["meta"], run["grid"], run["seed"]
    model = model_yaml(meta, run["mode"], grid, run["topology"], run["series"], seed,
                       run.get("file_semantics", False))
    model_hash = sha(model)
    scenario_hash = sha((model.decode().strip() + "\n%d\nnull" % seed).encode())
    input_hash = sha(json.dumps({"templateId": meta["id"], "templateVersion": meta["version"],
                                 "mode": run["mode"], "parameters": dict(sorted(run["parameters"].items())),
                                 "rng": {"kind": "pcg32", "seed": seed}},
                                separators=(",", ":")).encode())
    run["modelHash"], run["scenarioHash"] = model_hash, scenario_hash
    model_id = "model_" + run["created"][:19].replace("-", "").replace(":", "") + "Z_" + model_hash[7:15]

    write(os.path.join(d, "spec.yaml"), model)
    write(os.path.join(d, "model", "model.yaml"), model)

    index, run_series, hashes = [], [], {}
    for node_id, values in run["series"]:
        sid = "%s@%s@DEFAULT" % (node_id, node_id.upper())
        path = "series/%s.csv" % sid
        data = csv(values)
        write(os.path.join(d, path), data)
        hashes[sid] = sha(data)
        run_series.append({"id": sid, "path": path, "unit": "entities/bin"})
        index.append({"id": sid, "kind": "flow", "path": path, "unit": "entities/bin",
                      "componentId": node_id.upper(), "class": "DEFAULT",
                      "points": len(values), "hash": sha(data)})

    run_json = {
        "schemaVersion": 1, "runId": run["id"], "engineVersion": "runboard-0.1.0",
        "source": "engine", "inputHash": input_hash,
        "grid": dict(grid, timezone="UTC", align="left"),
        "modelHash": model_hash, "scenarioHash": scenario_hash,
        "createdUtc": run["created"], "warnings": run.get("warnings", []),
        "series": run_series,
    }
    run_text = to_json(run_json)
    if run.get("broken"):
        # Hand-edited and left with a trailing comma: not valid JSON at line 3.
        run_text = run_text.replace(b'"runId": "%s",' % run["id"].encode(),
                                    b'"runId": "%s",,' % run["id"].encode(), 1)
    write(os.path.join(d, "run.json"), run_text)
    write(os.path.join(d, "manifest.json"), to_json({
        "schemaVersion": 1, "scenarioHash": scenario_hash, "modelHash": model_hash,
        "rng": {"kind": "pcg32", "seed": seed}, "seriesHashes": hashes, "eventCount": 0,
        "createdUtc": run["created"],
        "provenance": {"hasProvenance": True, "modelId": model_id,
                       "templateId": meta["id"], "inputHash": input_hash},
    }))
    write(os.path.join(d, "model", "metadata.json"), to_json({
        "schemaVersion": 1, "templateId": meta["id"], "templateTitle": meta["title"],
        "templateVersion": meta["version"], "mode": run["mode"], "modelHash": model_hash,
        "source": "runboard", "generator": "runboard/0.1.0", "modelId": model_id,
        "generatedAtUtc": run["created"], "receivedAtUtc": run["created"],
        "parameters": run["parameters"],
    }))
    provenance = {
        "source": "runboard", "modelId": model_id, "templateId": meta["id"],
        "templateVersion": meta["version"], "templateTitle": meta["title"], "mode": run["mode"],
        "parameters": run["parameters"], "inputHash": input_hash,
        "rng": {"kind": "pcg32", "seed": seed}, "generatedAt": run["created"],
        "generator": "runboard/0.1.0",
    }
    if "replayOf" in run:
        provenance["replayOf"] = run["replayOf"]
    if "telemetrySource" in run:
        provenance["telemetry"] = run["telemetrySource"]
    write(os.path.join(d, "model", "provenance.json"), to_json(provenance))
    write(os.path.join(d, "series", "index.json"), to_json({
        "schemaVersion": 1,
        "grid": {"bins": grid["bins"], "binSize": grid["binSize"], "binUnit": grid["binUnit"],
                 "timezone": "UTC"},
        "series": index,
    }))
    return d


def write_telemetry_state(run_dir, manifest, target, capture_key, generated_at):
    tdir = os.path.join(run_dir, "model", "telemetry")
    write(os.path.join(tdir, "telemetry-manifest.json"), to_json(manifest))
    write(os.path.join(tdir, "capture-ref.json"), to_json(
        {"target": target, "captureKey": capture_key, "generatedAtUtc": generated_at}))


def write_legacy_run():
    """TT-M-03.17: directly in the data folder, as FlowTime wrote it then."""
    run_id = "run_20251022T125205Z_3f2a1b0c"
    d = os.path.join(OUT, run_id)
    noise = Noise(7)
    bins, bin_size = 24, 60
    arrivals = daily(bins, bin_size, 40, 18, 13, noise, 0.08)
    capacity = [48.0] * bins
    served, depth = queue(arrivals, capacity)
    errors = [round(max(0, a * 0.02 + noise.next()), 1) for a in arrivals]
    model_text = "\n".join([
        "schemaVersion: 1", "generator: flowtime-sim", "mode: simulation",
        "metadata:", "  id: sim-order", "  title: Simulation Order Template", "  version: 1.0.0",
        "window:", "  start: 2025-10-22T00:00:00Z", "  timezone: UTC",
        "grid:", "  bins: %d" % bins, "  binSize: %d" % bin_size, "  binUnit: minutes",
        "topology:", "  nodes:", "    - id: OrderService", "      kind: service", "      semantics:",
        "        arrivals: arrivals", "        served: served", "        errors: errors",
        "        queue: backlog", "  edges: []",
        "nodes:",
        "  - id: arrivals", "    kind: const", "    values: %s" % yaml_list(arrivals),
        "  - id: served", "    kind: const", "    values: %s" % yaml_list(served),
        "  - id: errors", "    kind: const", "    values: %s" % yaml_list(errors),
        "  - id: backlog", "    kind: const", "    values: %s" % yaml_list(depth),
        "outputs:", "  - series: \"*\"", ""]).encode()
    model = BOM + model_text
    model_hash = sha(model)
    scenario_hash = sha((model_text.decode().strip() + "\nnull\nnull").encode())
    created = "2025-10-22T12:52:05.1637446Z"

    write(os.path.join(d, "spec.yaml"), model)
    write(os.path.join(d, "model", "model.yaml"), model)
    run_series, index, hashes = [], [], {}
    for node_id, values in (("arrivals", arrivals), ("served", served),
                            ("errors", errors), ("backlog", depth)):
        sid = "%s@%s@DEFAULT" % (node_id, node_id.upper())
        path = "series/%s.csv" % sid
        data = BOM + csv(values, header="t,value")
        write(os.path.join(d, path), data)
        hashes[sid] = sha(data)
        run_series.append({"id": sid, "path": path, "unit": "entities/bin"})
        index.append({"id": sid, "kind": "flow", "path": path, "unit": "entities/bin",
                      "componentId": node_id.upper(), "class": "DEFAULT",
                      "points": len(values), "hash": sha(data)})
    write(os.path.join(d, "run.json"), BOM + to_json({
        "schemaVersion": 1, "runId": run_id, "engineVersion": "0.1.0", "source": "engine",
        "grid": {"bins": bins, "binSize": bin_size, "binUnit": "minutes",
                 "timezone": "UTC", "align": "left"},
        "modelHash": model_hash, "scenarioHash": scenario_hash, "createdUtc": created,
        "warnings": [], "series": run_series}, trailing_lf=False))
    write(os.path.join(d, "manifest.json"), BOM + to_json({
        "schemaVersion": 1, "scenarioHash": scenario_hash,
        "rng": {"kind": "pcg32", "seed": 1804289383}, "seriesHashes": hashes,
        "eventCount": 0, "createdUtc": created, "modelHash": model_hash}, trailing_lf=False))
    write(os.path.join(d, "model", "metadata.json"), BOM + to_json({
        "schemaVersion": 1, "templateId": "sim-order", "templateTitle": "Simulation Order Template",
        "templateVersion": "1.0.0", "mode": "simulation", "modelHash": model_hash,
        "source": None, "generator": None, "modelId": None, "generatedAtUtc": None,
        "receivedAtUtc": "2025-10-22T12:52:05.1600000Z", "parameters": {}}, trailing_lf=False))
    write(os.path.join(d, "series", "index.json"), BOM + to_json({
        "schemaVersion": 1,
        "grid": {"bins": bins, "binSize": bin_size, "binUnit": "minutes", "timezone": "UTC"},
        "series": index,
        "formats": {"aggregatesTable": {"path": "aggregates/node_time_bin.parquet",
                                        "dimensions": ["time_bin", "component_id", "class"],
                                        "measures": ["arrivals", "served", "errors"]}}},
        trailing_lf=False))
    # FlowTime's empty run-level manifest: no telemetry yet.
    write(os.path.join(d, "model", "telemetry", "telemetry-manifest.json"), to_json({
        "schemaVersion": 1,
        "window": {"startTimeUtc": "2025-10-22T00:00:00Z", "durationMinutes": bins * bin_size},
        "grid": {"bins": bins, "binSize": bin_size, "binUnit": "minutes"},
        "files": [], "warnings": [],
        "provenance": {"runId": run_id, "scenarioHash": scenario_hash, "modelHash": model_hash,
                       "capturedAtUtc": "2025-10-22T12:52:05.2012345Z"}}, trailing_lf=False))


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "runs"))

    # 1. Warehouse, simulation, 96 x 15 min, run-scoped telemetry bundle.
    n = Noise(1)
    bins = 96
    orders = daily(bins, 15, 42, 30, 11, n, 0.12)
    pick_cap = [48.0 if (i // 8) % 2 == 0 else 30.0 for i in range(bins)]
    picked, staged = queue(orders, pick_cap)
    pack_cap = [45.0] * bins
    packed, pack_q = queue(picked, pack_cap)
    warehouse = {
        "id": "run_20261120T081500Z_7c1e2a90",
        "meta": {"id": "warehouse-picker-waves", "title": "Warehouse Picker Wave Dispatch", "version": "1.1.0"},
        "mode": "simulation", "created": "2026-11-20T08:15:00.412345Z", "seed": 123,
        "grid": {"bins": bins, "binSize": 15, "binUnit": "minutes"},
        "parameters": {"bins": bins, "binSize": 15, "waveCapacity": 48, "wavePeriodBins": 8},
        "series": [("orders", orders), ("pick_capacity", pick_cap), ("picked", picked),
                   ("staging_queue", staged), ("packed", packed), ("pack_queue", pack_q)],
        "topology": [
            {"id": "Staging", "kind": "queue",
             "semantics": {"arrivals": "orders", "served": "picked", "queueDepth": "staging_queue"}},
            {"id": "Picking", "kind": "service",
             "semantics": {"arrivals": "picked", "served": "packed", "capacity": "pick_capacity"}},
            {"id": "Packing", "kind": "queue",
             "semantics": {"arrivals": "picked", "served": "packed", "queueDepth": "pack_queue"}},
        ],
    }
    d = write_run(warehouse)
    gen = "2026-11-20T09:02:11.250000Z"
    manifest = write_bundle(os.path.join(d, "model", "telemetry"), warehouse, None, gen)
    write_telemetry_state(d, manifest, "run", None, gen)

    # 2. Transportation, simulation, 48 x 30 min, warnings, shared-key bundle.
    n = Noise(2)
    bins = 48
    north = daily(bins, 30, 60, 35, 8, n, 0.1)
    south = daily(bins, 30, 45, 25, 17, n, 0.1)
    hub_in = [round(a + b, 1) for a, b in zip(north, south)]
    hub_cap = [110.0] * bins
    hub_out, hub_q = queue(hub_in, hub_cap)
    lost = [round(max(0.0, q - 40) * 0.1, 1) for q in hub_q]
    transport = {
        "id": "run_20261121T140000Z_b4d2f613",
        "meta": {"id": "transportation-basic", "title": "Transportation Network with Hub Queue", "version": "3.0.1"},
        "mode": "simulation", "created": "2026-11-21T14:00:00.000000Z", "seed": 2024,
        "grid": {"bins": bins, "binSize": 30, "binUnit": "minutes"},
        "parameters": {"bins": bins, "binSize": 30, "hubCapacity": 110},
        "series": [("origin_north", north), ("origin_south", south), ("hub_arrivals", hub_in),
                   ("hub_capacity", hub_cap), ("hub_dispatched", hub_out), ("hub_queue", hub_q),
                   ("hub_lost", lost)],
        "topology": [
            {"id": "OriginNorth", "kind": "source", "semantics": {"arrivals": "origin_north", "served": "origin_north"}},
            {"id": "OriginSouth", "kind": "source", "semantics": {"arrivals": "origin_south", "served": "origin_south"}},
            {"id": "HubQueue", "kind": "queue",
             "semantics": {"arrivals": "hub_arrivals", "served": "hub_dispatched", "errors": "hub_lost",
                           "queueDepth": "hub_queue", "capacity": "hub_capacity"}},
        ],
        "warnings": [
            {"code": "queue_backlog", "message": "HubQueue holds more than 40 entities for several bins.",
             "nodeId": "HubQueue", "bins": [i for i, q in enumerate(hub_q) if q > 40][:6]},
            {"code": "losses_recorded",
             "message": "HubQueue lost entities while its queue held more than 40.",
             "nodeId": "HubQueue"},
        ],
        "file_semantics": True,
    }
    d = write_run(transport)
    key = "transportation-network-telemetry"
    gen = "2026-11-21T14:05:42.000000Z"
    manifest = write_bundle(os.path.join(OUT, "telemetry", key), transport, key, gen)
    write_telemetry_state(d, manifest, "key", key, gen)

    # 3. Transportation, telemetry mode: replay of run 2 from its telemetry.
    replay = dict(transport)
    replay.update({
        "id": "run_20261122T093000Z_5e6f7a8b", "mode": "telemetry",
        "created": "2026-11-22T09:30:00.000000Z", "warnings": [],
        "replayOf": {"runId": transport["id"], "kind": "telemetry"},
        "telemetrySource": {"captureKey": key, "sourceRunId": transport["id"]},
    })
    write_run(replay)

    # 4. IT system, simulation, 288 x 5 min: a full day of requests.
    n = Noise(4)
    bins = 288
    requests = daily(bins, 5, 300, 220, 14, n, 0.15)
    auth_cap = [420.0] * bins
    authed, auth_q = queue(requests, auth_cap)
    failures = [round(max(0.0, a * 0.01 + 2 * n.next()), 1) for a in authed]
    db_cap = [380.0 if 96 <= i < 120 else 450.0 for i in range(bins)]
    stored, db_q = queue(authed, db_cap)
    it_system = {
        "id": "run_20261123T110000Z_0d9c8b7a",
        "meta": {"id": "it-system-microservices", "title": "IT System with Queueing and Database Retries", "version": "2.0.0"},
        "mode": "simulation", "created": "2026-11-23T11:00:00.000000Z", "seed": 77,
        "grid": {"bins": bins, "binSize": 5, "binUnit": "minutes"},
        "parameters": {"bins": bins, "binSize": 5, "authCapacity": 420, "dbCapacity": 450},
        "series": [("requests", requests), ("auth_capacity", auth_cap), ("authenticated", authed),
                   ("auth_queue", auth_q), ("auth_failures", failures), ("db_capacity", db_cap),
                   ("stored", stored), ("db_queue", db_q)],
        "topology": [
            {"id": "AuthService", "kind": "service",
             "semantics": {"arrivals": "requests", "served": "authenticated", "errors": "auth_failures",
                           "queueDepth": "auth_queue", "capacity": "auth_capacity"}},
            {"id": "Database", "kind": "service",
             "semantics": {"arrivals": "authenticated", "served": "stored", "queueDepth": "db_queue",
                           "capacity": "db_capacity"}},
        ],
    }
    write_run(it_system)

    # 5. FlowTime TT-M-03.17 run directly in the data folder.
    write_legacy_run()

    # 6. A broken run: run.json hand-edited into invalid JSON.
    n = Noise(6)
    bins = 24
    parts = daily(bins, 60, 80, 20, 10, n, 0.05)
    broken = {
        "id": "run_20261124T160000Z_deadbeef",
        "meta": {"id": "manufacturing-line", "title": "Manufacturing Line", "version": "1.0.0"},
        "mode": "simulation", "created": "2026-11-24T16:00:00.000000Z", "seed": 5,
        "grid": {"bins": bins, "binSize": 60, "binUnit": "minutes"},
        "parameters": {"bins": bins},
        "series": [("parts", parts)],
        "topology": [{"id": "Assembly", "kind": "service", "semantics": {"arrivals": "parts"}}],
        "broken": True,
    }
    write_run(broken)


if __name__ == "__main__":
    main()
