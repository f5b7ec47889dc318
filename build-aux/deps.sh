#!/usr/bin/env bash
# Installs the Debian 12 packages Runboard needs, skipping what is present.
# Usage: build-aux/deps.sh build|test|ci|bench
#   test:  + what the test suite needs (Xvfb, D-Bus, python3-jsonschema)
#   ci:    + what .ci/run adds: curl and wrk (tests/stress), clang 14 with its
#          compiler-rt (ASan/UBSan and the libFuzzer runtime, libclang-rt-14-dev)
#   bench: + what bench/run-all.sh needs: wrk, nginx-light, hyperfine, curl, Xvfb
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
ci_pkgs=(curl wrk clang-14 clang libclang-rt-14-dev)
bench_pkgs=(curl wrk nginx-light hyperfine xvfb xauth python3 xdotool)

want=("${build_pkgs[@]}")
case "${1:-build}" in
  build) ;;
  test) want+=("${test_pkgs[@]}") ;;
  ci) want+=("${test_pkgs[@]}" "${ci_pkgs[@]}") ;;
  bench) want+=("${bench_pkgs[@]}") ;;
  *) echo "Usage: build-aux/deps.sh build|test|ci|bench" >&2; exit 2 ;;
esac

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
