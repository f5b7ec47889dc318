# Sourced by run.sh and test.sh: configure and build into $builddir.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${RUNBOARD_BUILDDIR:-$top/build}

configure_and_build() {
  if [ ! -f "$builddir/build.ninja" ]; then
    meson setup "$builddir" "$top" --werror --buildtype=debugoptimized
  fi
  meson compile -C "$builddir"
}

export_dev_env() {
  # What `meson devenv` would set, for uninstalled runs.
  export GSETTINGS_SCHEMA_DIR="$builddir/data"
  export RUNBOARD_TEMPLATE_DIR="$top/data/templates"
}
