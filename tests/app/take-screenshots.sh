#!/bin/sh
# take-screenshots.sh — renders docs/screenshots/*.png, light and dark, from
# tests/data/sample with take-screenshots under a virtual display.
#
#   tests/app/take-screenshots.sh build/tests/app/take-screenshots build docs/screenshots
#   meson compile -C build screenshots      (the same, from meson)
#
# The virtual screen is taller than usual so the New Run dialog shows its
# whole parameter form. Needs xvfb-run (package xvfb) and dbus-run-session (package dbus).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

exe=$1
build=$2
out=$3
source=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$out"
export GSETTINGS_SCHEMA_DIR="$build/data"
export GSETTINGS_BACKEND=memory
export RUNBOARD_TEMPLATE_DIR="$source/data/templates"
export RUNBOARD_DATA_DIR=
export RUNBOARD_SELECT_RUN=
export RUNBOARD_ACTIVATE=
export RUNBOARD_DISABLE_TELEMETRY_GENERATION=
export GTK_A11Y=none
export NO_AT_BRIDGE=1
export TZ=UTC
export LC_ALL=C.UTF-8
# The same renderer and fonts every time: cairo, no GL on a virtual display.
export GSK_RENDERER=cairo

for style in "" --dark; do
  xvfb-run -a -s "-screen 0 1400x1200x24" dbus-run-session -- "$exe" $style "$out"
done
