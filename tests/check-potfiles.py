#!/usr/bin/env python3
"""Every file with translatable strings is in po/POTFILES.in, which is sorted
and names only files that exist (style guide §9.9: POTFILES drift)."""
import os
import re
import sys

top = sys.argv[1]
listed = []
with open(os.path.join(top, "po", "POTFILES.in"), encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            listed.append(line)

problems = []
if listed != sorted(listed):
    problems.append("po/POTFILES.in is not sorted")
for path in listed:
    if not os.path.exists(os.path.join(top, path)):
        problems.append(f"po/POTFILES.in names {path}, which does not exist")

marker = re.compile(r'\b(N?_|C_|g_dngettext|ngettext)\s*\(\s*"|translatable="yes"')
for sub in ("src", "data"):
    for root, dirs, files in os.walk(os.path.join(top, sub)):
        for name in files:
            if not name.endswith((".c", ".ui", ".in", ".xml")):
                continue
            path = os.path.relpath(os.path.join(root, name), top)
            with open(os.path.join(top, path), encoding="utf-8", errors="replace") as f:
                if marker.search(f.read()) and path not in listed:
                    problems.append(f"{path} has translatable strings but is not in po/POTFILES.in")

for p in problems:
    print(p)
print("1..1")
print(("not ok" if problems else "ok") + " 1 - POTFILES.in complete and sorted")
sys.exit(1 if problems else 0)
