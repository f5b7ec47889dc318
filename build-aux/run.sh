#!/usr/bin/env bash
# Builds Runboard and opens it on the bundled sample data.
#   build-aux/run.sh [extra runboard options]
# The sample folder is created in the build directory on first use, so
# what you do in the app stays there and the source tree stays clean.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$top/build-aux/deps.sh" build
configure_and_build
export_dev_env

sample="$builddir/sample-data"
if [ ! -d "$sample" ]; then
  cp -r "$top/tests/data/sample" "$sample.tmp"
  mv "$sample.tmp" "$sample"
fi

exec "$builddir/src/app/runboard" --data-dir "$sample" "$@"
