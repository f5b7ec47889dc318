#!/usr/bin/env bash
# Installs the Debian 12 packages Runboard needs, skipping what is present.
# Usage: build-aux/deps.sh build|test
# As root it runs apt-get; otherwise it tries `sudo -n`; failing both it
# prints the missing packages and exits 1.
set -euo pipefail

build_pkgs=(
  meson ninja-build pkg-config gcc g++ gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev
  libjson-glib-dev libyaml-dev libdouble-conversion-dev
  desktop-file-utils appstream adwaita-icon-theme fonts-cantarell
)
test_pkgs=(xvfb xauth dbus-daemon python3 python3-jsonschema)

want=("${build_pkgs[@]}")
if [ "${1:-build}" = test ]; then
  want+=("${test_pkgs[@]}")
fi

missing=()
for pkg in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing+=("$pkg") ;;
  esac
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "Runboard needs these Debian packages, and I cannot install them (not root, no sudo -n):" >&2
  echo "  apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "Installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
