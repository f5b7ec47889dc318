#!/usr/bin/env bash
# Installs what the tests need, builds with --werror and runs the whole
# suite (UI tests under a virtual X server).
#   build-aux/test.sh [meson test options, e.g. --suite core]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$top/build-aux/deps.sh" test
configure_and_build

# Keep the caller's own data folder and settings out of the tests.
unset RUNBOARD_DATA_DIR RUNBOARD_DISABLE_TELEMETRY_GENERATION || true

exec xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session -- \
  meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@"
