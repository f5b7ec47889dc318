# stresslib.py — shared checks for the scripts in tests/stress/: a data
# folder's snapshot and "is this telemetry bundle whole?".
# SPDX-License-Identifier: GPL-3.0-or-later
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile

# What an interrupted generation may leave beside a bundle or a file written
# with rb_fs_write_atomic(): ".<name>.tmp-XXXXXX" / ".<name>.old-XXXXXX".
LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-[A-Za-z0-9]{6}$")


class Violation(Exception):
    """A broken promise of formats.md "Concurrency and safety"."""


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def snapshot(root, skip=lambda rel: False):
    """{relative path: sha256} of every file under root, and
    {relative path: "dir"} of every folder; `skip(rel)` prunes."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir
        kept = []
        for d in sorted(dirnames):
            rel = os.path.join(rel_dir, d)
            if not skip(rel):
                kept.append(d)
                out[rel + "/"] = "dir"
        dirnames[:] = kept
        for name in sorted(filenames):
            rel = os.path.join(rel_dir, name)
            if not skip(rel):
                out[rel] = sha256_file(os.path.join(root, rel))
    return out


def diff_snapshots(before, after):
    """Human-readable lines for what changed between two snapshots."""
    lines = []
    for rel in sorted(set(before) | set(after)):
        if rel not in after:
            lines.append(f"removed: {rel}")
        elif rel not in before:
            lines.append(f"added: {rel}")
        elif before[rel] != after[rel]:
            lines.append(f"changed: {rel}")
    return lines


def load_json(path, what):
    try:
        with open(path, "rb") as f:
            return json.loads(f.read().decode("utf-8"))
    except FileNotFoundError:
        raise Violation(f"{what} is missing")
    except (ValueError, UnicodeDecodeError) as e:
        raise Violation(f"{what} does not parse as JSON: {e}")


def check_bundle(bundle, label):
    """Raises Violation unless `bundle` is one whole bundle: manifest.json and
    autocapture.json parse, every file the manifest lists exists with its
    sha256 and point count, and nothing else is in the folder. Returns
    (sourceRunId, generatedAtUtc, {file: sha256})."""
    if not os.path.isdir(bundle):
        raise Violation(f"{label}: the bundle folder is missing")
    manifest = load_json(os.path.join(bundle, "manifest.json"), f"{label}/manifest.json")
    auto = load_json(os.path.join(bundle, "autocapture.json"), f"{label}/autocapture.json")
    files = manifest.get("files")
    if not isinstance(files, list) or not files:
        raise Violation(f"{label}/manifest.json lists no files")
    expected = {"manifest.json", "autocapture.json"}
    hashes = {}
    for entry in files:
        path = entry.get("path", "")
        if "/" in path or path.startswith("."):
            raise Violation(f"{label}/manifest.json lists a strange path {path!r}")
        full = os.path.join(bundle, path)
        if not os.path.isfile(full):
            raise Violation(f"{label}: {path} is listed in manifest.json but missing")
        digest = hashes.get(path) or sha256_file(full)
        if entry.get("hash") != "sha256:" + digest:
            raise Violation(f"{label}: {path} does not match its checksum in manifest.json")
        with open(full, "rb") as f:
            rows = f.read().count(b"\n") - 1   # minus the header
        if rows != entry.get("points"):
            raise Violation(f"{label}: {path} has {rows} rows, manifest.json says {entry.get('points')}")
        hashes[path] = digest
        expected.add(path)
    present = set(os.listdir(bundle))
    if present != expected:
        extra = sorted(present - expected)
        raise Violation(f"{label}: files not in manifest.json: {', '.join(extra)}")
    prov = manifest.get("provenance", {})
    source = auto.get("sourceRunId")
    if source != prov.get("runId"):
        raise Violation(f"{label}: autocapture.json's sourceRunId {source} is not the manifest's "
                        f"provenance.runId {prov.get('runId')}")
    if auto.get("generatedAtUtc") is None:
        raise Violation(f"{label}/autocapture.json has no generatedAtUtc")
    return source, auto["generatedAtUtc"], hashes


def normal_form(bundle):
    """The bundle's bytes with the generation's own time taken out, to
    compare a bundle with a reference one from the same source run."""
    out = {}
    for name in sorted(os.listdir(bundle)):
        with open(os.path.join(bundle, name), "rb") as f:
            data = f.read()
        if name in ("manifest.json", "autocapture.json"):
            obj = json.loads(data)
            obj.pop("generatedAtUtc", None)
            obj.get("provenance", {}).pop("capturedAtUtc", None)
            data = json.dumps(obj, sort_keys=True).encode()
        out[name] = hashlib.sha256(data).hexdigest()
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_sample(src_top, dest):
    shutil.copytree(os.path.join(src_top, "tests", "data", "sample"), dest, symlinks=True)


def make_temp(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def run_cli(cli, data, *args, check=True):
    p = subprocess.run([cli, "--data-dir", data, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise SystemExit(f"runboard-cli {' '.join(args)} failed ({p.returncode}): {p.stderr.strip()}")
    return p
