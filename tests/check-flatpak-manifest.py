#!/usr/bin/env python3
"""The Flatpak manifest is valid JSON and builds every dependency the GNOME
runtime lacks (meson.build's dependency() / find_library() calls), and the
runtime version is the one that ships our GTK/libadwaita/libsoup (GNOME 43:
GTK 4.8, libadwaita 1.2, libsoup 3.2, json-glib 1.6, GLib 2.74)."""
import json
import re
import sys

top = sys.argv[1]
problems = []
with open(f"{top}/build-aux/io.github.runboard.Runboard.json", encoding="utf-8") as f:
    manifest = json.load(f)

if manifest.get("app-id") != "io.github.runboard.Runboard":
    problems.append("app-id is not io.github.runboard.Runboard")
if manifest.get("command") != "runboard":
    problems.append("command is not runboard")
if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("runtime-version") != "43":
    problems.append("runtime must be org.gnome.Platform 43 (GTK 4.8, libadwaita 1.2)")

modules = {m["name"]: m for m in manifest.get("modules", [])}
# What the GNOME 43 runtime provides; anything else meson.build asks for
# must be a module of the manifest.
in_runtime = {"gio-2.0", "gio-unix-2.0", "json-glib-1.0", "libsoup-3.0", "gtk4",
              "libadwaita-1", "m"}
module_for = {"yaml-0.1": "libyaml", "double-conversion": "double-conversion"}
with open(f"{top}/meson.build", encoding="utf-8") as f:
    build = f.read()
wanted = set(re.findall(r"dependency\('([^']+)'", build))
wanted |= set(re.findall(r"find_library\('([^']+)'", build))
for dep in sorted(wanted - in_runtime):
    name = module_for.get(dep)
    if name is None:
        problems.append(f"meson.build needs {dep}, which the manifest does not build")
    elif name not in modules:
        problems.append(f"the manifest has no module {name} (for {dep})")
for name, module in modules.items():
    for source in module.get("sources", []):
        if source.get("type") == "archive" and not re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")):
            problems.append(f"module {name}: an archive source needs a sha256")
if list(modules)[-1:] != ["runboard"] or modules["runboard"].get("buildsystem") != "meson":
    problems.append("the last module must be runboard, built with meson")

for p in problems:
    print(p)
print("1..1")
print(("not ok" if problems else "ok") + " 1 - flatpak manifest names every dependency")
sys.exit(1 if problems else 0)
